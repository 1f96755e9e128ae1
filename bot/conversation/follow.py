"""/follow: the chat hears when a title is grabbed, fails or is ready."""

from __future__ import annotations

from typing import Any

from bot.conversation import tokens
from bot.conversation.context import Ctx, line, say
from bot.views import Reply
from bot.wording import split_year
from core.domain import MediaKind


async def subscribe(ctx: Ctx, media: dict[str, Any]) -> list[Reply]:
    key = f"{media['provider']}:{media['id']}"
    created = await ctx.services.household.follow(ctx.person, ctx.chat, key)
    done = "follow.done" if created else "follow.already"
    return say(line(done, title=media["title"]))


async def follow(ctx: Ctx, args: str) -> list[Reply]:
    """/follow QUERY: the best-known movie or series of that name."""
    if not args.strip():
        return say(line("follow.usage"))
    title, year = split_year(args)
    kinds = (MediaKind.MOVIE, MediaKind.SERIES)
    found = await (await ctx.services.metadata()).search(title, kinds, year=year)
    if not found.media:
        return say(line("search.none", query=args.strip()))
    best = found.media[0]
    return await subscribe(
        ctx, {"provider": best.provider, "id": best.provider_id, "title": best.title}
    )


async def follow_tap(ctx: Ctx, tap: tokens.Tap) -> list[Reply]:
    return await subscribe(ctx, tap.payload["media"])
