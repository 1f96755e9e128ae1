"""A real BitTorrent swarm on loopback: opentracker plus a qBittorrent seeder on its own address.

The recipe of the team's daemon notes (section 9): the seeder has the data in place, hash-checks
it, and announces *before* any leecher does; the client under test runs on its own 127.0.0.x.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import httpx

from tests.support.daemons import OpenTracker, QBittorrentDaemon, loopback
from tests.support.torrents import Torrent, make_torrent

READY_TIMEOUT = 30.0
# Each swarm's seeder gets a fresh address: the session's long-lived leecher keeps per-peer
# state (libtorrent bans, de-duplication by address) that must not carry from test to test.
_SEEDER_HOSTS = itertools.cycle(range(10, 250))


class Swarm:
    def __init__(self, root: Path | None = None) -> None:
        self.tracker = OpenTracker(root / "tracker" if root else None)
        self.seeder = QBittorrentDaemon(
            root / "seeder" if root else None, interface_address=loopback(next(_SEEDER_HOSTS))
        )

    def start(self) -> Swarm:
        self.tracker.start()
        self.seeder.start()
        return self

    def stop(self) -> None:
        self.seeder.stop()
        self.tracker.stop()

    def __enter__(self) -> Swarm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def torrent(self, name: str, payload: bytes | dict[str, bytes]) -> Torrent:
        """A torrent on this tracker, whitelisted but seeded by nobody yet."""
        torrent = make_torrent(name, payload, announce=self.tracker.announce_url)
        self.tracker.whitelist(torrent.info_hash)
        return torrent

    def seed(self, torrent: Torrent) -> None:
        """Put the data in place at the seeder, add the torrent, wait until it seeds and has
        announced: a leecher that announces earlier would not hear of the seeder for 30 min."""
        torrent.write_payload(self.seeder.download_dir)
        self._add(torrent)
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._complete(torrent) and self._announced(torrent):
                return
            time.sleep(0.1)
        raise TimeoutError(f"the seeder did not start seeding {torrent.name}")

    def unseed(self, torrent: Torrent) -> None:
        """Stop seeding: delete the torrent (and its data) from the seeder."""
        self.seeder.api("torrents/delete", {"hashes": torrent.info_hash, "deleteFiles": "true"})

    def _add(self, torrent: Torrent) -> None:
        with httpx.Client(base_url=self.seeder.url + "/api/v2", timeout=10) as http:
            login = {"username": self.seeder.username, "password": self.seeder.password}
            if http.post("/auth/login", data=login).text != "Ok.":
                raise RuntimeError("the seeder refused the test credentials")
            files = {"torrents": (f"{torrent.info_hash}.torrent", torrent.data)}
            reply = http.post(
                "/torrents/add", files=files, data={"savepath": str(self.seeder.download_dir)}
            )
            if reply.text != "Ok.":
                raise RuntimeError(f"the seeder refused the torrent: {reply.text}")

    def _complete(self, torrent: Torrent) -> bool:
        rows = json.loads(self.seeder.api(f"torrents/info?hashes={torrent.info_hash}"))
        return bool(rows) and rows[0]["progress"] >= 1.0

    def _announced(self, torrent: Torrent) -> bool:
        rows = json.loads(self.seeder.api(f"torrents/trackers?hash={torrent.info_hash}"))
        return any(r.get("status") == 2 for r in rows if r["url"].startswith("http"))
