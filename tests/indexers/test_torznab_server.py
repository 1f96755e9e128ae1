"""The reusable fake Torznab server speaks the protocol the adapter expects."""

from __future__ import annotations

import pytest

from adapters.indexers.torznab import TorznabIndexer
from core import errors
from core.domain import MediaKind, SearchQuery
from core.http import HttpService
from tests.indexers.conftest import FAST
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "fake-server-key-31415"
HASH = "63e07ff523710ca268567dad344ce1e0e6b7e8a3"
ITEMS = [
    FeedItem("Dune 2021 2160p UHD BluRay x265-GRP", size=60_000_000_000, seeders=40,
             link="/f/dune-uhd.torrent", infohash=HASH, category=(2000, 2045)),
    FeedItem("Dune 2021 1080p WEB-DL & More <x264>", size=8_000_000_000, seeders=12,
             magnet=f"magnet:?xt=urn:btih:{HASH}", category=2040, downloadvolumefactor=0.0),
    FeedItem("Severance S02E01 1080p WEB h264-GRP", size=2_000_000_000, seeders=5,
             link="/f/sev.torrent", category=5040),
]  # fmt: skip


async def test_search_filters_by_words_and_category() -> None:
    with TorznabFeed(ITEMS, api_key=KEY) as feed:
        async with HttpService("fake", FAST, secrets=[KEY]) as http:
            indexer = TorznabIndexer("fake", feed.url, http, api_key=KEY)
            movies = await indexer.search(SearchQuery(text="dune", kind=MediaKind.MOVIE))
            everything = await indexer.search(SearchQuery(text=""))
    assert [r.title for r in movies] == [ITEMS[0].title, ITEMS[1].title]
    uhd, web = movies
    assert (uhd.size, uhd.seeders, uhd.categories) == (60_000_000_000, 40, (2000, 2045))
    assert uhd.download_url == feed.url + "/f/dune-uhd.torrent" and uhd.info_hash == HASH
    assert web.magnet_url == f"magnet:?xt=urn:btih:{HASH}" and web.info_hash == HASH
    assert web.freeleech
    assert len(everything) == 3
    assert [r.arg("t") for r in feed.searches] == ["movie", "search"]


async def test_wrong_key_and_served_files() -> None:
    with TorznabFeed(ITEMS, api_key=KEY, delay=0.05) as feed:
        url = feed.serve_file("/f/dune-uhd.torrent", b"d4:infod4:name4:dunee")
        async with HttpService("fake", FAST, secrets=[KEY]) as http:
            good = TorznabIndexer("fake", feed.url + "/api", http, api_key=KEY)
            assert await good.fetch(url) == b"d4:infod4:name4:dunee"
            bad = TorznabIndexer("fake", feed.url, http, api_key="wrong-key")
            with pytest.raises(errors.AuthFailed):
                await bad.capabilities()
