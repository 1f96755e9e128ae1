"""Notices: turns lifecycle events into one recorded message per recipient, delivered once.

Each notice row has a unique dedupe key `{event}:{grab}:{address}`, so a replayed event (after
a restart) records nothing new. Delivery is at most once: a notice is claimed (delivered_at
set) before it is sent and released again only when the frontend says it could not deliver.
Notices to one recipient within a frontend's window go out as one message; in the household's
quiet hours the frontend is told to send silently.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core import errors
from core.events import Event, EventBus, IndexerNeedsKey
from core.messages import Ask, Text, View, words
from core.messages import Translate as Translate  # re-exported: notify's callers used it here
from core.ports import Frontend
from core.recipients import CONSOLE as CONSOLE  # re-exported, as above
from core.recipients import Account, Recipient, parse, platform_of
from core.store.models import Grab, Identity, MediaRequest, Notice, Role, Setting, Subscription

log = logging.getLogger(__name__)

QUIET_HOURS = "notify.quiet_hours"  # {"hours": "22:00-07:00"}, local time
_BASE_FIELDS = frozenset(f.name for f in dataclasses.fields(Event))
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def notice_key(event_name: str) -> str:
    """The message key of an event's notice: GrabSent -> notice.grab_sent."""
    return "notice." + _CAMEL.sub("_", event_name).lower()


def event_params(event: Event) -> dict[str, Any]:
    """The event's own values, flat: its `params` (a reason's placeholders) merged in."""
    values: dict[str, Any] = {"title": event.title}
    nested: Mapping[str, Any] = {}
    for f in dataclasses.fields(event):
        if f.name in _BASE_FIELDS:
            continue
        value = getattr(event, f.name)
        if f.name == "params":
            nested = value
        else:
            values[f.name] = list(value) if isinstance(value, tuple) else value
    return {**nested, **values}


def chat_of(platform: str, external_id: str) -> str:
    return Account(platform, external_id).address


def notice_text(text_key: str, params: Mapping[str, Any]) -> Text:
    """One notice as a line. `reason` is itself a key; `rejections` maps codes to counts."""
    values = dict(params)
    reason = values.get("reason")
    if isinstance(reason, str) and reason:
        values["reason"] = Text(reason, dict(params))
    counts = values.get("rejections")
    if isinstance(counts, Mapping):
        parts = tuple(Text(f"notice.count.{code}", {"count": n}) for code, n in counts.items())
        values["rejections"] = parts or Text("notice.nothing_found")
    return Text(text_key, values)


def render(text_key: str, params: Mapping[str, Any], translate: Translate) -> str:
    """One notice in words (history, the log)."""
    return words(notice_text(text_key, params), translate)


def parse_quiet_hours(spec: str) -> tuple[time, time]:
    """ "22:00-07:00" -> (22:00, 07:00); raises ValueError on anything else."""
    start, end = (time.fromisoformat(part.strip()) for part in spec.split("-"))
    return start, end


def is_quiet(spec: str | None, now: time) -> bool:
    """Whether `now` falls in the quiet hours; a range may wrap past midnight."""
    if not spec:
        return False
    try:
        start, end = parse_quiet_hours(spec)
    except ValueError:
        log.warning("ignoring unreadable quiet hours %r", spec)
        return False
    if start <= end:
        return start <= now < end
    return now >= start or now < end


async def quiet_hours() -> str | None:
    """The household's quiet hours ("22:00-07:00"), if set."""
    setting = await Setting.get_or_none(key=QUIET_HOURS)
    value = setting.value if setting is not None else None
    hours = value.get("hours") if isinstance(value, dict) else value
    return hours if isinstance(hours, str) else None


