"""RTorrentClient against a real rtorrent on loopback: what only rtorrent does. What every
client does is in tests/contracts/test_download_client.py (harness in its conftest)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.clients.rtorrent import RTorrentClient
from core import errors, registry
from core.domain import ClientStatus, DownloadRequest, Protocol, ReleaseFile
from core.http import HttpService
from core.store.models import IntegrationCategory
from tests.clients.conftest import TEST_POLICY, eventually
from tests.conftest import RTORRENT_PASSWORD
from tests.support.rtorrent import RpcBridge, RTorrentDaemon
from tests.support.swarm import Swarm
from tests.support.torrents import Torrent, make_torrent

TRACKER = "http://127.0.0.1:9/announce"  # never answers; rtorrent drops trackerless torrents


@pytest.fixture
def daemon(rtorrent_daemon: RTorrentDaemon) -> Iterator[RTorrentDaemon]:
    rtorrent_daemon.clear()
    yield rtorrent_daemon
    rtorrent_daemon.clear()


@pytest_asyncio.fixture(loop_scope="function")
async def rt(daemon: RTorrentDaemon) -> AsyncIterator[RTorrentClient]:
    client = RTorrentClient("rt", daemon.url, HttpService("rtorrent", TEST_POLICY))
    yield client
    await client.aclose()


def torrent(files: dict[str, bytes] | bytes | None = None) -> Torrent:
    name = f"Rt.{os.urandom(4).hex()}"
    return make_torrent(name, os.urandom(4096) if files is None else files, announce=TRACKER)


def _existing(paths: list[Path]) -> list[Path]:
    return [path for path in paths if path.exists()]


def test_registered_under_outpost_clients() -> None:
    assert registry.load("rtorrent", IntegrationCategory.CLIENT) is RTorrentClient


async def test_hashes_come_back_lower_case_and_upper_case_ids_are_found(
    rt: RTorrentClient, daemon: RTorrentDaemon
) -> None:
    made = torrent()
    assert await rt.add(made.request(paused=True)) == made.info_hash
    assert daemon.call("download_list", "", "main") == [made.info_hash.upper()]  # the trap
    rows = await rt.downloads([made.info_hash.upper()])
    assert [d.id for d in rows] == [made.info_hash]


async def test_a_category_with_commas_and_quotes_arrives_whole(
    rt: RTorrentClient, daemon: RTorrentDaemon, tmp_path: Path
) -> None:
    made = torrent()
    odd = 'tv, "kids"; \\ d.erase='
    save = tmp_path / "new, dir"  # does not exist yet: the adapter makes it
    await rt.add(made.request(category=odd, save_path=str(save), paused=True))
    assert daemon.call("d.custom1", made.info_hash) == odd
    assert daemon.call("d.directory", made.info_hash) == str(save)
    assert save.is_dir()


async def test_garbage_is_refused_before_rtorrent_says_0(rt: RTorrentClient) -> None:
    request = DownloadRequest("junk", Protocol.TORRENT, file=ReleaseFile("x.torrent", b"junk"))
    with pytest.raises(errors.BadResponse) as caught:
        await rt.add(request)
    assert caught.value.key == "error.bad_torrent"


async def test_an_add_rtorrent_drops_silently_is_not_confirmed(
    rt: RTorrentClient, daemon: RTorrentDaemon
) -> None:
    """load.raw answers 0 for a torrent without trackers, then never lists it."""
    rt.add_timeout = 1.0
    trackerless = make_torrent(f"Rt.{os.urandom(4).hex()}", os.urandom(4096))
    with pytest.raises(errors.BadResponse) as caught:
        await rt.add(trackerless.request())
    assert caught.value.key == "error.download_not_confirmed"
    assert daemon.hashes() == []


async def test_pause_is_d_stop_and_resume_d_start(
    rt: RTorrentClient, daemon: RTorrentDaemon
) -> None:
    made = torrent()
    await rt.add(made.request())
    assert daemon.call("d.state", made.info_hash) == 1
    await rt.pause([made.info_hash])
    assert daemon.call("d.state", made.info_hash) == 0
    assert (await rt.downloads([made.info_hash]))[0].raw_status == "stopped"
    await rt.resume([made.info_hash])
    assert daemon.call("d.state", made.info_hash) == 1


async def test_a_d_pause_from_elsewhere_reads_paused(
    rt: RTorrentClient, daemon: RTorrentDaemon
) -> None:
    made = torrent()
    await rt.add(made.request())
    daemon.call("d.pause", made.info_hash)
    rows = await rt.downloads([made.info_hash])
    assert (rows[0].status, rows[0].raw_status) == (ClientStatus.PAUSED, "paused")


async def test_remove_with_data_deletes_a_multi_file_folder(
    rt: RTorrentClient, daemon: RTorrentDaemon, tmp_path: Path
) -> None:
    made = torrent({"a.mkv": os.urandom(3000), "sub/b.nfo": b"info"})
    files = made.write_payload(tmp_path)
    await rt.add(made.request(save_path=str(tmp_path)))
    rows = await eventually(
        lambda: rt.downloads([made.info_hash]),
        lambda d: bool(d) and d[0].status is ClientStatus.COMPLETED,
    )
    assert rows[0].content_path == str(tmp_path / made.name)
    assert rows[0].save_path == str(tmp_path)
    await rt.remove([made.info_hash], delete_files=True)
    assert daemon.hashes() == []
    assert _existing([*files, tmp_path / made.name]) == []
    assert _existing([tmp_path]) == [tmp_path]  # the save path itself stays


async def test_check_tells_free_space_once_a_download_is_held(
    rt: RTorrentClient, daemon: RTorrentDaemon
) -> None:
    await rt.add(torrent().request(paused=True))
    assert (await rt.check()).free_space is None  # closed: d.free_diskspace says 0
    await rt.add(torrent().request())
    free = (await rt.check()).free_space
    assert free is not None and free > 0
    assert (await rt.check()).roots == (str(daemon.download_dir),)


async def test_many_ids_are_read_from_one_multicall2(
    rt: RTorrentClient, daemon: RTorrentDaemon, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [torrent() for _ in range(3)]
    for one in made:
        await rt.add(one.request(paused=True))
    monkeypatch.setattr("adapters.clients.rtorrent.client.PER_HASH_UP_TO", 1)
    rows = await rt.downloads([made[0].info_hash, made[2].info_hash, "ab" * 20])
    assert sorted(d.id for d in rows) == sorted([made[0].info_hash, made[2].info_hash])


async def test_the_http_rpc2_path_with_basic_auth(
    daemon: RTorrentDaemon, rtorrent_bridge: RpcBridge
) -> None:
    http = HttpService("rtorrent", TEST_POLICY)
    client = RTorrentClient(
        "rt", rtorrent_bridge.url, http, username="outpost", password=RTORRENT_PASSWORD
    )
    try:
        assert (await client.check()).version == "0.9.8"
        made = torrent()
        assert await client.add(made.request(category="tv")) == made.info_hash
        rows = await client.downloads([made.info_hash])
        assert rows[0].category == "tv"
    finally:
        await client.aclose()


async def test_wrong_basic_auth_on_rpc2_is_auth_failed_without_the_password(
    rtorrent_bridge: RpcBridge,
) -> None:
    wrong = RTORRENT_PASSWORD + "-wrong"
    http = HttpService("rtorrent", TEST_POLICY)
    client = RTorrentClient("rt", rtorrent_bridge.url, http, username="outpost", password=wrong)
    try:
        with pytest.raises(errors.AuthFailed) as caught:
            await client.check()
    finally:
        await client.aclose()
    assert wrong not in str(caught.value) and RTORRENT_PASSWORD not in str(caught.value)


async def test_downloads_from_a_loopback_swarm(
    rt: RTorrentClient, daemon: RTorrentDaemon, swarm: Swarm, tmp_path: Path
) -> None:
    """The seeder announces first (swarm.seed); rtorrent gets it from the tracker, the only
    way to learn of peers over RPC in 0.9.8."""
    payload = os.urandom(300_000)
    made = swarm.torrent(f"Rt.Swarm.{os.urandom(4).hex()}", payload)
    swarm.seed(made)
    save = tmp_path / "got"
    await rt.add(made.request(category="movies", save_path=str(save)))
    rows = await eventually(
        lambda: rt.downloads([made.info_hash]),
        lambda d: bool(d) and d[0].status is ClientStatus.COMPLETED,
        within=60.0,
    )
    assert (rows[0].progress, rows[0].size, rows[0].category) == (1.0, len(payload), "movies")
    assert rows[0].content_path == str(save / made.name)
    assert _read(save / made.name) == payload


def _read(path: Path) -> bytes:
    return path.read_bytes()
