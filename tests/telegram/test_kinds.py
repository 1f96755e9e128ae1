"""/music, /book and /audiobook through Telegram: each command is in the menu, the keyless
catalogue answers with a cover card, and its releases are asked from the kind's category with
who the title is by (music-search by artist and album, book-search by author and title)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from core.app import Outpost
from core.services.household import Household
from core.store.integrations import add_integration
from core.store.models import IntegrationCategory, Role
from tests.metadata.books import CONTACT, FakeAudnexus, FakeOpenLibrary
from tests.support.botapi import BotApiServer
from tests.support.localserver import LocalServer
from tests.support.musicbrainz_server import FakeCoverArt, FakeMusicBrainz
from tests.support.torznab_server import FeedItem, TorznabFeed
from tests.telegram.conftest import Start

KEY = "tg-kinds-" + "8" * 10
ADA = 100
GROUP = "153f0a09-fead-3370-9b17-379ebd09446b"
ALBUM = "m-flo - the Love Bug (2004) [FLAC]"
EBOOK = "Andy Weir - Project Hail Mary (2021) [EPUB]"
AUDIOBOOK = "Jason Anspach, Nick Cole - Galaxy's Edge (2017) [M4B] Unabridged"
ITEMS = [
    FeedItem(ALBUM, size=300_000_000, seeders=5, category=3040, link="/t/1"),
    FeedItem(EBOOK, size=2_000_000, seeders=5, category=7020, link="/t/2"),
    FeedItem(AUDIOBOOK, size=900_000_000, seeders=5, category=3030, link="/t/3"),
]


@pytest.fixture
def servers() -> Iterator[dict[str, LocalServer]]:
    caa = FakeCoverArt(listings={f"/release-group/{GROUP}/": "release_8745795a.json"})
    with (
        LocalServer(FakeMusicBrainz()) as mb,
        LocalServer(caa) as art,
        LocalServer(FakeOpenLibrary()) as ol,
        LocalServer(FakeAudnexus()) as ax,
    ):
        yield {"musicbrainz": mb, "coverartarchive": art, "openlibrary": ol, "audnexus": ax}


@pytest_asyncio.fixture(loop_scope="function")
async def feed(outpost: Outpost, servers: dict[str, LocalServer]) -> AsyncIterator[TorznabFeed]:
    urls = {n: s.url for n, s in servers.items()} | {
        "musicbrainz": servers["musicbrainz"].url + "/ws/2"
    }
    with TorznabFeed(ITEMS, api_key=KEY) as served:
        for name, url in urls.items():
            extra = {"contact": CONTACT} if name == "openlibrary" else {}
            await add_integration(
                outpost.box,
                name=name,
                category=IntegrationCategory.PROVIDER,
                kind=name,
                url=url,
                options=extra,
            )
        await add_integration(
            outpost.box,
            name="home",
            category=IntegrationCategory.INDEXER,
            kind="torznab",
            url=served.url,
            secrets={"api_key": KEY},
        )
        yield served


CASES = pytest.mark.parametrize(
    ("command", "title", "release", "asked"),
    [
        (
            "/music love bug",
            "the Love Bug",
            ALBUM,
            {"t": "music", "artist": "m-flo", "album": "the Love Bug", "cat": "3000"},
        ),
        (
            "/book project hail mary",
            "Project Hail Mary",
            EBOOK,
            {"t": "book", "author": "Andy Weir", "title": "Project Hail Mary", "cat": "7000"},
        ),
        (
            "/audiobook galaxy's edge",
            "Galaxy's Edge",
            AUDIOBOOK,
            {"t": "book", "author": "Jason Anspach", "title": "Galaxy's Edge", "cat": "3030"},
        ),
    ],
    ids=["music", "book", "audiobook"],
)


@CASES
async def test_kind_command_card_with_cover_and_releases(
    feed: TorznabFeed,
    botapi: BotApiServer,
    start_bot: Start,
    command: str,
    title: str,
    release: str,
    asked: dict[str, str],
) -> None:
    await Household().add_person("Ada", Role.ADMIN, {"telegram": str(ADA)}, "en")
    ada = botapi.user(ADA, "Ada", started=True)
    await start_bot()
    assert command.split()[0].lstrip("/") in [c["command"] for c in botapi.commands()]
    botapi.send_text(ada, command)
    await botapi.until(
        lambda: any("🔎 Choose release" in m.button_texts for m in botapi.messages(ADA))
    )
    card = next(m for m in botapi.messages(ADA) if "🔎 Choose release" in m.button_texts)
    assert title in (card.caption or "") and card.photo  # the catalogue's cover
    botapi.tap(ada, card, "🔎 Choose release")
    await botapi.until(lambda: any(release in (m.text or "") for m in botapi.messages(ADA)))
    (search,) = feed.searches
    assert {k: search.arg(k) for k in asked} == asked
    assert search.arg("q") is None  # the fields say it all
