"""Grab against the real qbittorrent-nox: recorded once, refused twice, magnets followed."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.clients.qbittorrent import QBittorrentClient
from adapters.indexers.torznab import TorznabIndexer
from core import errors
from core.clients import ConfiguredClient
from core.domain import Protocol, Release
from core.http import HttpPolicy, HttpService
from core.services.grab import GrabService
from core.store.database import Store
from core.store.models import Grab
from tests.support.daemons import QBittorrentDaemon
from tests.support.localserver import LocalServer, Response
from tests.support.torrents import make_torrent
from tests.support.torznab_server import TorznabFeed


@pytest_asyncio.fixture(loop_scope="function")
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def daemon(qbt_daemon: QBittorrentDaemon) -> QBittorrentDaemon:
    qbt_daemon.clear()
    yield qbt_daemon  # type: ignore[misc]
    qbt_daemon.clear()


def release(base: str, path: str, guid: str, indexer: str = "idx") -> Release:
    return Release(
        title="Sintel.2010.1080p.BluRay.x264-GRP",
        indexer=indexer,
        protocol=Protocol.TORRENT,
        guid=guid,
        download_url=base + path,
        size=2_000_000_000,
    )


async def test_grab_records_once_and_refuses_the_same_torrent_again(
    store: Store, daemon: QBittorrentDaemon, tmp_path: Path
) -> None:
    torrent = make_torrent("Sintel.2010.1080p.BluRay.x264-GRP", os.urandom(16 * 1024))
    with TorznabFeed(api_key=None) as feed:
        feed.serve_file("/a.torrent", torrent.data)
        feed.serve_file("/b.torrent", torrent.data)
        async with (
            HttpService("idx", HttpPolicy(retries=0)) as ih,
            HttpService("qbit", HttpPolicy(retries=0), secrets=[daemon.password]) as qh,
        ):
            indexer = TorznabIndexer("idx", feed.url, ih)
            client = QBittorrentClient(
                "qbit", daemon.url, qh, username=daemon.username, password=daemon.password
            )
            configured = ConfiguredClient(
                "qbit", Protocol.TORRENT, client, "films", str(tmp_path / "dl")
            )
            service = GrabService({"qbit": configured}, {"idx": indexer})
            grab = await service.grab(release(feed.url, "/a.torrent", "guid-1"))
            with pytest.raises(errors.Conflict) as same_release:
                await service.grab(release(feed.url, "/a.torrent", "guid-1"))
            with pytest.raises(errors.Conflict) as same_torrent:
                await service.grab(release(feed.url, "/b.torrent", "guid-2"))
    assert grab.client_id == torrent.info_hash and grab.category == "films"
    assert same_release.value.key == same_torrent.value.key == "error.already_grabbed"
    assert await Grab.all().count() == 1
    listed = json.loads(daemon.api("torrents/info"))
    assert [(t["hash"], t["category"]) for t in listed] == [(torrent.info_hash, "films")]


async def test_a_download_link_that_redirects_to_a_magnet_is_sent_as_a_magnet(
    store: Store, daemon: QBittorrentDaemon
) -> None:
    torrent = make_torrent("Magnet.Only.2010.1080p.WEB-DL-GRP", os.urandom(4096))
    redirect = Response(302, b"", {"Location": torrent.magnet()})
    with LocalServer(lambda r: redirect if r.path == "/m" else Response(404)) as server:
        async with (
            HttpService("idx", HttpPolicy(retries=0)) as ih,
            HttpService("qbit", HttpPolicy(retries=0)) as qh,
        ):
            indexer = TorznabIndexer("idx", server.url, ih)
            client = QBittorrentClient(
                "qbit", daemon.url, qh, username=daemon.username, password=daemon.password
            )
            configured = ConfiguredClient("qbit", Protocol.TORRENT, client)
            grab = await GrabService({"qbit": configured}, {"idx": indexer}).grab(
                release(server.url, "/m", "guid-m")
            )
    assert grab.client_id == torrent.info_hash
    assert torrent.info_hash in daemon.api("torrents/info").decode()


async def test_no_client_for_the_protocol_is_a_clear_error(store: Store) -> None:
    usenet = Release(
        title="X.2010.1080p.WEB-DL-GRP",
        indexer="nzb",
        protocol=Protocol.USENET,
        guid="g",
        download_url="http://127.0.0.1:9/x.nzb",
    )
    with pytest.raises(errors.UserError) as caught:
        await GrabService({}, {}).grab(usenet)
    assert caught.value.key == "error.no_client" and caught.value.params["protocol"] == "usenet"


async def test_the_client_is_picked_by_its_configured_protocol(store: Store) -> None:
    torrent_release = release("http://127.0.0.1:9", "/x.torrent", "guid-p")
    async with HttpService("nzb", HttpPolicy(retries=0)) as http:
        # never asked: the protocol it is configured with rules it out before any call
        client = QBittorrentClient("nzb", "http://127.0.0.1:9", http)
        service = GrabService({"nzb": ConfiguredClient("nzb", Protocol.USENET, client)}, {})
        with pytest.raises(errors.UserError) as none_fits:
            await service.grab(torrent_release)
        with pytest.raises(errors.UserError) as wrong_one:
            await service.grab(torrent_release, client="nzb")
    assert none_fits.value.key == "error.no_client"
    assert wrong_one.value.key == "error.client_protocol"
    assert wrong_one.value.params == {"name": "nzb", "protocol": "torrent"}
