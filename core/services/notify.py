"""Notices: turns lifecycle events into one recorded message per recipient chat, delivered once.

Each notice row has a unique dedupe key `{event}:{grab}:{chat}`, so a replayed event (after a
restart) records nothing new. Delivery is at most once: a notice is claimed (delivered_at set)
before it is sent and released again only when the frontend says it could not deliver.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core import errors
from core.events import Event, EventBus
from core.ports import Notifier
from core.store.models import Grab, Identity, MediaRequest, Notice, Subscription

log = logging.getLogger(__name__)

CONSOLE = "console"
_BASE_FIELDS = frozenset(f.name for f in dataclasses.fields(Event))
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")

Translate = Callable[..., str]  # translate(key, **params) -> text, e.g. bot.i18n.t in a language


def notice_key(event_name: str) -> str:
    """The message key of an event's notice: GrabSent -> notice.grab_sent."""
    return "notice." + _CAMEL.sub("_", event_name).lower()


def event_params(event: Event) -> dict[str, Any]:
    """The event's own values, flat: its `params` (a reason's placeholders) merged in."""
    values: dict[str, Any] = {"title": event.title}
    nested: Mapping[str, Any] = {}
    for field in dataclasses.fields(event):
        if field.name in _BASE_FIELDS:
            continue
        value = getattr(event, field.name)
        if field.name == "params":
            nested = value
        else:
            values[field.name] = list(value) if isinstance(value, tuple) else value
    return {**nested, **values}


def chat_of(platform: str, external_id: str) -> str:
    return CONSOLE if platform == CONSOLE else f"{platform}:{external_id}"


def platform_of(chat: str) -> str:
    return chat.split(":", 1)[0]


def render(text_key: str, params: Mapping[str, Any], translate: Translate) -> str:
    """One notice in words. `reason` is itself a key; `rejections` maps codes to counts."""
    values = dict(params)
    reason = values.get("reason")
    if isinstance(reason, str) and reason:
        values["reason"] = translate(reason, **params)
    counts = values.get("rejections")
    if isinstance(counts, Mapping):
        parts = [translate(f"notice.count.{code}", count=n) for code, n in counts.items()]
        values["rejections"] = ", ".join(parts) or translate("notice.nothing_found")
    return translate(text_key, **values)


class LogNotifier:
    """The console frontend: writes each notice to the log (what `outpost run` shows)."""

    def __init__(self, name: str = CONSOLE, translate: Translate | None = None) -> None:
        self.name = name
        self._translate = translate

    async def send(self, chat: str, text_key: str, params: Mapping[str, Any]) -> None:
        if self._translate is None:
            log.info("notice to %s: %s %s", chat, text_key, dict(params))
        else:
            log.info("notice to %s: %s", chat, render(text_key, params, self._translate))


@dataclass(frozen=True, slots=True)
class Recipient:
    chat: str
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


class NotificationService:
    """Records notices for the requester and the subscribed chats, and delivers them."""

    def __init__(
        self, bus: EventBus, notifiers: Mapping[str, Notifier], *, max_attempts: int = 20
    ) -> None:
        self._bus = bus
        self._notifiers = dict(notifiers)
        self._max_attempts = max_attempts

    def add_notifier(self, notifier: Notifier) -> None:
        """Deliver to chats of `notifier.name` through it; chat frontends start after this."""
        self._notifiers[notifier.name] = notifier

    def subscribe(self) -> None:
        """Listen to every event on the bus (subclasses of Event included)."""
        self._bus.subscribe(Event, self.on_event)

    async def on_event(self, event: Event) -> None:
        recipients = await self.recipients(event)
        recorded = [await self._record(event, r) for r in recipients]
        for notice in recorded:
            if notice is not None:
                await self._deliver(notice)

    async def recipients(self, event: Event) -> list[Recipient]:
        """The requester's chats first, then every matching subscription; one per chat."""
        request = None
        if event.request_id is not None:
            request = await MediaRequest.get_or_none(id=event.request_id)
        person_id = event.person_id or (request.person_id if request is not None else None)  # type: ignore[attr-defined]
        found = await _requester(person_id) + await _subscribers(request)
        unique: dict[str, Recipient] = {}
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

    async def _record(self, event: Event, recipient: Recipient) -> Notice | None:
        grab_id = event.grab_id if await Grab.exists(id=event.grab_id) else None
        try:
            return await Notice.create(
                dedupe_key=f"{event.name}:{event.grab_id}:{recipient.chat}"[:255],
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
        notifier = self._notifiers.get(platform_of(notice.chat))
        if notifier is None:
            return False  # its frontend is not configured (yet): the notice waits
        claimed = await Notice.filter(id=notice.id, delivered_at__isnull=True).update(
            delivered_at=datetime.now(UTC)
        )
        if not claimed:
            return False  # delivered meanwhile by another path
        try:
            await notifier.send(notice.chat, notice_key(notice.event), notice.params)
        except errors.OutpostError as err:
            await self._release(notice, err)
            return False
        return True

    async def _release(self, notice: Notice, err: errors.OutpostError) -> None:
        """Unclaim after a failed send; an error that retrying cannot fix ends the attempts."""
        log.warning("notice %s to %s not delivered: %s", notice.id, notice.chat, err)
        attempts = F("attempts") + 1 if err.retryable else self._max_attempts
        await Notice.filter(id=notice.id).update(delivered_at=None, attempts=attempts)


async def _requester(person_id: int | None) -> list[Recipient]:
    if person_id is None:
        return []
    identities = await Identity.filter(person_id=person_id).order_by("id")
    chats = [chat_of(i.platform, i.external_id) for i in identities] or [CONSOLE]
    return [Recipient(chat, person_id) for chat in chats]


async def _subscribers(request: MediaRequest | None) -> list[Recipient]:
    subs = list(await Subscription.filter(scope="household").order_by("id"))
    if request is not None and request.provider and request.provider_id:
        media_key = f"{request.provider}:{request.provider_id}"
        subs += await Subscription.filter(scope="title", media_key=media_key).order_by("id")
    return [Recipient(s.chat, s.person_id) for s in subs]  # type: ignore[attr-defined]
