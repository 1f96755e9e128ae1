"""The exact query each search mode sends, as the indexer's server recorded it."""

from __future__ import annotations

import pytest

from core.domain import MediaKind, SearchQuery
from tests.indexers.conftest import CANARY, fixture_bytes
from tests.support.torznab_server import DEFAULT_CAPS

EMPTY_RSS = b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>'
ANIMETOSHO = "torznab/prowlarr/torznab_animetosho_caps.xml"
NZBFINDER = "newznab/nzbhydra2/nzbFinderCapsResponse.xml"
SONARR = "newznab/sonarr/newznab_caps.xml"
FULL = DEFAULT_CAPS.encode()


def caps(name: str) -> bytes:
    return FULL if name == "full" else fixture_bytes(name)


CASES = [
    pytest.param("full", SearchQuery(text="dune"), {"t": "search", "q": "dune"}, id="no-kind"),
    pytest.param(
        NZBFINDER,
        SearchQuery(text="The Shawshank Redemption", kind=MediaKind.MOVIE, imdb_id="tt0111161"),
        {"t": "movie", "imdbid": "0111161", "cat": "2000"},
        id="movie-imdb",
    ),
    pytest.param(
        "full",
        SearchQuery(text="Dune", kind=MediaKind.MOVIE, imdb_id="1160419", tmdb_id=438631),
        {"t": "movie", "imdbid": "1160419", "tmdbid": "438631", "cat": "2000"},
        id="movie-imdb-without-tt-and-tmdb",
    ),
    pytest.param(
        NZBFINDER,
        SearchQuery(text="Dune", kind=MediaKind.MOVIE, year=2021, tmdb_id=438631),
        {"t": "movie", "q": "Dune 2021", "cat": "2000"},
        id="movie-unsupported-id-falls-back-to-q",
    ),
    pytest.param(
        ANIMETOSHO,
        SearchQuery(text="Dune", kind=MediaKind.MOVIE, year=2021, imdb_id="tt1160419"),
        {"t": "search", "q": "Dune 2021", "cat": "2020"},
        id="movie-without-movie-search",
    ),
    pytest.param(
        NZBFINDER,
        SearchQuery(
            text="Better Call Saul", kind=MediaKind.SERIES, tvdb_id=273181, season=1, episode=5
        ),
        {"t": "tvsearch", "tvdbid": "273181", "season": "1", "ep": "5", "cat": "5000"},
        id="tv-tvdb-season-ep",
    ),
    pytest.param(
        SONARR,
        SearchQuery(
            text="Better Call Saul", kind=MediaKind.SERIES, tvdb_id=273181, season=1, episode=5
        ),
        {"t": "tvsearch", "q": "Better Call Saul", "season": "1", "ep": "5", "cat": "5000"},
        id="tv-default-params-no-tvdbid",
    ),
    pytest.param(
        "full",
        SearchQuery(text="Severance", kind=MediaKind.SERIES, imdb_id="tt11280740", season=2),
        {"t": "tvsearch", "imdbid": "11280740", "season": "2", "cat": "5000"},
        id="tv-imdb-whole-season",
    ),
    pytest.param(
        ANIMETOSHO,
        SearchQuery(text="Frame Arms Girl", kind=MediaKind.SERIES, season=1, episode=7),
        {"t": "search", "q": "Frame Arms Girl S01E07", "cat": "5070"},
        id="tv-without-tv-search",
    ),
    pytest.param(
        "full",
        SearchQuery(kind=MediaKind.MUSIC, artist="Lady Gaga", album="Born This Way"),
        {"t": "music", "artist": "Lady Gaga", "album": "Born This Way", "cat": "3000"},
        id="music",
    ),
    pytest.param(
        "full",
        SearchQuery(kind=MediaKind.BOOK, author="Frank Herbert", title="Dune"),
        {"t": "book", "author": "Frank Herbert", "title": "Dune", "cat": "7000"},
        id="book",
    ),
    pytest.param(
        "full",
        SearchQuery(kind=MediaKind.AUDIOBOOK, author="Frank Herbert", title="Dune"),
        {"t": "book", "author": "Frank Herbert", "title": "Dune", "cat": "3030"},
        id="audiobook",
    ),
    pytest.param(
        NZBFINDER,
        SearchQuery(kind=MediaKind.BOOK, author="Frank Herbert", title="Dune"),
        {"t": "search", "q": "Frank Herbert Dune", "cat": "7000"},
        id="book-without-book-search",
    ),
    pytest.param(
        "full",
        SearchQuery(text="Sousou no Frieren", kind=MediaKind.ANIME, absolute=5),
        {"t": "tvsearch", "q": "Sousou no Frieren 05", "cat": "5070"},
        id="anime-absolute-in-tvsearch",
    ),
    pytest.param(
        ANIMETOSHO,
        SearchQuery(text="Sousou no Frieren", kind=MediaKind.ANIME, absolute=12),
        {"t": "search", "q": "Sousou no Frieren 12", "cat": "5070"},
        id="anime-absolute-without-tv-search",
    ),
    pytest.param(
        "full",
        SearchQuery(text="Sousou no Frieren", kind=MediaKind.ANIME, season=1, episode=5),
        {"t": "tvsearch", "q": "Sousou no Frieren", "season": "1", "ep": "5", "cat": "5070"},
        id="anime-standard-numbering",
    ),
    pytest.param(
        SONARR,
        SearchQuery(text="Sousou no Frieren", kind=MediaKind.ANIME),
        {"t": "tvsearch", "q": "Sousou no Frieren", "cat": "5070"},
        id="anime-whole-title-asks-5070-only",
    ),
    pytest.param(
        SONARR,
        SearchQuery(text="dune", kind=MediaKind.MOVIE, limit=500, categories=(2040, 5040, 9999)),
        {"t": "movie", "q": "dune", "cat": "5040", "limit": "60"},
        id="only-listed-cats-and-limit-capped",
    ),
]


@pytest.mark.parametrize(("caps_name", "query", "expected"), CASES)
async def test_query_parameters(serve, make_indexer, caps_name, query, expected) -> None:
    fake = serve({"caps": caps(caps_name), "*": EMPTY_RSS})
    async with make_indexer(fake.url + "/api") as indexer:
        assert await indexer.search(query) == []
    assert fake.searches() == [{**expected, "apikey": CANARY, "extended": "1"}]


async def test_configured_categories_override_the_defaults(serve, make_indexer) -> None:
    fake = serve({"caps": FULL, "*": EMPTY_RSS})
    async with make_indexer(fake.url, categories={MediaKind.MOVIE: (2045,)}) as indexer:
        await indexer.search(SearchQuery(text="dune", kind=MediaKind.MOVIE))
    assert fake.searches()[0]["cat"] == "2045"


async def test_no_api_key_means_no_apikey_param(serve, make_indexer) -> None:
    fake = serve({"caps": FULL, "*": EMPTY_RSS})
    async with make_indexer(fake.url, api_key=None) as indexer:
        await indexer.search(SearchQuery(text="dune"))
    assert "apikey" not in fake.requests[0].query
    assert fake.searches() == [{"t": "search", "q": "dune", "extended": "1"}]
