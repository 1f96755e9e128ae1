"""The opentracker launcher: the whitelist is enforced and reloaded on SIGHUP."""

from __future__ import annotations

import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from tests.support.daemons import OpenTracker
from tests.support.torrents import make_torrent


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
