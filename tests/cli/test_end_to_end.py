"""The whole core path through the CLI: a Torznab indexer on loopback, the real qbittorrent-nox."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.cli.conftest import Outpost, add_qbittorrent
from tests.support.daemons import QBittorrentDaemon
from tests.support.torrents import make_torrent
from tests.support.torznab_server import FeedItem, TorznabFeed

API_KEY = "indexer-canary-" + os.urandom(6).hex()
BEST = "Sintel.2010.1080p.BluRay.x264-OUTPOST"


def feed_items() -> list[FeedItem]:
    return [
        FeedItem(
            "Sintel.2010.720p.WEB-DL.AAC2.0.H.264-OTHER",
            size=700_000_000,
            seeders=80,
            link="/dl/other.torrent",
        ),
        FeedItem(BEST, size=2_000_000_000, seeders=12, link="/dl/sintel.torrent"),
        FeedItem(
            "Sintel.2010.1080p.BluRay.x264-TINY",
            size=40_000_000,
            seeders=50,
            link="/dl/tiny.torrent",
        ),
    ]


def test_search_grab_puts_the_torrent_in_qbittorrent(
    outpost: Outpost, qbt_daemon: QBittorrentDaemon, tmp_path: Path
) -> None:
    qbt_daemon.clear()
    torrent = make_torrent(BEST, os.urandom(32 * 1024))
    save_path = tmp_path / "incoming"
    with TorznabFeed(feed_items(), api_key=API_KEY) as feed:
        feed.serve_file("/dl/sintel.torrent", torrent.data)
        runs = [
            outpost(
                "indexer",
                "add",
                "local",
                "--kind",
                "torznab",
                "--url",
                feed.url,
                "--api-key",
                API_KEY,
            ),
            outpost(
                *add_qbittorrent(
                    qbt_daemon,
                    "--category",
                    "outpost-movies",
                    "--save-path",
                    str(save_path),
                )
            ),
        ]
        assert [r.code for r in runs] == [0, 0], [r.err for r in runs]
        found = outpost("search", "releases", "Sintel 2010", "--kind", "movie", "--json")
        assert found.code == 0, found.err
        releases = found.json()["releases"]
        assert found.json()["errors"] == []
        assert releases[0]["title"] == BEST and releases[0]["rejections"] == []
        tiny = next(r for r in releases if "TINY" in r["title"])
        assert [x["code"] for x in tiny["rejections"]] == ["too_small"]

        grabbed = outpost("grab", releases[0]["ref"])
        assert grabbed.code == 0, grabbed.err
        again = outpost("grab", releases[0]["ref"])
        runs += [found, grabbed, again]

    assert again.code == 1 and "already" in again.err
    listed = json.loads(qbt_daemon.api("torrents/info"))
    assert [t["hash"] for t in listed] == [torrent.info_hash]
    assert listed[0]["category"] == "outpost-movies"
    assert Path(listed[0]["save_path"]) == save_path
    queue = outpost("queue", "--json").json()["downloads"]
    assert [(d["name"], d["client"]) for d in queue] == [(BEST, "qbit")]
    for run in runs:
        assert API_KEY not in run.out + run.err
        assert qbt_daemon.password not in run.out + run.err
    qbt_daemon.clear()
