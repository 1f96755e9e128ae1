"""AniList wire shapes to domain types: pure functions, tolerant of missing or ill-typed fields."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from core import errors
from core.domain import Credit, Episode, Media, MediaDetails, MediaKind, Season

SERVICE = "anilist"
MAX_TEXT = 512  # a hostile peer must not bloat cards
MAX_OVERVIEW = 4000
MAX_EPISODES = 5000  # One Piece is past 1100; anything far beyond is not an episode count
ID = re.compile(r"^[0-9]{1,10}$")
_TAG = re.compile(r"<[^>]{0,200}>")
# Covers and banners are served from AniList's CDN over https; nothing else becomes a URL.
_IMAGE = re.compile(r"^https://[A-Za-z0-9.-]+\.anilist\.co/[A-Za-z0-9/._-]{1,300}$")
_SEASONS = {"WINTER": "Winter", "SPRING": "Spring", "SUMMER": "Summer", "FALL": "Fall"}


def reject(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def cache_key(document: str, variables: Mapping[str, Any]) -> str:
    """One entry per document and variables; the document is hashed, it is long."""
    digest = hashlib.sha256(document.encode()).hexdigest()[:16]
    return f"anilist:{digest}:" + json.dumps(dict(variables), sort_keys=True)


def body_of(raw: bytes) -> dict[str, Any]:
    """The JSON object AniList answers, or BadResponse naming AniList."""
    try:
        value = json.loads(raw.decode("utf-8-sig"), parse_constant=reject)
    except (ValueError, RecursionError, UnicodeDecodeError) as err:
        raise errors.BadResponse(
            f"anilist: invalid JSON ({type(err).__name__})", service=SERVICE, key="error.bad_json"
        ) from None
    if not isinstance(value, dict):
        raise errors.BadResponse("anilist: answer is not a JSON object", service=SERVICE)
    return value


def graphql_errors(body: Mapping[str, Any]) -> list[tuple[int | None, str]]:
    """The `errors` array of a GraphQL answer as (status, message) pairs, messages cut short."""
    found = body.get("errors")
    if not isinstance(found, list):
        return []
    pairs = []
    for item in found[:10]:
        if isinstance(item, dict):
            status = _number(item.get("status"))
            pairs.append((status, text(item.get("message"), 200) or "unknown error"))
    return pairs


def text(value: Any, limit: int = MAX_TEXT) -> str:
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _count(value: Any) -> int | None:
    number = _number(value)
    return number if number is not None and 0 <= number <= MAX_EPISODES else None


def _date(value: Any) -> date | None:
    """AniList's FuzzyDate {year, month, day}, where month and day may be null."""
    if not isinstance(value, dict) or _number(value.get("year")) is None:
        return None
    try:
        return date(value["year"], _number(value.get("month")) or 1, _number(value.get("day")) or 1)
    except (ValueError, OverflowError):
        return None


def _aired(value: Any) -> date | None:
    seconds = _number(value)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC).date()
    except (ValueError, OverflowError, OSError):
        return None


def image(value: Any) -> str | None:
    return value if isinstance(value, str) and _IMAGE.match(value) else None


def overview(value: Any) -> str:
    """The synopsis: AniList's plain text still holds <br> and <i>; tags go, entities read."""
    if not isinstance(value, str):
        return ""
    return text(html.unescape(_TAG.sub(" ", value)), MAX_OVERVIEW)


def titles(item: Mapping[str, Any]) -> tuple[str, str | None]:
    """The romaji title, which fansub and anime tracker release names use, and the native one."""
    block = item.get("title")
    if not isinstance(block, dict):
        block = {}
    romaji, english = text(block.get("romaji")), text(block.get("english"))
    native = text(block.get("native")) or None
    return romaji or english, native


def media(item: Mapping[str, Any]) -> Media | None:
    """One AniList Media object as our Media; None when it has no id or title. A film
    (`format: MOVIE`) is a movie to Outpost, as Radarr takes anime films: searched in the
    movie categories, matched and named as a film."""
    anilist_id = _number(item.get("id"))
    title, native = titles(item)
    if anilist_id is None or not title:
        return None
    started = _date(item.get("startDate"))
    popularity = _number(item.get("popularity"))
    film = item.get("format") == "MOVIE"
    return Media(
        kind=MediaKind.MOVIE if film else MediaKind.ANIME,
        title=title,
        provider=SERVICE,
        provider_id=str(anilist_id),
        year=_number(item.get("seasonYear")) or (started.year if started else None),
        original_title=native,
        overview=overview(item.get("description")),
        poster_url=_cover(item.get("coverImage")),
        ids=_ids(item, anilist_id),
        popularity=float(popularity) if popularity is not None else None,
        credits=studios(item),
    )


