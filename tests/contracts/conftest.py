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
from adapters.clients.qbittorrent import QBittorrentClient
from core.domain import DownloadRequest, Protocol, ReleaseFile
from core.http import HttpPolicy, HttpService
from core.ports import DownloadClient
from tests.support.daemons import QBittorrentDaemon
from tests.support.deluge import DelugeDaemon
from tests.support.torrents import make_torrent

POLICY = HttpPolicy(deadline=15.0, retries=1, backoff=0.05)


@dataclass(frozen=True)
class Payload:
    """A small release for the client under test, and what it will be listed as."""

    id: str  # the id the client lists it under
    name: str  # the download's name in the client
    size: int
    protocol: Protocol
    file: ReleaseFile
    magnet: str | None  # torrent clients only
    write: Callable[[Path], list[Path]]  # lay the finished data out under a save path

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
        torrent = make_torrent(f"Contract.{os.urandom(4).hex()}", os.urandom(4096))
        file = ReleaseFile(f"{torrent.name}.torrent", torrent.data)
        return Payload(
            torrent.info_hash,
            torrent.name,
            4096,
            self.protocol,
            file,
            torrent.magnet(),
            torrent.write_payload,
        )

    def clear(self) -> None:
        self.daemon.clear()
        assert json.loads(self.daemon.api("torrents/info")) == []


@pytest.fixture(scope="session")
def qbittorrent_harness(qbt_daemon: QBittorrentDaemon) -> QBittorrentHarness:
    return QBittorrentHarness(qbt_daemon)


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
        return QBittorrentHarness.payload(self)  # type: ignore[arg-type]

    def clear(self) -> None:
        self.daemon.clear()
        assert self.daemon.torrents() == {}


@pytest.fixture(scope="session")
def deluge_harness(deluge_daemon: DelugeDaemon) -> DelugeHarness:
    return DelugeHarness(deluge_daemon)


# parameter -> the session fixture that starts its daemon and gives its Harness
HARNESSES = {
    "qbittorrent": "qbittorrent_harness",
    "deluge": "deluge_harness",
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
