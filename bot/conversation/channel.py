"""Household-wide notice settings, for admins: the household chat and quiet hours."""

from __future__ import annotations

import re

from bot.conversation.context import Ctx, line, say
from bot.views import Reply
from core.store.models import Setting, Subscription

QUIET_HOURS = "notify.quiet_hours"  # {"hours": "22:00-07:00"}, local time; frontends read it
_RANGE = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d)")


async def household_chat(ctx: Ctx, args: str) -> list[Reply]:
    """/household: this chat hears every notice (say it again to stop)."""
    if not ctx.member.admin:
        return say(line("household.admins_only"))
    found = await Subscription.filter(scope="household", chat=ctx.chat).first()
    if found is not None:
        await found.delete()
        return say(line("household.off"))
    await Subscription.create(person=ctx.person, chat=ctx.chat, scope="household")
    return say(line("household.on"))


async def quiet_hours(ctx: Ctx, args: str) -> list[Reply]:
    """/quiet 22:00-07:00 sends notices silently in that range; /quiet off ends it."""
    if not ctx.member.admin:
        return say(line("household.admins_only"))
    spec = args.strip().replace(" ", "")
    if spec.lower() == "off":
        await Setting.filter(key=QUIET_HOURS).delete()
        return say(line("quiet.off"))
    if not _RANGE.fullmatch(spec):
        return say(line("quiet.usage"))
    await Setting.update_or_create({"value": {"hours": spec}}, key=QUIET_HOURS)
    return say(line("quiet.on", hours=spec))
