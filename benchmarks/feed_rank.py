"""A 1,000-item Torznab feed: stdlib ElementTree (baseline) vs. our parser vs. parser + rank.

Interleaved rounds, medians, ratios against the baseline measured in the same run.
Goal: (parse + rank) / ElementTree <= 5x. Run: python -m benchmarks.feed_rank [rounds]
(c) is also split into its parts: parse_feed, `parse()` of the titles alone, and the rest of
rank (rank with `parse()` answered from a dict filled beforehand).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from defusedxml.ElementTree import fromstring as defused_fromstring

from adapters.indexers.torznab import parse_feed
from core.domain import MediaKind, Protocol

ITEMS = 1000
CAPTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "indexers"
GROUPS = ["NTb", "FLUX", "SPARKS", "GECKOS", "RARBG", "EVO", "YIFY", "CtrlHD", "TEPES", "playWEB"]
SOURCES = ["BluRay", "WEB-DL", "WEBRip", "HDTV", "BluRay.REMUX", "DVDRip", "HDCAM"]
RESOLUTIONS = ["2160p", "1080p", "720p", "480p"]
CODECS = ["x264", "x265", "H.264", "HEVC", "AV1"]


def captured_titles() -> list[str]:
    """Real release names from the copied captures (tests/fixtures/indexers)."""
    titles: list[str] = []
    for path in sorted(CAPTURES.rglob("*.xml")):
        root = ElementTree.fromstring(path.read_bytes().lstrip(b"\xef\xbb\xbf"))
        titles.extend((t.text or "").strip() for t in root.iter("title") if t.text)
    return [t for t in titles if len(t) > 12]


def scene_name(rng: random.Random) -> str:
    if rng.random() < 0.4:  # the wanted film, in many qualities
        title, year = "Dune", 2021
    else:
        title = rng.choice(["Arrival", "Blade Runner 2049", "Sicario", "Prisoners", "Enemy"])
        year = rng.randint(2009, 2017)
    parts = [*title.split(), str(year), rng.choice(RESOLUTIONS), rng.choice(SOURCES)]
    parts.append(rng.choice(CODECS) + "-" + rng.choice(GROUPS))
    return ".".join(parts)


def build_feed(rng: random.Random) -> bytes:
    real = captured_titles()
    items = []
    for n in range(ITEMS):
        title = rng.choice(real) if rng.random() < 0.3 else scene_name(rng)
        items.append(item_xml(n, title, rng))
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:torznab="http://torznab.com/schemas/2015/feed"><channel><title>bench</title>\n'
    )
    return (head + "".join(items) + "</channel></rss>\n").encode()


def item_xml(n: int, title: str, rng: random.Random) -> str:
    """An item shaped like Prowlarr's: guid, link, enclosure and a dozen torznab attrs."""
    infohash = f"{rng.getrandbits(160):040x}"
    link = f"http://prowlarr.lan:9696/1/download?apikey=k&link=abc{n}&file={n}"
    size = rng.randint(300_000_000, 80_000_000_000)
    attrs = {
        "category": str(rng.choice([2000, 2040, 2045, 5040])),
        "seeders": str(rng.randint(0, 500)),
        "peers": str(rng.randint(0, 900)),
        "grabs": str(rng.randint(0, 5000)),
        "size": str(size),
        "infohash": infohash,
        "magneturl": f"magnet:?xt=urn:btih:{infohash}&dn={n}",
        "downloadvolumefactor": rng.choice(["0", "0.5", "1"]),
        "uploadvolumefactor": "1",
        "imdbid": "tt1160419",
        "minimumratio": "1",
        "minimumseedtime": "172800",
    }
    attr_xml = "".join(
        f"<torznab:attr name={quoteattr(k)} value={quoteattr(v)}/>" for k, v in attrs.items()
    )
    return (
        f"<item><title>{escape(title)}</title><guid>https://tracker.example/t/{n}</guid>"
        f"<link>{escape(link)}</link><comments>https://tracker.example/t/{n}</comments>"
        f"<pubDate>Sat, 14 Mar 2015 17:10:42 -0400</pubDate><size>{size}</size>"
        f'<category>2000</category><enclosure url={quoteattr(link)} length="{size}" '
        f'type="application/x-bittorrent"/>{attr_xml}</item>\n'
    )


