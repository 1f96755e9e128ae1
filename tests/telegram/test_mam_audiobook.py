"""The whole path from the chat: `/audiobook project hail mary` finds the title on a local Open
Library and Audnexus, the release on a local MyAnonamouse, the real qbittorrent-nox downloads it
from a loopback swarm, and the file lands in the audiobook library while the torrent seeds on."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from core.app import Outpost
from core.runtime import Timing
from core.services.household import Household
from core.store.integrations import add_integration
from core.store.models import Grab, IntegrationCategory, Role, Setting
from tests.metadata.books import CONTACT, FakeAudnexus, FakeOpenLibrary
from tests.support.botapi import BotApiServer
from tests.support.daemons import QBittorrentDaemon
from tests.support.localserver import LocalServer
from tests.support.mam_server import MamServer, mam_item
from tests.support.swarm import Swarm
from tests.telegram.conftest import Captured, Start
from tests.telegram.test_whole_path import has_button, situation, tap

MAM_ID = "mam-tg-canary-3Rk8Wq1Zs"
ADA = 100
BOOK = "Project Hail Mary.m4b"


async def test_audiobook_from_a_mam_result_to_the_file_in_the_audiobook_library(
    outpost: Outpost,
    swarm: Swarm,
    leecher: QBittorrentDaemon,
    botapi: BotApiServer,
    start_bot: Start,
    tmp_path: Path,
    logs: Captured,
) -> None:
    audio = os.urandom(1024 * 1024)
    torrent = swarm.torrent("Project Hail Mary", {BOOK: audio})
    swarm.seed(torrent)
    box = outpost.box
    with (
        LocalServer(FakeOpenLibrary()) as ol,
        LocalServer(FakeAudnexus()) as ax,
        MamServer(
            mam_id=MAM_ID, items=[mam_item(9001, "Project Hail Mary", size=len(audio))]
        ) as mam,
    ):
        mam.serve_torrent(9001, torrent.data)
        await add_integration(
            box,
            name="openlibrary",
            category=IntegrationCategory.PROVIDER,
            kind="openlibrary",
            url=ol.url,
            options={"contact": CONTACT},
        )
        await add_integration(
            box, name="audnexus", category=IntegrationCategory.PROVIDER, kind="audnexus", url=ax.url
        )
        await add_integration(
            box,
            name="mam",
            category=IntegrationCategory.INDEXER,
            kind="myanonamouse",
            url=mam.url,
            secrets={"mam_id": MAM_ID},
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
        library = tmp_path / "audiobooks"
        await Setting.create(key="library.audiobook", value={"path": str(library)})
        await Household().add_person("Ada", Role.ADMIN, {"telegram": str(ADA)}, "en")

        ada = botapi.user(ADA, "Ada", started=True)
        await start_bot(card_interval=0.5, coalesce=0.2)
        botapi.send_text(ada, "/audiobook project hail mary")
        await has_button(botapi, ADA, "⬇ Grab best")
        await tap(botapi, ada, ADA, "⬇ Grab best")
        await botapi.until(
            lambda: any("Grabbed" in (m.text or m.caption or "") for m in botapi.messages(ADA))
        )
        stop = asyncio.Event()
        runtime = await outpost.runtime(Timing(interval=0.3, stall_after=60, fail_after=120))
        service = asyncio.create_task(runtime.serve(stop))
        try:
            await botapi.until(
                lambda: any(
                    "is ready in the library" in (m.text or "") for m in botapi.messages(ADA)
                ),
                timeout=90,
            )
        except AssertionError as err:
            raise AssertionError(f"{err}\n{await situation(leecher, botapi, logs)}") from None
        finally:
            stop.set()
            await service
        # imported, and still seeding for MAM: /queue says how long, and Remove is refused
        botapi.send_text(ada, "/queue")
        await botapi.until(
            lambda: any("more for the tracker" in (m.text or "") for m in botapi.messages(ADA))
        )
        card = next(m for m in botapi.messages(ADA) if "more for the tracker" in (m.text or ""))
        assert "seeds 72 h 0 min more for the tracker" in (card.text or "")
        await tap(botapi, ada, ADA, "🗑 Remove")
        refused = "must seed 72 h more for mam"  # the tap's alert
        await botapi.until(
            lambda: any(refused in str(a.get("text")) for a in botapi.callback_answers)
        )

    placed = [p for p in library.rglob("*.m4b")]
    assert len(placed) == 1 and placed[0].read_bytes() == audio
    [grab] = await Grab.all()
    assert grab.indexer == "mam" and grab.seed_seconds == 72 * 3600 and grab.completed_at
    in_client = json.loads(leecher.api("torrents/info"))
    assert [t["hash"] for t in in_client] == [torrent.info_hash]  # still seeding for MAM
    source = await asyncio.to_thread(Path(in_client[0]["content_path"]).read_bytes)
    assert source == audio  # hardlinked or copied, never moved
    searched = mam.searches()
    assert searched and all(r.query["tor[main_cat][]"] == ["13"] for r in searched)
    assert MAM_ID not in "\n".join(logs.lines)
