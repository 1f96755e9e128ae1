"""Remote path mapping through the CLI: refused when bad, and an import through the mapping.

The session's qbittorrent-nox saves to a folder that is renamed once the download is complete,
as if the client ran in a container that mounts it elsewhere: it still reports the old path.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from tests.cli.conftest import Outpost, add_qbittorrent
from tests.cli.test_bad_input import assert_one_line_error
from tests.cli.test_lifecycle_swarm import GOOD, KEY, LIBRARY_NAME, run_until, search_and_grab
from tests.support.daemons import QBittorrentDaemon
from tests.support.swarm import Swarm
from tests.support.torznab_server import FeedItem, TorznabFeed


def add_client(outpost: Outpost, *extra: str) -> object:
    base = ("client", "add", "q", "--kind", "qbittorrent", "--url", "http://127.0.0.1:1")
    return outpost(*base, "--no-test", *extra)


def test_a_bad_path_map_is_refused_at_add(outpost: Outpost, tmp_path: Path) -> None:
    assert_one_line_error(add_client(outpost, "--path-map", "downloads"), "downloads", "REMOTE")
    gone = tmp_path / "gone"
    assert_one_line_error(
        add_client(outpost, "--path-map", f"/downloads={gone}"), str(gone), "not a folder"
    )
    assert outpost("client", "list", "--json").json() == []
    kept = add_client(outpost, "--path-map", f"/downloads={tmp_path}")
    assert kept.code == 0, kept.err  # type: ignore[attr-defined]
    (listed,) = outpost("client", "list", "--json").json()
    assert listed["path_map"] == [f"/downloads={tmp_path}"]


def test_doctor_says_when_a_save_path_is_not_here(outpost: Outpost, tmp_path: Path) -> None:
    add_client(outpost, "--save-path", "/downloads/outpost")
    doctor = outpost("doctor", "--json").json()
    assert doctor["paths"] == [
        {"client": "q", "path": "/downloads/outpost", "remote": "/downloads/outpost", "local": None}
    ]
    words = outpost("doctor").out
    assert "q reports /downloads/outpost, which does not exist here" in words
    assert "--path-map /downloads/outpost=LOCAL" in words


def wait_complete(client: QBittorrentDaemon, timeout: float = 90.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        torrents = json.loads(client.api("torrents/info"))
        if torrents and all(t["progress"] >= 1.0 for t in torrents):
            return dict(torrents[0])
        time.sleep(0.3)
    raise AssertionError("the download did not complete")


def test_the_import_reads_the_clients_path_through_the_mapping(
    outpost: Outpost, swarm: Swarm, leecher: QBittorrentDaemon, tmp_path: Path
) -> None:
    torrent = swarm.torrent(GOOD, {f"{GOOD}.mkv": os.urandom(1024 * 1024)})
    swarm.seed(torrent)
    remote, here = tmp_path / "client-side", tmp_path / "outpost-side"
    here.mkdir()
    with TorznabFeed(
        [FeedItem(GOOD, size=1_500_000_000, seeders=1, link="/t/good")], api_key=KEY
    ) as feed:
        feed.serve_file("/t/good", torrent.data)
        runs = [
            outpost(
                "indexer", "add", "i", "--kind", "torznab", "--url", feed.url, "--api-key", KEY
            ),
            outpost(
                *add_qbittorrent(
                    leecher,
                    "--save-path",
                    str(remote),
                    "--path-map",
                    f"{remote}={here}",
                )
            ),
            outpost("library", "set", "movie", str(tmp_path / "library")),
        ]
        assert [r.code for r in runs] == [0, 0, 0], [r.err for r in runs]
        search_and_grab(outpost)
        reported = wait_complete(leecher)
        os.rename(remote, here)  # the client's folder is now only at the mapped place
        assert not remote.exists() and str(reported["content_path"]).startswith(str(remote))
        target = tmp_path / "library" / LIBRARY_NAME
        run_until(outpost.data_dir, target)  # type: ignore[attr-defined]

    source = here / GOOD / f"{GOOD}.mkv"
    assert target.read_bytes() == torrent.files[f"{GOOD}.mkv"]
    assert target.stat().st_ino == source.stat().st_ino  # hardlinked from the mapped folder
    queue = outpost("queue", "--json").json()["downloads"]
    assert [(d["name"], d["state"]) for d in queue] == [(GOOD, "imported")]
