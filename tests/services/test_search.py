"""Release search over several real Torznab servers on loopback: fan-out, merge, partial failure."""

from __future__ import annotations

import ast
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, ExitStack
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.indexers.torznab import TorznabIndexer
from core import errors
from core.domain import MediaKind, Protocol, Release, SearchQuery
from core.http import HttpPolicy, HttpService
from core.releases import Wanted, rank
from core.services.search import ReleaseSearch, absolute_misfits
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "search-test-key"
GB = 1024**3
HASH = "a" * 40
TV_ONLY_CAPS = (
    '<?xml version="1.0" encoding="UTF-8"?><caps><searching>'
    '<search available="yes" supportedParams="q"/>'
    '<tv-search available="yes" supportedParams="q,season,ep"/></searching>'
    '<categories><category id="5000" name="TV"><subcat id="5040" name="TV/HD"/></category>'
    "</categories></caps>"
)


def item(title: str, **kw: object) -> FeedItem:
    return FeedItem(title, size=kw.pop("size", 2_000_000_000), link=f"/dl/{abs(hash(title))}", **kw)  # type: ignore[arg-type]


@pytest.fixture
def feeds() -> Iterator[list[TorznabFeed]]:
    with ExitStack() as stack:
        yield [
            stack.enter_context(
                TorznabFeed(
                    [
                        item("Sintel.2010.1080p.BluRay.x264-A", infohash=HASH, seeders=5),
                        item("Sintel.2010.720p.WEB-DL.H264-B", seeders=7),
                    ],
                    api_key=KEY,
                )
            ),
            stack.enter_context(
                TorznabFeed(
                    [
                        item("Sintel 2010 1080p BluRay x264-A", infohash=HASH.upper(), seeders=50),
                        item("Sintel.2010.720p.WEB-DL.H264-B", seeders=3),
                    ],
                    api_key=KEY,
                )
            ),
            stack.enter_context(
                TorznabFeed([item("Sintel.2010.2160p.WEB-DL.H265-C")], api_key=KEY, delay=3.0)
            ),
            stack.enter_context(
                TorznabFeed(
                    [item("Sintel.2010.576p.DVDRip.x264-D")], caps=TV_ONLY_CAPS, api_key=KEY
                )
            ),
        ]


@pytest_asyncio.fixture(loop_scope="function")
async def indexers(feeds: list[TorznabFeed]) -> AsyncIterator[list[TorznabIndexer]]:
    async with AsyncExitStack() as stack:
        built = []
        for n, feed in enumerate(feeds):
            http = await stack.enter_async_context(
                HttpService(f"idx{n}", HttpPolicy(retries=0), secrets=[KEY])
            )
            built.append(TorznabIndexer(f"idx{n}", feed.url, http, api_key=KEY))
        yield built


async def test_merges_duplicates_and_reports_the_slow_one(
    indexers: list[TorznabIndexer], feeds: list[TorznabFeed]
) -> None:
    search = ReleaseSearch(indexers, timeout=1.0)
    outcome = await search.search(
        SearchQuery(text="Sintel", kind=MediaKind.MOVIE, year=2010),
        Wanted(kind=MediaKind.MOVIE, title="Sintel", year=2010),
    )
    titles = sorted(
        (v.release.title, v.release.indexer, v.release.seeders) for v in outcome.verdicts
    )
    # same info-hash on two indexers: one kept, the better seeded; same title+size: one kept
    assert titles == [
        ("Sintel 2010 1080p BluRay x264-A", "idx1", 50),
        ("Sintel.2010.720p.WEB-DL.H264-B", "idx0", 7),
    ]
    assert [(f.indexer, type(f.error)) for f in outcome.failures] == [("idx2", errors.Timeout)]
    assert outcome.skipped == ["idx3"]  # carries no movies by its caps
    assert feeds[3].searches == []
    assert outcome.verdicts[0].quality == "bluray-1080p"


async def test_all_indexers_failing_is_a_list_of_errors_not_an_exception(
    indexers: list[TorznabIndexer], feeds: list[TorznabFeed]
) -> None:
    for feed in feeds:
        feed.stop()
    outcome = await ReleaseSearch(indexers, timeout=2.0).search(SearchQuery(text="Sintel"))
    assert outcome.verdicts == []
    assert sorted(f.indexer for f in outcome.failures) == ["idx0", "idx1", "idx2", "idx3"]
    assert all(isinstance(f.error, errors.Unreachable) for f in outcome.failures)


async def test_no_indexer_configured_says_so() -> None:
    with pytest.raises(errors.UserError) as caught:
        await ReleaseSearch([]).search(SearchQuery(text="x"))
    assert caught.value.key == "error.no_indexers"


MUSIC_ONLY_CAPS = (
    '<?xml version="1.0" encoding="UTF-8"?><caps><searching>'
    '<search available="yes" supportedParams="q"/></searching>'
    '<categories><category id="3000" name="Audio"><subcat id="3040" name="Audio/Lossless"/>'
    "</category></categories></caps>"
)


