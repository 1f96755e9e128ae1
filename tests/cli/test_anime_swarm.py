"""Anime end to end through the CLI: AniList names the title, the indexer's 5070 category has
a fansub batch, the real qbittorrent-nox fetches it from the loopback swarm, and `outpost run`
imports each episode under the anime template, with its absolute number."""

from __future__ import annotations

import os
from pathlib import Path

from tests.cli.conftest import Outpost, add_qbittorrent
from tests.cli.test_lifecycle_swarm import run_until
from tests.support.anilist import FakeAniList
from tests.support.daemons import QBittorrentDaemon
from tests.support.localserver import LocalServer
from tests.support.swarm import Swarm
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "anime-swarm-" + "5" * 10
BATCH = "[SubsPlease] Sousou no Frieren (01-03) (1080p) [Batch]"


def episode(n: int) -> str:
    return f"[SubsPlease] Sousou no Frieren - {n:02d} (1080p) [0A1B2C3{n}].mkv"


def test_anime_batch_is_found_grabbed_and_imported_by_episode(
    outpost: Outpost, swarm: Swarm, leecher: QBittorrentDaemon, tmp_path: Path
) -> None:
    files = {episode(n): os.urandom(256 * 1024) for n in (1, 2, 3)}
    torrent = swarm.torrent(BATCH, files)
    swarm.seed(torrent)
    item = FeedItem(BATCH, size=4_200_000_000, seeders=1, category=5070, link="/t/batch")
    with LocalServer(FakeAniList()) as anilist, TorznabFeed([item], api_key=KEY) as feed:
        feed.serve_file("/t/batch", torrent.data)
        setup = [
            outpost("provider", "set", "anilist", "--url", anilist.url + "/"),
            outpost(
                "indexer", "add", "nyaa", "--kind", "torznab", "--url", feed.url, "--api-key", KEY
            ),
            outpost(
                *add_qbittorrent(
                    leecher, "--category", "anime", "--save-path", str(tmp_path / "downloads")
                )
            ),
            outpost("library", "set", "anime", str(tmp_path / "anime")),
        ]
        assert [r.code for r in setup] == [0, 0, 0, 0], [r.err for r in setup]
        media = outpost("search", "media", "frieren", "--kind", "anime", "--json").json()
        title = media["media"][0]["title"]
        found = outpost("search", "releases", title, "--kind", "anime", "--json")
        assert found.code == 0, found.err
        (release,) = found.json()["releases"]
        assert release["rejections"] == []
        grabbed = outpost("grab", release["ref"])
        assert grabbed.code == 0, grabbed.err
        season = tmp_path / "anime" / "Sousou no Frieren" / "Season 01"
        last = season / "Sousou no Frieren - S01E03 - 003.mkv"
        run_until(outpost.data_dir, last)  # type: ignore[attr-defined]

    assert sorted(p.name for p in season.iterdir()) == [
        "Sousou no Frieren - S01E01 - 001.mkv",
        "Sousou no Frieren - S01E02 - 002.mkv",
        "Sousou no Frieren - S01E03 - 003.mkv",
    ]
    for n in (1, 2, 3):
        imported = season / f"Sousou no Frieren - S01E0{n} - 00{n}.mkv"
        assert imported.read_bytes() == files[episode(n)]
    assert [r.arg("cat") for r in feed.searches] == ["5070"]
    queue = outpost("queue", "--json").json()["downloads"]
    assert [(d["name"], d["state"]) for d in queue] == [(BATCH, "imported")]
