"""Cost of one monitor poll with 5,000 torrents in a real deluged + deluge-web, 100 of them tracked.

Fills a fresh daemon with paused torrents, then times, in interleaved rounds, the adapter's
`downloads(tracked ids)` (core.get_torrents_status filtered to those ids, with only the keys a
Download needs) against Deluge's own full listing (every torrent, the same keys). Prints the
medians of this process's CPU time and wall time, and the bytes one poll carries on the wire.
Run: python -m benchmarks.deluge_poll [rounds] [torrents]
"""

from __future__ import annotations

import asyncio
import base64
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx

from adapters.clients.deluge import DelugeClient, wire
from core.http import HttpPolicy, HttpService
from tests.support.deluge import DelugeDaemon
from tests.support.torrents import make_torrent

BATCH = 100  # torrents per core.add_torrent_files call
TRACKED = 100
POLICY = HttpPolicy(deadline=120.0, read_timeout=60.0, retries=0)


class Counting(httpx.AsyncBaseTransport):
    """Counts the body bytes of every answer (as sent, before any decoding)."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.received = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        body = b"".join([chunk async for chunk in response.aiter_raw()])
        self.received += len(body)
        stream = httpx.ByteStream(body)
        return httpx.Response(response.status_code, headers=response.headers, stream=stream)

    async def aclose(self) -> None:
        await self._inner.aclose()


def fill(daemon: DelugeDaemon, count: int) -> list[str]:
    hashes: list[str] = []
    for start in range(0, count, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, count)):
            made = make_torrent(f"Bench.{n:05d}", os.urandom(64))
            batch.append(
                [f"{n}.torrent", base64.b64encode(made.data).decode(), {"add_paused": True}]
            )
            hashes.append(made.info_hash)
        daemon.call("core.add_torrent_files", batch)
    deadline = time.monotonic() + 300
    while len(daemon.call("core.get_torrents_status", {}, ["name"])) < count:
        if time.monotonic() > deadline:
            raise TimeoutError("the daemon did not list every torrent")
        time.sleep(0.5)
    return hashes


async def measure(
    probe: Callable[[], Awaitable[Any]], counter: Counting
) -> tuple[float, float, int]:
    before, cpu, wall = counter.received, time.process_time(), time.perf_counter()
    await probe()
    return time.process_time() - cpu, time.perf_counter() - wall, counter.received - before


async def bench(daemon: DelugeDaemon, hashes: list[str], rounds: int) -> None:
    counter = Counting()
    http = HttpService("bench", POLICY, transport=counter)
    client = DelugeClient("bench", daemon.url, http, password=daemon.password)
    tracked = hashes[:: max(1, len(hashes) // TRACKED)][:TRACKED]
    rpc = client._rpc

    async def full() -> Any:
        keys = list(wire.STATUS_KEYS)
        return await rpc.call("core.get_torrents_status", {}, keys, max_bytes=2**28)

    async def polled() -> Any:
        found = await client.downloads(tracked)
        assert len(found) == len(tracked)

    await polled()  # log in and connect first
    results: dict[str, list[tuple[float, float, int]]] = {"full": [], "tracked": []}
    for _ in range(rounds):
        results["full"].append(await measure(full, counter))
        results["tracked"].append(await measure(polled, counter))
    await client.aclose()
    print(
        f"deluge 2.0.3: {len(hashes)} torrents, {len(tracked)} tracked, {rounds} rounds (medians)"
    )
    print(f"{'poll':<30}{'CPU ms':>10}{'wall ms':>10}{'bytes':>12}")
    for name, label in (("full", "full listing (Deluge's own)"), ("tracked", "downloads(100 ids)")):
        cpu, wall, size = (statistics.median(r[i] for r in results[name]) for i in range(3))
        print(f"{label:<30}{cpu * 1000:>10.1f}{wall * 1000:>10.1f}{int(size):>12,}")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    with TemporaryDirectory(prefix="outpost-bench-") as tmp:
        with DelugeDaemon(Path(tmp)) as daemon:
            daemon.connect()
            started = time.monotonic()
            hashes = fill(daemon, count)
            print(f"filled in {time.monotonic() - started:.0f} s")
            asyncio.run(bench(daemon, hashes, rounds))


if __name__ == "__main__":
    main()
