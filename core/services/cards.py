"""Status cards: one message per request and chat, edited in place as the request moves on.

The card's view is written here; a frontend sends it and records the message (`remember`), and
the keeper edits every recorded card through the Frontend port when its request changes.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping

from core import errors
from core.events import Event, EventBus
from core.lifecycle import FINAL, GrabState
from core.messages import Text, View
from core.ports import Frontend
from core.recipients import parse, platform_of
from core.store.models import ChatCard, Grab, MediaRequest, RequestStatus

log = logging.getLogger(__name__)

BAR_CELLS = 8
# Grab states whose card still moves on its own (progress), so it is refreshed periodically.
MOVING = tuple(state.value for state in GrabState if state not in FINAL)


def bar(progress: float) -> str:
    """▓▓▓░░░░░ for 0.0 .. 1.0."""
    full = max(0, min(BAR_CELLS, round(progress * BAR_CELLS)))
    return "▓" * full + "░" * (BAR_CELLS - full)


def percent(progress: float) -> int:
    return max(0, min(100, int(progress * 100)))


def eta_text(seconds: int | None) -> str:
    """ "1 h 5 min", "12 min", "" when unknown."""
    if seconds is None or seconds < 0:
        return ""
    hours, minutes = divmod(max(1, round(seconds / 60)), 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


async def card_view(request_id: int) -> View | None:
    """The current card of a request; None once the request is gone."""
    request = await MediaRequest.get_or_none(id=request_id)
    if request is None:
        return None
    grabs = await Grab.filter(request_id=request_id).order_by("id")
    heading = "card.title_year" if request.year else "card.title"
    lines = [Text(heading, {"title": request.title, "year": request.year})]
    lines += _status(request, grabs)
    return View(tuple(lines), card=request_id)


def _status(request: MediaRequest, grabs: list[Grab]) -> list[Text]:
    if request.awaiting_approval:
        return [Text("card.awaiting_approval")]
    if request.status == RequestStatus.CANCELLED and not grabs:
        return [Text("card.declined")]
    if not grabs:
        failed = request.status == RequestStatus.FAILED
        return [Text("card.grab_failed" if failed else "card.searching")]
    latest = grabs[-1]
    lines = _grab_lines(latest)
    earlier = [g for g in grabs[:-1] if g.state == GrabState.FAILED]
    if earlier and latest.state != GrabState.FAILED:
        # why the first choice was dropped, then what replaced it
        old = earlier[-1]
        lines = [Text("card.replaced", {"old": old.title}), _reason(old), *lines]
    return lines


def _reason(grab: Grab) -> Text:
    return Text(grab.failure or "failure.unknown")


_STATE_KEYS = {
    GrabState.GRABBED.value: "card.grabbed",
    GrabState.STALLED.value: "card.stalled",
    GrabState.COMPLETED.value: "card.importing",
    GrabState.IMPORTING.value: "card.importing",
    GrabState.IMPORTED.value: "card.ready",
    GrabState.REMOVED.value: "card.removed",
}


def _grab_lines(grab: Grab) -> list[Text]:
    if grab.state == GrabState.DOWNLOADING:
        params = {"bar": bar(grab.progress), "percent": percent(grab.progress)}
        lines = [Text("card.downloading", params)]
        if eta := eta_text(grab.eta):
            lines.append(Text("queue.eta", {"eta": eta}))
        return lines
    if grab.state == GrabState.FAILED:
        return [Text("card.failed", {"title": grab.title}), _reason(grab)]
    key = _STATE_KEYS.get(grab.state, "card.grabbed")
    return [Text(key, {"title": grab.title, "client": grab.client})]


async def remember(request_id: int, address: str, message_id: str, view: View) -> None:
    """This message now shows that request's card at that address (one card per address)."""
    await ChatCard.update_or_create(
        request_id=request_id,
        chat=address,
        defaults={"message_id": message_id, "text": view.fingerprint()},
    )


async def cards_of(request_id: int) -> list[ChatCard]:
    """Every message showing this request's card, at every address."""
    return list(await ChatCard.filter(request_id=request_id).order_by("id"))


class CardKeeper:
    """Keeps recorded cards current: on every lifecycle event of their request, and every
    `interval` seconds while a download is under way; edits go through each card's frontend."""

    def __init__(
        self,
        bus: EventBus,
        *,
        interval: float = 10.0,
        view_of: Callable[[int], Awaitable[View | None]] = card_view,
    ) -> None:
        self._bus = bus
        self._view_of = view_of
        self._interval = interval
        self._frontends: dict[str, Frontend] = {}
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._subscribed = False

    def add_frontend(self, frontend: Frontend) -> None:
        """Keep the cards at this frontend's addresses (the first one starts listening)."""
        self._frontends[frontend.platform] = frontend
        if not self._subscribed:  # the bus has no unsubscribe: a removed frontend is skipped
            self._bus.subscribe(Event, self.on_event)
            self._subscribed = True

    def remove_frontend(self, platform: str) -> None:
        self._frontends.pop(platform, None)

    async def on_event(self, event: Event) -> None:
        if self._frontends and event.request_id is not None:
            await self.refresh(event.request_id)

    async def refresh(self, request_id: int) -> int:
        """Edit every card of the request whose view changed; returns how many were edited."""
        async with self._locks[request_id]:
            view = await self._view_of(request_id)
            if view is None:
                return 0
            edited = 0
            for card in await cards_of(request_id):
                edited += await self._edit(card, view, self._frontends)
            return edited

    @staticmethod
    async def _edit(card: ChatCard, view: View, frontends: Mapping[str, Frontend]) -> int:
        frontend = frontends.get(platform_of(card.chat))
        if frontend is None or view.fingerprint() == card.text:
            return 0
        try:
            await frontend.edit(parse(card.chat), card.message_id, view)
        except errors.OutpostError as err:
            log.warning("card %s at %s not edited: %s", card.id, card.chat, err)
            return 0
        card.text = view.fingerprint()
        await card.save(update_fields=["text", "updated_at"])
        return 1

    async def run(self) -> None:
        """Refresh the cards of downloads under way until cancelled."""
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.refresh_moving()
            except Exception:
                log.exception("refreshing status cards failed")

    async def refresh_moving(self) -> int:
        ids = await Grab.filter(state__in=MOVING, request_id__isnull=False).values_list(
            "request_id", flat=True
        )
        carded = await ChatCard.filter(request_id__in=set(ids)).values_list("request_id", flat=True)
        edited = 0
        for request_id in sorted({int(str(r)) for r in carded}):
            edited += await self.refresh(request_id)
        return edited
