"""CPU time of one monitor poll with 5,000 torrents in a real qbittorrent-nox: incremental vs full.

Adds 5,000 paused magnets (random info-hashes) to a fresh daemon, then times, in interleaved rounds:
a full listing (torrents/info, what a poll cost before the monitor asked for ids) against the
adapter's `downloads(every id)` (sync/maindata after the first sync), and a whole
`Monitor.poll_once` tracking 100 of the torrents in a store, once with those ids listed by
torrents/info?hashes= and once through the sync (what `downloads` does from SYNC_FROM ids on).
Prints medians of process CPU time, the ratios, and the bytes one poll carries.
Run: python -m benchmarks.monitor_poll [rounds] [torrents]
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from adapters.clients.qbittorrent import QBittorrentClient
from adapters.clients.qbittorrent.client import SYNC_FROM
from core.domain import Download
from core.events import EventBus
from core.http import HttpPolicy, HttpService
from core.services.monitor import Monitor
from core.store.database import Store
from core.store.models import Grab
from tests.support.daemons import QBittorrentDaemon

BATCH = 500  # magnets per torrents/add call
TRACKED = 100  # grabs the monitor follows among the torrents
POLICY = HttpPolicy(deadline=120.0, read_timeout=60.0, retries=0)


class Listed:
    """The adapter as it answers below SYNC_FROM ids: torrents/info for exactly those hashes."""

    def __init__(self, client: QBittorrentClient) -> None:
        self._client = client

    async def downloads(self, ids: list[str]) -> list[Download]:
        return await self._client._listed(ids)


def fill(daemon: QBittorrentDaemon, count: int) -> list[str]:
    hashes = [os.urandom(20).hex() for _ in range(count)]
    for start in range(0, count, BATCH):
        urls = "\n".join(f"magnet:?xt=urn:btih:{h}" for h in hashes[start : start + BATCH])
        daemon.api("torrents/add", {"urls": urls, "paused": "true", "stopped": "true"})
    deadline = time.monotonic() + 300
    while len(json.loads(daemon.api("torrents/info"))) < count:
        if time.monotonic() > deadline:
            raise TimeoutError("the daemon did not list every magnet")
        time.sleep(0.5)
    return hashes


async def settle(client: QBittorrentClient, hashes: list[str]) -> None:
    """Poll until a sync carries no torrent: the daemon has finished checking the adds."""
    for _ in range(240):
        await client.downloads(hashes)
        if client.last_sync is not None and client.last_sync.changed == 0:
            return
        await asyncio.sleep(0.5)


def wire_bytes(daemon: QBittorrentDaemon) -> tuple[int, int, int]:
    """Body sizes of a full listing, a first sync and a following incremental sync."""
    full = len(daemon.api("torrents/info"))
    first = daemon.api("sync/maindata?rid=0")
    rid = json.loads(first)["rid"]
    return full, len(first), len(daemon.api(f"sync/maindata?rid={rid}"))


async def cpu(call: Callable[[], Awaitable[object]]) -> float:
    started = time.process_time()
    await call()
    return time.process_time() - started


async def track(hashes: list[str]) -> None:
    now = datetime.now(UTC)
    await Grab.bulk_create(
        Grab(
            release_key=h,
            title=f"t{i}",
            indexer="idx",
            client="qbt",
            client_id=h,
            protocol="torrent",
            state="downloading",
            last_progress_at=now,
        )
        for i, h in enumerate(hashes)
    )


async def measure(daemon: QBittorrentDaemon, hashes: list[str], rounds: int) -> dict[str, float]:
    http = HttpService("qbt", POLICY)
    client = QBittorrentClient(
        "qbt", daemon.url, http, username=daemon.username, password=daemon.password
    )
    assert TRACKED >= SYNC_FROM, "the monitor's poll should ride on the sync"
    listed_monitor = Monitor({"qbt": Listed(client)}, EventBus())  # type: ignore[dict-item]
    sync_monitor = Monitor({"qbt": client}, EventBus())
    first_sync = await cpu(lambda: client.downloads(hashes))
    await settle(client, hashes)
    await listed_monitor.poll_once()  # the first poll records the client's view; later ones match
    await sync_monitor.poll_once()
    times: dict[str, list[float]] = {"full": [], "sync": [], "mfull": [], "msync": []}
    for _ in range(rounds):
        times["full"].append(await cpu(lambda: client._listed(None)))
        times["sync"].append(await cpu(lambda: client.downloads(hashes)))
        times["mfull"].append(await cpu(listed_monitor.poll_once))
        times["msync"].append(await cpu(sync_monitor.poll_once))
    assert len(await client.downloads(hashes)) == len(await client._listed(None)) == len(hashes)
    await client.aclose()
    medians = {k: statistics.median(v) * 1000 for k, v in times.items()}
    return medians | {"first": first_sync * 1000}


async def main(rounds: int, count: int) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="outpost-bench-") as tmp,
        QBittorrentDaemon(Path(tmp) / "qbt") as daemon,
    ):
        started = time.monotonic()
        hashes = fill(daemon, count)
        print(f"{count} paused magnets added in {time.monotonic() - started:.1f} s")
        async with Store(Path(tmp) / "data"):
            await track(hashes[:TRACKED])
            m = await measure(daemon, hashes, rounds)
        full_b, first_b, sync_b = wire_bytes(daemon)
    print(f"one poll of qBittorrent with {count} torrents, CPU time, median of {rounds} rounds")
    print(f"  full listing (torrents/info, every torrent)  : {m['full']:8.2f} ms")
    print(f"  adapter downloads(every id) (sync/maindata)  : {m['sync']:8.2f} ms")
    print(f"  ratio full / incremental                     : {m['full'] / m['sync']:8.1f}x")
    print(f"  monitor poll, {TRACKED} ids, torrents/info?hashes= : {m['mfull']:8.2f} ms")
    print(f"  monitor poll, {TRACKED} ids, incremental           : {m['msync']:8.2f} ms")
    print(f"  ratio listed / incremental                   : {m['mfull'] / m['msync']:8.1f}x")
    print(f"  first downloads() (full sync, once per session): {m['first']:.2f} ms")
    print(f"  bytes per poll: full {full_b:,}; first sync {first_b:,}; incremental {sync_b:,}")


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(main(int(args[0]) if args else 7, int(args[1]) if len(args) > 1 else 5000))
