"""Status cards: one message per request, edited in place as the request moves on."""

from __future__ import annotations

from bot.views import Text, View
from core.lifecycle import GrabState
from core.store.models import ChatCard, Grab, MediaRequest, RequestStatus

BAR_CELLS = 8


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


async def remember_card(request_id: int, chat: str, message_id: str, text: str = "") -> None:
    """A frontend records the message it sent as a request's card, to edit it later."""
    await ChatCard.update_or_create(
        request_id=request_id, chat=chat, defaults={"message_id": message_id, "text": text}
    )


async def cards_of(request_id: int) -> list[ChatCard]:
    """Every message showing this request's card, in every chat."""
    return list(await ChatCard.filter(request_id=request_id).order_by("id"))
