"""A household in a temp store, a loopback TMDB and Torznab indexer, and senders to talk as."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from bot.conversation import Conversation
from bot.conversation.render_text import render
from bot.views import Button, Reply, Sender, View
from core.app import Outpost
from core.domain import MediaKind
from core.services import profiles
from core.services.household import Household
from core.services.profiles import Change
from core.store.integrations import add_integration
from core.store.models import IntegrationCategory, Person, Role
from tests.metadata.conftest import API_KEY as TMDB_KEY
from tests.metadata.conftest import FakeTmdb
from tests.support.localserver import LocalServer
from tests.support.torrents import Torrent, make_torrent
from tests.support.torznab_server import FeedItem, TorznabFeed

INDEXER_KEY = "indexer-canary-" + os.urandom(6).hex()
BEST = "The.First.Omen.2024.1080p.WEB-DL.DDP5.1.H.264-OUTPOST"
LARGE = "The.First.Omen.2024.1080p.BluRay.REMUX.AVC.DTS-HD.MA.5.1-BIG"
TINY = "The.First.Omen.2024.1080p.WEB-DL.H.264-TINY"
OTHER = "The.Omen.2006.720p.BluRay.x264-OLD"
GB = 1024**3

ADMIN = Sender("telegram", "100", "100", private=True, language="en-GB", name="Ada")
MEMBER = Sender("telegram", "200", "200", private=True, language="de-DE", name="Max")
STRANGER = Sender("telegram", "300", "300", private=True, language="fr", name="Eve")
GROUP = "-1009"


def in_group(sender: Sender) -> Sender:
    """The same person writing in the household's group chat."""
    return Sender(sender.platform, sender.user_id, GROUP, False, sender.language, sender.name)


def feed_items() -> list[FeedItem]:
    return [
        FeedItem(BEST, size=5 * GB, seeders=40, link="/dl/best.torrent"),
        FeedItem(LARGE, size=30 * GB, seeders=90, link="/dl/large.torrent"),
        FeedItem(TINY, size=40_000_000, seeders=50, link="/dl/tiny.torrent"),
        FeedItem(OTHER, size=4 * GB, seeders=70, link="/dl/other.torrent"),
    ]


def buttons(view: View) -> list[Button]:
    """A choice list's buttons, then the rows' (as a frontend without menus shows them)."""
    return [b for row in view.rows() for b in row]


def button(view: View, key: str) -> Button:
    """The first button whose label has this key."""
    found = [b for b in buttons(view) if b.text.key == key]
    assert found, (key, [b.text.key for b in buttons(view)])
    return found[0]


def keys(replies: list[Reply] | tuple[Reply, ...]) -> list[str]:
    return [line.key for r in replies for line in r.view.lines]


def text(reply: Reply, lang: str = "en") -> str:
    return render(reply.view, lang)


@dataclass
class World:
    app: Outpost
    conv: Conversation
    admin: Person
    member: Person
    feed: TorznabFeed | None = None
    torrents: dict[str, Torrent] | None = None


@pytest.fixture(scope="module")
def tmdb_url() -> Iterator[str]:
    with LocalServer(FakeTmdb()) as server:
        yield server.url + "/3"


@pytest.fixture(scope="module")
def feed() -> Iterator[tuple[TorznabFeed, dict[str, Torrent]]]:
    made = {name: make_torrent(name, os.urandom(16 * 1024)) for name in (BEST, LARGE)}
    with TorznabFeed(feed_items(), api_key=INDEXER_KEY) as server:
        server.serve_file("/dl/best.torrent", made[BEST].data)
        server.serve_file("/dl/large.torrent", made[LARGE].data)
        yield server, made


@pytest_asyncio.fixture(loop_scope="function")
async def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Outpost]:
    for name in ("OUTPOST_SECRET_KEY", "OUTPOST_DATABASE_URL", "OUTPOST_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    async with Outpost(tmp_path / "data") as opened:
        yield opened


@pytest_asyncio.fixture(loop_scope="function")
async def world(app: Outpost) -> World:
    """Ada (admin, English) and Max (member, German) with their Telegram accounts."""
    ada = await Household().add_person("Ada", Role.ADMIN, {"telegram": ADMIN.user_id}, "en")
    max_ = await Household().add_person("Max", Role.MEMBER, {"telegram": MEMBER.user_id}, "de")
    admin, member = await Person.get(id=ada.id), await Person.get(id=max_.id)
    return World(app, Conversation(app), admin, member)


@pytest_asyncio.fixture(loop_scope="function")
async def searchable(
    world: World, tmdb_url: str, feed: tuple[TorznabFeed, dict[str, Torrent]]
) -> World:
    """The world with TMDB and the Torznab indexer configured (no client yet)."""
    box = world.app.box
    await add_integration(
        box,
        name="tmdb",
        category=IntegrationCategory.PROVIDER,
        kind="tmdb",
        url=tmdb_url,
        secrets={"api_key": TMDB_KEY},
    )
    server, torrents = feed
    await add_integration(
        box,
        name="local",
        category=IntegrationCategory.INDEXER,
        kind="torznab",
        url=server.url,
        secrets={"api_key": INDEXER_KEY},
    )
    world.feed, world.torrents = server, torrents
    # This household takes remuxes (the default movie profile does not): the flows here rank
    # LARGE, a 1080p remux, first.
    await profiles.change(MediaKind.MOVIE, Change(prefer="bluray-1080p-remux", cutoff="hdtv-1080p"))
    return world
