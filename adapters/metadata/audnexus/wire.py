"""Audnexus wire shapes to domain types: pure functions, tolerant of missing or odd fields.

A book (`/books/{ASIN}`) carries `authors` and `narrators` ([{asin?, name}]), `seriesPrimary`
and `seriesSecondary` ({asin, name, position}), `runtimeLengthMin`, `releaseDate`, `image`,
`genres` and `formatType`; chapters (`/books/{ASIN}/chapters`) carry `chapters`
([{title, startOffsetMs, lengthMs}]) and `runtimeLengthMs`; an author (`/authors/{ASIN}`)
carries `name`, `description` and `image`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from core import errors
from core.domain import Credit, Media

SERVICE = "audnexus"
MAX_TEXT = 512
MAX_OVERVIEW = 4000
MAX_PEOPLE = 10
MAX_CHAPTERS = 500
ASIN = re.compile(r"^[A-Z0-9]{10}$")
_POSITION = re.compile(r"^[0-9]{1,4}(?:\.[0-9]{1,2})?(?:-[0-9]{1,4}(?:\.[0-9]{1,2})?)?$")
IMAGE_HOSTS = (".media-amazon.com", ".ssl-images-amazon.com")
_TAG = re.compile(r"<[^>]{0,200}>")


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    position: str | None


@dataclass(frozen=True, slots=True)
class Chapter:
    title: str
    start_ms: int
    length_ms: int


@dataclass(frozen=True, slots=True)
class Author:
    asin: str
    name: str
    description: str
    image_url: str | None


def object_of(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise errors.BadResponse("audnexus: answer is not a JSON object", service=SERVICE)
    return value


def text(value: Any, limit: int = MAX_TEXT) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def plain(value: Any, limit: int = MAX_OVERVIEW) -> str:
    """Audnexus' `summary` is HTML; the overview is its text."""
    return " ".join(_TAG.sub(" ", text(value, limit * 2)).split())[:limit]


def number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def image(value: Any) -> str | None:
    """An https URL on Amazon's image hosts (where Audible's covers live), else None: a poster
    URL is fetched by chat systems, so it must not point anywhere a peer likes."""
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        return None
    parts = urlsplit(value)
    host = parts.hostname or ""
    if parts.scheme != "https" or parts.port or not host.endswith(IMAGE_HOSTS):
        return None
    return value


def asin_of(media: Media) -> str | None:
    value = media.ids.get("asin")
    return value if isinstance(value, str) and ASIN.match(value) else None


def series(item: Any) -> Series | None:
    """{"asin", "name", "position"}; a position that is not "1", "2.5" or "1-2" is dropped."""
    if not isinstance(item, dict):
        return None
    name = text(item.get("name"))
    if not name:
        return None
    position = text(item.get("position"), 20)
    return Series(name, position if _POSITION.match(position) else None)


def all_series(book: Mapping[str, Any]) -> tuple[Series, ...]:
    """The primary series first, then the secondary ones (a universe, a sub-series)."""
    secondary = book.get("seriesSecondary")
    listed = [book.get("seriesPrimary"), *(secondary if isinstance(secondary, list) else [])]
    return tuple(s for s in (series(item) for item in listed) if s is not None)


def people(book: Mapping[str, Any], field: str, role: str) -> tuple[Credit, ...]:
    listed = book.get(field)
    found: dict[str, Credit] = {}
    for person in listed if isinstance(listed, list) else []:
        if not isinstance(person, dict):
            continue
        name, ident = text(person.get("name")), text(person.get("asin"), 20)
        if name and name.casefold() not in found:
            ids = {"asin": ident} if ASIN.match(ident) else {}
            found[name.casefold()] = Credit(role, name, ids)
    return tuple(found.values())[:MAX_PEOPLE]


def year(book: Mapping[str, Any]) -> int | None:
    value = book.get("releaseDate")
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10]).year
    except ValueError:
        return None


def chapters(body: Mapping[str, Any]) -> tuple[Chapter, ...]:
    listed = body.get("chapters")
    found = []
    for item in (listed if isinstance(listed, list) else [])[:MAX_CHAPTERS]:
        if not isinstance(item, dict):
            continue
        start, length = number(item.get("startOffsetMs")), number(item.get("lengthMs"))
        if start is not None and length is not None and start >= 0 and length >= 0:
            found.append(Chapter(text(item.get("title")), start, length))
    return tuple(found)


def genres(book: Mapping[str, Any]) -> tuple[str, ...]:
    listed = book.get("genres")
    names = (
        (text(g.get("name")) for g in listed if isinstance(g, dict))
        if isinstance(listed, list)
        else ()
    )
    return tuple(n for n in names if n)
