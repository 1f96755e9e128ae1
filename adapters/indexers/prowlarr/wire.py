"""Prowlarr's JSON (IndexerResource, IndexerStatsResource, ReleaseResource) read into domain types.

Every item is checked on its own: one with a wrong type or a missing field is dropped and
logged, the rest are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from core import errors
from core.domain import IndexerStats, ManagedIndexer, Protocol, Release, SearchQuery

log = logging.getLogger(__name__)
_PROTOCOLS = {"torrent": Protocol.TORRENT, "usenet": Protocol.USENET}


class _Bad(ValueError):
    """One item that is not what Prowlarr's API documents."""


def indexers(answer: Any, base: str, service: str) -> list[ManagedIndexer]:
    return [i for i in _each(answer, service, lambda item: _indexer(item, base)) if i]


def stats(answer: Any, service: str) -> list[IndexerStats]:
    listed = answer.get("indexers") if isinstance(answer, dict) else None
    return [s for s in _each(listed, service, _stats) if s]


def releases(answer: Any, service: str, clean: Callable[[str | None], str | None]) -> list[Release]:
    return [r for r in _each(answer, service, lambda item: _release(item, service, clean)) if r]


def text_of(query: SearchQuery) -> str:
    """The words to search for: Prowlarr's aggregate search takes free text."""
    words = [query.text.strip()]
    if query.season is not None:
        words.append(f"S{query.season:02}" + (f"E{query.episode:02}" if query.episode else ""))
    elif query.absolute is not None:
        words.append(f"{query.absolute:02}")
    if query.year and str(query.year) not in query.text:
        words.append(str(query.year))
    return " ".join(w for w in words if w)


def _each(answer: Any, service: str, read: Callable[[Any], Any]) -> list[Any]:
    if not isinstance(answer, list):
        raise errors.BadResponse(f"{service}: Prowlarr did not answer with a list", service=service)
    kept = []
    for item in answer:
        try:
            kept.append(read(item))
        except _Bad as why:
            log.warning("%s: dropped an item Prowlarr sent: %s", service, why)
    return kept


def _indexer(item: Any, base: str) -> ManagedIndexer:
    ident = _int(item, "id")
    if ident <= 0:
        raise _Bad("an indexer id must be positive")
    protocol = _PROTOCOLS.get(str(_get(item, "protocol")).lower())
    if protocol is None:
        raise _Bad("an indexer protocol must be torrent or usenet")
    name = _get(item, "name")
    if not isinstance(name, str) or not name.strip():
        raise _Bad("an indexer has no name")
    return ManagedIndexer(
        manager_id=ident,
        name=name,
        protocol=protocol,
        url=f"{base}/{ident}/api",  # built from the id alone: always Prowlarr's own host
        categories=_categories(item.get("capabilities")),
        private=str(item.get("privacy", "public")).lower() != "public",
        enabled=item.get("enable") is True,
    )


def _categories(capabilities: Any) -> tuple[int, ...]:
    found: set[int] = set()
    listed = capabilities.get("categories") if isinstance(capabilities, dict) else None
    for category in listed if isinstance(listed, list) else ():
        if not isinstance(category, dict):
            continue
        subs = category.get("subCategories")
        for entry in [category, *(subs if isinstance(subs, list) else ())]:
            ident = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(ident, int) and not isinstance(ident, bool) and 0 < ident < 1_000_000:
                found.add(ident)
    return tuple(sorted(found))


def _stats(item: Any) -> IndexerStats:
    def count(*names: str) -> int:
        return sum(max(0, _int(item, n, default=0)) for n in names)

    return IndexerStats(
        manager_id=_int(item, "indexerId"),
        name=str(_get(item, "indexerName"))[:200],
        queries=count("numberOfQueries"),
        grabs=count("numberOfGrabs"),
        failures=count("numberOfFailedQueries", "numberOfFailedGrabs"),
        average_ms=count("averageResponseTime"),
    )


def _release(item: Any, service: str, clean: Callable[[str | None], str | None]) -> Release:
    title = _get(item, "title")
    guid = _get(item, "guid")
    if not isinstance(title, str) or not isinstance(guid, str) or not title.strip():
        raise _Bad("a release needs a title and a guid")
    protocol = _PROTOCOLS.get(str(item.get("protocol", "")).lower())
    if protocol is None:
        raise _Bad("a release protocol must be torrent or usenet")
    magnet = item.get("magnetUrl") if isinstance(item.get("magnetUrl"), str) else None
    download = item.get("downloadUrl") if isinstance(item.get("downloadUrl"), str) else None
    if not magnet and not download:
        raise _Bad("a release has no link")
    info_hash = item.get("infoHash")
    return Release(
        title=title.strip()[:1024],
        indexer=service,
        protocol=protocol,
        guid=guid[:1024],
        download_url=clean(download),
        magnet_url=magnet,
        info_hash=info_hash.lower() if isinstance(info_hash, str) and info_hash else None,
        info_url=item.get("infoUrl") if isinstance(item.get("infoUrl"), str) else None,
        size=_optional_int(item, "size"),
        seeders=_optional_int(item, "seeders"),
        peers=_optional_int(item, "leechers"),
        grabs=_optional_int(item, "grabs"),
        categories=_categories({"categories": item.get("categories")}),
        published=_date(item.get("publishDate")),
        imdb_id=_imdb(item.get("imdbId")),
        tmdb_id=_optional_int(item, "tmdbId") or None,
        tvdb_id=_optional_int(item, "tvdbId") or None,
    )


def _get(item: Any, name: str) -> Any:
    if not isinstance(item, dict) or name not in item:
        raise _Bad(f"missing {name}")
    return item[name]


def _int(item: Any, name: str, default: int | None = None) -> int:
    value = item.get(name, default) if isinstance(item, dict) else default
    if not isinstance(value, int) or isinstance(value, bool):
        if default is not None and value is None:
            return default
        raise _Bad(f"{name} must be a number")
    return value


def _optional_int(item: dict[str, Any], name: str) -> int | None:
    value = item.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _imdb(value: Any) -> str | None:
    if isinstance(value, int) and value > 0:
        return f"tt{value:07}"
    return None


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
