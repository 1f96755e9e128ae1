"""/queue: each download with a progress bar, state and ETA, and Pause / Resume / Remove."""

from __future__ import annotations

from bot.conversation import tokens
from bot.conversation.cards import bar, eta_text, percent
from bot.conversation.context import Ctx, line, say
from bot.views import Button, Reply, View
from core.lifecycle import FINAL
from core.services.queue import QueueItem

SHOWN = 10


async def queue(ctx: Ctx, args: str) -> list[Reply]:
    view = await (await ctx.services.queue()).view()
    replies = [r for name in view.failures for r in say(line("queue.client_down", name=name))]
    # an imported grab that still owes a private tracker its seed time is still the household's
    active = [i for i in view.items if i.state not in FINAL or _seeding(i)]
    if not active:
        return [*replies, *say(line("queue.empty"))]
    replies += say(line("queue.header", count=len(active)))
    for item in active[-SHOWN:]:
        replies.append(Reply(await _item_view(ctx, item)))
    return replies


def _seeding(item: QueueItem) -> bool:
    return item.seed_left is not None and item.state != "removed"


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
    if seed := eta_text(item.seed_left):
        lines.append(line("queue.seed_left", time=seed))
    payload = {"grab": grab_id}
    buttons: list[Button] = [
        await ctx.button("button.pause", "pause", payload),
        await ctx.button("button.resume", "resume", payload),
    ]
    if await ctx.services.requests.may_remove(ctx.person, grab_id):
        buttons.append(await ctx.button("button.remove", "remove", payload))
    return View(tuple(lines), (tuple(buttons),))


async def control(ctx: Ctx, tap: tokens.Tap) -> list[Reply]:
    """Pause, resume or remove one download, through the client that has it."""
    grab_id = int(tap.payload.get("grab", 0))
    done = await ctx.services.requests.control(ctx.person, tap.action, grab_id)
    if done.gone:
        return say(line("queue.gone"), edit=True)
    if done.refused:
        return say(line("queue.remove_refused"))
    return say(line(f"queue.{tap.action}d", name=done.title), edit=True)
