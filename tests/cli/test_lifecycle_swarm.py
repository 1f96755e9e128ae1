"""A stalled download failed, blocklisted and replaced on a real loopback swarm, through the CLI;
and the helpers of the lifecycle tests (the happy path with each torrent client is in
test_lifecycle_swarm_clients.py).

opentracker and a qBittorrent seeder serve the torrents; the session's
qbittorrent-nox is the client under test; `outpost run` monitors, imports, fails over.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import ROOT, Outpost, add_qbittorrent
from tests.support.daemons import QBittorrentDaemon
from tests.support.swarm import Swarm
from tests.support.torrents import Torrent
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "swarm-key-" + "3" * 10
GOOD = "Sintel.2010.1080p.BluRay.x264-GRP"
BETTER = "Sintel.2010.2160p.WEB-DL.DDP5.1.H.265-UHD"  # ranks first, but nobody seeds it
LIBRARY_NAME = "Sintel (2010)/Sintel (2010) [bluray-1080p].mkv"


def movie(swarm: Swarm, name: str) -> Torrent:
    return swarm.torrent(name, {f"{name}.mkv": os.urandom(1024 * 1024), "sample.txt": b"x"})


def configure(outpost: Outpost, feed: TorznabFeed, leecher: QBittorrentDaemon, tmp: Path) -> None:
    runs = [
        outpost(
            "indexer", "add", "local", "--kind", "torznab", "--url", feed.url, "--api-key", KEY
        ),
        outpost(
            *add_qbittorrent(
                leecher,
                "--category",
                "outpost",
                "--save-path",
                str(tmp / "downloads"),
            )
        ),
        outpost("library", "set", "movie", str(tmp / "library")),
        # This household takes 4K (the default movie profile does not): BETTER ranks first.
        outpost("profile", "set", "movie", "--prefer", "webdl-2160p"),
    ]
    assert [r.code for r in runs] == [0, 0, 0, 0], [r.err for r in runs]


def search_and_grab(outpost: Outpost) -> list[dict[str, object]]:
    found = outpost("search", "releases", "Sintel 2010", "--kind", "movie", "--json")
    assert found.code == 0, found.err
    releases = found.json()["releases"]
    grabbed = outpost("grab", str(releases[0]["ref"]))
    assert grabbed.code == 0, grabbed.err
    return list(releases)


def run_until(data_dir: Path, done: Path, *args: str, timeout: float = 90.0) -> str:
    """`outpost run` in the background until `done` exists; then SIGTERM, as a service manager."""
    env = {**os.environ, "OUTPOST_LANG": "en", "PYTHONPATH": str(ROOT)}
    argv = [
        sys.executable,
        "-m",
        "bot.cli",
        "--data-dir",
        str(data_dir),
        "run",
        "--poll-interval",
        "0.3",
        *args,
    ]
    process = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + timeout
        while not done.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        time.sleep(0.5)  # let the import finish its bookkeeping after the rename
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert done.exists(), err[-3000:]
    return err


def notices(outpost: Outpost) -> list[dict[str, str]]:
    history = outpost("history", "--json")
    assert history.code == 0, history.err
    return list(history.json()["notices"])


def test_a_stalled_download_is_failed_blocklisted_and_replaced(
    outpost: Outpost, swarm: Swarm, leecher: QBittorrentDaemon, tmp_path: Path
) -> None:
    better, good = movie(swarm, BETTER), movie(swarm, GOOD)
    swarm.seed(good)  # `better` is on the tracker, but nobody seeds it
    items = [
        FeedItem(BETTER, size=6_000_000_000, seeders=3, link="/t/better"),
        FeedItem(GOOD, size=1_500_000_000, seeders=1, link="/t/good"),
    ]
    with TorznabFeed(items, api_key=KEY) as feed:
        feed.serve_file("/t/better", better.data)
        feed.serve_file("/t/good", good.data)
        configure(outpost, feed, leecher, tmp_path)
        releases = search_and_grab(outpost)
        assert releases[0]["title"] == BETTER
        target = tmp_path / "library" / LIBRARY_NAME
        run_until(outpost.data_dir, target, "--stall-after", "1", "--fail-after", "3")  # type: ignore[attr-defined]
        again = outpost(
            "search", "releases", "Sintel 2010", "--kind", "movie", "--all", "--json"
        ).json()["releases"]

    assert target.read_bytes() == good.files[f"{GOOD}.mkv"]
    events = [(n["event"], n["title"]) for n in reversed(notices(outpost))]
    assert ("DownloadFailed", BETTER) in events
    assert ("ReleaseReplaced", BETTER) in events
    assert [e for e in events if e[0] == "ImportCompleted"] == [("ImportCompleted", GOOD)]
    blocked = next(r for r in again if r["title"] == BETTER)
    assert "blocklisted" in [x["code"] for x in blocked["rejections"]]
    in_client = json.loads(leecher.api("torrents/info"))
    assert [t["hash"] for t in in_client] == [good.info_hash]  # the failed one was removed
