"""CPU time and bytes of one monitor poll with 5,000 torrents in a real transmission-daemon.

Adds 5,000 paused magnets (random info-hashes), waits until they are older than Transmission's
60 s "recently active" window, then times in interleaved rounds: a full listing (torrent-get of
every torrent, mapped) against the adapter's `downloads` for the 100 tracked ids, which from
VIEW_FROM ids on patches its kept listing from `recently-active`; and a whole `Monitor.poll_once`
tracking those 100, once with the ids asked for by hash and once through the kept listing.
Run: python -m benchmarks.monitor_poll_transmission [rounds] [torrents]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from adapters.clients.transmission import TransmissionClient
from adapters.clients.transmission.client import VIEW_FROM
from adapters.clients.transmission.view import INCREMENTAL_WITHIN
from adapters.clients.transmission.wire import FIELDS
from core.domain import Download
from core.events import EventBus
from core.http import HttpPolicy, HttpService
from core.services.monitor import Monitor
from core.store.database import Store
from core.store.models import Grab
from tests.support.transmission import TransmissionDaemon

TRACKED = 100  # grabs the monitor follows among the torrents
RECENT_WINDOW = 62.0  # Transmission's RECENTLY_ACTIVE_SECONDS, and a margin
POLICY = HttpPolicy(deadline=120.0, read_timeout=60.0, retries=0)


class ByHash:
    """The adapter as it answers below VIEW_FROM ids: torrent-get for exactly those hashes."""

    def __init__(self, client: TransmissionClient) -> None:
        self._client = client

    async def downloads(self, ids: list[str]) -> list[Download]:
        rows = await self._client._torrents(ids)
        return [self._client._download(row) for row in rows.values()]


def fill(daemon: TransmissionDaemon, count: int) -> list[str]:
    hashes = [os.urandom(20).hex() for _ in range(count)]
    for h in hashes:
        daemon.rpc("torrent-add", filename=f"magnet:?xt=urn:btih:{h}", paused=True)
    return hashes


async def full(client: TransmissionClient) -> list[Download]:
    return [client._download(row) for row in (await client._torrents(None)).values()]


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
            client="tr",
            client_id=h,
            protocol="torrent",
            state="downloading",
            last_progress_at=now,
        )
        for i, h in enumerate(hashes)
    )


async def measure(daemon: TransmissionDaemon, tracked: list[str], rounds: int) -> dict[str, float]:
    http = HttpService("tr", POLICY)
    client = TransmissionClient(
        "tr", daemon.url, http, username=daemon.username, password=daemon.password
    )
    assert TRACKED >= VIEW_FROM, "the monitor's poll should ride on the kept listing"
    by_hash = Monitor({"tr": ByHash(client)}, EventBus())  # type: ignore[dict-item]
    kept = Monitor({"tr": client}, EventBus())
    await by_hash.poll_once()  # the first poll records the client's view; later ones match
    await kept.poll_once()  # the first listing is full; later ones are incremental
    times: dict[str, list[float]] = {"full": [], "view": [], "mhash": [], "mview": []}
    for _ in range(rounds):
        times["full"].append(await cpu(lambda: full(client)))
        times["view"].append(await cpu(lambda: client.downloads(tracked)))
        assert not client.view.last_full, f"polls more than {INCREMENTAL_WITHIN} s apart"
        times["mhash"].append(await cpu(by_hash.poll_once))
        times["mview"].append(await cpu(kept.poll_once))
    assert len(await client.downloads(tracked)) == len(tracked)
    await client.aclose()
    return {k: statistics.median(v) * 1000 for k, v in times.items()}


def wire_bytes(daemon: TransmissionDaemon, tracked: list[str]) -> tuple[int, int, int]:
    """Body sizes of a full listing, the tracked ids by hash, and a recently-active poll."""
    fields = list(FIELDS)
    every = len(daemon.rpc_bytes("torrent-get", fields=fields))
    by_hash = len(daemon.rpc_bytes("torrent-get", fields=fields, ids=tracked))
    recent = len(daemon.rpc_bytes("torrent-get", fields=fields, ids="recently-active"))
    return every, by_hash, recent


async def main(rounds: int, count: int) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="outpost-bench-") as tmp,
        TransmissionDaemon(Path(tmp) / "tr") as daemon,
    ):
        started = time.monotonic()
        hashes = await asyncio.to_thread(fill, daemon, count)
        added = time.monotonic()
        print(f"{count} paused magnets added in {added - started:.1f} s")
        await asyncio.sleep(max(0.0, RECENT_WINDOW - (time.monotonic() - added)))
        tracked = hashes[:TRACKED]
        async with Store(Path(tmp) / "data"):
            await track(tracked)
            m = await measure(daemon, tracked, rounds)
        every_b, hash_b, recent_b = wire_bytes(daemon, tracked)
    print(f"one poll of Transmission with {count} torrents, CPU time, median of {rounds} rounds")
    print(f"  full listing (torrent-get, every torrent)      : {m['full']:8.2f} ms")
    print(f"  adapter downloads({TRACKED} ids) (recently-active) : {m['view']:8.2f} ms")
    print(f"  ratio full / incremental                       : {m['full'] / m['view']:8.1f}x")
    print(f"  monitor poll, {TRACKED} ids, torrent-get by hash     : {m['mhash']:8.2f} ms")
    print(f"  monitor poll, {TRACKED} ids, recently-active         : {m['mview']:8.2f} ms")
    print(f"  ratio by hash / incremental                    : {m['mhash'] / m['mview']:8.1f}x")
    sizes = f"full {every_b:,}; {TRACKED} by hash {hash_b:,}; incremental {recent_b:,}"
    print(f"  bytes per poll: {sizes}")


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(main(int(args[0]) if args else 7, int(args[1]) if len(args) > 1 else 5000))
