"""TMDB wire shapes to domain types: pure functions, tolerant of missing or ill-typed fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from core import errors
from core.domain import Credit, Episode, Media, MediaKind, Person, Season
from core.http import HttpResponse

POSTER_SIZE = "w342"
BACKDROP_SIZE = "w780"
DEFAULT_IMAGE_BASE = "https://image.tmdb.org/t/p/"
THEATRICAL = 3  # release_dates type for a wide theatrical release
MAX_TEXT = 512  # titles and names longer than this are cut: a hostile peer must not bloat cards
MAX_OVERVIEW = 4000
MAX_CAST = 20
KEY_JOBS = frozenset(
    {"Director", "Screenplay", "Writer", "Novel", "Story", "Creator", "Original Music Composer"}
)
# Image paths are "/<file>.jpg"; anything else (a full URL, "..", a query) is not built into a URL.
_IMAGE_PATH = re.compile(r"^/[A-Za-z0-9_-]+\.[A-Za-z0-9]{2,5}$")
ID = re.compile(r"^[0-9]{1,12}$")


def reject(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def object_of(value: Any, service: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise errors.BadResponse("tmdb: answer is not a JSON object", service=service)
    return value


def status_code(response: HttpResponse) -> int | None:
    """TMDB's own error number (7 bad key, 34 not found), when the body carries one."""
    try:
        code = response.json().get("status_code")
    except (errors.BadResponse, AttributeError):
        return None
    return code if isinstance(code, int) else None


def cache_key(path: str, params: Mapping[str, Any]) -> str:
    return "tmdb:" + path + "?" + urlencode(sorted((k, str(v)) for k, v in params.items()))


def tmdb_id(media: Media) -> str:
    value = media.ids.get("tmdb") or (media.provider_id if media.provider == "tmdb" else None)
    if value is None or not ID.match(str(value)):
        raise errors.NotFound(f"no TMDB id for {media.title!r}", service="tmdb")
    return str(value)


def image_base(body: Mapping[str, Any]) -> str:
    images = body.get("images")
    base = images.get("secure_base_url") if isinstance(images, dict) else None
    if not isinstance(base, str) or not base.startswith("https://"):
        return DEFAULT_IMAGE_BASE
    return base if base.endswith("/") else base + "/"


def image_url(base: str, size: str, path: Any) -> str | None:
    if not isinstance(path, str) or not _IMAGE_PATH.match(path):
        return None
    return f"{base}{size}{path}"


def text(value: Any, limit: int = MAX_TEXT) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def media(item: Mapping[str, Any], kind: MediaKind, image_base: str) -> Media | None:
    """One movie or series object (list item or details) as a Media; None if unusable."""
    tmdb_id = _number(item.get("id"))
    movie = kind is MediaKind.MOVIE
    title = text(item.get("title" if movie else "name"))
    if tmdb_id is None or not title:
        return None
    released = _date(item.get("release_date" if movie else "first_air_date"))
    original = text(item.get("original_title" if movie else "original_name")) or None
    popularity = item.get("popularity")
    return Media(
        kind=kind,
        title=title,
        provider="tmdb",
        provider_id=str(tmdb_id),
        year=released.year if released else None,
        original_title=original,
        overview=text(item.get("overview"), MAX_OVERVIEW),
        poster_url=image_url(image_base, POSTER_SIZE, item.get("poster_path")),
        ids=_ids(item, tmdb_id),
        popularity=float(popularity) if isinstance(popularity, int | float) else None,
        credits=credits(item, kind),
    )


def credits(item: Mapping[str, Any], kind: MediaKind) -> tuple[Credit, ...]:
    """Who a title is by: a film's directors (its `credits.crew`), a series' creators
    (`created_by`). Only details answers carry them; search and list items do not."""
    if kind is MediaKind.MOVIE:
        people = [p for p in _credits(item, "crew") if p.get("job") == "Director"]
        role = "director"
    else:
        listed = item.get("created_by")
        people = [p for p in listed if isinstance(p, dict)] if isinstance(listed, list) else []
        role = "creator"
    found: dict[str, Credit] = {}
    for person in people:
        name, ident = text(person.get("name")), _number(person.get("id"))
        if name and name not in found:
            found[name] = Credit(role, name, {"tmdb": str(ident)} if ident else {})
    return tuple(found.values())