class LogFrontend:
    """The console frontend of `outpost run`: writes each message to the log."""

    def __init__(self, platform: str = CONSOLE, translate: Translate | None = None) -> None:
        self.platform = platform
        self._translate = translate

    async def send(self, to: Recipient, view: View) -> str:
        for line in view.lines:
            if self._translate is None:
                log.info("notice to %s: %s %s", to.address, line.key, dict(line.params))
            else:
                log.info("notice to %s: %s", to.address, words(line, self._translate))
        return ""

    async def edit(self, to: Recipient, message_id: str, view: View) -> None:
        await self.send(to, view)

    async def delete(self, to: Recipient, message_id: str) -> None:
        return None

    async def answer(self, tap_id: str, alert: Text | None = None) -> None:
        return None

    async def ask_private(self, to: Account, prompt: View, ask: Ask) -> None:
        raise errors.UserError("the log cannot be asked", key="secret.private_only")


@dataclass(frozen=True, slots=True)
class Addressee:
    chat: str  # the recipient's address
    person_id: int | None


def history_json(notices: list[Notice]) -> dict[str, Any]:
    """The shape `outpost history --json` prints; `person` must be fetched (see `history`)."""
    return {
        "notices": [
            {
                "event": n.event,
                "title": n.title,
                "person": n.person.name if n.person is not None else None,
                "at": n.created_at.isoformat(),
            }
            for n in notices
        ]
    }


@dataclass
class _Batch:
    done: asyncio.Future[None]
    lines: list[Text] = field(default_factory=list)


