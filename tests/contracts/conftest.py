"""The download-client contract's fixtures: one parameter per client, each with its real daemon.

A new client joins the suite with one `Harness` class (how to build the adapter, make a small
release and look at the daemon behind the adapter's back), one session fixture that starts its
daemon, and one line in HARNESSES. Tests marked `protocols("usenet")` run for usenet clients only.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import Protocol as _Protocol

import pytest
import pytest_asyncio

from adapters.clients.deluge import DelugeClient
from adapters.clients.nzbget import NzbgetClient
from adapters.clients.qbittorrent import QBittorrentClient
from adapters.clients.rtorrent import RTorrentClient
from adapters.clients.sabnzbd import SabnzbdClient
from adapters.clients.transmission import TransmissionClient
from core.domain import DownloadRequest, Protocol, ReleaseFile
from core.http import HttpPolicy, HttpService
from core.ports import DownloadClient
from tests.conftest import RTORRENT_PASSWORD
from tests.support.daemons import QBittorrentDaemon
from tests.support.deluge import DelugeDaemon
from tests.support.nntp import NewsServer, post
from tests.support.nzbget import NzbgetDaemon
from tests.support.rtorrent import RpcBridge, RTorrentDaemon
from tests.support.sabnzbd import SabnzbdDaemon
from tests.support.torrents import make_torrent
from tests.support.transmission import TransmissionDaemon

POLICY = HttpPolicy(deadline=15.0, retries=1, backoff=0.05)


@dataclass(frozen=True)
class Payload:
    """A small release for the client under test, and what it will be listed as."""

    id: str | None  # the id the client lists it under; None when the client assigns it at add
    name: str  # the download's name in the client
    size: int
    protocol: Protocol
    file: ReleaseFile
    magnet: str | None  # torrent clients only
    write: Callable[[Path], list[Path]]  # lay the finished data out under a save path
    # where the finished content is for a save path asked; None: <save path>/<name>. A usenet
    # client downloads into its own folder (the news server serves what `write` posted).
    content: Callable[[Path], Path] | None = None

    def request(self, **options: Any) -> DownloadRequest:
        return DownloadRequest(self.name, self.protocol, file=self.file, **options)


class Harness(_Protocol):
    """What each client brings to the contract suite."""

    protocol: Protocol
    download_dir: Path  # the daemon's default save path
    unknown_id: str  # a well-formed id the daemon does not hold

    def build(self, *, password: str | None = None, url: str | None = None) -> DownloadClient: ...

    def payload(self) -> Payload: ...

    def clear(self) -> None: ...


def torrent_payload(announce: str | None = None) -> Payload:
    """A fresh 4 KiB torrent, as a file and a magnet (naming `announce` when given)."""
    torrent = make_torrent(f"Contract.{os.urandom(4).hex()}", os.urandom(4096), announce=announce)
    file = ReleaseFile(f"{torrent.name}.torrent", torrent.data)
    magnet = torrent.magnet((announce,) if announce else ())
    return Payload(
        torrent.info_hash, torrent.name, 4096, Protocol.TORRENT, file, magnet, torrent.write_payload
    )


class QBittorrentHarness:
    protocol = Protocol.TORRENT

    def __init__(self, daemon: QBittorrentDaemon) -> None:
        self.daemon = daemon
        self.download_dir = daemon.download_dir
        self.unknown_id = os.urandom(20).hex()

    def build(self, *, password: str | None = None, url: str | None = None) -> DownloadClient:
        return QBittorrentClient(
            "contract",
            url or self.daemon.url,
            HttpService("contract", POLICY, secrets=[self.daemon.password]),
            username=self.daemon.username,
            password=password or self.daemon.password,
        )

    def payload(self) -> Payload:
        return torrent_payload()

    def clear(self) -> None:
        self.daemon.clear()
        assert json.loads(self.daemon.api("torrents/info")) == []


@pytest.fixture(scope="session")
def qbittorrent_harness(qbt_daemon: QBittorrentDaemon) -> QBittorrentHarness:
    return QBittorrentHarness(qbt_daemon)


# rtorrent silently drops a torrent without trackers: its payloads name one that never answers
DEAD_TRACKER = "http://127.0.0.1:9/announce"


class RTorrentHarness:
    """SCGI straight to rtorrent; with a password (or a URL) the HTTP /RPC2 bridge instead,
    since rtorrent's own port has no credentials to get wrong."""

    protocol = Protocol.TORRENT

    def __init__(self, daemon: RTorrentDaemon, bridge: RpcBridge) -> None:
        self.daemon = daemon
        self.bridge = bridge
        self.download_dir = daemon.download_dir
        self.unknown_id = os.urandom(20).hex()

    def build(self, *, password: str | None = None, url: str | None = None) -> DownloadClient:
        http = HttpService("contract", POLICY, secrets=[RTORRENT_PASSWORD])
        if password is None and url is None:
            return RTorrentClient("contract", self.daemon.url, http)
        return RTorrentClient(
            "contract",
            url or self.bridge.url,
            http,
            username="outpost",
            password=password or RTORRENT_PASSWORD,
        )

    def payload(self) -> Payload:
        return torrent_payload(DEAD_TRACKER)

    def clear(self) -> None:
        self.daemon.clear()
        assert self.daemon.hashes() == []


