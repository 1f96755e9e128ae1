"""Incremental listing over `sync/maindata` against a real qbittorrent-nox."""

from __future__ import annotations

import os
from collections.abc import Callable

from adapters.clients.qbittorrent import QBittorrentClient
from core.domain import ClientStatus, Download, DownloadRequest
from tests.clients.conftest import eventually, make_client
from tests.support.daemons import QBittorrentDaemon
from tests.support.torrents import Torrent

NewTorrent = Callable[..., Torrent]
PAUSED = ClientStatus.PAUSED
RUNNING = (ClientStatus.STALLED, ClientStatus.DOWNLOADING)


def _magnet() -> str:
    return f"magnet:?xt=urn:btih:{os.urandom(20).hex()}"


async def _add_paused(qbt: QBittorrentClient, torrent: Torrent) -> str:
    return await qbt.add(DownloadRequest(torrent.name, torrent=torrent.data, paused=True))


def _by_id(rows: list[Download]) -> dict[str, Download]:
    return {d.id: d for d in rows}


async def test_first_call_is_full_then_only_changes_come(
    qbt: QBittorrentClient, new_torrent: NewTorrent
) -> None:
    first, second = new_torrent(), new_torrent()
    await _add_paused(qbt, first)
    await _add_paused(qbt, second)
    view = await qbt.snapshot()
    assert qbt.last_sync is not None and qbt.last_sync.full
    assert set(_by_id(view)) == {first.info_hash, second.info_hash}
    assert _by_id(view) == _by_id(await qbt.downloads())  # the same rows as the full listing

    # A new torrent checks its resume data first; wait until both are plainly paused.
    settled = await eventually(qbt.snapshot, lambda v: all(d.status is PAUSED for d in v))
    await qbt.resume([first.info_hash])
    after = await eventually(qbt.snapshot, lambda v: _by_id(v)[first.info_hash].status in RUNNING)
    stats = qbt.last_sync
    assert stats is not None and not stats.full and stats.total == 2
    assert stats.changed == 1  # only the resumed torrent came over the wire
    # ... and only it was mapped again: the other row is the very object of the earlier call
    assert _by_id(after)[second.info_hash] is _by_id(settled)[second.info_hash]
    quiet = await qbt.snapshot()
    assert qbt.last_sync is not None and not qbt.last_sync.full
    assert set(_by_id(quiet)) == {first.info_hash, second.info_hash}


async def test_a_quiet_daemon_sends_no_torrents(qbt: QBittorrentClient) -> None:
    for _ in range(3):
        await qbt.add(DownloadRequest("m", magnet=_magnet(), paused=True))
    await eventually(qbt.snapshot, lambda v: len(v) == 3)
    # Paused magnets change nothing; polls soon carry no torrent at all.
    await eventually(
        qbt.snapshot, lambda _: qbt.last_sync is not None and qbt.last_sync.changed == 0
    )
    assert qbt.last_sync is not None and not qbt.last_sync.full
    assert len(await qbt.snapshot()) == 3


async def test_a_removed_torrent_disappears(
    qbt: QBittorrentClient, new_torrent: NewTorrent
) -> None:
    keep, drop = new_torrent(), new_torrent()
    await _add_paused(qbt, keep)
    await _add_paused(qbt, drop)
    assert len(await qbt.snapshot()) == 2
    await qbt.remove([drop.info_hash], delete_files=True)
    view = await eventually(qbt.snapshot, lambda v: len(v) == 1)
    assert [d.id for d in view] == [keep.info_hash]
    assert qbt.last_sync is not None and not qbt.last_sync.full


async def test_a_new_login_resyncs_from_scratch(
    qbt: QBittorrentClient, daemon: QBittorrentDaemon, new_torrent: NewTorrent
) -> None:
    torrent = new_torrent()
    await _add_paused(qbt, torrent)
    await qbt.snapshot()
    await qbt.snapshot()
    assert qbt.last_sync is not None and not qbt.last_sync.full
    logout = await qbt._http.post(f"{daemon.url}/api/v2/auth/logout")  # the session ends
    assert logout.status == 200
    view = await qbt.snapshot()
    assert qbt.last_sync is not None and qbt.last_sync.full
    assert [d.id for d in view] == [torrent.info_hash]


async def test_two_clients_keep_their_own_cursor(
    qbt: QBittorrentClient, daemon: QBittorrentDaemon, new_torrent: NewTorrent
) -> None:
    other = make_client(daemon)
    try:
        await _add_paused(qbt, new_torrent())
        assert len(await qbt.snapshot()) == 1
        assert len(await other.snapshot()) == 1
        await _add_paused(other, new_torrent())
        assert len(await eventually(qbt.snapshot, lambda v: len(v) == 2)) == 2
        assert qbt.last_sync is not None and not qbt.last_sync.full
    finally:
        await other.aclose()


async def test_free_space_rides_on_the_sync(qbt: QBittorrentClient) -> None:
    await qbt.snapshot()
    assert await qbt.free_space() is not None
    await qbt.snapshot()
    assert qbt.last_sync is not None and not qbt.last_sync.full