class Outbox:
    """Messages to one address within `window` seconds go out as one (a batch finishing
    together); each `send` returns once that message is delivered, or raises the typed error
    for every line in it."""

    def __init__(self, frontend: Frontend, window: float, silent: Callable[[], Any]) -> None:
        self.frontend = frontend
        self._window = window
        self._silent = silent
        self._batches: dict[str, _Batch] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def send(self, address: str, line: Text) -> None:
        batch = self._batches.get(address)
        if batch is None:
            batch = self._batches[address] = _Batch(asyncio.get_running_loop().create_future())
            task = asyncio.create_task(self._flush_later(address, batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        batch.lines.append(line)
        await asyncio.shield(batch.done)

    async def aclose(self) -> None:
        """Deliver what is waiting now instead of after the window."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _flush_later(self, address: str, batch: _Batch) -> None:
        try:
            await asyncio.sleep(self._window)
        finally:
            self._batches.pop(address, None)
            await self._settle(address, batch)

    async def _settle(self, address: str, batch: _Batch) -> None:
        try:
            silent = bool(await self._silent())
            await self.frontend.send(parse(address), View(tuple(batch.lines), silent=silent))
        except Exception as err:  # typed ones are retried by the service; others surface
            batch.done.set_exception(err)
            batch.done.exception()  # retrieved here, so an unawaited failure is not reported
        else:
            batch.done.set_result(None)


class NotificationService:
    """Records notices for the requester and the subscribed chats, and delivers them through
    the frontend of each recipient's platform."""

    def __init__(
        self,
        bus: EventBus,
        frontends: Mapping[str, Frontend],
        *,
        max_attempts: int = 20,
        clock: Callable[[], time] | None = None,
    ) -> None:
        self._bus = bus
        self._clock = clock or (lambda: datetime.now().time())
        self._outboxes: dict[str, Outbox] = {}
        for platform, frontend in frontends.items():
            self._outboxes[platform] = Outbox(frontend, 0.0, self.quiet)
        self._max_attempts = max_attempts

    def add_frontend(self, frontend: Frontend, *, window: float = 0.0) -> None:
        """Deliver to addresses of `frontend.platform` through it, merging what one recipient
        is told within `window` seconds; chat frontends start after this."""
        self._outboxes[frontend.platform] = Outbox(frontend, window, self.quiet)

    async def remove_frontend(self, platform: str) -> None:
        """Deliver what waits now; later notices for the platform wait for its return."""
        outbox = self._outboxes.pop(platform, None)
        if outbox is not None:
            await outbox.aclose()

    async def quiet(self) -> bool:
        """Whether now is in the household's quiet hours."""
        return is_quiet(await quiet_hours(), self._clock())

    def subscribe(self) -> None:
        """Listen to every event on the bus (subclasses of Event included)."""
        self._bus.subscribe(Event, self.on_event)

    async def on_event(self, event: Event) -> None:
        recipients = await self.recipients(event)
        recorded = [await self._record(event, r) for r in recipients]
        for notice in recorded:
            if notice is not None:
                await self._deliver(notice)

    async def recipients(self, event: Event) -> list[Addressee]:
        """The requester's accounts first, then every matching subscription; one per address.
        What an admin must fix goes to the admins."""
        if isinstance(event, IndexerNeedsKey):
            return await _admins()
        request = None
        if event.request_id is not None:
            request = await MediaRequest.get_or_none(id=event.request_id)
        person_id = event.person_id or (request.person_id if request is not None else None)  # type: ignore[attr-defined]
        found = await _requester(person_id) + await _subscribers(request)
        unique: dict[str, Addressee] = {}
        for recipient in found:
            unique.setdefault(recipient.chat, recipient)
        return list(unique.values())

    async def retry_pending(self) -> int:
        """Try every undelivered notice again; returns how many went out."""
        pending = await Notice.filter(
            delivered_at__isnull=True, attempts__lt=self._max_attempts
        ).order_by("id")
        delivered = 0
        for notice in pending:
            delivered += await self._deliver(notice)
        return delivered

    async def history(self, limit: int = 50) -> list[Notice]:
        """Newest first, with `person` fetched for `history_json`."""
        query = Notice.all().order_by("-created_at", "-id").limit(limit)
        return await query.prefetch_related("person")

    async def _record(self, event: Event, recipient: Addressee) -> Notice | None:
        grab_id = event.grab_id if await Grab.exists(id=event.grab_id) else None
        try:
            return await Notice.create(
                dedupe_key=f"{event.dedupe}:{recipient.chat}"[:255],
                event=event.name,
                title=event.title[:1024],
                chat=recipient.chat,
                person_id=recipient.person_id,
                grab_id=grab_id,
                params=event_params(event),
            )
        except IntegrityError:
            return None  # told already: this event is a replay

    async def _deliver(self, notice: Notice) -> bool:
        outbox = self._outboxes.get(platform_of(notice.chat))
        if outbox is None:
            return False  # its frontend is not configured (yet): the notice waits
        claimed = await Notice.filter(id=notice.id, delivered_at__isnull=True).update(
            delivered_at=datetime.now(UTC)
        )
        if not claimed:
            return False  # delivered meanwhile by another path
        try:
            await outbox.send(notice.chat, notice_text(notice_key(notice.event), notice.params))
        except errors.OutpostError as err:
            await self._release(notice, err)
            return False
        return True

    async def _release(self, notice: Notice, err: errors.OutpostError) -> None:
        """Unclaim after a failed send; an error that retrying cannot fix ends the attempts."""
        log.warning("notice %s to %s not delivered: %s", notice.id, notice.chat, err)
        attempts = F("attempts") + 1 if err.retryable else self._max_attempts
        await Notice.filter(id=notice.id).update(delivered_at=None, attempts=attempts)


async def _requester(person_id: int | None) -> list[Addressee]:
    if person_id is None:
        return []
    identities = await Identity.filter(person_id=person_id).order_by("id")
    chats = [chat_of(i.platform, i.external_id) for i in identities] or [CONSOLE]
    return [Addressee(chat, person_id) for chat in chats]


async def _admins() -> list[Addressee]:
    rows = await Identity.filter(person__role=Role.ADMIN).order_by("id")
    found = [Addressee(chat_of(i.platform, i.external_id), i.person_id) for i in rows]  # type: ignore[attr-defined]
    return found or [Addressee(CONSOLE, None)]


async def _subscribers(request: MediaRequest | None) -> list[Addressee]:
    subs = list(await Subscription.filter(scope="household").order_by("id"))
    if request is not None and request.provider and request.provider_id:
        media_key = f"{request.provider}:{request.provider_id}"
        subs += await Subscription.filter(scope="title", media_key=media_key).order_by("id")
    return [Addressee(s.chat, s.person_id) for s in subs]  # type: ignore[attr-defined]
