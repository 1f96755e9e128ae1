"""From a Newznab feed to "ready in the library" with a usenet downloader, through the CLI.

A local Newznab feed serves the NZB, the loopback news server its yEnc articles, the session's
nzbget or sabnzbdplus downloads them, and `outpost run` monitors, imports and tells the requester.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT, Outpost
from tests.cli.test_lifecycle_swarm import notices, run_until
from tests.conftest import SABNZBD_API_KEY
from tests.support.nntp import NewsServer, post
from tests.support.nzbget import NzbgetDaemon
from tests.support.sabnzbd import SabnzbdDaemon
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "usenet-key-" + "4" * 10
GOOD = "Sintel.2010.1080p.BluRay.x264-GRP"
BETTER = "Sintel.2010.2160p.WEB-DL.DDP5.1.H.265-UHD"  # ranks first; its articles are gone (430)
LIBRARY_NAME = "Sintel (2010)/Sintel (2010) [bluray-1080p].mkv"
NZB = "application/x-nzb"


@dataclass
class Downloader:
    """A usenet client under test: how `outpost client add` names it, and its daemon's hooks."""

    kind: str
    url: str
    login: tuple[str, ...]  # --username/--password or --api-key
    start: Callable[[], None]  # empty, downloading
    clear: Callable[[], None]


def nzbget(daemon: NzbgetDaemon) -> Downloader:
    def start() -> None:
        daemon.clear()
        daemon.rpc("resumedownload")

    login = ("--username", daemon.username, "--password", daemon.password)
    return Downloader("nzbget", daemon.url, login, start, daemon.clear)


def sabnzbd(daemon: SabnzbdDaemon) -> Downloader:
    def start() -> None:
        daemon.clear()
        daemon.api("resume")

    return Downloader("sabnzbd", daemon.url, ("--api-key", daemon.api_key), start, daemon.clear)


@pytest.fixture(params=["nzbget", "sabnzbd"])
def downloader(request: pytest.FixtureRequest) -> Iterator[Downloader]:
    """The session's nzbget or sabnzbdplus, empty, downloading."""
    if request.param == "nzbget":
        made = nzbget(request.getfixturevalue("nzbget_daemon"))
    else:
        made = sabnzbd(request.getfixturevalue("sabnzbd_daemon"))
    made.start()
    yield made
    made.clear()


def configure(outpost: Outpost, feed: TorznabFeed, downloader: Downloader, tmp: Path) -> None:
    client = ("client", "add", "nzb", "--kind", downloader.kind, "--url", downloader.url)
    runs = [
        outpost("indexer", "add", "nz", "--kind", "newznab", "--url", feed.url, "--api-key", KEY),
        outpost(*client, *downloader.login, "--category", "movies"),
        outpost("library", "set", "movie", str(tmp / "library")),
        # This household takes 4K (the default movie profile does not): BETTER ranks first.
        outpost("profile", "set", "movie", "--prefer", "webdl-2160p"),
    ]
    assert [r.code for r in runs] == [0, 0, 0, 0], [r.err for r in runs]


def test_an_nzb_from_the_feed_is_downloaded_imported_and_announced(
    outpost: Outpost, downloader: Downloader, news_server: NewsServer, tmp_path: Path
) -> None:
    posted = post(f"{GOOD}.mkv", os.urandom(1024 * 1024))
    news_server.serve(posted)
    item = FeedItem(GOOD, size=1_500_000_000, link="/n/good", category=2040, enclosure=NZB)
    with TorznabFeed([item], api_key=KEY) as feed:
        feed.serve_file("/n/good", posted.nzb, NZB)
        configure(outpost, feed, downloader, tmp_path)
        found = outpost("search", "releases", "Sintel 2010", "--kind", "movie", "--json")
        assert found.code == 0, found.err
        grabbed = outpost("grab", str(found.json()["releases"][0]["ref"]))
        assert grabbed.code == 0, grabbed.err
        target = tmp_path / "library" / LIBRARY_NAME
        run_until(outpost.data_dir, target)  # type: ignore[attr-defined]

    assert target.read_bytes() == posted.data
    assert [r.path for r in feed.requests if r.path == "/n/good"] == ["/n/good"]
    imported = [n for n in notices(outpost) if n["event"] == "ImportCompleted"]
    assert [(n["title"], n["person"]) for n in imported] == [(GOOD, "console")]
    queue = outpost("queue", "--json").json()["downloads"]
    assert [(d["name"], d["state"]) for d in queue] == [(GOOD, "imported")]