async def test_audiobooks_go_only_to_indexers_listing_3030() -> None:
    """Core used to send audiobook searches to any indexer with audio or books."""
    with (
        TorznabFeed([item("Dune Audiobook", category=3030)], api_key=KEY) as full,
        TorznabFeed(
            [item("Dune Audiobook", category=3000)], caps=MUSIC_ONLY_CAPS, api_key=KEY
        ) as music,
    ):
        async with (
            HttpService("full", HttpPolicy(retries=0), secrets=[KEY]) as h1,
            HttpService("music", HttpPolicy(retries=0), secrets=[KEY]) as h2,
        ):
            indexers = [
                TorznabIndexer("full", full.url, h1, api_key=KEY),
                TorznabIndexer("music", music.url, h2, api_key=KEY),
            ]
            outcome = await ReleaseSearch(indexers).search(
                SearchQuery(text="Dune", kind=MediaKind.AUDIOBOOK)
            )
            assert outcome.skipped == ["music"]
            assert [r.arg("cat") for r in full.searches] == ["3030"]
            music_outcome = await ReleaseSearch(indexers).search(
                SearchQuery(text="Dune", kind=MediaKind.MUSIC)
            )
    assert music_outcome.skipped == []
    assert [r.arg("cat") for r in music.searches] == ["3000"]


def test_core_holds_no_newznab_category_numbers() -> None:
    """The category table lives in the Torznab adapter; core asks `Capabilities.kinds`."""
    numbers = {2000, 2040, 3000, 3030, 3040, 5000, 5070, 7000, 7020}
    found = []
    for path in sorted((Path(__file__).resolve().parents[2] / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and node.value in numbers:
                found.append(f"{path.name}:{node.lineno}")
    # structure.py's 2000 is the century of a two-digit year, database.py's 5000 a timeout in ms
    assert sorted(found) == ["database.py:39", "structure.py:205"]


ANIME_CAPS = (
    '<?xml version="1.0" encoding="UTF-8"?><caps><searching>'
    '<search available="yes" supportedParams="q"/>'
    '<tv-search available="yes" supportedParams="q,season,ep"/></searching>'
    '<categories><category id="5000" name="TV"><subcat id="5070" name="TV/Anime"/></category>'
    "</categories></caps>"
)


async def test_anime_asks_5070_with_the_absolute_episode_and_ranks_as_a_series() -> None:
    """An anime episode without a season is its absolute number; a film-shaped release of the
    same title is the wrong kind, as it would be for a series."""
    episode = "[SubsPlease] Sousou no Frieren - 05 (1080p) [8A3B5C7D].mkv"
    items = [
        item(episode, seeders=90, size=1_400_000_000, category=5070),
        item("Sousou.no.Frieren.2023.1080p.BluRay.x264-05", seeders=5, category=5070),
    ]
    with TorznabFeed(items, caps=ANIME_CAPS, api_key=KEY) as feed:
        async with HttpService("nyaa", HttpPolicy(retries=0), secrets=[KEY]) as http:
            search = ReleaseSearch([TorznabIndexer("nyaa", feed.url, http, api_key=KEY)])
            outcome = await search.search(
                SearchQuery(text="Sousou no Frieren", kind=MediaKind.ANIME, episode=5),
                Wanted(MediaKind.ANIME, "Sousou no Frieren", episode=5),
            )
    (asked,) = feed.searches
    assert (asked.arg("t"), asked.arg("q"), asked.arg("cat")) == (
        "tvsearch", "Sousou no Frieren 05", "5070",
    )  # fmt: skip
    best, other = outcome.verdicts
    assert best.accepted and best.release.title.startswith("[SubsPlease]")
    assert [r.code for r in other.rejections] == ["wrong_kind"]


def test_an_absolute_episode_rejects_releases_numbered_otherwise() -> None:
    def release(title: str, seeders: int, size: int = GB) -> Release:
        return Release(title, "nyaa", Protocol.TORRENT, guid=title, size=size, seeders=seeders)

    six = release("[SubsPlease] Sousou no Frieren - 06 (1080p) [1B2C3D4E].mkv", 99)
    five = release("[SubsPlease] Sousou no Frieren - 05 (1080p) [8A3B5C7D].mkv", 10)
    batch = release("[SubsPlease] Sousou no Frieren (01-28) (1080p) [Batch]", 5, 28 * GB)
    ranked = rank([six, five, batch], Wanted(MediaKind.SERIES, "Sousou no Frieren"))
    query = SearchQuery(text="Sousou no Frieren", kind=MediaKind.ANIME, absolute=5)
    judged = absolute_misfits(ranked, query)
    assert [(v.release.title[13:35], v.accepted) for v in judged] == [
        ("Sousou no Frieren - 05", True),
        ("Sousou no Frieren (01-", True),  # the batch holds episode 5
        ("Sousou no Frieren - 06", False),
    ]
    assert judged[-1].rejections[-1].params == {"episodes": [6], "wanted": 5}
    assert absolute_misfits(ranked, SearchQuery(text="x", kind=MediaKind.SERIES)) == ranked
