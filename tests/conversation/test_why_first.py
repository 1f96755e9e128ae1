"""The release list in the chat says why #1 is #1, ranked by the household's movie profile and
sized by the runtime TMDB gives for the chosen title."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.views import Reply, Sender
from core.store.integrations import add_integration
from core.store.models import IntegrationCategory
from tests.conversation.conftest import (
    ADMIN,
    GB,
    INDEXER_KEY,
    MEMBER,
    TMDB_KEY,
    World,
    button,
    keys,
    text,
)
from tests.metadata.conftest import FakeTmdb, fixture_json
from tests.support.localserver import LocalServer, Response
from tests.support.torznab_server import FeedItem, TorznabFeed

OMEN_ID = 437342  # The First Omen in tests/fixtures/tmdb/search_movie.json
GOOD = "The.First.Omen.2024.1080p.WEB-DL.DDP5.1.H.264-GOOD"
UHD = "The.First.Omen.2024.2160p.WEB-DL.DDP5.1.DV.H.265-UHD"
PADDED = "The.First.Omen.2024.1080p.WEB-DL.H.264-PADDED"  # 25 GB: no usual 1080p WEB-DL
SMALL = "The.First.Omen.2024.720p.WEB-DL.H.264-SMALL"


def details(runtime: int) -> Response:
    """TMDB's movie details (the shape of /movie/550) for The First Omen, with `runtime`."""
    body = {**fixture_json("movie_550.json"), "id": OMEN_ID, "title": "The First Omen"}
    body["runtime"] = runtime
    return Response(200, json.dumps(body), {"Content-Type": "application/json"})


@pytest.fixture(scope="module")
def fake_tmdb() -> Iterator[tuple[FakeTmdb, str]]:
    fake = FakeTmdb()
    with LocalServer(fake) as server:
        yield fake, server.url + "/3"


@pytest.fixture(scope="module")
def omen_feed() -> Iterator[TorznabFeed]:
    items = [
        FeedItem(GOOD, size=5 * GB, seeders=40, link="/a"),
        FeedItem(UHD, size=15 * GB, seeders=300, link="/b"),
        FeedItem(PADDED, size=25 * GB, seeders=900, link="/c"),
        FeedItem(SMALL, size=2 * GB, seeders=90, link="/d"),
    ]
    with TorznabFeed(items, api_key=INDEXER_KEY) as server:
        yield server


async def _listing(world: World, tmdb_url: str, feed: TorznabFeed, sender: Sender = ADMIN) -> Reply:
    box, provider, indexer = (
        world.app.box,
        IntegrationCategory.PROVIDER,
        IntegrationCategory.INDEXER,
    )
    tmdb_key, feed_key = {"api_key": TMDB_KEY}, {"api_key": INDEXER_KEY}
    await add_integration(box, name="tmdb", category=provider, kind="tmdb", url=tmdb_url,
                          secrets=tmdb_key)  # fmt: skip
    await add_integration(box, name="local", category=indexer, kind="torznab", url=feed.url,
                          secrets=feed_key)  # fmt: skip
    [first] = await world.conv.command(sender, "movie", "the first omen")
    [listing] = (await world.conv.tap(sender, button(first.view, "button.choose").token)).replies
    return listing


async def test_the_list_says_why_the_first_is_first(
    world: World, fake_tmdb: tuple[FakeTmdb, str], omen_feed: TorznabFeed
) -> None:
    fake, url = fake_tmdb
    fake.overrides[f"/3/movie/{OMEN_ID}"] = details(120)  # 25 GB / 120 min = 213 MB/min
    listing = await _listing(world, url, omen_feed)
    shown = text(listing)
    assert keys([listing])[:2] == ["releases.header", "releases.why"]
    assert "Why #1: webdl-1080p, 5.0 GB, 40 seeders — preferred quality" in shown
    assert shown.index(GOOD) < shown.index(SMALL) and UHD not in shown and PADDED not in shown
    assert "2 rejected: " in shown and "1 too large" in shown


async def test_the_runtime_from_tmdb_decides_what_is_too_large(
    world: World, fake_tmdb: tuple[FakeTmdb, str], omen_feed: TorznabFeed
) -> None:
    fake, url = fake_tmdb
    fake.overrides[f"/3/movie/{OMEN_ID}"] = details(400)  # 25 GB / 400 min = 64 MB/min
    listing = await _listing(world, url, omen_feed)
    shown = text(listing)
    assert shown.index(PADDED) < shown.index(GOOD)  # usual for 400 minutes, and seeded
    assert "Why #1: webdl-1080p, 25.0 GB, 900 seeders — same quality, more seeders" in shown


async def test_why_first_is_in_the_readers_language(
    world: World, fake_tmdb: tuple[FakeTmdb, str], omen_feed: TorznabFeed
) -> None:
    fake, url = fake_tmdb
    fake.overrides[f"/3/movie/{OMEN_ID}"] = details(120)
    listing = await _listing(world, url, omen_feed, MEMBER)
    assert "Warum #1: webdl-1080p, 5.0 GB, 40 Seeder — bevorzugte Qualität" in text(listing, "de")
