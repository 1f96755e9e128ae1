"""From grab to "ready in the library" on a real loopback swarm, once with each torrent client.

opentracker and a qBittorrent seeder serve the torrent; the session's daemon of the client under
test is the downloader (peers on its own loopback address); `outpost run` monitors, imports by
hardlink and records the notice. Each client differs only where the program does:

- Transmission 3.00 never dials loopback peers (`isMartianAddr`, daemon notes rule 2), so it must
  announce to the tracker *before* the seeder does; the seeder then hears of it and dials.
- rtorrent drops a torrent without trackers (the swarm's have one) and lists upper-case hashes;
  Outpost's ids are lower-case, so the check below asks rtorrent behind the adapter's back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.conftest import Outpost, add_qbittorrent
from tests.cli.test_lifecycle_swarm import GOOD, KEY, LIBRARY_NAME, movie, notices, run_until
from tests.support.daemons import QBittorrentDaemon
from tests.support.deluge import DelugeDaemon
from tests.support.rtorrent import RTorrentDaemon
from tests.support.swarm import Swarm
from tests.support.torrents import Torrent
from tests.support.torznab_server import FeedItem, TorznabFeed
from tests.support.transmission import TransmissionDaemon

ANNOUNCE_TIMEOUT = 30.0


@dataclass
class Downloader:
    """What the lifecycle needs of one client: its `client add` words, what it holds (hash →
    (category, progress)) seen behind the adapter's back, and whether it must announce first."""

    add: tuple[str, ...]
    held: Callable[[], dict[str, tuple[str | None, float]]]
    announced: Callable[[Torrent], bool] | None = None  # set: wait for it, then seed


def qbittorrent(daemon: QBittorrentDaemon) -> Downloader:
    def held() -> dict[str, tuple[str | None, float]]:
        rows = json.loads(daemon.api("torrents/info"))
        return {r["hash"]: (r["category"], float(r["progress"])) for r in rows}

    return Downloader(add_qbittorrent(daemon, "--category", "outpost"), held)


def transmission(daemon: TransmissionDaemon) -> Downloader:
    def held() -> dict[str, tuple[str | None, float]]:
        rows = daemon.torrents("labels", "percentDone")
        return {r["hashString"]: (",".join(r["labels"]), float(r["percentDone"])) for r in rows}

    def announced(torrent: Torrent) -> bool:
        rows = [r for r in daemon.torrents("trackerStats") if r["hashString"] == torrent.info_hash]
        return bool(rows) and any(s.get("lastAnnounceSucceeded") for s in rows[0]["trackerStats"])

    login = ("--username", daemon.username, "--password", daemon.password)
    add = ("client", "add", "tr", "--kind", "transmission", "--url", daemon.url, *login)
    return Downloader(add, held, announced)


def deluge(daemon: DelugeDaemon) -> Downloader:
    def held() -> dict[str, tuple[str | None, float]]:
        rows = daemon.call("core.get_torrents_status", {}, ["label", "progress"])
        return {h: (r["label"], float(r["progress"]) / 100) for h, r in rows.items()}

    add = ("client", "add", "del", "--kind", "deluge", "--url", daemon.url)
    return Downloader((*add, "--password", daemon.password), held)


def rtorrent(daemon: RTorrentDaemon) -> Downloader:
    def held() -> dict[str, tuple[str | None, float]]:
        fields = ("d.hash=", "d.custom1=", "d.completed_bytes=", "d.size_bytes=")
        rows = daemon.call("d.multicall2", "", "main", *fields)
        return {str(h).lower(): (c, done / size if size else 0.0) for h, c, done, size in rows}

    add = ("client", "add", "rt", "--kind", "rtorrent", "--url", daemon.url)
    return Downloader((*add, "--category", "outpost"), held)


# parameter -> (the session fixture of its daemon, how to clear it, its Downloader)
CLIENTS: dict[str, tuple[str, Callable[..., None], Callable[..., Downloader]]] = {
    "qbittorrent": ("qbt_daemon", lambda d: d.clear(), qbittorrent),
    "transmission": ("transmission_daemon", lambda d: d.clear(), transmission),
    "deluge": ("deluge_daemon", lambda d: (d.connect(), d.clear()), deluge),
    "rtorrent": ("rtorrent_daemon", lambda d: d.clear(), rtorrent),
}


@pytest.fixture(params=sorted(CLIENTS))
def downloader(request: pytest.FixtureRequest) -> Iterator[Downloader]:
    """The client under test's session daemon, holding nothing before and after the test."""
    fixture, clear, make = CLIENTS[request.param]
    daemon = request.getfixturevalue(fixture)
    clear(daemon)
    yield make(daemon)
    clear(daemon)


def wait_announced(downloader: Downloader, torrent: Torrent) -> None:
    """Until the leecher's first announce reached the tracker (it is then in the peer list)."""
    assert downloader.announced is not None
    deadline = time.monotonic() + ANNOUNCE_TIMEOUT
    while not downloader.announced(torrent):
        if time.monotonic() > deadline:
            raise TimeoutError("the leecher never announced to the local tracker")
        time.sleep(0.1)


def test_each_client_downloads_outpost_imports_by_hardlink_and_tells_the_requester(
    outpost: Outpost, swarm: Swarm, downloader: Downloader, tmp_path: Path
) -> None:
    torrent = movie(swarm, GOOD)
    if downloader.announced is None:
        swarm.seed(torrent)  # the seeder first: the leecher hears of it on its first announce
    item = FeedItem(GOOD, size=1_500_000_000, seeders=1, link="/t/good")
    with TorznabFeed([item], api_key=KEY) as feed:
        feed.serve_file("/t/good", torrent.data)
        runs = [
            outpost(
                "indexer", "add", "local", "--kind", "torznab", "--url", feed.url, "--api-key", KEY
            ),
            outpost(*downloader.add, "--save-path", str(tmp_path / "downloads")),
            outpost("library", "set", "movie", str(tmp_path / "library")),
        ]
        assert [r.code for r in runs] == [0, 0, 0], [r.err for r in runs]
        found = outpost("search", "releases", "Sintel 2010", "--kind", "movie", "--json")
        grabbed = outpost("grab", str(found.json()["releases"][0]["ref"]))
        assert grabbed.code == 0, grabbed.err
        if downloader.announced is not None:
            wait_announced(downloader, torrent)  # the leecher first, then the seeder dials it
            swarm.seed(torrent)
        target = tmp_path / "library" / LIBRARY_NAME
        run_until(outpost.data_dir, target, timeout=120.0)  # type: ignore[attr-defined]

    source = tmp_path / "downloads" / GOOD / f"{GOOD}.mkv"
    assert target.read_bytes() == torrent.files[f"{GOOD}.mkv"]
    assert target.stat().st_ino == source.stat().st_ino  # hardlinked: seeding goes on
    assert not list((tmp_path / "library").rglob("*.txt"))  # the sample is not imported
    assert downloader.held() == {torrent.info_hash: ("outpost", 1.0)}  # still seeding
    imported = [n for n in notices(outpost) if n["event"] == "ImportCompleted"]
    assert [(n["title"], n["person"]) for n in imported] == [(GOOD, "console")]
    queue = outpost("queue", "--json").json()["downloads"]
    assert [(d["name"], d["state"]) for d in queue] == [(GOOD, "imported")]
