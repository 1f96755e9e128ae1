"""Disk sense: a grab that cannot fit is refused before anything is sent; hardlink check."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from adapters.clients.qbittorrent import QBittorrentClient
from adapters.indexers.torznab import TorznabIndexer
from core import errors
from core.clients import ConfiguredClient
from core.domain import ClientCheck, Protocol, Release
from core.http import HttpPolicy, HttpService
from core.services.diskspace import DEFAULT_MARGIN, DiskSpace, human_bytes, same_filesystem
from core.services.grab import GrabService
from core.store.database import Store
from core.store.models import Grab, Setting
from tests.support.daemons import QBittorrentDaemon
from tests.support.torrents import make_torrent
from tests.support.torznab_server import TorznabFeed

TITLE = "Sintel.2010.1080p.BluRay.x264-GRP"


@asynccontextmanager
async def grabber(daemon: QBittorrentDaemon) -> AsyncIterator[tuple[GrabService, str, str]]:
    """A grab service with the disk check, and a feed serving one small torrent."""
    torrent = make_torrent(TITLE, os.urandom(8 * 1024))
    with TorznabFeed(api_key=None) as feed:
        url = feed.serve_file("/s.torrent", torrent.data)
        async with (
            HttpService("idx", HttpPolicy(retries=0)) as ih,
            HttpService("qbit", HttpPolicy(retries=0), secrets=[daemon.password]) as qh,
        ):
            indexer = TorznabIndexer("idx", feed.url, ih)
            client = QBittorrentClient(
                "qbit", daemon.url, qh, username=daemon.username, password=daemon.password
            )
            qbit = ConfiguredClient("qbit", Protocol.TORRENT, client)
            service = GrabService({"qbit": qbit}, {"idx": indexer}, space=DiskSpace())
            yield service, url, torrent.info_hash


def sized(url: str, size: int) -> Release:
    return Release(TITLE, "idx", Protocol.TORRENT, guid="g", download_url=url, size=size)


def smaller_disk() -> Path:
    shm = Path("/dev/shm")
    if not shm.is_dir():
        pytest.skip("no /dev/shm to hold a library on a smaller disk")
    return shm


def hashes(daemon: QBittorrentDaemon) -> list[str]:
    return [t["hash"] for t in json.loads(daemon.api("torrents/info"))]


async def measured(service: GrabService) -> None:
    """qBittorrent reports 0 free bytes until it has measured its disk: wait until the
    client, as the grab service sees it, has a figure."""
    client = service.client("qbit")
    for _ in range(100):
        if client is not None and (await client.check()).free_space:
            return
        await asyncio.sleep(0.05)
    pytest.skip("qBittorrent never reported its free space")


async def test_a_release_larger_than_the_clients_free_space_is_refused(
    store: Store, daemon: QBittorrentDaemon
) -> None:
    async with grabber(daemon) as (service, url, _):
        await measured(service)
        with pytest.raises(errors.UserError) as refused:
            await service.grab(sized(url, 10**15))
    assert refused.value.key == "error.no_space"
    params = refused.value.params
    assert params["where"] == "qbit" and params["needed_bytes"] == 10**15 + DEFAULT_MARGIN
    assert 0 < params["free_bytes"] < 10**15 and params["needed"] == human_bytes(
        10**15 + DEFAULT_MARGIN
    )
    assert hashes(daemon) == [] and await Grab.all().count() == 0


async def test_a_small_release_fits_and_is_grabbed(store: Store, daemon: QBittorrentDaemon) -> None:
    async with grabber(daemon) as (service, url, info_hash):
        grab = await service.grab(sized(url, 50 * 1024**2), kind="movie")
    assert grab.kind == "movie"
    assert hashes(daemon) == [info_hash]


async def test_the_library_root_of_the_kind_is_checked_too(
    store: Store, daemon: QBittorrentDaemon
) -> None:
    shm = smaller_disk()
    async with grabber(daemon) as (service, url, _):
        client = service.client("qbit")
        assert isinstance(client, QBittorrentClient)
        client_free = (await client.check()).free_space or 0
        library_free = shutil.disk_usage(shm).free
        if library_free + 2 * DEFAULT_MARGIN >= client_free:
            pytest.skip("/dev/shm is not smaller than the client's disk here")
        root = shm / f"outpost-lib-{os.getpid()}" / "movies"  # not created: its ancestor counts
        await Setting.create(key="library.movie", value={"path": str(root)})
        size = library_free + 1  # fits the client's disk, not the library's
        with pytest.raises(errors.UserError) as refused:
            await service.grab(sized(url, size), kind="movie")
        assert refused.value.params["where"] == str(root)
        await service.grab(sized(url, size), kind="series")  # no library set for series
    assert await Grab.filter(kind="series").count() == 1


def test_two_folders_in_tmp_share_a_file_system(tmp_path: Path) -> None:
    (tmp_path / "downloads").mkdir()
    assert same_filesystem(tmp_path / "downloads", tmp_path / "library" / "not" / "yet")


@pytest.mark.parametrize("other", ["/dev/shm", "/proc"])
def test_tmp_and_another_mount_do_not(tmp_path: Path, other: str) -> None:
    if not Path(other).exists() or os.stat(other).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip(f"{other} is on the same device as {tmp_path} here")
    assert not same_filesystem(tmp_path, Path(other))


class _Unmeasured:
    """A client that cannot tell its free space yet (qBittorrent before it measured its disk)."""

    async def check(self) -> ClientCheck:
        return ClientCheck("v1", None, ())


async def test_a_client_that_cannot_tell_its_free_space_is_not_refused(store: Store) -> None:
    await DiskSpace().check(10**12, client=_Unmeasured(), client_name="fresh", kind=None)  # type: ignore[arg-type]
