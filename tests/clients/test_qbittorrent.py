"""QBittorrentClient against a real qbittorrent-nox on loopback."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from adapters.clients.qbittorrent import QBittorrentClient
from core import errors
from core.domain import ClientStatus, Download, DownloadRequest
from tests.clients.conftest import CANARY, eventually, make_client
from tests.support.daemons import QBittorrentDaemon
from tests.support.localserver import LocalServer, Request, Response
from tests.support.torrents import Torrent

NewTorrent = Callable[..., Torrent]


async def _one(qbt: QBittorrentClient, info_hash: str) -> list[Download]:
    return await qbt.downloads([info_hash])


async def test_version_matches_the_installed_binary(
    qbt: QBittorrentClient, installed_version: str
) -> None:
    assert await qbt.version() == installed_version


async def test_wrong_password_is_auth_failed_and_never_shows_the_password(
    daemon: QBittorrentDaemon, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = CANARY + "-wrong"
    client = make_client(daemon, password=wrong)
    try:
        with pytest.raises(errors.AuthFailed) as caught:
            await client.downloads()
    finally:
        await client.aclose()
    assert caught.value.key == "error.auth_failed"
    assert wrong not in str(caught.value) and CANARY not in repr(caught.value.params)
    assert CANARY not in caplog.text
    assert wrong not in caplog.text


async def test_login_then_calls_work(qbt: QBittorrentClient) -> None:
    assert await qbt.downloads() == []
    assert await qbt.free_space() is not None


async def test_expired_cookie_is_renewed_transparently(
    qbt: QBittorrentClient, daemon: QBittorrentDaemon
) -> None:
    await qbt.downloads()
    http = qbt._http  # the adapter's own cookie jar, logged out behind its back
    logout = await http.post(f"{daemon.url}/api/v2/auth/logout")
    assert logout.status == 200
    assert (await http.get(f"{daemon.url}/api/v2/torrents/info")).status == 403
    assert await qbt.downloads() == []  # re-logged in, retried


async def test_cleared_cookie_jar_is_renewed_transparently(qbt: QBittorrentClient) -> None:
    await qbt.downloads()
    qbt._http.cookies.clear()
    assert await qbt.downloads() == []


async def test_add_torrent_bytes_with_category_and_save_path(
    qbt: QBittorrentClient, new_torrent: NewTorrent, tmp_path: Path
) -> None:
    torrent = new_torrent()
    save = tmp_path / "movies"
    request = DownloadRequest(
        torrent.name, torrent=torrent.data, category="movies-outpost", save_path=str(save)
    )
    info_hash = await qbt.add(request)
    assert info_hash == torrent.info_hash
    [download] = await eventually(lambda: _one(qbt, info_hash), lambda d: len(d) == 1)
    assert download.id == torrent.info_hash
    assert download.category == "movies-outpost"
    assert Path(download.save_path or "") == save
    assert download.size == 4096
    assert download.client == "qbt"


async def test_add_paused_is_listed_paused(qbt: QBittorrentClient, new_torrent: NewTorrent) -> None:
    torrent = new_torrent()
    await qbt.add(DownloadRequest(torrent.name, torrent=torrent.data, paused=True))
    [download] = await eventually(
        lambda: _one(qbt, torrent.info_hash),
        lambda d: len(d) == 1 and d[0].status is ClientStatus.PAUSED,
    )
    assert download.raw_status in ("pausedDL", "stoppedDL")


async def test_add_by_url_finds_the_hash(qbt: QBittorrentClient, new_torrent: NewTorrent) -> None:
    torrent = new_torrent()

    def serve(request: Request) -> Response:
        headers = {"Content-Type": "application/x-bittorrent"}
        return Response(200, torrent.data, headers)

    with LocalServer(serve) as server:
        url = server.url + "/get/release.torrent"
        info_hash = await qbt.add(DownloadRequest(torrent.name, url=url, category="tv-outpost"))
    assert info_hash == torrent.info_hash
    [download] = await qbt.downloads([info_hash])
    assert download.category == "tv-outpost"
    assert [r.path for r in server.requests] == ["/get/release.torrent"]


async def test_add_by_magnet(qbt: QBittorrentClient, new_torrent: NewTorrent) -> None:
    torrent = new_torrent()
    info_hash = await qbt.add(DownloadRequest(torrent.name, magnet=torrent.magnet()))
    assert info_hash == torrent.info_hash
    [download] = await eventually(lambda: _one(qbt, info_hash), lambda d: len(d) == 1)
    assert download.status in (ClientStatus.METADATA, ClientStatus.CHECKING)


async def test_duplicate_add_is_conflict(qbt: QBittorrentClient, new_torrent: NewTorrent) -> None:
    torrent = new_torrent()
    await qbt.add(DownloadRequest(torrent.name, torrent=torrent.data))
    with pytest.raises(errors.Conflict) as caught:
        await qbt.add(DownloadRequest(torrent.name, torrent=torrent.data))
    assert caught.value.key == "error.duplicate_download"


async def test_garbage_bytes_are_bad_response(qbt: QBittorrentClient) -> None:
    with pytest.raises(errors.BadResponse) as caught:
        await qbt.add(DownloadRequest("junk", torrent=b"<html>not a torrent</html>"))
    assert caught.value.key == "error.bad_torrent"
    assert await qbt.downloads() == []


async def test_files_of_a_multi_file_torrent(
    qbt: QBittorrentClient, new_torrent: NewTorrent
) -> None:
    layout = {"Season 1/ep1.mkv": os.urandom(3000), "Season 1/ep2.mkv": os.urandom(5000)}
    layout["notes.nfo"] = b"nfo"
    torrent = new_torrent("Show.S01", layout)
    await qbt.add(DownloadRequest(torrent.name, torrent=torrent.data))
    files = await eventually(lambda: qbt.files(torrent.info_hash), lambda f: len(f) == 3)
    got = sorted((f.name, f.size) for f in files)
    assert got == sorted((f"Show.S01/{rel}", len(data)) for rel, data in layout.items())


async def test_files_of_an_unknown_hash_is_not_found(qbt: QBittorrentClient) -> None:
    with pytest.raises(errors.NotFound):
        await qbt.files("0" * 40)


async def test_pause_then_resume(qbt: QBittorrentClient, new_torrent: NewTorrent) -> None:
    torrent = new_torrent()
    info_hash = await qbt.add(DownloadRequest(torrent.name, torrent=torrent.data))
    await eventually(lambda: _one(qbt, info_hash), lambda d: len(d) == 1)
    await qbt.pause([info_hash])
    [paused] = await eventually(
        lambda: _one(qbt, info_hash), lambda d: d[0].status is ClientStatus.PAUSED
    )
    assert paused.status is ClientStatus.PAUSED
    await qbt.resume([info_hash])
    [resumed] = await eventually(
        lambda: _one(qbt, info_hash), lambda d: d[0].status is not ClientStatus.PAUSED
    )
    assert resumed.status in (ClientStatus.STALLED, ClientStatus.DOWNLOADING)


async def _complete(qbt: QBittorrentClient, torrent: Torrent, save: Path) -> list[Path]:
    """Add a torrent whose data is already in place; it completes by hash check."""
    files = torrent.write_payload(save)
    request = DownloadRequest(torrent.name, torrent=torrent.data, save_path=str(save))
    await qbt.add(request)
    [done] = await eventually(
        lambda: _one(qbt, torrent.info_hash),
        lambda d: len(d) == 1 and d[0].status is ClientStatus.COMPLETED,
    )
    assert done.progress == 1.0 and done.status is ClientStatus.COMPLETED
    return files


async def test_remove_without_files_keeps_the_data(
    qbt: QBittorrentClient, new_torrent: NewTorrent, tmp_path: Path
) -> None:
    torrent = new_torrent()
    files = await _complete(qbt, torrent, tmp_path)
    await qbt.remove([torrent.info_hash], delete_files=False)
    assert await eventually(lambda: _one(qbt, torrent.info_hash), lambda d: not d) == []
    assert all(path.read_bytes() == torrent.files[""] for path in files)


async def test_remove_with_files_deletes_the_data(
    qbt: QBittorrentClient, new_torrent: NewTorrent, tmp_path: Path
) -> None:
    torrent = new_torrent("Multi", {"a/one.bin": os.urandom(2000), "two.bin": os.urandom(100)})
    files = await _complete(qbt, torrent, tmp_path)
    await qbt.remove([torrent.info_hash], delete_files=True)
    assert await eventually(lambda: _one(qbt, torrent.info_hash), lambda d: not d) == []
    gone = await eventually(_async(lambda: [p for p in files if p.exists()]), lambda left: not left)
    assert gone == []


def _async(func: Callable[[], list[Path]]) -> Callable[[], object]:
    async def probe() -> list[Path]:
        return func()

    return probe


async def test_ids_that_are_not_hashes_are_refused(qbt: QBittorrentClient) -> None:
    with pytest.raises(errors.NotFound):
        await qbt.pause(["all"])


async def test_a_url_that_never_becomes_a_torrent_is_bad_response(
    qbt: QBittorrentClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adapters.clients.qbittorrent.client.ADD_POLL_TIMEOUT", 1.0)
    with LocalServer(lambda _: Response(404, "gone")) as server:
        request = DownloadRequest("gone", url=server.url + "/get/1", category="gone-outpost")
        with pytest.raises(errors.BadResponse) as caught:
            await qbt.add(request)
    assert caught.value.key == "error.download_not_confirmed"
    assert len(server.requests) >= 1  # the daemon did try the URL


async def test_a_request_with_two_sources_is_refused(qbt: QBittorrentClient) -> None:
    with pytest.raises(errors.UserError):
        await qbt.add(DownloadRequest("x", url="http://a.invalid/1", magnet="magnet:?xt=x"))