@pytest.fixture(scope="session")
def rtorrent_harness(
    rtorrent_daemon: RTorrentDaemon, rtorrent_bridge: RpcBridge
) -> RTorrentHarness:
    return RTorrentHarness(rtorrent_daemon, rtorrent_bridge)


class TransmissionHarness:
    protocol = Protocol.TORRENT

    def __init__(self, daemon: TransmissionDaemon) -> None:
        self.daemon = daemon
        self.download_dir = daemon.download_dir
        self.unknown_id = os.urandom(20).hex()

    def build(self, *, password: str | None = None, url: str | None = None) -> DownloadClient:
        return TransmissionClient(
            "contract",
            url or self.daemon.url,
            HttpService("contract", POLICY, secrets=[self.daemon.password]),
            username=self.daemon.username,
            password=password or self.daemon.password,
        )

    def payload(self) -> Payload:
        return torrent_payload()

    def clear(self) -> None:
        self.daemon.clear()
        assert self.daemon.torrents() == []


@pytest.fixture(scope="session")
def transmission_harness(transmission_daemon: TransmissionDaemon) -> TransmissionHarness:
    return TransmissionHarness(transmission_daemon)


# parameter -> the session fixture that starts its daemon and gives its Harness


class DelugeHarness:
    protocol = Protocol.TORRENT

    def __init__(self, daemon: DelugeDaemon) -> None:
        self.daemon = daemon
        self.download_dir = daemon.download_dir
        self.unknown_id = os.urandom(20).hex()

    def build(self, *, password: str | None = None, url: str | None = None) -> DownloadClient:
        return DelugeClient(
            "contract",
            url or self.daemon.url,
            HttpService("contract", POLICY, secrets=[self.daemon.password]),
            password=password or self.daemon.password,
        )

    def payload(self) -> Payload:
        return torrent_payload()

    def clear(self) -> None:
        self.daemon.clear()
        assert self.daemon.torrents() == {}


@pytest.fixture(scope="session")
def deluge_harness(deluge_daemon: DelugeDaemon) -> DelugeHarness:
    return DelugeHarness(deluge_daemon)


