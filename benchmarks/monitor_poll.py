"""Cost of one monitor poll with 5,000 torrents, 100 of them tracked, in every real torrent client.

For each client (qBittorrent, Transmission, Deluge, rTorrent; or only `--client X`) a fresh daemon
is filled with 5,000 paused magnets of random info-hashes, and three polls are timed in
interleaved rounds: the client's own full listing (every torrent, the fields a Download needs,
mapped to Downloads), the adapter's `downloads(100 tracked ids)`, and a whole `Monitor.poll_once`
tracking those 100 grabs in a store. Prints the medians of this process's CPU time and the answer
bytes one poll reads from the wire, each against that client's full listing in the same run.

Filling fast: qBittorrent takes 500 magnets per `torrents/add`, rtorrent 500 `load.normal` per
`system.multicall` (each magnet names a dead tracker: rtorrent drops a torrent without one);
Transmission one `torrent-add` per magnet; Deluge one `core.add_torrent_magnet` with
`add_paused` per magnet: 100-180/s here, where `core.add_torrent_files` of tiny .torrent files
managed about 3/s (40 in 12 s), which is why Deluge was once measured at 1,000 torrents only.

Run: python -m benchmarks.monitor_poll [--client NAME] [--rounds N] [--torrents N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from adapters.clients.deluge import DelugeClient
from adapters.clients.deluge import wire as deluge_wire
from adapters.clients.qbittorrent import QBittorrentClient
from adapters.clients.rtorrent import RTorrentClient
from adapters.clients.rtorrent.client import FIELDS, PER_HASH_UP_TO, _rows
from adapters.clients.rtorrent.transport import Transport
from adapters.clients.transmission import TransmissionClient
from adapters.clients.transmission.view import INCREMENTAL_WITHIN
from core.events import EventBus
from core.http import HttpPolicy, HttpService
from core.ports import DownloadClient
from core.services.monitor import Monitor
from core.store.database import Store
from core.store.models import Grab
from tests.support.daemons import QBittorrentDaemon
from tests.support.deluge import DelugeDaemon
from tests.support.rtorrent import RTorrentDaemon
from tests.support.transmission import TransmissionDaemon

TRACKED = 100  # grabs the monitor follows among the torrents
BATCH = 500  # magnets per qBittorrent add
RT_BATCH = 100  # load.normal calls per rtorrent multicall (500 outlive a socket timeout loaded)
DEAD_TRACKER = "http://127.0.0.1:9/announce"
RECENT_WINDOW = 62.0  # Transmission's "recently active" is the last 60 s, and a margin
POLICY = HttpPolicy(deadline=120.0, read_timeout=60.0, retries=0)
LISTING_MAX = 2**28


class Meter:
    """Answer bytes read from the wire (bodies as sent, before any decoding)."""

    def __init__(self) -> None:
        self.received = 0


class CountingHttp(httpx.AsyncBaseTransport):
    def __init__(self, meter: Meter) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._meter = meter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        body = b"".join([chunk async for chunk in response.aiter_raw()])
        self._meter.received += len(body)
        stream = httpx.ByteStream(body)
        return httpx.Response(response.status_code, headers=response.headers, stream=stream)

    async def aclose(self) -> None:
        await self._inner.aclose()


class CountingScgi:
    """rtorrent's SCGI transport, counting its answers."""

    def __init__(self, inner: Transport, meter: Meter) -> None:
        self._inner = inner
        self._meter = meter

    async def post(self, body: bytes, max_bytes: int) -> bytes:
        answer = await self._inner.post(body, max_bytes)
        self._meter.received += len(answer)
        return answer


@dataclass
class Bench:
    """One client under measurement: its adapter, its own full listing, a warm-up."""

    client: DownloadClient
    full: Callable[[], Awaitable[object]]
    settle: Callable[[list[str]], Awaitable[None]]
    meter: Meter


def magnets(count: int) -> list[str]:
    return [os.urandom(20).hex() for _ in range(count)]


async def nothing(_: list[str]) -> None:
    return None


# --- the clients ---------------------------------------------------------------------------


