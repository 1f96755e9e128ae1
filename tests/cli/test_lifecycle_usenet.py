"""From a Newznab feed to "ready in the library" with NZBGet as the downloader, through the CLI.

A local Newznab feed serves the NZB, the loopback news server its yEnc articles, the session's
nzbget downloads them, and `outpost run` monitors, imports and tells the requester.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Outpost
from tests.cli.test_lifecycle_swarm import notices, run_until
from tests.support.nntp import NewsServer, post
from tests.support.nzbget import NzbgetDaemon
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "usenet-key-" + "4" * 10
GOOD = "Sintel.2010.1080p.BluRay.x264-GRP"
BETTER = "Sintel.2010.2160p.WEB-DL.DDP5.1.H.265-UHD"  # ranks first; its articles are gone (430)
LIBRARY_NAME = "Sintel (2010)/Sintel (2010) [bluray-1080p].mkv"
NZB = "application/x-nzb"


def configure(outpost: Outpost, feed: TorznabFeed, downloader: NzbgetDaemon, tmp: Path) -> None:
    login = ("--username", downloader.username, "--password", downloader.password)
    client = ("client", "add", "nzb", "--kind", "nzbget", "--url", downloader.url, *login)
    runs = [
        outpost("indexer", "add", "nz", "--kind", "newznab", "--url", feed.url, "--api-key", KEY),
        outpost(*client, "--category", "movies"),
        outpost("library", "set", "movie", str(tmp / "library")),
    ]
    assert [r.code for r in runs] == [0, 0, 0], [r.err for r in runs]


@pytest.fixture
def downloader(nzbget_daemon: NzbgetDaemon) -> Iterator[NzbgetDaemon]:
    """The session's nzbget, empty, downloading."""
    nzbget_daemon.clear()
    nzbget_daemon.rpc("resumedownload")
    yield nzbget_daemon
    nzbget_daemon.clear()


def test_an_nzb_from_the_feed_is_downloaded_imported_and_announced(
    outpost: Outpost, downloader: NzbgetDaemon, news_server: NewsServer, tmp_path: Path
) -> None:
    posted = post(f"{GOOD}.mkv", os.urandom(1024 * 1024))
    news_server.serve(posted)
    item = FeedItem(GOOD, size=1_500_000_000, link="/n/good", category=2040, enclosure=NZB)
    with TorznabFeed([item], api_key=KEY) as feed:
        feed.serve_file("/n/good", posted.nzb, NZB)
        login = ("--username", downloader.username, "--password", downloader.password)
        runs = [
            outpost(
                "indexer", "add", "nz", "--kind", "newznab", "--url", feed.url, "--api-key", KEY
            ),
            outpost(
                "client",
                "add",
                "nzb",
                "--kind",
                "nzbget",
                "--url",
                downloader.url,
                *login,
                "--category",
                "movies",
            ),
            outpost("library", "set", "movie", str(tmp_path / "library")),
        ]
        assert [r.code for r in runs] == [0, 0, 0], [r.err for r in runs]
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
    outpost: Outpost, downloader: NzbgetDaemon, news_server: NewsServer, tmp_path: Path
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
        run_until(outpost.data_dir, target)  # type: ignore[attr-defined]
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
