"""Session-wide fixtures: real daemons, started once per test session and shared by every area."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from tests.support.daemons import QBittorrentDaemon, loopback

QBT_PASSWORD = "canary-" + secrets.token_hex(8)


@pytest.fixture(scope="session")
def qbt_daemon() -> Iterator[QBittorrentDaemon]:
    """One qbittorrent-nox for the session; tests clear it before and after use."""
    if not QBittorrentDaemon.available():
        pytest.skip("qbittorrent-nox is not installed (apt-get install qbittorrent-nox)")
    with QBittorrentDaemon(interface_address=loopback(3), password=QBT_PASSWORD) as daemon:
        yield daemon
