"""Keys inside an indexer's download links (Jackett's `jackett_apikey=`, a tracker `passkey=`)
are sealed at rest with the secret key, and the sealed link still grabs."""

from __future__ import annotations

import json
import os
from pathlib import Path

from core.redact import redact
from tests.cli.conftest import Outpost, add_qbittorrent
from tests.support.daemons import QBittorrentDaemon
from tests.support.torrents import make_torrent
from tests.support.torznab_server import FeedItem, TorznabFeed

API_KEY = "indexer-canary-" + os.urandom(6).hex()
LINK_KEY = "linkkey" + os.urandom(8).hex()
PASSKEY = "passkey" + os.urandom(8).hex()
NAME = "Sintel.2010.1080p.BluRay.x264-OUTPOST"


def db_bytes(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in data_dir.glob("outpost.db*"))


def test_link_keys_are_sealed_at_rest_and_the_link_still_grabs(
    outpost: Outpost, qbt_daemon: QBittorrentDaemon, tmp_path: Path
) -> None:
    data_dir: Path = outpost.data_dir  # type: ignore[attr-defined]
    qbt_daemon.clear()
    torrent = make_torrent(NAME, os.urandom(16 * 1024))
    link = f"/dl/sintel.torrent?jackett_apikey={LINK_KEY}&file=Sintel"
    guid = f"https://tracker.example/details?id=7&passkey={PASSKEY}"
    item = FeedItem(NAME, size=2_000_000_000, seeders=12, link=link, guid=guid)
    with TorznabFeed([item], api_key=API_KEY) as feed:
        feed.serve_file("/dl/sintel.torrent", torrent.data)
        add = ("--url", feed.url, "--api-key", API_KEY)
        assert outpost("indexer", "add", "jackett", "--kind", "torznab", *add).code == 0
        client = add_qbittorrent(qbt_daemon, "--save-path", str(tmp_path / "in"))
        assert outpost(*client).code == 0
        found = outpost("search", "releases", "Sintel 2010", "--kind", "movie", "--json")
        assert found.code == 0, found.err
        [release] = found.json()["releases"]
        stored = db_bytes(data_dir)
        grabbed = outpost("grab", release["ref"])
    assert LINK_KEY.encode() not in stored and PASSKEY.encode() not in stored
    assert b"Sintel.2010.1080p" in stored  # the row is there, only its links are sealed
    assert grabbed.code == 0, grabbed.err
    listed = json.loads(qbt_daemon.api("torrents/info"))
    assert [t["hash"] for t in listed] == [torrent.info_hash]
    qbt_daemon.clear()


def test_link_keys_are_masked_in_log_lines() -> None:
    line = f"fetching http://h/dl?jackett_apikey={LINK_KEY}&file=x and ?passkey={PASSKEY}"
    masked = redact(line)
    assert LINK_KEY not in masked and PASSKEY not in masked and "file=x" in masked
