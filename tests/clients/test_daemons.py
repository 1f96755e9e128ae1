"""Test launchers and tools: opentracker's whitelist and reload, mktorrent's hashes."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.metainfo import torrent_hash
from tests.support.daemons import OpenTracker
from tests.support.torrents import bdecode, bencode, infohash, make_torrent, mktorrent


@pytest.fixture
def tracker() -> Iterator[OpenTracker]:
    if not OpenTracker.available():
        pytest.skip("opentracker is not installed (apt-get install opentracker)")
    with OpenTracker() as tracker:
        yield tracker


def _announce(tracker: OpenTracker, info_hash: str) -> bytes:
    query = urllib.parse.urlencode(
        {
            "info_hash": bytes.fromhex(info_hash),
            "peer_id": b"-OP0001-000000000000",
            "port": 6881,
            "uploaded": 0,
            "downloaded": 0,
            "left": 1,
        }
    )
    with urllib.request.urlopen(f"{tracker.announce_url}?{query}", timeout=5) as reply:
        return bytes(reply.read())


def test_whitelist_is_enforced_and_reloaded(tracker: OpenTracker) -> None:
    torrent = make_torrent("t", b"payload", announce=tracker.announce_url)
    assert b"failure reason" in _announce(tracker, torrent.info_hash)
    tracker.whitelist(torrent.info_hash)
    deadline = time.monotonic() + 5  # SIGHUP is handled asynchronously
    answer = _announce(tracker, torrent.info_hash)
    while b"failure reason" in answer and time.monotonic() < deadline:
        time.sleep(0.05)
        answer = _announce(tracker, torrent.info_hash)
    assert b"8:interval" in answer and b"failure reason" not in answer


def test_mktorrent_output_hashes_the_same_everywhere(tmp_path: Path) -> None:
    if shutil.which("mktorrent") is None:
        pytest.skip("mktorrent is not installed (apt-get install mktorrent)")
    payload = tmp_path / "Album"
    payload.mkdir()
    (payload / "01.flac").write_bytes(os.urandom(3000))
    (payload / "cover.jpg").write_bytes(os.urandom(500))
    data = mktorrent(payload, tmp_path / "a.torrent", announce="http://127.0.0.1:1/announce")
    meta = bdecode(data)
    assert sorted(f[b"path"] for f in meta[b"info"][b"files"]) == [[b"01.flac"], [b"cover.jpg"]]
    assert torrent_hash(data) == infohash(data)
    assert torrent_hash(data) == hashlib.sha1(bencode(meta[b"info"])).hexdigest()
