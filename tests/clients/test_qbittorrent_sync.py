"""Incremental listing over `sync/maindata` against a real qbittorrent-nox: `downloads(ids)`
rides on it from SYNC_FROM ids on (set to 1 here, so every listing does)."""

from __future__ import annotations

import os

import pytest

from adapters.clients.qbittorrent import QBittorrentClient
from core.domain import ClientStatus, Download, DownloadRequest, Protocol
from tests.clients.conftest import NewTorrent, eventually, make_client
from tests.support.daemons import QBittorrentDaemon
from tests.support.torrents import Torrent

PAUSED = ClientStatus.PAUSED
RUNNING = (ClientStatus.STALLED, ClientStatus.DOWNLOADING)


@pytest.fixture(autouse=True)
def always_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("adapters.clients.qbittorrent.client.SYNC_FROM", 1)


def _magnet_hash() -> str:
    return os.urandom(20).hex()


async def _add_paused(qbt: QBittorrentClient, torrent: Torrent) -> str:
    return await qbt.add(torrent.request(paused=True))


def _by_id(rows: list[Download]) -> dict[str, Download]:
    return {d.id: d for d in rows}


async def test_first_call_is_full_then_only_changes_come(
    qbt: QBittorrentClient, new_torrent: NewTorrent, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = new_torrent(), new_torrent()
    ids = [await _add_paused(qbt, first), await _add_paused(qbt, second)]
    view = await qbt.downloads(ids)
    assert qbt.last_sync is not None and qbt.last_sync.full
    assert set(_by_id(view)) == {first.info_hash, second.info_hash}
    with monkeypatch.context() as plain:  # the same rows as the filtered listing
        plain.setattr("adapters.clients.qbittorrent.client.SYNC_FROM", 1000)
        assert _by_id(view) == _by_id(await qbt.downloads(ids))

    # A new torrent checks its resume data first; wait until both are plainly paused.
    listing = lambda: qbt.downloads(ids)  # noqa: E731
    settled = await eventually(listing, lambda v: all(d.status is PAUSED for d in v))
    await qbt.resume([first.info_hash])
    after = await eventually(listing, lambda v: _by_id(v)[first.info_hash].status in RUNNING)
    stats = qbt.last_sync
    assert stats is not None and not stats.full and stats.total == 2
    assert stats.changed == 1  # only the resumed torrent came over the wire
    # ... and only it was mapped again: the other row is the very object of the earlier call
    assert _by_id(after)[second.info_hash] is _by_id(settled)[second.info_hash]
    quiet = await qbt.downloads(ids)
    assert qbt.last_sync is not None and not qbt.last_sync.full
    assert set(_by_id(quiet)) == {first.info_hash, second.info_hash}


async def test_only_the_asked_ids_come_back(
    qbt: QBittorrentClient, new_torrent: NewTorrent
) -> None:
    asked, other = new_torrent(), new_torrent()
    await _add_paused(qbt, asked)
    await _add_paused(qbt, other)
    unknown = _magnet_hash()
    rows = await qbt.downloads([asked.info_hash, unknown])
    assert [d.id for d in rows] == [asked.info_hash]
    assert qbt.last_sync is not None and qbt.last_sync.total == 2  # the view holds both


async def test_a_quiet_daemon_sends_no_torrents(qbt: QBittorrentClient) -> None:
    ids = [_magnet_hash() for _ in range(3)]
    for info_hash in ids:
        magnet = f"magnet:?xt=urn:btih:{info_hash}"
        await qbt.add(DownloadRequest("m", Protocol.TORRENT, magnet=magnet, paused=True))
    await eventually(lambda: qbt.downloads(ids), lambda v: len(v) == 3)
    # Paused magnets change nothing; polls soon carry no torrent at all.
    await eventually(
        lambda: qbt.downloads(ids),
        lambda _: qbt.last_sync is not None and qbt.last_sync.changed == 0,
    )
    assert qbt.last_sync is not None and not qbt.last_sync.full
    assert len(await qbt.downloads(ids)) == 3


async def test_a_removed_torrent_disappears(
    qbt: QBittorrentClient, new_torrent: NewTorrent
) -> None:
    keep, drop = new_torrent(), new_torrent()
    ids = [await _add_paused(qbt, keep), await _add_paused(qbt, drop)]
    assert len(await qbt.downloads(ids)) == 2
    await qbt.remove([drop.info_hash], delete_files=True)
    view = await eventually(lambda: qbt.downloads(ids), lambda v: len(v) == 1)
    assert [d.id for d in view] == [keep.info_hash]
    assert qbt.last_sync is not None and not qbt.last_sync.full


async def test_a_new_login_resyncs_from_scratch(
    qbt: QBittorrentClient, daemon: QBittorrentDaemon, new_torrent: NewTorrent
) -> None:
    torrent = new_torrent()
    ids = [await _add_paused(qbt, torrent)]
    await qbt.downloads(ids)
    await qbt.downloads(ids)
    assert qbt.last_sync is not None and not qbt.last_sync.full
    logout = await qbt._http.post(f"{daemon.url}/api/v2/auth/logout")  # the session ends
    assert logout.status == 200
    view = await qbt.downloads(ids)
    assert qbt.last_sync is not None and qbt.last_sync.full
    assert [d.id for d in view] == [torrent.info_hash]


async def test_two_clients_keep_their_own_cursor(
    qbt: QBittorrentClient, daemon: QBittorrentDaemon, new_torrent: NewTorrent
) -> None:
    other = make_client(daemon)
    try:
        ids = [await _add_paused(qbt, new_torrent())]
        assert len(await qbt.downloads(ids)) == 1
        assert len(await other.downloads(ids)) == 1
        ids.append(await _add_paused(other, new_torrent()))
        assert len(await eventually(lambda: qbt.downloads(ids), lambda v: len(v) == 2)) == 2
        assert qbt.last_sync is not None and not qbt.last_sync.full
    finally:
        await other.aclose()


async def test_free_space_rides_on_the_sync(qbt: QBittorrentClient) -> None:
    ids = [_magnet_hash()]
    await qbt.downloads(ids)
    await qbt.check()
    assert qbt.last_sync is not None and not qbt.last_sync.full
    await qbt.downloads(ids)
    assert qbt.last_sync is not None and not qbt.last_sync.full


async def test_few_ids_are_listed_without_a_sync(
    qbt: QBittorrentClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adapters.clients.qbittorrent.client.SYNC_FROM", 3)
    ids = [_magnet_hash() for _ in range(3)]
    await qbt.downloads(ids[:2])
    assert qbt.last_sync is None  # two ids: torrents/info?hashes=
    await qbt.downloads(ids)
    assert qbt.last_sync is not None and qbt.last_sync.full