@contextlib.contextmanager
def qbittorrent(root: Path, count: int) -> Iterator[tuple[list[str], Callable[[], Bench]]]:
    with QBittorrentDaemon(root) as daemon:
        hashes = magnets(count)
        for start in range(0, count, BATCH):
            urls = "\n".join(f"magnet:?xt=urn:btih:{h}" for h in hashes[start : start + BATCH])
            daemon.api("torrents/add", {"urls": urls, "paused": "true", "stopped": "true"})
        wait_listed(lambda: len(json.loads(daemon.api("torrents/info"))), count)

        def bench() -> Bench:
            meter = Meter()
            http = HttpService("bench", POLICY, transport=CountingHttp(meter))
            client = QBittorrentClient(
                "bench", daemon.url, http, username=daemon.username, password=daemon.password
            )

            async def settle(ids: list[str]) -> None:
                """Until a sync carries no torrent: the daemon has taken in every add."""
                for _ in range(240):
                    await client.downloads(ids)
                    if client.last_sync is not None and client.last_sync.changed == 0:
                        return
                    await asyncio.sleep(0.5)

            return Bench(client, lambda: client._listed(None), settle, meter)

        yield hashes, bench


@contextlib.contextmanager
def transmission(root: Path, count: int) -> Iterator[tuple[list[str], Callable[[], Bench]]]:
    with TransmissionDaemon(root) as daemon:
        hashes = magnets(count)
        for h in hashes:
            daemon.rpc("torrent-add", filename=f"magnet:?xt=urn:btih:{h}", paused=True)
        time.sleep(RECENT_WINDOW)  # every add out of the "recently active" window

        def bench() -> Bench:
            meter = Meter()
            http = HttpService("bench", POLICY, transport=CountingHttp(meter))
            client = TransmissionClient(
                "bench", daemon.url, http, username=daemon.username, password=daemon.password
            )

            async def full() -> object:
                return [client._download(row) for row in (await client._torrents(None)).values()]

            async def settle(ids: list[str]) -> None:
                await client.downloads(ids)  # the first listing is full; later ones incremental
                await client.downloads(ids)
                assert not client.view.last_full, f"polls more than {INCREMENTAL_WITHIN} s apart"

            return Bench(client, full, settle, meter)

        yield hashes, bench


@contextlib.contextmanager
def deluge(root: Path, count: int) -> Iterator[tuple[list[str], Callable[[], Bench]]]:
    with DelugeDaemon(root) as daemon:
        daemon.connect()
        hashes = magnets(count)
        for h in hashes:
            daemon.call("core.add_torrent_magnet", f"magnet:?xt=urn:btih:{h}", {"add_paused": True})
        wait_listed(lambda: len(daemon.call("core.get_torrents_status", {}, ["name"])), count)

        def bench() -> Bench:
            meter = Meter()
            http = HttpService("bench", POLICY, transport=CountingHttp(meter))
            client = DelugeClient("bench", daemon.url, http, password=daemon.password)

            async def full() -> object:
                keys = list(deluge_wire.STATUS_KEYS)
                answer = await client._rpc.call(
                    "core.get_torrents_status", {}, keys, max_bytes=LISTING_MAX
                )
                rows = deluge_wire.rows(answer, "bench")
                return [client._download(id, row) for id, row in rows.items()]

            return Bench(client, full, nothing, meter)

        yield hashes, bench


@contextlib.contextmanager
def rtorrent(root: Path, count: int) -> Iterator[tuple[list[str], Callable[[], Bench]]]:
    with RTorrentDaemon(root) as daemon:
        hashes = magnets(count)
        for start in range(0, count, RT_BATCH):
            calls = [
                {
                    "methodName": "load.normal",
                    "params": ["", f"magnet:?xt=urn:btih:{h}&tr={DEAD_TRACKER}"],
                }
                for h in hashes[start : start + RT_BATCH]
            ]
            daemon.call("system.multicall", calls)
        wait_listed(lambda: len(daemon.hashes()), count)

        def bench() -> Bench:
            meter = Meter()
            client = RTorrentClient("bench", daemon.url, HttpService("bench", POLICY))
            client._transport = CountingScgi(client._transport, meter)

            async def full() -> object:
                fields = [f + "=" for f in FIELDS]
                answer = await client._call(
                    "d.multicall2", "", "main", *fields, max_bytes=LISTING_MAX
                )
                return [client._download(row) for row in _rows(answer, "bench")]

            assert PER_HASH_UP_TO >= TRACKED, "the tracked ids are asked for by hash"
            return Bench(client, full, nothing, meter)

        yield hashes, bench


