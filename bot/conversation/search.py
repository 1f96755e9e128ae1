"""Title search: /search and the kind commands, one title per message, paged by buttons."""

from __future__ import annotations

from typing import Any

from bot.conversation import tokens
from bot.conversation.context import Ctx, line, say
from bot.views import Button, Reply, View
from bot.wording import split_year
from core import errors
from core.credits import about_json
from core.domain import Media, MediaKind

KINDS: dict[str, tuple[MediaKind, ...]] = {
    "search": (MediaKind.MOVIE, MediaKind.SERIES),
    "movie": (MediaKind.MOVIE,),
    "tv": (MediaKind.SERIES,),
    "music": (MediaKind.MUSIC,),
    "book": (MediaKind.BOOK,),
    "audiobook": (MediaKind.AUDIOBOOK,),
    "anime": (MediaKind.ANIME,),
}
MAX_RESULTS = 10
LONG_LIST = 5  # more results than this: every title is also offered as a choice (a menu)
NO_CATALOGUE = ("error.no_provider", "error.no_catalogue")  # offered a search by name instead
OVERVIEW_CHARS = 300


def cut(text: str, limit: int = OVERVIEW_CHARS) -> str:
    """At most `limit` characters, cut at a word, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def media_json(media: Media) -> dict[str, Any]:
    """What a button needs of a title, small enough to keep with its token."""
    return {
        "kind": media.kind.value,
        "title": media.title,
        "year": media.year,
        "provider": media.provider,
        "id": media.provider_id,
        "overview": cut(media.overview),
        "poster": media.poster_url,
        **about_json(media),
    }


async def search(ctx: Ctx, command: str, args: str) -> list[Reply]:
    query = args.strip()
    if not query:
        return say(line("search.usage", command=command))
    title, year = split_year(query)
    kinds = KINDS[command]
    try:
        found = await (await ctx.services.metadata()).search(title, kinds, year=year)
    except errors.UserError as err:
        if err.key not in NO_CATALOGUE:
            raise
        return await _no_provider(ctx, kinds[0], title, year)
    problems = [line("search.provider_failed", name=n) for n in found.failures]
    if not found.media:
        return say(*problems, line("search.none", query=query))
    items = [media_json(m) for m in found.media[:MAX_RESULTS]]
    results = await tokens.issue(ctx.person, ctx.chat, "results", {"items": items})
    return [Reply(await page_view(ctx, results, items, 0))]


async def _no_provider(ctx: Ctx, kind: MediaKind, title: str, year: int | None) -> list[Reply]:
    """No title catalogue for this kind: offer a search for releases by name instead."""
    media = {"kind": kind.value, "title": title, "year": year, "provider": None, "id": None}
    button = await ctx.button("button.search_releases", "choose", {"media": media})
    kind_name = ctx.say(f"kind.{kind.value}")
    view = View((line("search.no_provider", kind=kind_name, title=title),), ((button,),))
    return [Reply(view)]


async def page_view(ctx: Ctx, results: str, items: list[dict[str, Any]], page: int) -> View:
    """One title of a result list, with Grab best, Choose release, paging and Follow."""
    media = items[page]
    heading = "search.title_year" if media.get("year") else "search.title"
    lines = [line(heading, title=media["title"], year=media.get("year"))]
    if media.get("overview"):
        lines.append(line("search.overview", overview=media["overview"]))
    lines.append(line("search.page", page=page + 1, pages=len(items)))
    acts = (
        await ctx.button("button.grab_best", "grab_best", {"media": media}),
        await ctx.button("button.choose", "choose", {"media": media}),
    )
    nav: list[Button] = []
    if page > 0:
        nav.append(await ctx.button("button.prev", "page", {"results": results, "page": page - 1}))
    if page + 1 < len(items):
        nav.append(await ctx.button("button.next", "page", {"results": results, "page": page + 1}))
    if media.get("provider") and media.get("id"):
        nav.append(await ctx.button("button.follow", "follow", {"media": media}))
    rows = (acts, tuple(nav)) if nav else (acts,)
    choices: list[Button] = []
    if len(items) > LONG_LIST:  # a long list: jump to any title, not only the next
        for index, item in enumerate(items):
            key = "search.title_year" if item.get("year") else "search.title"
            payload = {"results": results, "page": index}
            choices.append(
                await ctx.button(key, "page", payload, title=item["title"], year=item.get("year"))
            )
    return View(tuple(lines), rows, photo=media.get("poster"), choices=tuple(choices))


async def turn_page(ctx: Ctx, tap: tokens.Tap) -> list[Reply]:
    """◀ / ▶: the same message shows another title of the list."""
    stored = await tokens.payload_of(str(tap.payload.get("results", "")))
    items = (stored or {}).get("items") or []
    page = int(tap.payload.get("page", 0))
    if not 0 <= page < len(items):
        return say(line("tap.expired"), edit=True)
    return [Reply(await page_view(ctx, tap.payload["results"], items, page), edit=True)]
