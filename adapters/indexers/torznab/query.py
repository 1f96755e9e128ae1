"""Choose the Torznab mode and parameters for a `SearchQuery` within what the caps allow."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.indexers.torznab.caps import STANDARD_CATEGORIES, category_ids
from core.domain import Capabilities, MediaKind, SearchQuery

Params = dict[str, str]


def search_params(
    query: SearchQuery,
    caps: Capabilities,
    categories: Mapping[MediaKind, tuple[int, ...]] | None = None,
) -> Params:
    """The query string for one search, without the api key. The categories asked are the
    query's own, else the configured ones of its kind, else those the caps say serve it."""
    if query.kind is MediaKind.MOVIE and caps.supports("movie-search"):
        params = _movie(query, caps.modes["movie-search"])
    elif query.kind is MediaKind.SERIES:
        params = _series(query, caps)
    elif query.kind is MediaKind.ANIME:
        params = _anime(query, caps)
    elif query.kind is MediaKind.MUSIC and caps.supports("music-search"):
        params = _fielded(
            "music", query, caps.modes["music-search"], artist=query.artist, album=query.album
        )
    elif query.kind in (MediaKind.BOOK, MediaKind.AUDIOBOOK) and caps.supports("book-search"):
        params = _fielded(
            "book", query, caps.modes["book-search"], author=query.author, title=query.title
        )
    else:
        params = {"t": "search", **_q(_fallback_text(query))}
    cats = allowed_categories(_wanted_categories(query, caps, categories or {}), caps)
    if cats:
        params["cat"] = ",".join(str(c) for c in cats)
    if query.limit:
        limit = min(query.limit, caps.limit_max) if caps.limit_max else query.limit
        params["limit"] = str(limit)
    params["extended"] = "1"  # Newznab sends the attrs (seeders, ids, size) only when asked
    return params


def _wanted_categories(
    query: SearchQuery, caps: Capabilities, configured: Mapping[MediaKind, tuple[int, ...]]
) -> tuple[int, ...]:
    if query.categories or query.kind is None:
        return query.categories
    return (
        configured.get(query.kind)
        or caps.kinds.get(query.kind)
        or STANDARD_CATEGORIES.get(query.kind, ())
    )


def _movie(query: SearchQuery, supported: tuple[str, ...]) -> Params:
    ids: Params = {}
    imdb = imdb_number(query.imdb_id)
    if imdb and "imdbid" in supported:
        ids["imdbid"] = imdb
    if query.tmdb_id and "tmdbid" in supported:
        ids["tmdbid"] = str(query.tmdb_id)
    return {"t": "movie", **(ids or _q(_with_year(query)))}


def _series(query: SearchQuery, caps: Capabilities) -> Params:
    if not caps.supports("tv-search"):
        return {"t": "search", **_q(_fallback_text(query))}
    supported = caps.modes["tv-search"]
    params: Params = {"t": "tvsearch", **_series_ids(query, supported)}
    has_id = len(params) > 1
    text = query.text.strip()
    if query.season is not None and _numbering_supported(query, supported):
        params["season"] = str(query.season)
        if query.episode is not None:
            params["ep"] = str(query.episode)
    elif query.season is not None:
        # "S01E02" in q is what indexers without season/ep params match on.
        text = _join(text, _episode_tag(query))
    if not has_id or text != query.text.strip():
        params.update(_q(text))
    return params


def _anime(query: SearchQuery, caps: Capabilities) -> Params:
    """Anime releases are numbered from the first episode ("[SubsPlease] Frieren - 05"), so an
    absolute episode goes into q as Sonarr sends it, in tvsearch where the caps offer it; a
    season and episode go as TV numbering."""
    if query.absolute is None:
        return _series(query, caps)
    mode = "tvsearch" if caps.supports("tv-search") else "search"
    return {"t": mode, **_q(_join(query.text.strip(), f"{query.absolute:02d}"))}


def _series_ids(query: SearchQuery, supported: tuple[str, ...]) -> Params:
    imdb = imdb_number(query.imdb_id)
    if query.tvdb_id and "tvdbid" in supported:
        return {"tvdbid": str(query.tvdb_id)}
    if imdb and "imdbid" in supported:
        return {"imdbid": imdb}
    return {}


def _numbering_supported(query: SearchQuery, supported: tuple[str, ...]) -> bool:
    return "season" in supported and (query.episode is None or "ep" in supported)


def _fielded(
    mode: str, query: SearchQuery, supported: tuple[str, ...], **fields: str | None
) -> Params:
    params: Params = {"t": mode}
    leftover = query.text.strip()
    for name, value in fields.items():
        if value and name in supported:
            params[name] = value.strip()
        elif value:
            leftover = _join(leftover, value.strip())
    params.update(_q(leftover))
    return params


def _fallback_text(query: SearchQuery) -> str:
    """Everything the query says, as words, for indexers that only take q."""
    text = query.text.strip()
    for extra in (query.artist, query.album, query.author, query.title):
        if extra and extra.strip().lower() not in text.lower():
            text = _join(text, extra.strip())
    if query.kind in (MediaKind.SERIES, MediaKind.ANIME) and query.season is not None:
        return _join(text, _episode_tag(query))
    if query.kind is MediaKind.MOVIE:
        return _with_year(query)
    return text


def _with_year(query: SearchQuery) -> str:
    text = query.text.strip()
    if query.year and str(query.year) not in text:
        return _join(text, str(query.year))
    return text


def _episode_tag(query: SearchQuery) -> str:
    tag = f"S{query.season:02d}"
    return tag + f"E{query.episode:02d}" if query.episode is not None else tag


def allowed_categories(wanted: tuple[int, ...], caps: Capabilities) -> tuple[int, ...]:
    """The wanted ids the indexer lists; a wanted parent also brings its listed subcategories."""
    listed = category_ids(caps)
    if not listed:
        return wanted
    found: dict[int, None] = {}
    for cat in wanted:
        if cat in listed:
            found[cat] = None
        elif cat % 1000 == 0:
            found.update((c, None) for c in sorted(listed) if c // 1000 == cat // 1000)
    return tuple(found)


def imdb_number(imdb: str | None) -> str | None:
    """'tt0111161' or '0111161' -> '0111161': Newznab wants the digits, Torznab takes both."""
    text = (imdb or "").strip().lower().removeprefix("tt")
    return text if text.isascii() and text.isdigit() else None


def _q(text: str) -> Params:
    return {"q": text} if text else {}


def _join(left: str, right: str) -> str:
    return f"{left} {right}".strip()
