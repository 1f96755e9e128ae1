"""From grab to "ready in the library" on a loopback swarm with Transmission as the downloader.

Trap (daemon notes, rule 2): Transmission 3.00 never dials loopback peers (`isMartianAddr`), so
it must announce to the tracker *before* the seeder does; the seeder then hears of it and dials.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Outpost
from tests.cli.test_lifecycle_swarm import GOOD, KEY, LIBRARY_NAME, movie, notices, run_until
from tests.support.swarm import Swarm
from tests.support.torrents import Torrent
from tests.support.torznab_server import FeedItem, TorznabFeed
from tests.support.transmission import TransmissionDaemon

ANNOUNCE_TIMEOUT = 30.0


@pytest.fixture
def tr_leecher(transmission_daemon: TransmissionDaemon) -> Iterator[TransmissionDaemon]:
    transmission_daemon.clear()
    yield transmission_daemon
    transmission_daemon.clear()


def add_transmission(daemon: TransmissionDaemon, *extra: str) -> tuple[str, ...]:
    login = ("--username", daemon.username, "--password", daemon.password)
    return ("client", "add", "tr", "--kind", "transmission", "--url", daemon.url, *login, *extra)


def wait_announced(daemon: TransmissionDaemon, torrent: Torrent) -> None:
    """Until the leecher's first announce reached the tracker (it is then in the peer list)."""
    deadline = time.monotonic() + ANNOUNCE_TIMEOUT
    while time.monotonic() < deadline:
        rows = [r for r in daemon.torrents("trackerStats") if r["hashString"] == torrent.info_hash]
        if rows and any(s.get("lastAnnounceSucceeded") for s in rows[0]["trackerStats"]):
            return
        time.sleep(0.1)
    raise TimeoutError("Transmission never announced to the local tracker")


def test_transmission_downloads_imports_by_hardlink_and_tells_the_requester(
    outpost: Outpost, swarm: Swarm, tr_leecher: TransmissionDaemon, tmp_path: Path
) -> None:
    torrent = movie(swarm, GOOD)
    with TorznabFeed(
        [FeedItem(GOOD, size=1_500_000_000, seeders=1, link="/t/good")], api_key=KEY
    ) as feed:
        feed.serve_file("/t/good", torrent.data)
        runs = [
            outpost(
                "indexer", "add", "local", "--kind", "torznab", "--url", feed.url, "--api-key", KEY
            ),
            outpost(*add_transmission(tr_leecher, "--save-path", str(tmp_path / "downloads"))),
            outpost("library", "set", "movie", str(tmp_path / "library")),
        ]
        assert [r.code for r in runs] == [0, 0, 0], [r.err for r in runs]
        found = outpost("search", "releases", "Sintel 2010", "--kind", "movie", "--json")
        grabbed = outpost("grab", str(found.json()["releases"][0]["ref"]))
        assert grabbed.code == 0, grabbed.err
        wait_announced(tr_leecher, torrent)  # the leecher first, then the seeder dials it
        swarm.seed(torrent)
        target = tmp_path / "library" / LIBRARY_NAME
        run_until(outpost.data_dir, target, timeout=120.0)  # type: ignore[attr-defined]

    source = tmp_path / "downloads" / GOOD / f"{GOOD}.mkv"
    assert target.read_bytes() == torrent.files[f"{GOOD}.mkv"]
    assert target.stat().st_ino == source.stat().st_ino  # hardlinked: seeding goes on
    [row] = tr_leecher.torrents("labels", "percentDone")
    assert row["labels"] == ["outpost"] and row["percentDone"] == 1  # the default category
    imported = [n for n in notices(outpost) if n["event"] == "ImportCompleted"]
    assert [(n["title"], n["person"]) for n in imported] == [(GOOD, "console")]
    queue = outpost("queue", "--json").json()["downloads"]
    assert [(d["name"], d["state"]) for d in queue] == [(GOOD, "imported")]
