"""MAM's search JSON read into Releases; an item with a wrong type or a missing field is dropped.

`author_info` and `narrator_info` are JSON text inside the JSON, `{"id": "name"}`; `series_info`
is `{"id": ["name", "position"]}`. Flags come as booleans, or as 0/1 numbers or strings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from core.domain import Protocol, Release

AUDIOBOOKS = 13
EBOOKS = 14
_UNITS = {"": 1, "B": 1, "KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}
_UNITS |= {"KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4}
_SIZE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([KMGT]?i?B)?\s*$", re.I)
_NAME_MAX = 200


def releases_from(
    body: Any, indexer: str, base_url: str, *, vip_user: bool = False
) -> tuple[list[Release], int | None, int]:
    """(releases, MAM's `total_found`, items dropped)."""
    if not isinstance(body, Mapping):
        return [], 0, 0
    found = _int(body.get("total_found"))
    data = body.get("data")
    if not isinstance(data, list):
        return [], 0 if found is None else found, 0  # "Nothing returned, out of 0"
    releases: list[Release] = []
    dropped = 0
    for item in data:
        release = _release(item, indexer, base_url, vip_user) if isinstance(item, Mapping) else None
        if release is None:
            dropped += 1
        else:
            releases.append(release)
    return releases, found, dropped


def people(raw: Any) -> tuple[str, ...]:
    """Names from `author_info`/`narrator_info`: JSON text of {id: name}."""
    parsed = _inner(raw)
    if not isinstance(parsed, Mapping):
        return ()
    return tuple(_clean(v) for v in parsed.values() if isinstance(v, str) and _clean(v))


def series(raw: Any) -> tuple[tuple[str, str | None], ...]:
    """(name, position) pairs from `series_info`: JSON text of {id: [name, position]}."""
    parsed = _inner(raw)
    if not isinstance(parsed, Mapping):
        return ()
    out: list[tuple[str, str | None]] = []
    for value in parsed.values():
        if isinstance(value, list) and value and isinstance(value[0], str) and _clean(value[0]):
            position = value[1] if len(value) > 1 and isinstance(value[1], str | int) else None
            out.append((_clean(value[0]), str(position) if position not in (None, "") else None))
    return tuple(out)


def size_bytes(raw: Any) -> int | None:
    """MAM's "881.8 MiB" (or a plain number of bytes)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw >= 0 else None
    if not isinstance(raw, str):
        return None
    match = _SIZE.match(raw)
    if match is None:
        return None
    unit = (match.group(2) or "").upper()
    return int(float(match.group(1).replace(",", ".")) * _UNITS.get(unit, 1))


def _release(item: Mapping[str, Any], indexer: str, base: str, vip_user: bool) -> Release | None:
    tid = _int(item.get("id"))
    title = item.get("title") or item.get("name")  # MAM's docs name both
    if tid is None or tid <= 0 or not isinstance(title, str) or not _clean(title):
        return None
    size = size_bytes(item.get("size"))
    if size is None:
        return None
    category = _int(item.get("main_cat"))
    if category not in (AUDIOBOOKS, EBOOKS):
        category = _category_of(item)
        if category is None:
            return None
    authors = people(item.get("author_info"))
    narrators = people(item.get("narrator_info"))
    in_series = series(item.get("series_info"))
    free = _flag(item.get("free"))
    personal = _flag(item.get("personal_freeleech"))
    fl_vip = _flag(item.get("fl_vip"))
    vip = _flag(item.get("vip"))
    flags = tuple(
        name
        for name, on in (
            ("freeleech", free),
            ("personal-freeleech", personal),
            ("vip-freeleech", fl_vip),
            ("vip", vip),
        )
        if on
    )
    costless = free or personal or (fl_vip and vip_user)
    seeders = _int(item.get("seeders"))
    leechers = _int(item.get("leechers"))
    return Release(
        title=_name(_clean(title), authors, narrators, in_series, item.get("filetype")),
        indexer=indexer,
        protocol=Protocol.TORRENT,
        guid=f"{base}/t/{tid}",
        download_url=f"{base}/tor/download.php?tid={tid}",
        info_url=f"{base}/t/{tid}",
        size=size,
        seeders=seeders,
        peers=(seeders or 0) + (leechers or 0) if seeders is not None else None,
        grabs=_int(item.get("times_completed")),
        categories=(category,),
        published=_added(item.get("added")),
        download_volume_factor=0.0 if costless else 1.0,
        flags=flags,
        authors=authors,
        narrators=narrators,
        series=in_series[0][0] if in_series else None,
        series_position=in_series[0][1] if in_series else None,
    )


def _category_of(item: Mapping[str, Any]) -> int | None:
    """Old answers carry only `category` (a sub-category) and `catname` ("Audiobooks - …")."""
    name = item.get("catname")
    if isinstance(name, str):
        lowered = name.lower()
        if lowered.startswith("audiobook"):
            return AUDIOBOOKS
        if lowered.startswith("ebook"):
            return EBOOKS
    return None


def _name(
    title: str,
    authors: tuple[str, ...],
    narrators: tuple[str, ...],
    in_series: tuple[tuple[str, str | None], ...],
    filetype: Any,
) -> str:
    """A release name the book and audiobook parsers read: "Author - Title [M4B]"."""
    name = f"{', '.join(authors[:2])} - {title}" if authors else title
    if narrators:
        name += f" (narrated by {', '.join(narrators[:2])})"
    if isinstance(filetype, str) and re.fullmatch(r"[a-z0-9 ]{2,12}", filetype.strip(), re.I):
        name += f" [{filetype.strip().upper()}]"
    return name[:_NAME_MAX]


def _inner(raw: Any) -> Any:
    if isinstance(raw, Mapping):
        return raw
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _clean(text: str) -> str:
    return " ".join("".join(c for c in text if c.isprintable()).split())[:_NAME_MAX]


def _int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return None


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int):
        return raw == 1
    if isinstance(raw, str):
        return raw.strip().lower() in ("1", "true", "yes")
    return False


def _added(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return datetime.strptime(raw.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None