def test_missing_articles_fail_the_job_which_is_blocklisted_and_replaced(
    outpost: Outpost, downloader: Downloader, news_server: NewsServer, tmp_path: Path
) -> None:
    good = post(f"{GOOD}.mkv", os.urandom(1024 * 1024))
    gone = post(f"{BETTER}.mkv", os.urandom(300_000))  # never served: every article is 430
    news_server.serve(good)
    items = [
        FeedItem(BETTER, size=6_000_000_000, link="/n/better", category=2040, enclosure=NZB),
        FeedItem(GOOD, size=1_500_000_000, link="/n/good", category=2040, enclosure=NZB),
    ]
    with TorznabFeed(items, api_key=KEY) as feed:
        feed.serve_file("/n/better", gone.nzb, NZB)
        feed.serve_file("/n/good", good.nzb, NZB)
        configure(outpost, feed, downloader, tmp_path)
        found = outpost("search", "releases", "Sintel 2010", "--kind", "movie", "--json")
        releases = found.json()["releases"]
        assert releases[0]["title"] == BETTER
        assert outpost("grab", str(releases[0]["ref"])).code == 0
        target = tmp_path / "library" / LIBRARY_NAME
        said = run_until(outpost.data_dir, target)  # type: ignore[attr-defined]
        again = outpost(
            "search", "releases", "Sintel 2010", "--kind", "movie", "--all", "--json"
        ).json()["releases"]

    assert target.read_bytes() == good.data
    events = [(n["event"], n["title"]) for n in reversed(notices(outpost))]
    assert ("DownloadFailed", BETTER) in events
    assert ("ReleaseReplaced", BETTER) in events
    assert [e for e in events if e[0] == "ImportCompleted"] == [("ImportCompleted", GOOD)]
    blocked = next(r for r in again if r["title"] == BETTER)
    assert "blocklisted" in [x["code"] for x in blocked["rejections"]]
    # the notice says what happened: which release failed, why, and what replaced it
    reason = "the download client reported an error"
    assert f"{BETTER} failed ({reason}), so Outpost grabbed {GOOD} instead." in said


# --- no news server at all --------------------------------------------------------------------


@pytest.fixture
def offline_sabnzbd(tmp_path: Path) -> Iterator[Downloader]:
    """A sabnzbdplus with no news server: it lists a job as Downloading at 0 %, forever."""
    if not SabnzbdDaemon.available():
        pytest.skip("sabnzbdplus is not installed")
    with SabnzbdDaemon(tmp_path / "offline", api_key=SABNZBD_API_KEY) as daemon:
        yield sabnzbd(daemon)


def run_while(outpost: Outpost, waiting: Callable[[], bool], timeout: float = 90.0) -> str:
    """`outpost run` in the background while `waiting()` holds; then SIGTERM. Its output."""
    env = {**os.environ, "OUTPOST_LANG": "en", "PYTHONPATH": str(ROOT)}
    data = str(outpost.data_dir)  # type: ignore[attr-defined]
    argv = [sys.executable, "-m", "bot.cli", "--data-dir", data, "run", "--poll-interval", "0.3"]
    argv += ["--stall-after", "1", "--fail-after", "600"]
    process = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + timeout
        while waiting() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    return out + err


def test_with_no_news_server_a_job_is_reported_stalled_not_awaited_in_silence(
    outpost: Outpost, offline_sabnzbd: Downloader, tmp_path: Path
) -> None:
    """SABnzbd with no news server lists the job as Downloading at 0 % for ever (NZBGet keeps it
    Queued); either way the adapter reports it stalled and the household is told."""
    posted = post(f"{GOOD}.mkv", os.urandom(100_000))  # no server will ever be asked
    item = FeedItem(GOOD, size=1_500_000_000, link="/n/good", category=2040, enclosure=NZB)
    with TorznabFeed([item], api_key=KEY) as feed:
        feed.serve_file("/n/good", posted.nzb, NZB)
        configure(outpost, feed, offline_sabnzbd, tmp_path)
        found = outpost("search", "releases", "Sintel 2010", "--kind", "movie", "--json")
        assert outpost("grab", str(found.json()["releases"][0]["ref"])).code == 0

    def no_stall_yet() -> bool:
        return not any(n["event"] == "DownloadStalled" for n in notices(outpost))

    said = run_while(outpost, no_stall_yet)
    assert not no_stall_yet()
    queue = outpost("queue", "--json").json()["downloads"]
    assert [(d["name"], d["state"], d["status"]) for d in queue] == [
        (GOOD, "stalled", "Downloading")
    ]
    told = [line for line in outpost("history").out.splitlines() if GOOD in line]
    assert any("stalled" in line for line in told), told
    assert f"notice to console: {GOOD} has made no progress" in said
