"""From grab to "ready in the library" on a real loopback swarm with Deluge as the downloader.

opentracker and a qBittorrent seeder serve the torrent; the session's deluged + deluge-web is
the client under test (peers on its own loopback address); `outpost run` monitors and imports.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Outpost
from tests.cli.test_lifecycle_swarm import (
    GOOD,
    KEY,
    LIBRARY_NAME,
    movie,
    notices,
    run_until,
    search_and_grab,
)
from tests.support.deluge import DelugeDaemon
from tests.support.swarm import Swarm
from tests.support.torznab_server import FeedItem, TorznabFeed


@pytest.fixture
def deluge(deluge_daemon: DelugeDaemon) -> Iterator[DelugeDaemon]:
    deluge_daemon.connect()
    deluge_daemon.clear()
    yield deluge_daemon
    deluge_daemon.connect()
    deluge_daemon.clear()


def test_deluge_downloads_and_outpost_imports_by_hardlink(
    outpost: Outpost, swarm: Swarm, deluge: DelugeDaemon, tmp_path: Path
) -> None:
    torrent = movie(swarm, GOOD)
    swarm.seed(torrent)
    item = FeedItem(GOOD, size=1_500_000_000, seeders=1, link="/t/good")
    with TorznabFeed([item], api_key=KEY) as feed:
        feed.serve_file("/t/good", torrent.data)
        client = ("client", "add", "del", "--kind", "deluge", "--url", deluge.url)
        runs = [
            outpost(
                "indexer", "add", "local", "--kind", "torznab", "--url", feed.url, "--api-key", KEY
            ),
            outpost(
                *client, "--password", deluge.password, "--save-path", str(tmp_path / "downloads")
            ),
            outpost("library", "set", "movie", str(tmp_path / "library")),
        ]
        assert [r.code for r in runs] == [0, 0, 0], [r.err for r in runs]
        search_and_grab(outpost)
        target = tmp_path / "library" / LIBRARY_NAME
        run_until(outpost.data_dir, target)  # type: ignore[attr-defined]

    source = tmp_path / "downloads" / GOOD / f"{GOOD}.mkv"
    assert target.read_bytes() == torrent.files[f"{GOOD}.mkv"]
    assert target.stat().st_ino == source.stat().st_ino  # hardlinked: seeding goes on
    imported = [n for n in notices(outpost) if n["event"] == "ImportCompleted"]
    assert [(n["title"], n["person"]) for n in imported] == [(GOOD, "console")]
    assert deluge.torrents()[torrent.info_hash]["label"] == "outpost"