def _cover(block: Any) -> str | None:
    if not isinstance(block, dict):
        return None
    return image(block.get("large")) or image(block.get("extraLarge")) or image(block.get("medium"))


def _ids(item: Mapping[str, Any], anilist_id: int) -> dict[str, str]:
    ids = {"anilist": str(anilist_id)}
    mal = _number(item.get("idMal"))
    if mal is not None:
        ids["mal"] = str(mal)
    return ids


def studios(item: Mapping[str, Any]) -> tuple[Credit, ...]:
    """The main studios, "Madhouse", with AniList's studio id."""
    block = item.get("studios")
    nodes = block.get("nodes") if isinstance(block, dict) else None
    found: dict[str, Credit] = {}
    for node in nodes if isinstance(nodes, list) else ():
        name = text(node.get("name")) if isinstance(node, dict) else ""
        if name and name not in found:
            ident = _number(node.get("id"))
            found[name] = Credit("studio", name, {"anilist": str(ident)} if ident else {})
    return tuple(found.values())


def media_list(body: Mapping[str, Any]) -> list[Media]:
    data = body.get("data")
    page = data.get("Page") if isinstance(data, dict) else None
    items = page.get("media") if isinstance(page, dict) else None
    if not isinstance(items, list):
        raise errors.BadResponse("anilist: answer without Page.media", service=SERVICE)
    found = (media(item) for item in items if isinstance(item, dict))
    return [m for m in found if m is not None]


def details(body: Mapping[str, Any]) -> MediaDetails:
    data = body.get("data")
    item = data.get("Media") if isinstance(data, dict) else None
    found = media(item) if isinstance(item, dict) else None
    if item is None or found is None:
        raise errors.BadResponse("anilist: details without id or title", service=SERVICE)
    genres = item.get("genres") if isinstance(item.get("genres"), list) else []
    return MediaDetails(
        media=found,
        genres=tuple(g for g in (text(x, 100) for x in genres[:30]) if g),
        runtime=_count(item.get("duration")),
        seasons=() if found.kind is MediaKind.MOVIE else (_season(item),),
        status=text(item.get("status"), 40).lower() or None,
        backdrop_url=image(item.get("bannerImage")),
        format=text(item.get("format"), 20) or None,
    )


def _season(item: Mapping[str, Any]) -> Season:
    """An AniList entry is one season; its episodes are numbered from 1, as fansubs number
    them, and dated by the airing schedule (with the next episode when one is announced)."""
    name = " ".join(
        part
        for part in (_SEASONS.get(text(item.get("season"), 10), ""), str(item.get("seasonYear")))
        if part and part != "None"
    )
    return Season(
        number=1,
        name=name or text(item.get("format"), 20),
        episodes=episodes(item),
        air_date=_date(item.get("startDate")),
        episode_count=_count(item.get("episodes")),
    )


def episodes(item: Mapping[str, Any]) -> tuple[Episode, ...]:
    """Episodes by number from `airingSchedule` and `nextAiringEpisode`, first seen wins."""
    block = item.get("airingSchedule")
    nodes = list(block.get("nodes") or ()) if isinstance(block, dict) else []
    if isinstance(item.get("nextAiringEpisode"), dict):
        nodes.append(item["nextAiringEpisode"])
    found: dict[int, Episode] = {}
    for node in nodes[: MAX_EPISODES + 1]:
        number = _count(node.get("episode")) if isinstance(node, dict) else None
        if number and number not in found:
            found[number] = Episode(1, number, "", air_date=_aired(node.get("airingAt")))
    return tuple(found[n] for n in sorted(found))


def anilist_id(item: Media) -> int:
    value = item.ids.get("anilist") or (item.provider_id if item.provider == SERVICE else None)
    if value is None or not ID.match(str(value)):
        raise errors.NotFound(f"no AniList id for {item.title!r}", service=SERVICE)
    return int(value)
