"""Search fan-out over 10 local Torznab indexers with different delays (slowest 300 ms).

Compares the wall time of `ReleaseSearch.search` with the slowest indexer's delay, and with a floor
measured in the same run: the same ten requests made with raw asyncio sockets. Goal: Outpost's wall
time <= slowest + 30 ms. Run: python -m benchmarks.fanout [rounds]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from urllib.parse import urlsplit

from adapters.indexers.torznab import TorznabIndexer
from core.domain import MediaKind, SearchQuery
from core.http import HttpPolicy, HttpService
from core.services.search import ReleaseSearch
from tests.support.localserver import LocalServer, Request, Response

DELAYS = [0.03 * i for i in range(1, 11)]  # 30 ms .. 300 ms
CAPS = (
    '<?xml version="1.0" encoding="UTF-8"?><caps><limits max="100" default="50"/>'
    '<searching><search available="yes" supportedParams="q"/>'
    '<movie-search available="yes" supportedParams="q,imdbid"/></searching>'
    '<categories><category id="2000" name="Movies"/></categories></caps>'
)


def feed(n: int, tag: str) -> str:
    items = "".join(
        f"<item><title>Big.Buck.Bunny.2008.1080p.BluRay.x264-{tag}{i}</title>"
        f"<guid>{tag}-{i}</guid><link>http://127.0.0.1/{tag}/{i}.torrent</link>"
        f'<enclosure url="http://127.0.0.1/{tag}/{i}.torrent" length="{1_000_000_000 + i}" '
        f'type="application/x-bittorrent"/>'
        f'<torznab:attr name="seeders" value="{i}"/><torznab:attr name="category" value="2000"/>'
        f"</item>"
        for i in range(n)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:torznab="http://torznab.com/schemas/2015/feed"><channel><title>t</title>'
        f"{items}</channel></rss>"
    )


def handler(delay: float, tag: str) -> object:
    body = feed(20, tag)

    def handle(request: Request) -> Response:
        if request.arg("t") == "caps":
            return Response(200, CAPS, {"Content-Type": "application/xml"})
        return Response(200, body, {"Content-Type": "application/rss+xml"}, delay=delay)

    return handle


async def raw_get(url: str) -> None:
    """The floor: one HTTP/1.1 GET over a bare asyncio socket, body read to the end."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(
        f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    await reader.read()
    writer.close()
    await writer.wait_closed()


async def main(rounds: int) -> None:
    servers = [LocalServer(handler(d, f"I{k}")).start() for k, d in enumerate(DELAYS)]  # type: ignore[arg-type]
    https = [HttpService(f"idx{k}", HttpPolicy(retries=0)) for k in range(len(servers))]
    indexers = [
        TorznabIndexer(f"idx{k}", s.url, h, api_key="benchkey")
        for k, (s, h) in enumerate(zip(servers, https, strict=True))
    ]
    search = ReleaseSearch(indexers, timeout=5)
    query = SearchQuery(text="Big Buck Bunny", kind=MediaKind.MOVIE)
    await search.search(query)  # warm: caps fetched, connections open
    ours, floor = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        outcome = await search.search(query)
        ours.append(time.perf_counter() - started)
        assert not outcome.failures and len(outcome.verdicts) == 200, outcome.failures
        started = time.perf_counter()
        await asyncio.gather(*(raw_get(f"{s.url}/api?t=search&q=x") for s in servers))
        floor.append(time.perf_counter() - started)
    for http in https:
        await http.aclose()
    for server in servers:
        server.stop()
    slowest = max(DELAYS) * 1000
    o, f = statistics.median(ours) * 1000, statistics.median(floor) * 1000
    print(f"fan-out over {len(servers)} indexers, slowest delay {slowest:.0f} ms, {rounds} rounds")
    print(f"  raw asyncio floor : {f:7.1f} ms  (+{f - slowest:.1f} ms over slowest)")
    print(
        f"  Outpost search    : {o:7.1f} ms  (+{o - slowest:.1f} ms over slowest; goal <= +30 ms)"
    )
    print(f"  ratio Outpost / floor: {o / f:.3f}")
    print(f"  verdict: {'MET' if o - slowest <= 30 else 'MISSED'}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7))
