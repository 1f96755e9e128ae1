"""/status (every integration's health, in words) and /history (the last notices)."""

from __future__ import annotations

from bot.conversation.context import Ctx, line, say
from bot.views import Reply, Text
from core.services.health import Health
from core.services.notify import notice_key, render

HISTORY = 10


def _health_line(ctx: Ctx, health: Health) -> Text:
    kind = ctx.say(f"category.{health.category.value}")
    if health.error is None:
        return line("status.ok", name=health.name, category=kind)
    reason = ctx.say(health.error.key, **health.error.params)
    return line("status.failed", name=health.name, category=kind, reason=reason)


async def status(ctx: Ctx, args: str) -> list[Reply]:
    found = await ctx.services.health()
    if not found:
        return say(line("status.nothing"))
    lines = [line("status.header")]
    lines += [_health_line(ctx, health) for health in found]
    lines += await _stats_lines(ctx)
    return say(*lines)


async def _stats_lines(ctx: Ctx) -> list[Text]:
    """Prowlarr's counts per indexer, when one is set up (its failure is in the health)."""
    if ctx.services.indexer_stats is None:
        return []
    return [
        line(
            "status.indexer_stats",
            name=name,
            queries=s.queries,
            grabs=s.grabs,
            failures=s.failures,
            average_ms=s.average_ms,
        )
        for manager in await ctx.services.indexer_stats()
        for name, s in manager.indexers
    ]


async def history(ctx: Ctx, args: str) -> list[Reply]:
    notices = await ctx.services.notices.history(HISTORY)
    if not notices:
        return say(line("history.empty"))
    lines = [line("history.header")]
    for notice in notices:
        text = render(notice_key(notice.event), notice.params, ctx.say)
        when = notice.created_at.strftime("%d.%m. %H:%M")
        lines.append(line("history.line", when=when, text=text))
    return say(*lines)
