"""TransmissionClient against a real transmission-daemon: what the contract suite leaves out."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.clients.transmission import TransmissionClient
from adapters.clients.transmission.client import VIEW_FROM
from core import errors
from core.domain import ClientStatus, DownloadRequest, Protocol, ReleaseFile
from core.http import HttpService
from tests.clients.conftest import TEST_POLICY, NewTorrent, eventually
from tests.conftest import TRANSMISSION_PASSWORD
from tests.support.torrents import Torrent
from tests.support.transmission import TransmissionDaemon


@pytest.fixture
def daemon(transmission_daemon: TransmissionDaemon) -> Iterator[TransmissionDaemon]:
    transmission_daemon.clear()
    yield transmission_daemon
    transmission_daemon.clear()


def make_client(
    daemon: TransmissionDaemon, *, url: str | None = None, password: str | None = None
) -> TransmissionClient:
    return TransmissionClient(
        "tr",
        url or daemon.url,
        HttpService("transmission", TEST_POLICY),
        username=daemon.username,
        password=password or daemon.password,
    )


@pytest_asyncio.fixture(loop_scope="function")
async def tr(daemon: TransmissionDaemon) -> AsyncIterator[TransmissionClient]:
    client = make_client(daemon)
    yield client
    await client.aclose()


def request(
    torrent: Torrent, *, category: str | None = None, paused: bool = False
) -> DownloadRequest:
    file = ReleaseFile(f"{torrent.name}.torrent", torrent.data)
    return DownloadRequest(
        torrent.name, Protocol.TORRENT, file=file, category=category, paused=paused
    )


@pytest.fixture(scope="session")
def installed_version(transmission_daemon: TransmissionDaemon) -> str:
    """What the binary itself says: "transmission-daemon 3.00 (bb6b5a062e)" gives "3.00"."""
    argv = [transmission_daemon.binary, "--version"]
    said = subprocess.run(argv, capture_output=True, text=True, check=False)
    return (said.stdout + said.stderr).split()[1]


async def test_check_gives_the_installed_version_and_the_download_dir(
    tr: TransmissionClient, daemon: TransmissionDaemon, installed_version: str
) -> None:
    check = await tr.check()
    assert check.version.startswith(installed_version)
    assert check.roots == (str(daemon.download_dir),)
    assert check.free_space is not None and check.free_space > 0


async def test_the_full_rpc_url_works_too(daemon: TransmissionDaemon) -> None:
    client = make_client(daemon, url=f"{daemon.url}/transmission/rpc")
    try:
        assert (await client.check()).roots == (str(daemon.download_dir),)
    finally:
        await client.aclose()


async def test_the_category_is_a_label_set_after_the_add(
    tr: TransmissionClient, daemon: TransmissionDaemon, new_torrent: NewTorrent
) -> None:
    torrent = new_torrent()
    await tr.add(request(torrent, category="outpost-tv", paused=True))
    [row] = daemon.torrents("labels")
    assert row["labels"] == ["outpost-tv"]  # torrent-add alone would leave them empty


async def test_a_pause_right_after_the_add_outlasts_the_verify(
    tr: TransmissionClient, daemon: TransmissionDaemon, new_torrent: NewTorrent
) -> None:
    torrent = new_torrent()
    await tr.add(request(torrent))
    await tr.pause([torrent.info_hash])
    await asyncio.sleep(1.0)  # what goes wrong comes ~0.2 s after the check; give it time
    [row] = daemon.torrents("status")
    assert row["status"] == 0


async def test_a_duplicate_add_is_conflict(tr: TransmissionClient, new_torrent: NewTorrent) -> None:
    torrent = new_torrent()
    await tr.add(request(torrent, paused=True))
    with pytest.raises(errors.Conflict):
        await tr.add(request(torrent, paused=True))


async def test_garbage_bytes_are_bad_torrent(tr: TransmissionClient) -> None:
    file = ReleaseFile("junk.torrent", b"this is no torrent")
    with pytest.raises(errors.BadResponse) as caught:
        await tr.add(DownloadRequest("junk", Protocol.TORRENT, file=file))
    assert caught.value.key == "error.bad_torrent"


async def test_many_ids_are_polled_from_recently_active(
    tr: TransmissionClient, daemon: TransmissionDaemon, new_torrent: NewTorrent
) -> None:
    kept, dropped = new_torrent(), new_torrent()
    await tr.add(request(kept, paused=True))
    await tr.add(request(dropped, paused=True))
    ids = [kept.info_hash, dropped.info_hash] + [os.urandom(20).hex() for _ in range(VIEW_FROM)]
    assert {d.id for d in await tr.downloads(ids)} == {kept.info_hash, dropped.info_hash}
    assert tr.view.last_full
    # behind the adapter's back: one removed, one added; the cheap poll sees both
    [dropped_row] = [r for r in daemon.torrents() if r["hashString"] == dropped.info_hash]
    daemon.rpc("torrent-remove", ids=[dropped_row["id"]])
    late = new_torrent()
    daemon.rpc("torrent-add", metainfo=base64.b64encode(late.data).decode())
    rows = await tr.downloads([*ids, late.info_hash])
    assert not tr.view.last_full
    assert {d.id for d in rows} == {kept.info_hash, late.info_hash}


async def test_a_wrong_password_is_auth_failed_and_never_shown(
    daemon: TransmissionDaemon, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = make_client(daemon, password="canary-not-it-" + TRANSMISSION_PASSWORD[-4:])
    try:
        with caplog.at_level(logging.DEBUG), pytest.raises(errors.AuthFailed) as caught:
            await wrong.check()
    finally:
        await wrong.aclose()
    for text in (str(caught.value), caplog.text):
        assert "canary-not-it" not in text and TRANSMISSION_PASSWORD not in text


async def test_remove_without_data_keeps_it_and_the_torrent_is_gone(
    tr: TransmissionClient, daemon: TransmissionDaemon, new_torrent: NewTorrent
) -> None:
    torrent = new_torrent()
    files = torrent.write_payload(daemon.download_dir)
    await tr.add(request(torrent))
    done = await eventually(
        lambda: tr.downloads([torrent.info_hash]),
        lambda d: bool(d) and d[0].status is ClientStatus.COMPLETED,
    )
    assert done and done[0].progress == 1.0
    await tr.remove([torrent.info_hash], delete_files=False)
    assert await eventually(lambda: tr.downloads([torrent.info_hash]), lambda d: not d) == []
    assert all(path.exists() for path in files)


async def test_an_address_off_the_rpc_whitelist_is_named(tmp_path: Path) -> None:
    """A daemon that lets only another address in answers 403; the error says which list."""
    others_only = {"rpc-whitelist": "127.0.0.2"}
    with TransmissionDaemon(tmp_path / "walled", settings=others_only) as walled:
        client = make_client(walled)
        try:
            with pytest.raises(errors.AuthFailed) as caught:
                await client.check()
        finally:
            await client.aclose()
    assert caught.value.key == "error.transmission_whitelist"
