"""A MyAnonamouse grab into the real qbittorrent-nox, and the seed-time guard that keeps it there
until its seed time is over (refused before, allowed after)."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.clients.qbittorrent import QBittorrentClient
from adapters.indexers.myanonamouse import MyAnonamouseIndexer
from core import errors
from core.clients import ConfiguredClient
from core.domain import MediaKind, Protocol, SearchQuery
from core.events import DownloadFailed, EventBus
from core.http import HttpPolicy, HttpService
from core.services import seeding
from core.services.control import DownloadControl
from core.services.failover import FailoverService
from core.services.grab import GrabService
from core.services.queue import QueueService
from core.services.search import ReleaseSearch
from core.store.database import Store
from core.store.models import BlocklistEntry, Grab
from tests.support.daemons import QBittorrentDaemon
from tests.support.mam_server import MamServer, mam_item
from tests.support.torrents import make_torrent

MAM_ID = "mam-seed-canary-4Lq0Vx9Zp"


@pytest_asyncio.fixture(loop_scope="function")
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def daemon(qbt_daemon: QBittorrentDaemon) -> Iterator[QBittorrentDaemon]:
    qbt_daemon.clear()
    yield qbt_daemon
    qbt_daemon.clear()


async def test_a_mam_grab_reaches_qbittorrent_and_stays_until_its_seed_time_is_over(
    store: Store, daemon: QBittorrentDaemon, tmp_path: Path
) -> None:
    torrent = make_torrent("Project Hail Mary", os.urandom(16 * 1024))
    with MamServer(mam_id=MAM_ID, items=[mam_item(42, "Project Hail Mary")]) as mam:
        mam.serve_torrent(42, torrent.data)
        async with (
            HttpService("mam", HttpPolicy(retries=0), secrets=[MAM_ID]) as mh,
            HttpService("qbit", HttpPolicy(retries=0), secrets=[daemon.password]) as qh,
        ):
            indexer = MyAnonamouseIndexer("mam", mam.url, mh, mam_id=MAM_ID, seed_hours=72)
            [found] = await indexer.search(SearchQuery("hail mary", MediaKind.AUDIOBOOK))
            client = QBittorrentClient(
                "qbit", daemon.url, qh, username=daemon.username, password=daemon.password
            )
            configured = ConfiguredClient(
                "qbit", Protocol.TORRENT, client, "books", str(tmp_path / "dl")
            )
            grab = await GrabService({"qbit": configured}, {"mam": indexer}).grab(found)
            control = DownloadControl({"qbit": client})
            assert grab.seed_seconds == 72 * 3600

            # received bytes, not yet complete: the whole seed time is still owed
            await Grab.filter(id=grab.id).update(progress=0.5)
            with pytest.raises(errors.Conflict) as early:
                await control.remove(grab.id)

            completed = datetime.now(UTC) - timedelta(hours=71)
            await Grab.filter(id=grab.id).update(progress=1.0, completed_at=completed)
            with pytest.raises(errors.Conflict) as late:
                await control.remove(grab.id)
            [item] = (await QueueService().view()).items
            still = json.loads(daemon.api("torrents/info"))

            done = datetime.now(UTC) - timedelta(hours=72, minutes=1)
            await Grab.filter(id=grab.id).update(completed_at=done)
            removed = await control.remove(grab.id, delete_files=True)
            after = json.loads(daemon.api("torrents/info"))

    download = next(r for r in mam.requests if r.path == "/tor/download.php")
    assert download.arg("tid") == "42" and download.headers["cookie"] == f"mam_id={MAM_ID}"
    assert grab.client_id == torrent.info_hash and grab.indexer == "mam"
    assert early.value.key == "error.still_seeding" and early.value.params["hours"] == 72
    assert late.value.key == "error.still_seeding" and late.value.params["indexer"] == "mam"
    assert late.value.params["hours"] == 1
    assert item.seed_left is not None and 3000 < item.seed_left <= 3600
    assert [t["hash"] for t in still] == [torrent.info_hash]  # refused: nothing was removed
    assert removed.state == "removed" and after == []


async def test_the_guard_lets_a_grab_without_obligation_or_bytes_go(store: Store) -> None:
    plain = Grab(title="x", indexer="torznab", seed_seconds=None, progress=0.7)
    untouched = Grab(title="y", indexer="mam", seed_seconds=3600.0, progress=0.0)
    seeded = Grab(
        title="z",
        indexer="mam",
        seed_seconds=3600.0,
        progress=1.0,
        completed_at=datetime.now(UTC) - timedelta(hours=2),
    )
    for grab in (plain, untouched, seeded):
        seeding.guard(grab)  # none raises
    assert seeding.seed_left(plain) is None and seeding.seed_left(seeded) is None
    assert seeding.seed_left(untouched) == 3600.0


async def test_a_failed_mam_download_is_blocklisted_but_stays_in_the_client(
    store: Store, daemon: QBittorrentDaemon, tmp_path: Path
) -> None:
    torrent = make_torrent("Project Hail Mary", os.urandom(16 * 1024))
    with MamServer(mam_id=MAM_ID, items=[mam_item(43, "Project Hail Mary")]) as mam:
        mam.serve_torrent(43, torrent.data)
        async with (
            HttpService("mam", HttpPolicy(retries=0), secrets=[MAM_ID]) as mh,
            HttpService("qbit", HttpPolicy(retries=0), secrets=[daemon.password]) as qh,
        ):
            indexer = MyAnonamouseIndexer("mam", mam.url, mh, mam_id=MAM_ID)
            [found] = await indexer.search(SearchQuery("hail mary", MediaKind.AUDIOBOOK))
            client = QBittorrentClient(
                "qbit", daemon.url, qh, username=daemon.username, password=daemon.password
            )
            configured = ConfiguredClient("qbit", Protocol.TORRENT, client, "books", None)
            grabber = GrabService({"qbit": configured}, {"mam": indexer})
            grab = await grabber.grab(found)
            await Grab.filter(id=grab.id).update(progress=0.3)
            failover = FailoverService(
                EventBus(), grabber, ReleaseSearch([indexer]), auto_regrab=False
            )
            await failover.on_failed(
                DownloadFailed(grab_id=grab.id, title=grab.title, reason="failure.stalled")
            )
    row = await Grab.get(id=grab.id)
    assert row.state == "failed" and await BlocklistEntry.exists(release_key=grab.release_key)
    listed = json.loads(daemon.api("torrents/info"))
    assert [t["hash"] for t in listed] == [torrent.info_hash]  # MAM's seed time still owed
