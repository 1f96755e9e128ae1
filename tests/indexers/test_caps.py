"""t=caps: modes, parameters, categories and limits from captured caps documents."""

from __future__ import annotations

import pytest

from adapters.indexers.torznab.caps import STANDARD_CATEGORIES, kinds_of
from core.domain import MediaKind
from tests.indexers.conftest import fixture_bytes
from tests.support.torznab_server import DEFAULT_CAPS


async def caps_of(serve, make_indexer, name: str):
    fake = serve({"caps": fixture_bytes(name)})
    async with make_indexer(fake.url) as indexer:
        return await indexer.capabilities()


async def test_animetosho_caps_keep_only_available_modes(serve, make_indexer) -> None:
    caps = await caps_of(serve, make_indexer, "torznab/prowlarr/torznab_animetosho_caps.xml")
    assert dict(caps.modes) == {"search": ("q",)}  # tv-search/movie-search say available="no"
    assert [(c.id, c.name) for c in caps.categories] == [(5070, "Anime"), (2020, "Movies/Other")]
    assert (caps.limit_max, caps.limit_default) == (200, 75)
    assert not caps.supports("tv-search")


async def test_newznab_caps_without_params_get_spec_defaults(serve, make_indexer) -> None:
    caps = await caps_of(serve, make_indexer, "newznab/sonarr/newznab_caps.xml")
    assert dict(caps.modes) == {
        "search": ("q",),
        "tv-search": ("q", "rid", "season", "ep"),
        "movie-search": ("q", "imdbid"),
        "music-search": ("q", "artist", "album"),  # Newznab's audio-search, renamed
    }
    tv = caps.categories[0]
    assert (tv.id, tv.name) == (5000, "TV")
    assert [s.id for s in tv.subcategories] == [5070, 5080, 5020, 5040, 5050, 5030, 5060, 5010]
    assert [c.id for c in caps.categories] == [5000, 7000, 8000]
    assert (caps.limit_max, caps.limit_default) == (60, 25)


async def test_nzbfinder_caps_list_rich_tv_params(serve, make_indexer) -> None:
    caps = await caps_of(serve, make_indexer, "newznab/nzbhydra2/nzbFinderCapsResponse.xml")
    assert caps.modes["tv-search"] == (
        "q", "vid", "tvdbid", "traktid", "rid", "tvmazeid", "imdbid", "tmdbid", "season", "ep",
    )  # fmt: skip
    assert caps.supports("movie-search", "imdbid") and not caps.supports("movie-search", "tmdbid")
    assert "music-search" not in caps.modes  # available="no"
    assert [c.id for c in caps.categories] == [2000, 3000, 5000, 6000, 7000, 0]
    books = caps.categories[4]
    assert {(s.id, s.name) for s in books.subcategories} >= {(7020, "Ebook"), (7030, "Comics")}
    assert (caps.limit_max, caps.limit_default) == (100, 100)


async def test_omgwtf_caps_params_are_kept_verbatim(serve, make_indexer) -> None:
    caps = await caps_of(serve, make_indexer, "newznab/nzbhydra2/omgwtfCapsResponse.xml")
    assert caps.modes["search"] == ("q", "cat", "limit", "offset", "maxage")
    assert caps.modes["movie-search"] == ("q", "imdbid", "cat", "limit", "offset", "maxage")
    assert "music-search" not in caps.modes


async def test_caps_are_asked_once_per_instance(serve, make_indexer) -> None:
    fake = serve({"caps": fixture_bytes("newznab/sonarr/newznab_caps.xml")})
    async with make_indexer(fake.url) as indexer:
        first = await indexer.capabilities()
        second = await indexer.capabilities()
    assert first is second
    assert [r.arg("t") for r in fake.requests] == ["caps"]


async def test_base_url_with_or_without_api_reaches_the_same_endpoint(serve, make_indexer) -> None:
    fake = serve({"caps": fixture_bytes("newznab/sonarr/newznab_caps.xml")})
    for pasted in (f"{fake.url}/1/", f"{fake.url}/1", f"{fake.url}/1/api", f"{fake.url}/1/api/"):
        async with make_indexer(pasted) as indexer:
            await indexer.capabilities()
            assert indexer.base_url == f"{fake.url}/1/"
    assert [r.path for r in fake.requests] == ["/1/api"] * 4


K = MediaKind
KIND_CASES = [
    pytest.param("full", dict(STANDARD_CATEGORIES), id="every-kind-by-its-parent"),
    pytest.param(
        "torznab/prowlarr/torznab_animetosho_caps.xml",
        {K.MOVIE: (2020,), K.ANIME: (5070,)},
        id="subcategories-without-their-parent",
    ),
    pytest.param(
        "newznab/sonarr/newznab_caps.xml",
        {K.SERIES: (5000,), K.BOOK: (7000,), K.ANIME: (5070,)},
        id="tv-and-books",
    ),
]


@pytest.mark.parametrize(("name", "expected"), KIND_CASES)
async def test_caps_say_which_kinds_are_served_with_which_categories(
    serve, make_indexer, name, expected
) -> None:
    fake = serve({"caps": DEFAULT_CAPS.encode() if name == "full" else fixture_bytes(name)})
    async with make_indexer(fake.url) as indexer:
        caps = await indexer.capabilities()
    assert dict(caps.kinds) == expected


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        ((), dict(STANDARD_CATEGORIES)),  # lists nothing: serves every kind, standard categories
        ((3000, 3040), {K.MUSIC: (3000,)}),  # audio without 3030 is music only
        ((3030,), {K.AUDIOBOOK: (3030,)}),  # 3030 alone is audiobooks, not music
        ((3030, 3040), {K.MUSIC: (3040,), K.AUDIOBOOK: (3030,)}),
        ((5070,), {K.ANIME: (5070,)}),  # an anime tracker serves anime, not every series
        ((5000, 5070), {K.SERIES: (5000,), K.ANIME: (5070,)}),  # TV with its anime
        ((5030, 5040, 5070), {K.SERIES: (5030, 5040), K.ANIME: (5070,)}),
        ((7020,), {K.BOOK: (7020,)}),  # ebooks are books
        ((6000, 8010, 100001), {}),  # XXX, other and custom ids serve no kind
    ],
)
def test_kinds_of_a_category_list(listed: tuple[int, ...], expected: dict) -> None:
    assert kinds_of(frozenset(listed)) == expected
