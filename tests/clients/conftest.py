"""Fixtures for download-client tests: one real qbittorrent-nox per session, cleaned per test."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TypeVar

import pytest
import pytest_asyncio

from adapters.clients.qbittorrent import QBittorrentClient
from core.http import HttpPolicy, HttpService
from tests.conftest import QBT_PASSWORD
from tests.support.capture import logs  # noqa: F401  (the fixture)
from tests.support.daemons import QBittorrentDaemon
from tests.support.torrents import Torrent, make_torrent

T = TypeVar("T")
NewTorrent = Callable[..., Torrent]

# The session daemon's password (tests/conftest.py): recognisable, so tests can assert it never
# shows up in error texts or logs.
CANARY = QBT_PASSWORD
TEST_POLICY = HttpPolicy(deadline=15.0, retries=1, backoff=0.05)


@pytest.fixture(scope="session")
def installed_version(qbt_daemon: QBittorrentDaemon) -> str:
    """What the binary itself says, e.g. "v4.5.2"."""
    argv = [qbt_daemon.binary, "--version"]
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.split()[-1]


@pytest.fixture
def daemon(qbt_daemon: QBittorrentDaemon) -> Iterator[QBittorrentDaemon]:
    """The session daemon with no torrents and no categories, before and after the test."""
    qbt_daemon.clear()
    yield qbt_daemon
    qbt_daemon.clear()


def make_client(
    daemon: QBittorrentDaemon, *, password: str | None = None, username: str | None = None
) -> QBittorrentClient:
    http = HttpService("qbittorrent", TEST_POLICY)
    return QBittorrentClient(
        "qbt",
        daemon.url,
        http,
        username=username or daemon.username,
        password=password or daemon.password,
    )


@pytest_asyncio.fixture(loop_scope="function")
async def qbt(daemon: QBittorrentDaemon) -> AsyncIterator[QBittorrentClient]:
    client = make_client(daemon)
    yield client
    await client.aclose()


@pytest.fixture
def new_torrent() -> Callable[..., Torrent]:
    """Small torrents with random payloads, so every test gets hashes of its own."""

    def factory(name: str = "Outpost.Test", files: dict[str, bytes] | None = None) -> Torrent:
        return make_torrent(name, files if files is not None else os.urandom(4096))

    return factory


async def eventually(
    probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], within: float = 10.0
) -> T:
    """Poll `probe` until `accept` holds (the daemon applies changes ~1 s later); the last value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    value = await probe()
    while not accept(value) and loop.time() < deadline:
        await asyncio.sleep(0.1)
        value = await probe()
    return value