def _ids(item: Mapping[str, Any], tmdb_id: int) -> dict[str, str]:
    ids = {"tmdb": str(tmdb_id)}
    external = item.get("external_ids")
    external = external if isinstance(external, dict) else {}
    imdb = item.get("imdb_id") or external.get("imdb_id")
    if isinstance(imdb, str) and re.fullmatch(r"tt[0-9]{1,10}", imdb):
        ids["imdb"] = imdb
    tvdb = _number(external.get("tvdb_id"))
    if tvdb:
        ids["tvdb"] = str(tvdb)
    return ids


def genres(body: Mapping[str, Any]) -> tuple[str, ...]:
    genres = body.get("genres")
    if not isinstance(genres, list):
        return ()
    names = (text(g.get("name")) for g in genres if isinstance(g, dict))
    return tuple(name for name in names if name)


def runtime(body: Mapping[str, Any]) -> int | None:
    runtime = _number(body.get("runtime"))
    if runtime:
        return runtime
    episode_runs = body.get("episode_run_time")  # series: a list, often empty nowadays
    if isinstance(episode_runs, list) and episode_runs:
        return _number(episode_runs[0]) or None
    return None


def _credits(body: Mapping[str, Any], part: str) -> list[dict[str, Any]]:
    credits = body.get("credits")
    people = credits.get(part) if isinstance(credits, dict) else None
    if not isinstance(people, list):
        return []
    return [p for p in people if isinstance(p, dict) and text(p.get("name"))]


def cast(body: Mapping[str, Any]) -> tuple[Person, ...]:
    cast = sorted(_credits(body, "cast"), key=lambda p: _number(p.get("order")) or 0)
    return tuple(
        Person(text(p.get("name")), "Actor", text(p.get("character")) or None)
        for p in cast[:MAX_CAST]
    )


def crew(body: Mapping[str, Any]) -> tuple[Person, ...]:
    """Creators and the crew that cards and file names mention, not the whole call sheet."""
    creators = body.get("created_by")
    people = [
        Person(text(c.get("name")), "Creator")
        for c in (creators if isinstance(creators, list) else [])
        if isinstance(c, dict) and text(c.get("name"))
    ]
    for member in _credits(body, "crew"):
        job = text(member.get("job"))
        if job in KEY_JOBS:
            people.append(Person(text(member.get("name")), job))
    return tuple(people)


def season(item: Mapping[str, Any]) -> Season | None:
    number = _number(item.get("season_number"))
    if number is None:
        return None
    return Season(
        number=number,
        name=text(item.get("name")) or f"Season {number}",
        air_date=_date(item.get("air_date")),
        episode_count=_number(item.get("episode_count")),
    )


def seasons(body: Mapping[str, Any]) -> tuple[Season, ...]:
    seasons = body.get("seasons")
    if not isinstance(seasons, list):
        return ()
    parsed = (season(s) for s in seasons if isinstance(s, dict))
    return tuple(s for s in parsed if s is not None)


def episodes(items: Any, season: int) -> tuple[Episode, ...]:
    if not isinstance(items, list):
        return ()
    episodes = []
    for item in items:
        number = _number(item.get("episode_number")) if isinstance(item, dict) else None
        if number is None:
            continue
        episodes.append(
            Episode(
                season=season,
                number=number,
                title=text(item.get("name")),
                air_date=_date(item.get("air_date")),
                overview=text(item.get("overview"), MAX_OVERVIEW),
            )
        )
    return tuple(episodes)


def _for_region(block: Any, region: str) -> dict[str, Any] | None:
    results = block.get("results") if isinstance(block, dict) else None
    for entry in results if isinstance(results, list) else []:
        if isinstance(entry, dict) and entry.get("iso_3166_1") == region:
            return entry
    return None


def movie_certification(block: Any, region: str) -> str | None:
    """The region's certification, preferring the theatrical release's."""
    entry = _for_region(block, region)
    dates = entry.get("release_dates") if entry else None
    listed = dates if isinstance(dates, list) else []
    rated = [d for d in listed if isinstance(d, dict) and text(d.get("certification"))]
    rated.sort(key=lambda d: d.get("type") != THEATRICAL)  # stable: theatrical first
    return text(rated[0].get("certification")) if rated else None


def tv_rating(block: Any, region: str) -> str | None:
    entry = _for_region(block, region)
    return (text(entry.get("rating")) or None) if entry else None
