"""Fixtures for lifecycle tests: a store in a temp dir, the session qbittorrent-nox, a clock."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.clients.qbittorrent import QBittorrentClient
from core.events import Event, EventBus
from core.http import HttpPolicy, HttpService
from core.store.database import Store
from core.store.models import Grab, MediaRequest, Person
from tests.support.daemons import QBittorrentDaemon

POLICY = HttpPolicy(deadline=10.0, retries=0, backoff=0.05)


class Clock:
    """A clock the test moves by hand: stall and backoff limits pass without sleeping."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Recorder:
    """Subscribes to every event on a bus and keeps them in order."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[Event] = []
        bus.subscribe(Event, self._keep)

    async def _keep(self, event: Event) -> None:
        self.events.append(event)

    def names(self) -> list[str]:
        return [event.name for event in self.events]


@pytest_asyncio.fixture(loop_scope="function")
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def daemon(qbt_daemon: QBittorrentDaemon) -> Iterator[QBittorrentDaemon]:
    qbt_daemon.clear()
    yield qbt_daemon
    qbt_daemon.clear()


def client_at(url: str, daemon: QBittorrentDaemon | None = None) -> QBittorrentClient:
    """A client for `url`, with the session daemon's credentials when one is given."""
    http = HttpService("qbittorrent", POLICY)
    user = daemon.username if daemon else None
    password = daemon.password if daemon else None
    return QBittorrentClient("qbt", url, http, username=user, password=password)


@pytest_asyncio.fixture(loop_scope="function")
async def qbt(daemon: QBittorrentDaemon) -> AsyncIterator[QBittorrentClient]:
    client = client_at(daemon.url, daemon)
    yield client
    await client.aclose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def recorder(bus: EventBus) -> Recorder:
    return Recorder(bus)


async def record_grab(info_hash: str, title: str = "Sintel.2010.1080p", **fields: object) -> Grab:
    """A grab as GrabService records it, for a request of a person."""
    person = await Person.create(name=f"ana-{info_hash[:8]}")
    request = await MediaRequest.create(person=person, kind="movie", title="Sintel")
    values: dict[str, object] = {
        "release_key": info_hash,
        "title": title,
        "indexer": "idx",
        "client": "qbt",
        "client_id": info_hash,
        "protocol": "torrent",
        "request": request,
    }
    return await Grab.create(**(values | fields))
