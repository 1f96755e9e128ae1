"""Session-wide fixtures: real daemons, started once per test session and shared by every area."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.daemons import QBittorrentDaemon, loopback
from tests.support.deluge import DelugeDaemon
from tests.support.nntp import NewsServer
from tests.support.nzbget import NzbgetDaemon
from tests.support.rtorrent import RpcBridge, RTorrentDaemon
from tests.support.sabnzbd import SabnzbdDaemon
from tests.support.swarm import Swarm
from tests.support.transmission import TransmissionDaemon

QBT_PASSWORD = "canary-" + secrets.token_hex(8)
RTORRENT_PASSWORD = "canary-" + secrets.token_hex(8)
TRANSMISSION_PASSWORD = "canary-tr-" + secrets.token_hex(8)
DELUGE_PASSWORD = "canary-deluge-" + secrets.token_hex(8)
NZBGET_PASSWORD = "canary-" + secrets.token_hex(8)
SABNZBD_API_KEY = secrets.token_hex(16)  # SABnzbd keys are 32 hex digits


@pytest.fixture(scope="session")
def qbt_daemon() -> Iterator[QBittorrentDaemon]:
    """One qbittorrent-nox for the session; tests clear it before and after use."""
    if not QBittorrentDaemon.available():
        pytest.skip("qbittorrent-nox is not installed (apt-get install qbittorrent-nox)")
    with QBittorrentDaemon(interface_address=loopback(3), password=QBT_PASSWORD) as daemon:
        yield daemon


@pytest.fixture(scope="session")
def rtorrent_daemon() -> Iterator[RTorrentDaemon]:
    """One rtorrent for the session (SCGI on loopback); tests clear it before and after use."""
    if not RTorrentDaemon.available():
        pytest.skip("rtorrent is not installed (apt-get install rtorrent)")
    with RTorrentDaemon(interface_address=loopback(9)) as daemon:
        yield daemon


@pytest.fixture(scope="session")
def rtorrent_bridge(rtorrent_daemon: RTorrentDaemon) -> Iterator[RpcBridge]:
    """rtorrent's XML-RPC as an HTTP /RPC2 behind basic auth (user "outpost")."""
    with RpcBridge(rtorrent_daemon.port, "outpost", RTORRENT_PASSWORD) as bridge:
        yield bridge


@pytest.fixture(scope="session")
def transmission_daemon() -> Iterator[TransmissionDaemon]:
    """One transmission-daemon for the session; tests clear it before and after use."""
    if not TransmissionDaemon.available():
        pytest.skip("transmission-daemon is not installed (apt-get install transmission-daemon)")
    with TransmissionDaemon(bind_address=loopback(6), password=TRANSMISSION_PASSWORD) as daemon:
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


@pytest.fixture(scope="session")
def news_server() -> Iterator[NewsServer]:
    """A loopback NNTP server for the session; a test posts its own articles to it."""
    with NewsServer() as server:
        yield server


@pytest.fixture(scope="session")
def nzbget_daemon(news_server: NewsServer) -> Iterator[NzbgetDaemon]:
    """One nzbget for the session, downloading from `news_server`; tests clear it."""
    if not NzbgetDaemon.available():
        pytest.skip("nzbget is not installed (apt-get install nzbget)")
    with NzbgetDaemon(news_port=news_server.port, password=NZBGET_PASSWORD) as daemon:
        yield daemon


@pytest.fixture(scope="session")
def sabnzbd_daemon(news_server: NewsServer) -> Iterator[SabnzbdDaemon]:
    """One sabnzbdplus for the session, downloading from `news_server`; tests clear it."""
    if not SabnzbdDaemon.available():
        pytest.skip("sabnzbdplus is not installed (tests/run adds Debian contrib for it)")
    with SabnzbdDaemon(news_port=news_server.port, api_key=SABNZBD_API_KEY) as daemon:
        yield daemon
