"""The household's path through Discord, whole: /search, press, choose a release, grab, then
the lifecycle on a real loopback swarm until the same card message says "ready".

The real discord.py client against the local Discord server; real qbittorrent-nox fed by a
qBittorrent seeder through opentracker, as in tests/telegram/test_whole_path.py.
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
from core.store.models import Grab, IntegrationCategory, Notice, Role, Setting
from tests.discord.conftest import Captured, Start
from tests.metadata.conftest import API_KEY as TMDB_KEY
from tests.metadata.conftest import FakeTmdb
from tests.support.daemons import QBittorrentDaemon
from tests.support.discordapi import DiscordApiServer, FakeGuild, FakeUser, Pending
from tests.support.discordapi.shapes import JSON
from tests.support.localserver import LocalServer
from tests.support.swarm import Swarm
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "dc-indexer-" + "4" * 10
NAME = "The.First.Omen.2024.1080p.WEB-DL.DDP5.1.H.264-OUTPOST"


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
        yield outpost, torrent.info_hash


def with_button(api: DiscordApiServer, channel_id: str, label: str) -> JSON | None:
    """The newest message in the channel with a button labelled `label`."""
    for message in reversed(api.in_channel(channel_id)):
        if any(label in (b.get("label") or "") for b in api.buttons(message)):
            return message
    return None


async def press(
    api: DiscordApiServer, user: FakeUser, guild: FakeGuild, label: str
) -> tuple[JSON, Pending]:
    """Press the button labelled `label` on the newest message that has one."""
    message = await api.until(lambda: with_button(api, guild.channel_id, label))
    button = next(b for b in api.buttons(message) if label in (b.get("label") or ""))
    return message, await api.press(user, message, button["custom_id"], guild)


def ready_in_dm(api: DiscordApiServer, user: FakeUser) -> list[JSON]:
    dm = api.state.dm_channels.get(user.id, "")
    return [m for m in api.in_channel(dm) if "is ready in the library" in api.text(m)]


async def situation(leecher: QBittorrentDaemon, api: DiscordApiServer, logs: Captured) -> str:
    grabs = await Grab.all().values("title", "state", "raw_status", "progress", "failure")
    torrents = [
        {k: t.get(k) for k in ("name", "state", "progress")}
        for t in json.loads(leecher.api("torrents/info"))
    ]
    chat = [api.text(m)[:120] for m in api.state.messages.values()]
    return f"grabs: {grabs}\nclient: {torrents}\nchat: {chat}\nlog: {logs.lines[-25:]}"


async def test_search_press_grab_download_and_the_same_card_says_ready(
    household: tuple[Outpost, str],
    discordapi: DiscordApiServer,
    start_bot: Start,
    leecher: QBittorrentDaemon,
    tmp_path: Path,
    logs: Captured,
) -> None:
    app, info_hash = household
    api = discordapi
    home, ada = api.guild("Home"), api.user("Ada")
    # Ada is linked: Telegram and Discord; only Discord runs here
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id, "telegram": "100"}, "en")
    await start_bot(frozenset({int(home.id)}), card_interval=0.5, coalesce=0.2)
    await api.slash(ada, home, "search", text="omen")
    first, _ = await press(api, ada, home, "Choose release")
    embed = first["embeds"][0]
    assert "The First Omen" in embed["title"] and embed["image"]["url"]  # poster, title, year
    listing, _ = await press(api, ada, home, "#1")
    assert NAME in api.text(listing)
    await api.until(lambda: any("Grabbed" in api.text(m) for m in api.in_channel(home.channel_id)))
    assert [t["hash"] for t in json.loads(leecher.api("torrents/info"))] == [info_hash]
    card = next(m for m in api.in_channel(home.channel_id) if "Grabbed" in api.text(m))

    stop = asyncio.Event()
    runtime = await app.runtime(Timing(interval=0.3, stall_after=60, fail_after=120))
    service = asyncio.create_task(runtime.serve(stop))
    try:
        await api.until(lambda: "Ready in the library" in api.text(card), within=90)
        await api.until(lambda: ready_in_dm(api, ada), within=30)
    except TimeoutError as err:
        raise AssertionError(f"{err}\n{await situation(leecher, api, logs)}") from None
    finally:
        stop.set()
        await service
    assert len(ready_in_dm(api, ada)) == 1  # the requester hears once in this chat
    rows = [tuple(r) for r in await Notice.all().values_list("event", "chat")]
    to_discord = [event for event, chat in rows if chat == f"discord:{ada.id}"]
    assert to_discord and all((event, "telegram:100") in rows for event in to_discord)
    assert len(rows) == len(set(rows))  # each notice once per chat of hers
    shown = [api.text(version) for version in api.state.history[card["id"]]]
    assert any("Grabbed" in s for s in shown)  # the same message, from grabbed to ready
    target = (
        tmp_path / "library" / "The First Omen (2024)" / "The First Omen (2024) [webdl-1080p].mkv"
    )
    assert target.exists()
    mentions = [c.body.get("allowed_mentions") for c in api.calls if isinstance(c.body, dict)]
    sends = [m for m in mentions if m is not None]
    assert sends and all(m == {"parse": []} for m in sends)  # nothing from a title pings anyone


async def test_another_members_press_changes_nothing(
    household: tuple[Outpost, str],
    discordapi: DiscordApiServer,
    start_bot: Start,
    leecher: QBittorrentDaemon,
) -> None:
    api = discordapi
    home, ada, max_ = api.guild("Home"), api.user("Ada"), api.user("Max")
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await Household().add_person("Max", Role.MEMBER, {"discord": max_.id}, "en")
    await start_bot(frozenset({int(home.id)}))
    await api.slash(ada, home, "search", text="omen")
    card = await api.until(lambda: with_button(api, home.channel_id, "Choose release"))
    before = {**card, "components": list(card["components"])}
    pressed, pending = await press(api, max_, home, "Choose release")  # Ada's card, Max's finger
    assert pressed["id"] == card["id"]
    token = pending.payload["token"]
    alert = await api.until(lambda: api.calls_to("POST", f"/webhooks/{api.bot.id}/{token}"))
    assert alert[0].body["flags"] & 64  # only Max sees why
    assert api.message(card["id"]) == before  # Ada's card is as it was
    assert json.loads(leecher.api("torrents/info")) == []


async def test_search_suggests_titles_as_they_are_typed(
    household: tuple[Outpost, str], discordapi: DiscordApiServer, start_bot: Start
) -> None:
    api = discordapi
    home, ada, eve = api.guild("Home"), api.user("Ada"), api.user("Eve")
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await start_bot(frozenset({int(home.id)}))
    typed = await api.autocomplete(ada, home, "search", "text", "omen")
    await api.until(lambda: typed.callbacks)
    assert typed.callbacks[0]["type"] == 8
    names = [c["name"] for c in typed.callbacks[0]["data"]["choices"]]
    assert "The First Omen (2024)" in names
    stranger = await api.autocomplete(eve, home, "search", "text", "omen")
    await api.until(lambda: stranger.callbacks)
    assert stranger.callbacks[0]["data"]["choices"] == []  # strangers learn nothing
