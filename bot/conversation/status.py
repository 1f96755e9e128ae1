"""/status (every integration's health, in words) and /history (the last notices)."""

from __future__ import annotations

from bot.conversation.context import Ctx, line, say
from bot.views import Reply, Text
from core import errors
from core.services.health import Health, check
from core.services.notify import notice_key, render
from core.store.integrations import list_integrations
from core.store.models import Integration

HISTORY = 10


async def _health(ctx: Ctx, row: Integration) -> Health:
    try:
        adapter = ctx.app.build(row)
    except errors.OutpostError as err:
        return Health(row.name, row.category, err)
    return await check(row.name, row.category, adapter)


def _health_line(ctx: Ctx, health: Health) -> Text:
    kind = ctx.say(f"category.{health.category.value}")
    if health.error is None:
        return line("status.ok", name=health.name, category=kind)
    reason = ctx.say(health.error.key, **health.error.params)
    return line("status.failed", name=health.name, category=kind, reason=reason)


async def status(ctx: Ctx, args: str) -> list[Reply]:
    rows = [row for row in await list_integrations() if row.enabled]
    if not rows:
        return say(line("status.nothing"))
    lines = [line("status.header")]
    lines += [_health_line(ctx, await _health(ctx, row)) for row in rows]
    return say(*lines)


async def history(ctx: Ctx, args: str) -> list[Reply]:
    notices = await ctx.app.notices.history(HISTORY)
    if not notices:
        return say(line("history.empty"))
    lines = [line("history.header")]
    for notice in notices:
        text = render(notice_key(notice.event), notice.params, ctx.say)
        when = notice.created_at.strftime("%d.%m. %H:%M")
        lines.append(line("history.line", when=when, text=text))
    return say(*lines)
