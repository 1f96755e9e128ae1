"""/queue: each download with a progress bar, state and ETA, and Pause / Resume / Remove."""

from __future__ import annotations

from bot.conversation import tokens
from bot.conversation.cards import bar, eta_text, percent
from bot.conversation.context import Ctx, line, say
from bot.views import Button, Reply, View
from core.lifecycle import FINAL
from core.services.control import DownloadControl
from core.services.queue import QueueItem
from core.store.models import Grab, MediaRequest

SHOWN = 10


async def may_remove(ctx: Ctx, grab: Grab) -> bool:
    """Admins, and the person who asked for it."""
    if ctx.member.admin:
        return True
    request_id = grab.request_id  # type: ignore[attr-defined]
    if request_id is None:
        return False
    return await MediaRequest.exists(id=request_id, person_id=ctx.person.id)


async def queue(ctx: Ctx, args: str) -> list[Reply]:
    view = await (await ctx.app.queue()).view()
    replies = [r for name in view.failures for r in say(line("queue.client_down", name=name))]
    active = [i for i in view.items if i.state not in FINAL]
    if not active:
        return [*replies, *say(line("queue.empty"))]
    replies += say(line("queue.header", count=len(active)))
    for item in active[-SHOWN:]:
        replies.append(Reply(await _item_view(ctx, item)))
    return replies


async def _item_view(ctx: Ctx, item: QueueItem) -> View:
    grab_id = int(item.ref.removeprefix("g"))
    lines = [
        line("queue.name", name=item.name),
        line(
            "queue.progress",
            bar=bar(item.progress),
            percent=percent(item.progress),
            state=ctx.say(f"state.{item.state}"),
        ),
    ]
    if eta := eta_text(item.eta):
        lines.append(line("queue.eta", eta=eta))
    payload = {"grab": grab_id}
    buttons: list[Button] = [
        await ctx.button("button.pause", "pause", payload),
        await ctx.button("button.resume", "resume", payload),
    ]
    grab = await Grab.get(id=grab_id)
    if await may_remove(ctx, grab):
        buttons.append(await ctx.button("button.remove", "remove", payload))
    return View(tuple(lines), (tuple(buttons),))


async def control(ctx: Ctx, tap: tokens.Tap) -> list[Reply]:
    """Pause, resume or remove one download, through the client that has it."""
    grab = await Grab.get_or_none(id=int(tap.payload.get("grab", 0)))
    if grab is None:
        return say(line("queue.gone"), edit=True)
    if tap.action == "remove" and not await may_remove(ctx, grab):
        return say(line("queue.remove_refused"))
    act = DownloadControl(await ctx.app.clients())
    if tap.action == "pause":
        await act.pause(grab.id)
    elif tap.action == "resume":
        await act.resume(grab.id)
    else:
        await act.remove(grab.id)
    return say(line(f"queue.{tap.action}d", name=grab.title), edit=True)
