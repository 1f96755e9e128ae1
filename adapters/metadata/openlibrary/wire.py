"""Open Library wire shapes to domain types: pure functions, tolerant of missing or odd fields.

Search answers are Solr documents (`/search.json`): `key` "/works/OL…W", `author_key` and
`author_name` as parallel lists, `first_publish_year`, `cover_i`, `isbn` and `id_amazon` lists
over every edition. A work (`/works/{id}.json`) names its authors by key only and has no series
field (series are free text on some editions); an author (`/authors/{id}.json`) has `name`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from core import errors
from core.domain import Credit, Media, MediaKind

SERVICE = "openlibrary"
MAX_TEXT = 512  # titles and names longer than this are cut: a hostile peer must not bloat cards
MAX_OVERVIEW = 4000
MAX_AUTHORS = 5
MAX_SUBJECTS = 10
# The fields a search asks for: small answers, and every field this module reads.
SEARCH_FIELDS = (
    "key,title,author_name,author_key,first_publish_year,cover_i,isbn,id_amazon,edition_count"
)
WORK_ID = re.compile(r"^OL[0-9]{1,12}W$")
AUTHOR_ID = re.compile(r"^OL[0-9]{1,12}A$")
# Amazon's ASIN: ten capitals and digits (an audiobook's starts "B0"; a print book's is its ISBN-10)
ASIN = re.compile(r"^[A-Z0-9]{10}$")
_ISBN = re.compile(r"^(?:[0-9]{9}[0-9X]|[0-9]{13})$")


def cache_key(path: str, params: Mapping[str, Any]) -> str:
    return f"{SERVICE}:{path}?" + urlencode(sorted((k, str(v)) for k, v in params.items()))


def object_of(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise errors.BadResponse("openlibrary: answer is not a JSON object", service=SERVICE)
    return value


def text(value: Any, limit: int = MAX_TEXT) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _strings(value: Any) -> list[str]:
    return (
        [v.strip() for v in value if isinstance(v, str) and v.strip()]
        if isinstance(value, list)
        else []
    )


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def key_id(key: Any, pattern: re.Pattern[str]) -> str | None:
    """ "/works/OL45883W" (or a bare "OL45883W") as "OL45883W" when it has the expected shape."""
    if not isinstance(key, str):
        return None
    ident = key.rsplit("/", 1)[-1]
    return ident if pattern.match(ident) else None


def cover_url(base: str, cover_id: Any, size: str = "L") -> str | None:
    """A cover by its id: "L" large, "M" medium (thumbnails), "S" small."""
    ident = _number(cover_id)
    if ident is None or ident <= 0:
        return None
    return f"{base}/b/id/{ident}-{size}.jpg"


def media(doc: Mapping[str, Any], kind: MediaKind, covers: str, size: str = "M") -> Media | None:
    """One search document as a Media of `kind` (book or audiobook); None if unusable."""
    work = key_id(doc.get("key"), WORK_ID)
    title = text(doc.get("title"))
    if work is None or not title:
        return None
    editions = _number(doc.get("edition_count"))
    return Media(
        kind=kind,
        title=title,
        provider=SERVICE,
        provider_id=work,
        year=_number(doc.get("first_publish_year")),
        poster_url=cover_url(covers, doc.get("cover_i"), size),
        ids=_ids(doc, work),
        popularity=float(editions) if editions else None,
        credits=_search_credits(doc),
    )


def _search_credits(doc: Mapping[str, Any]) -> tuple[Credit, ...]:
    names = doc.get("author_name")
    keys = doc.get("author_key")
    names = names if isinstance(names, list) else []
    keys = keys if isinstance(keys, list) else []
    found: dict[str, Credit] = {}
    for index, raw in enumerate(names[:MAX_AUTHORS]):
        name = text(raw)
        ident = key_id(keys[index], AUTHOR_ID) if index < len(keys) else None
        if name and name.casefold() not in found:
            found[name.casefold()] = Credit("author", name, {SERVICE: ident} if ident else {})
    return tuple(found.values())


def _ids(doc: Mapping[str, Any], work: str) -> dict[str, str]:
    ids = {SERVICE: work}
    isbns = [i for i in _strings(doc.get("isbn")) if _ISBN.match(i)]
    if isbns:
        ids["isbn"] = min(isbns, key=lambda i: (len(i) != 13, i))  # ISBN-13 first, stable
    asins = [a for a in _strings(doc.get("id_amazon")) if ASIN.match(a)]
    if asins:
        # an Audible ASIN ("B0…") is the one Audnexus knows; else the first listed
        ids["asin"] = next((a for a in asins if a.startswith("B0")), asins[0])
    return ids


def author_keys(work: Mapping[str, Any]) -> list[str]:
    """The author ids a work names: `authors: [{"author": {"key": "/authors/OL…A"}}]`."""
    listed = work.get("authors")
    found: list[str] = []
    for entry in listed if isinstance(listed, list) else []:
        author = entry.get("author") if isinstance(entry, dict) else None
        ident = key_id(author.get("key") if isinstance(author, dict) else None, AUTHOR_ID)
        if ident and ident not in found:
            found.append(ident)
    return found[:MAX_AUTHORS]


def author_name(author: Mapping[str, Any]) -> str:
    return text(author.get("name")) or text(author.get("personal_name"))


def description(work: Mapping[str, Any]) -> str:
    """`description` is a string or {"type": "/type/text", "value": "…"}."""
    value = work.get("description")
    if isinstance(value, dict):
        value = value.get("value")
    return text(value, MAX_OVERVIEW)


def subjects(work: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(text(s) for s in _strings(work.get("subjects"))[:MAX_SUBJECTS])


def first_cover(work: Mapping[str, Any]) -> int | None:
    covers = work.get("covers")
    for cover in covers if isinstance(covers, list) else []:
        if (ident := _number(cover)) is not None and ident > 0:  # -1 marks a deleted cover
            return ident
    return None


def work_id(media: Media) -> str:
    value = media.ids.get(SERVICE) or (media.provider_id if media.provider == SERVICE else None)
    ident = key_id(value, WORK_ID)
    if ident is None:
        raise errors.NotFound(f"no Open Library work id for {media.title!r}", service=SERVICE)
    return ident
