"""Session-wide fixtures: real daemons, started once per test session and shared by every area."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.daemons import QBittorrentDaemon, loopback
from tests.support.deluge import DelugeDaemon
from tests.support.swarm import Swarm

QBT_PASSWORD = "canary-" + secrets.token_hex(8)
DELUGE_PASSWORD = "canary-deluge-" + secrets.token_hex(8)


@pytest.fixture(scope="session")
def qbt_daemon() -> Iterator[QBittorrentDaemon]:
    """One qbittorrent-nox for the session; tests clear it before and after use."""
    if not QBittorrentDaemon.available():
        pytest.skip("qbittorrent-nox is not installed (apt-get install qbittorrent-nox)")
    with QBittorrentDaemon(interface_address=loopback(3), password=QBT_PASSWORD) as daemon:
        yield daemon


@pytest.fixture(scope="session")
def deluge_daemon() -> Iterator[DelugeDaemon]:
    """One deluged + deluge-web for the session, the web UI not yet connected to its daemon."""
    if not DelugeDaemon.available():
        pytest.skip("deluged or deluge-web is not installed (apt-get install deluged deluge-web)")
    with DelugeDaemon(interface_address=loopback(4), password=DELUGE_PASSWORD) as daemon:
        yield daemon


@pytest.fixture
def leecher(qbt_daemon: QBittorrentDaemon) -> Iterator[QBittorrentDaemon]:
    """The session's qbittorrent-nox, empty before and after the test: the client under test."""
    qbt_daemon.clear()
    yield qbt_daemon
    qbt_daemon.clear()


@pytest.fixture
def swarm(tmp_path: Path) -> Iterator[Swarm]:
    """A tracker and a seeder on loopback for this test (the leecher joins through Outpost)."""
    with Swarm(tmp_path / "swarm") as running:
        yield running