CLIENTS = {
    "qbittorrent": qbittorrent,
    "transmission": transmission,
    "deluge": deluge,
    "rtorrent": rtorrent,
}


def wait_listed(listed: Callable[[], int], count: int) -> None:
    deadline = time.monotonic() + 300
    while listed() < count:
        if time.monotonic() > deadline:
            raise TimeoutError("the daemon did not list every magnet")
        time.sleep(0.5)


# --- measuring -----------------------------------------------------------------------------


async def track(hashes: list[str]) -> None:
    now = datetime.now(UTC)
    await Grab.bulk_create(
        Grab(
            release_key=h,
            title=f"t{i}",
            indexer="idx",
            client="bench",
            client_id=h,
            protocol="torrent",
            state="downloading",
            last_progress_at=now,
        )
        for i, h in enumerate(hashes)
    )


async def once(call: Callable[[], Awaitable[object]], meter: Meter) -> tuple[float, int]:
    before, started = meter.received, time.process_time()
    await call()
    return time.process_time() - started, meter.received - before


async def measure(bench: Bench, tracked: list[str], rounds: int) -> dict[str, tuple[float, int]]:
    client = bench.client
    monitor = Monitor({"bench": client}, EventBus())
    await bench.settle(tracked)
    await monitor.poll_once()  # the first poll records the client's view; later ones match
    taken: dict[str, list[tuple[float, int]]] = {"full": [], "ids": [], "monitor": []}
    for _ in range(rounds):
        taken["full"].append(await once(bench.full, bench.meter))
        taken["ids"].append(await once(lambda: client.downloads(tracked), bench.meter))
        taken["monitor"].append(await once(monitor.poll_once, bench.meter))
    assert len(await client.downloads(tracked)) == len(tracked)
    await client.aclose()
    return {
        name: (
            statistics.median(c for c, _ in rows) * 1000,
            int(statistics.median(b for _, b in rows)),
        )
        for name, rows in taken.items()
    }


async def run_one(name: str, rounds: int, count: int) -> dict[str, tuple[float, int]]:
    with tempfile.TemporaryDirectory(prefix="outpost-bench-") as tmp:
        started = time.monotonic()
        with CLIENTS[name](Path(tmp) / name, count) as (hashes, make):
            print(
                f"{name}: {count} paused magnets in place after {time.monotonic() - started:.0f} s"
            )
            tracked = hashes[:TRACKED]
            async with Store(Path(tmp) / "data"):
                await track(tracked)
                return await measure(make(), tracked, rounds)


def report(results: dict[str, dict[str, tuple[float, int]]], rounds: int, count: int) -> None:
    print(f"\none poll with {count} torrents, {TRACKED} tracked; medians of {rounds} rounds")
    head = f"{'client':<13}{'poll':<24}{'CPU ms':>9}{'x full':>8}{'bytes':>12}{'x full':>9}"
    print(head)
    print("-" * len(head))
    labels = {
        "full": "full listing (its own)",
        "ids": f"downloads({TRACKED} ids)",
        "monitor": "Monitor.poll_once",
    }
    for client, m in results.items():
        full_cpu, full_bytes = m["full"]
        for key, label in labels.items():
            cpu, size = m[key]
            cpu_ratio = "" if key == "full" else f"{full_cpu / cpu:.1f}" if cpu else "inf"
            byte_ratio = "" if key == "full" else f"{full_bytes / size:.0f}" if size else "inf"
            print(f"{client:<13}{label:<24}{cpu:>9.2f}{cpu_ratio:>8}{size:>12,}{byte_ratio:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.monitor_poll")
    parser.add_argument("--client", choices=sorted(CLIENTS), action="append")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--torrents", type=int, default=5000)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    for name in args.client or list(CLIENTS):
        results[name] = asyncio.run(run_one(name, args.rounds, args.torrents))
        report({name: results[name]}, args.rounds, args.torrents)  # kept if a later one fails
    if len(results) > 1:
        report(results, args.rounds, args.torrents)


if __name__ == "__main__":
    main()
