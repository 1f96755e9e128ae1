"""The household's path through Telegram, whole: /search, tap, Choose release, Grab, then the
lifecycle on a real loopback swarm until the status card says "ready" and the requester hears.

Real python-telegram-bot against the local Bot API server; real qbittorrent-nox (the client
under test) fed by a qBittorrent seeder, each on its own loopback address, through opentracker.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from core.app import Outpost
from core.runtime import Timing
from core.services.household import Household
from core.store.integrations import add_integration
from core.store.models import Grab, IntegrationCategory, Role, Setting
from tests.metadata.conftest import API_KEY as TMDB_KEY
from tests.metadata.conftest import FakeTmdb
from tests.support.botapi import BotApiServer
from tests.support.daemons import QBittorrentDaemon
from tests.support.localserver import LocalServer
from tests.support.swarm import Swarm
from tests.support.torznab_server import FeedItem, TorznabFeed
from tests.telegram.conftest import Captured, Start

KEY = "tg-indexer-" + "4" * 10
NAME = "The.First.Omen.2024.1080p.WEB-DL.DDP5.1.H.264-OUTPOST"
ADA, MAX = 100, 200  # Telegram user ids: Ada is the admin, Max a member


@pytest_asyncio.fixture(loop_scope="function")
async def household(
    outpost: Outpost, swarm: Swarm, leecher: QBittorrentDaemon, tmp_path: Path
) -> AsyncIterator[tuple[Outpost, str]]:
    """TMDB, a Torznab indexer whose only release is seeded, the real client, a library."""
    torrent = swarm.torrent(NAME, {f"{NAME}.mkv": os.urandom(1024 * 1024)})
    swarm.seed(torrent)
    box = outpost.box
    with (
        LocalServer(FakeTmdb()) as tmdb,
        TorznabFeed(
            [FeedItem(NAME, size=5 * 1024**3, seeders=1, link="/t/omen")], api_key=KEY
        ) as feed,
    ):
        feed.serve_file("/t/omen", torrent.data)
        await add_integration(
            box,
            name="tmdb",
            category=IntegrationCategory.PROVIDER,
            kind="tmdb",
            url=tmdb.url + "/3",
            secrets={"api_key": TMDB_KEY},
        )
        await add_integration(
            box,
            name="local",
            category=IntegrationCategory.INDEXER,
            kind="torznab",
            url=feed.url,
            secrets={"api_key": KEY},
        )
        await add_integration(
            box,
            name="qbit",
            category=IntegrationCategory.CLIENT,
            kind="qbittorrent",
            url=leecher.url,
            username=leecher.username,
            secrets={"password": leecher.password},
            options={"category": "outpost", "save_path": str(tmp_path / "downloads")},
        )
        await Setting.create(key="library.movie", value={"path": str(tmp_path / "library")})
        await Household().add_person("Ada", Role.ADMIN, {"telegram": str(ADA)}, "en")
        await Household().add_person("Max", Role.MEMBER, {"telegram": str(MAX)}, "en")
        yield outpost, torrent.info_hash


async def tap(botapi: BotApiServer, user: object, chat: int, label: str) -> None:
    """Tap the button labelled `label` on the newest message that has one."""
    message = next(m for m in reversed(botapi.messages(chat)) if label in m.button_texts)
    botapi.tap(user, message, label)  # type: ignore[arg-type]


async def has_button(botapi: BotApiServer, chat: int, label: str) -> None:
    await botapi.until(lambda: any(label in m.button_texts for m in botapi.messages(chat)))


async def situation(leecher: QBittorrentDaemon, botapi: BotApiServer, logs: Captured) -> str:
    """What every part says, for a failure message worth reading."""
    grabs = await Grab.all().values("title", "state", "raw_status", "progress", "failure")
    torrents = [
        {k: t.get(k) for k in ("name", "state", "progress", "num_seeds", "save_path")}
        for t in json.loads(leecher.api("torrents/info"))
    ]
    chat = [(m.text or m.caption or "")[:120] for m in botapi.messages(ADA)]
    return f"grabs: {grabs}\nclient: {torrents}\nchat: {chat}\nlog: {logs.lines[-25:]}"


async def test_search_choose_grab_download_import_and_the_card_says_ready(
    household: tuple[Outpost, str],
    botapi: BotApiServer,
    start_bot: Start,
    leecher: QBittorrentDaemon,
    tmp_path: Path,
    logs: Captured,
) -> None:
    app, info_hash = household
    ada = botapi.user(ADA, "Ada", started=True)
    await start_bot(card_interval=0.5, coalesce=0.2)
    botapi.send_text(ada, "/search omen")
    await has_button(botapi, ADA, "🔎 Choose release")
    first = next(m for m in botapi.messages(ADA) if "🔎 Choose release" in m.button_texts)
    assert first.photo and "The First Omen" in (first.caption or "")  # poster, title, year
    await tap(botapi, ada, ADA, "🔎 Choose release")
    await has_button(botapi, ADA, "⬇ #1")
    listing = next(m for m in reversed(botapi.messages(ADA)) if "⬇ #1" in m.button_texts)
    assert NAME in (listing.text or "") and "webdl-1080p" in (listing.text or "")
    await tap(botapi, ada, ADA, "⬇ #1")
    await botapi.until(
        lambda: any("Grabbed" in (m.text or m.caption or "") for m in botapi.messages(ADA))
    )
    listed = json.loads(leecher.api("torrents/info"))
    assert [t["hash"] for t in listed] == [info_hash]

    stop = asyncio.Event()
    runtime = await app.runtime(Timing(interval=0.3, stall_after=60, fail_after=120))
    service = asyncio.create_task(runtime.serve(stop))
    try:
        await botapi.until(
            lambda: any(
                "Ready in the library" in (m.text or m.caption or "")
                for m in botapi.messages(ADA)
                if m.history and len(m.history) > 1
            ),
            timeout=90,
        )
        await botapi.until(
            lambda: any("is ready in the library" in (m.text or "") for m in botapi.messages(ADA)),
            timeout=30,
        )
    except AssertionError as err:
        raise AssertionError(f"{err}\n{await situation(leecher, botapi, logs)}") from None
    finally:
        stop.set()
        await service

    card = next(
        m for m in botapi.messages(ADA) if "Ready in the library" in (m.text or m.caption or "")
    )
    shown = [h.get("text") or h.get("caption") or "" for h in card.history]
    assert any("Grabbed" in s for s in shown)  # the same message moved from grabbed to ready
    target = (
        tmp_path / "library" / "The First Omen (2024)" / "The First Omen (2024) [webdl-1080p].mkv"
    )
    assert target.exists()


async def test_a_members_grab_waits_for_the_admin(
    household: tuple[Outpost, str],
    botapi: BotApiServer,
    start_bot: Start,
    leecher: QBittorrentDaemon,
) -> None:
    _, info_hash = household
    ada, max_ = botapi.user(ADA, "Ada", started=True), botapi.user(MAX, "Max", started=True)
    await start_bot(coalesce=0.2)
    botapi.send_text(max_, "/movie omen")
    await has_button(botapi, MAX, "⬇ Grab best")
    await tap(botapi, max_, MAX, "⬇ Grab best")
    await has_button(botapi, ADA, "✅ Approve")
    await asyncio.sleep(0.5)
    assert json.loads(leecher.api("torrents/info")) == []  # nothing before the admin says yes
    await tap(botapi, ada, ADA, "✅ Approve")
    await botapi.until(lambda: bool(json.loads(leecher.api("torrents/info"))), timeout=20)
    assert [t["hash"] for t in json.loads(leecher.api("torrents/info"))] == [info_hash]
    await botapi.until(
        lambda: any("Grabbed" in (m.text or m.caption or "") for m in botapi.messages(MAX))
    )