class NzbgetHarness:
    """NZBGet downloads paused (cleared state); `write` posts the articles and lets it go."""

    protocol = Protocol.USENET
    unknown_id = "987654"

    def __init__(self, daemon: NzbgetDaemon, news: NewsServer) -> None:
        self.daemon = daemon
        self.news = news
        self.download_dir = daemon.download_dir

    def build(self, *, password: str | None = None, url: str | None = None) -> DownloadClient:
        return NzbgetClient(
            "contract",
            url or self.daemon.url,
            HttpService("contract", POLICY, secrets=[self.daemon.password]),
            username=self.daemon.username,
            password=password or self.daemon.password,
        )

    def payload(self) -> Payload:
        name = f"Contract.{os.urandom(4).hex()}"
        posted = post(f"{name}.bin", os.urandom(4096))
        file = ReleaseFile(f"{name}.nzb", posted.nzb)

        def write(_: Path) -> list[Path]:
            self.news.serve(posted)
            self.daemon.rpc("resumedownload")
            return [self.download_dir / name / posted.filename]

        content = lambda _: self.download_dir / name  # noqa: E731
        return Payload(None, name, 4096, self.protocol, file, None, write, content)

    def clear(self) -> None:
        self.daemon.clear()
        assert self.daemon.jobs() == []


@pytest.fixture(scope="session")
def nzbget_harness(nzbget_daemon: NzbgetDaemon, news_server: NewsServer) -> NzbgetHarness:
    return NzbgetHarness(nzbget_daemon, news_server)


class SabnzbdHarness:
    """SABnzbd downloads paused (cleared state); `write` posts the articles and lets it go.

    Its queue gives sizes in MiB with two decimals only, so the payload is exactly 1 MiB: the
    size read back is then exact (a 4 KiB job would read as 0.00 MiB until it is finished)."""

    protocol = Protocol.USENET
    unknown_id = "SABnzbd_nzo_notheld0"

    def __init__(self, daemon: SabnzbdDaemon, news: NewsServer) -> None:
        self.daemon = daemon
        self.news = news
        self.download_dir = daemon.download_dir

    def build(self, *, password: str | None = None, url: str | None = None) -> DownloadClient:
        return SabnzbdClient(
            "contract",
            url or self.daemon.url,
            HttpService("contract", POLICY, secrets=[self.daemon.api_key]),
            api_key=password or self.daemon.api_key,
        )

    def payload(self) -> Payload:
        name = f"Contract.{os.urandom(4).hex()}"
        size = 1024 * 1024
        posted = post(f"{name}.bin", os.urandom(size))
        file = ReleaseFile(f"{name}.nzb", posted.nzb)

        def write(_: Path) -> list[Path]:
            self.news.serve(posted)
            self.daemon.api("resume")
            return [self.download_dir / name / posted.filename]

        content = lambda _: self.download_dir / name  # noqa: E731
        return Payload(None, name, size, self.protocol, file, None, write, content)

    def clear(self) -> None:
        self.daemon.clear()
        assert self.daemon.jobs() == []


@pytest.fixture(scope="session")
def sabnzbd_harness(sabnzbd_daemon: SabnzbdDaemon, news_server: NewsServer) -> SabnzbdHarness:
    return SabnzbdHarness(sabnzbd_daemon, news_server)


# parameter -> the session fixture that starts its daemon and gives its Harness
HARNESSES = {
    "deluge": "deluge_harness",
    "nzbget": "nzbget_harness",
    "qbittorrent": "qbittorrent_harness",
    "rtorrent": "rtorrent_harness",
    "sabnzbd": "sabnzbd_harness",
    "transmission": "transmission_harness",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "protocols(*names): run only for clients of these")


@pytest.fixture(params=sorted(HARNESSES))
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    """The client under test's harness, its daemon holding nothing before and after a test."""
    made: Harness = request.getfixturevalue(HARNESSES[request.param])
    marker = request.node.get_closest_marker("protocols")
    if marker is not None and made.protocol.value not in marker.args:
        pytest.skip(f"{request.param} is a {made.protocol.value} client")
    made.clear()
    yield made
    made.clear()


@pytest_asyncio.fixture(loop_scope="function")
async def client(harness: Harness) -> AsyncIterator[DownloadClient]:
    """The adapter, built as the composition root builds it, closed after the test."""
    adapter = harness.build()
    yield adapter
    await adapter.aclose()
