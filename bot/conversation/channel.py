"""Household-wide notice settings, for admins: the household chat and quiet hours."""

from __future__ import annotations

from bot.conversation.context import Ctx, line, say
from bot.views import Reply


async def household_chat(ctx: Ctx, args: str) -> list[Reply]:
    """/household: this chat hears every notice (say it again to stop)."""
    if not ctx.member.admin:
        return say(line("household.admins_only"))
    on = await ctx.services.household.toggle_household_chat(ctx.person, ctx.chat)
    return say(line("household.on" if on else "household.off"))


async def quiet_hours(ctx: Ctx, args: str) -> list[Reply]:
    """/quiet 22:00-07:00 sends notices silently in that range; /quiet off ends it."""
    if not ctx.member.admin:
        return say(line("household.admins_only"))
    spec = args.strip()
    if spec.replace(" ", "").lower() == "off":
        await ctx.services.household.set_quiet_hours(None)
        return say(line("quiet.off"))
    hours = await ctx.services.household.set_quiet_hours(spec)
    return say(line("quiet.on", hours=hours))