def ranker() -> Callable[[list[Any]], object] | None:
    """core.releases.rank, when the ranking module exists in this checkout."""
    try:
        from core.releases import Wanted, rank
    except ImportError:
        return None
    wanted = Wanted(MediaKind.MOVIE, "Dune", year=2021)
    return lambda releases: rank(releases, wanted)


@contextmanager
def parse_answered_from(table: dict[str, Any]) -> Iterator[None]:
    """Rank without the cost of `parse()`: it looks each title up in `table` instead."""
    from core.releases import ranking

    real = ranking.parse
    ranking.parse = table.__getitem__
    try:
        yield
    finally:
        ranking.parse = real


def rank_parts(
    releases: list[Any], rank: Callable[[list[Any]], object]
) -> dict[str, Callable[[], object]]:
    """The parts of (c) after parse_feed: `parse()` of every title, and everything else."""
    from core.releases import parse

    titles = [release.title for release in releases]
    table = {title: parse(title) for title in titles}

    def rest() -> object:
        with parse_answered_from(table):
            return rank(releases)

    return {
        "    parse() of the titles": lambda: [parse(title) for title in titles],
        "    rank minus parse()": rest,
    }


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(rounds: int = 15) -> None:
    feed = build_feed(random.Random(2021))
    rank = ranker()

    def ours() -> list[Any]:
        return parse_feed(feed, indexer="bench", base_url="http://prowlarr.lan:9696/1/",
                          protocol=Protocol.TORRENT)  # fmt: skip

    cases: dict[str, Callable[[], object]] = {
        "(a) ElementTree.fromstring": lambda: ElementTree.fromstring(feed),
        "    defusedxml parse alone": lambda: defused_fromstring(feed, forbid_dtd=True),
        "(b) parse_feed -> Release": ours,
    }
    if rank is not None:
        cases["(c) parse_feed + rank"] = lambda: rank(ours())
        cases.update(rank_parts(ours(), rank))
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for fn in cases.values():  # warm-up
        fn()
    for _ in range(rounds):
        for name, fn in cases.items():
            samples[name].append(timed(fn))
    kept = ours()
    report(feed, samples, rank is not None, len(kept), len({r.title for r in kept}))


def report(
    feed: bytes, samples: dict[str, list[float]], ranked: bool, kept: int, distinct: int
) -> None:
    medians = {name: statistics.median(values) for name, values in samples.items()}
    base = medians["(a) ElementTree.fromstring"]
    print(
        f"feed: {ITEMS} items, {len(feed) / 1024:.0f} KiB; releases kept: {kept}, "
        f"distinct names: {distinct} (rank parses each distinct name once)"
    )
    for name, value in medians.items():
        print(f"{name:30} median {value * 1000:8.2f} ms  ({value / ITEMS * 1e6:6.1f} µs/item)")
    print(f"ratio (b)/(a): {medians['(b) parse_feed -> Release'] / base:.2f}x")
    if ranked:
        ratio = medians["(c) parse_feed + rank"] / base
        print(f"ratio (c)/(a): {ratio:.2f}x  (goal <= 5x: {'met' if ratio <= 5 else 'NOT met'})")
        split(medians, base)
    else:
        print("(c) ranking not available: core.releases.rank is not in this checkout yet")


def split(medians: dict[str, float], base: float) -> None:
    """Where (c) goes: its three parts as shares of (c) and as ratios to (a)."""
    total = medians["(c) parse_feed + rank"]
    parts = {
        "parse_feed": medians["(b) parse_feed -> Release"],
        "parse() of titles": medians["    parse() of the titles"],
        "rest of rank": medians["    rank minus parse()"],
    }
    print("(c) split:")
    for name, value in parts.items():
        share = f"{value / total:4.0%} of (c)  {value / base:5.2f}x (a)"
        print(f"    {name:20} {value * 1000:7.2f} ms  {share}")
    unexplained = total - sum(parts.values())
    print(f"    {'(c) minus the parts':20} {unexplained * 1000:7.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
