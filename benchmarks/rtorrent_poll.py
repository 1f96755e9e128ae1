"""CPU time and bytes of one poll of a real rtorrent holding 5,000 torrents, 100 of them tracked.

Adds 5,000 stopped magnets (random info-hashes, one dead tracker each: rtorrent drops a torrent
without trackers), then times, in interleaved rounds, rtorrent's own full listing (one
d.multicall2 over the "main" view with the adapter's fields) against the adapter's
`downloads(100 ids)` (one system.multicall of those hashes' fields), and counts the bytes each
carries both ways. Run: python -m benchmarks.rtorrent_poll [rounds] [torrents]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from adapters.clients.rtorrent import RTorrentClient
from adapters.clients.rtorrent.client import PER_HASH_UP_TO
from adapters.clients.rtorrent.transport import Transport
from core.http import HttpPolicy, HttpService
from tests.support.rtorrent import RTorrentDaemon

BATCH = 500  # load.normal calls per system.multicall
TRACKED = 100
POLICY = HttpPolicy(deadline=120.0, read_timeout=60.0, retries=0)
TRACKER = "http://127.0.0.1:9/announce"


class Counting:
    """The adapter's transport, counting the bytes of the latest call."""

    def __init__(self, inner: Transport) -> None:
        self._inner = inner
        self.sent = self.received = 0

    async def post(self, body: bytes, max_bytes: int) -> bytes:
        answer = await self._inner.post(body, max_bytes)
        self.sent, self.received = len(body), len(answer)
        return answer


def fill(daemon: RTorrentDaemon, count: int) -> list[str]:
    hashes = [os.urandom(20).hex() for _ in range(count)]
    for start in range(0, count, BATCH):
        calls = [
            {"methodName": "load.normal", "params": ["", f"magnet:?xt=urn:btih:{h}&tr={TRACKER}"]}
            for h in hashes[start : start + BATCH]
        ]
        daemon.call("system.multicall", calls)
    deadline = time.monotonic() + 300
    while len(daemon.hashes()) < count:
        if time.monotonic() > deadline:
            raise TimeoutError("rtorrent did not list every magnet")
        time.sleep(0.5)
    return hashes


async def cpu(call: Callable[[], Awaitable[object]]) -> float:
    started = time.process_time()
    await call()
    return time.process_time() - started


async def measure(daemon: RTorrentDaemon, hashes: list[str], rounds: int) -> dict[str, float]:
    client = RTorrentClient("rt", daemon.url, HttpService("rt", POLICY))
    counting = Counting(client._transport)
    client._transport = counting
    tracked = hashes[:TRACKED]
    assert len(hashes) > PER_HASH_UP_TO >= TRACKED, "every id goes through d.multicall2"
    times: dict[str, list[float]] = {"full": [], "ids": []}
    for _ in range(rounds):
        times["full"].append(await cpu(lambda: client.downloads(hashes)))
        full_bytes = counting.sent + counting.received
        times["ids"].append(await cpu(lambda: client.downloads(tracked)))
        ids_bytes = counting.sent + counting.received
    assert len(await client.downloads(tracked)) == TRACKED
    await client.aclose()
    medians = {k: statistics.median(v) * 1000 for k, v in times.items()}
    return medians | {"full_bytes": full_bytes, "ids_bytes": ids_bytes}


async def main(rounds: int, count: int) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="outpost-bench-") as tmp,
        RTorrentDaemon(Path(tmp) / "rtorrent") as daemon,
    ):
        started = time.monotonic()
        hashes = fill(daemon, count)
        print(f"{count} stopped magnets added in {time.monotonic() - started:.1f} s")
        m = await measure(daemon, hashes, rounds)
    print(f"one poll of rtorrent with {count} torrents, CPU time, median of {rounds} rounds")
    print(f"  full listing (d.multicall2, every torrent)   : {m['full']:8.2f} ms")
    print(f"  adapter downloads({TRACKED} ids) (multicall)     : {m['ids']:8.2f} ms")
    print(f"  ratio full / tracked                         : {m['full'] / m['ids']:8.1f}x")
    print(f"  bytes per poll: full {m['full_bytes']:,.0f}; tracked {m['ids_bytes']:,.0f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(main(int(args[0]) if args else 7, int(args[1]) if len(args) > 1 else 5000))
