"""QBittorrentClient against a real qbittorrent-nox on loopback: what only qBittorrent does.
What every client does is in tests/contracts/test_download_client.py."""

from __future__ import annotations

import json
import logging

import pytest

from adapters.clients.qbittorrent import QBittorrentClient
from core import errors
from core.domain import ClientStatus, Download, DownloadRequest, Protocol, ReleaseFile
from tests.clients.conftest import CANARY, NewTorrent, eventually, make_client
from tests.support.daemons import QBittorrentDaemon
from tests.support.localserver import LocalServer, Response


async def _one(qbt: QBittorrentClient, info_hash: str) -> list[Download]:
    return await qbt.downloads([info_hash])


async def test_check_gives_the_installed_version_and_the_default_save_path(
    qbt: QBittorrentClient, installed_version: str, daemon: QBittorrentDaemon
) -> None:
    check = await qbt.check()
    assert check.version == installed_version
    assert check.roots[0] == str(daemon.download_dir)


async def test_category_save_paths_are_roots_too(
    qbt: QBittorrentClient, daemon: QBittorrentDaemon
) -> None:
    daemon.api("torrents/createCategory", {"category": "abs", "savePath": "/srv/films"})
    daemon.api("torrents/createCategory", {"category": "rel", "savePath": "series"})
    daemon.api("torrents/createCategory", {"category": "none", "savePath": ""})
    roots = (await qbt.check()).roots
    assert set(roots) == {str(daemon.download_dir), "/srv/films", f"{daemon.download_dir}/series"}


async def test_wrong_password_never_shows_the_password(
    daemon: QBittorrentDaemon, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = CANARY + "-wrong"
    client = make_client(daemon, password=wrong)
    try:
        with pytest.raises(errors.AuthFailed) as caught:
            await client.check()
    finally:
        await client.aclose()
    assert caught.value.key == "error.auth_failed"
    assert wrong not in str(caught.value) and CANARY not in repr(caught.value.params)
    assert CANARY not in caplog.text
    assert wrong not in caplog.text


async def test_expired_cookie_is_renewed_transparently(
    qbt: QBittorrentClient, daemon: QBittorrentDaemon
) -> None:
    await qbt.check()
    http = qbt._http  # the adapter's own cookie jar, logged out behind its back
    logout = await http.post(f"{daemon.url}/api/v2/auth/logout")
    assert logout.status == 200
    assert (await http.get(f"{daemon.url}/api/v2/torrents/info")).status == 403
    assert await qbt.downloads(["ab" * 20]) == []  # re-logged in, retried


async def test_cleared_cookie_jar_is_renewed_transparently(qbt: QBittorrentClient) -> None:
    await qbt.check()
    qbt._http.cookies.clear()
    assert await qbt.downloads(["ab" * 20]) == []


async def test_add_paused_is_listed_as_qbittorrent_says_it(
    qbt: QBittorrentClient, new_torrent: NewTorrent
) -> None:
    torrent = new_torrent()
    await qbt.add(torrent.request(paused=True))
    [download] = await eventually(
        lambda: _one(qbt, torrent.info_hash),
        lambda d: len(d) == 1 and d[0].status is ClientStatus.PAUSED,
    )
    assert download.raw_status in ("pausedDL", "stoppedDL")


async def test_duplicate_add_is_conflict(qbt: QBittorrentClient, new_torrent: NewTorrent) -> None:
    torrent = new_torrent()
    await qbt.add(torrent.request())
    with pytest.raises(errors.Conflict) as caught:
        await qbt.add(torrent.request())
    assert caught.value.key == "error.duplicate_download"


async def test_garbage_bytes_are_bad_response(
    qbt: QBittorrentClient, daemon: QBittorrentDaemon
) -> None:
    junk = ReleaseFile("junk.torrent", b"<html>not a torrent</html>")
    with pytest.raises(errors.BadResponse) as caught:
        await qbt.add(DownloadRequest("junk", Protocol.TORRENT, file=junk))
    assert caught.value.key == "error.bad_torrent"
    assert json.loads(daemon.api("torrents/info")) == []


async def test_ids_that_are_not_hashes_are_refused_by_actions_and_never_listed(
    qbt: QBittorrentClient,
) -> None:
    with pytest.raises(errors.NotFound):
        await qbt.pause(["all"])
    assert await qbt.downloads(["all", "a|b"]) == []


async def test_a_usenet_request_is_refused(qbt: QBittorrentClient) -> None:
    nzb = ReleaseFile("x.nzb", b"<nzb/>")
    with pytest.raises(errors.UserError) as caught:
        await qbt.add(DownloadRequest("x", Protocol.USENET, file=nzb))
    assert caught.value.key == "error.client_protocol"


async def test_a_url_that_never_becomes_a_torrent_is_bad_response(
    qbt: QBittorrentClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adapters.clients.qbittorrent.client.ADD_POLL_TIMEOUT", 1.0)
    with LocalServer(lambda _: Response(404, "gone")) as server:
        url = server.url + "/get/1"
        request = DownloadRequest("gone", Protocol.TORRENT, url=url, category="gone-outpost")
        with pytest.raises(errors.BadResponse) as caught:
            await qbt.add(request)
    assert caught.value.key == "error.download_not_confirmed"
    assert len(server.requests) >= 1  # the daemon did try the URL


async def test_a_request_with_two_sources_is_refused(qbt: QBittorrentClient) -> None:
    request = DownloadRequest("x", Protocol.TORRENT, url="http://a.invalid/1", magnet="magnet:?")
    with pytest.raises(errors.UserError):
        await qbt.add(request)
