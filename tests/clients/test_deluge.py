"""DelugeClient against the session's real deluged + deluge-web: what the contract suite does not
cover (connecting the web UI, labels, the Label plugin off, a web UI with no daemon)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from adapters.clients.deluge import DelugeClient
from adapters.clients.deluge.client import NOTE_NO_LABEL
from core import errors
from core.domain import DownloadRequest, Protocol, ReleaseFile
from core.http import HttpPolicy, HttpService
from tests.support.deluge import DelugeDaemon
from tests.support.torrents import Torrent, make_torrent

POLICY = HttpPolicy(deadline=15.0, retries=1, backoff=0.05)


@pytest.fixture
def daemon(deluge_daemon: DelugeDaemon) -> Iterator[DelugeDaemon]:
    """The session daemon, connected, with no torrents and no labels before and after."""
    deluge_daemon.connect()
    deluge_daemon.clear()
    yield deluge_daemon
    deluge_daemon.connect()
    deluge_daemon.clear()


def build(daemon: DelugeDaemon, password: str | None = None) -> DelugeClient:
    http = HttpService("deluge", POLICY, secrets=[daemon.password])
    return DelugeClient("deluge", daemon.url, http, password=password or daemon.password)


@pytest_asyncio.fixture(loop_scope="function")
async def deluge(daemon: DelugeDaemon) -> AsyncIterator[DelugeClient]:
    client = build(daemon)
    yield client
    await client.aclose()


def torrent() -> Torrent:
    return make_torrent(f"Deluge.{os.urandom(4).hex()}", os.urandom(4096))


def request(made: Torrent, **options: object) -> DownloadRequest:
    file = ReleaseFile(f"{made.name}.torrent", made.data)
    return DownloadRequest(made.name, Protocol.TORRENT, file=file, **options)  # type: ignore[arg-type]


async def test_outpost_connects_a_disconnected_web_ui_itself(
    daemon: DelugeDaemon, deluge: DelugeClient
) -> None:
    daemon.call("web.disconnect")
    assert daemon.call("web.connected") is False
    check = await deluge.check()
    assert check.version == "2.0.3" and check.notes == ()
    assert daemon.call("web.connected") is True


async def test_a_category_becomes_a_valid_label(daemon: DelugeDaemon, deluge: DelugeClient) -> None:
    """Labels must match [a-z0-9_-]: "TV Shows" would be refused as it is."""
    made = torrent()
    assert await deluge.add(request(made, category="TV Shows", paused=True)) == made.info_hash
    [download] = await deluge.downloads([made.info_hash])
    assert download.category == "tv_shows"
    assert daemon.torrents()[made.info_hash]["label"] == "tv_shows"


async def test_the_same_torrent_twice_is_a_conflict(deluge: DelugeClient) -> None:
    made = torrent()
    await deluge.add(request(made, paused=True))
    with pytest.raises(errors.Conflict):
        await deluge.add(request(made, paused=True))


async def test_garbage_for_a_torrent_is_refused_typed(deluge: DelugeClient) -> None:
    garbage = DownloadRequest("x", Protocol.TORRENT, file=ReleaseFile("x.torrent", b"<html>"))
    with pytest.raises(errors.BadResponse) as caught:
        await deluge.add(garbage)
    assert caught.value.key == "error.add_refused"


async def test_without_the_label_plugin_check_notes_it_and_adds_still_work(
    daemon: DelugeDaemon, deluge: DelugeClient
) -> None:
    daemon.set_plugin("Label", False)
    try:
        assert (await deluge.check()).notes == (NOTE_NO_LABEL,)
        made = torrent()
        await deluge.add(request(made, category="movies", paused=True))
        [download] = await deluge.downloads([made.info_hash])
        assert download.category is None
    finally:
        daemon.set_plugin("Label", True)


async def test_a_web_ui_with_no_daemon_in_its_host_list_is_a_clear_error() -> None:
    if not DelugeDaemon.available():
        pytest.skip("deluged or deluge-web is not installed")
    with DelugeDaemon(hosts=False) as lonely:
        client = build(lonely)
        try:
            with pytest.raises(errors.Unavailable) as caught:
                await client.check()
            assert caught.value.key == "error.deluge_no_daemon"
        finally:
            await client.aclose()
