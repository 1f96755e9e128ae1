"""Hostile feeds give one typed error for that indexer and nothing else; hostile items are
dropped or cleaned while the valid rest is kept."""

from __future__ import annotations

import logging

import pytest

from adapters.indexers.torznab import parse_feed
from core import errors
from core.domain import Protocol, SearchQuery
from core.http import HttpPolicy
from tests.indexers.conftest import CANARY, fixture_bytes, xml_response
from tests.support.localserver import LocalServer, Response
from tests.support.torznab_server import DEFAULT_CAPS

CAPS = DEFAULT_CAPS.encode()
HDACCESS = "torznab/sonarr/torznab_hdaccess_net.xml"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><item><title>&lol9;</title>
<link>http://example.org/a.torrent</link></item></channel></rss>
"""


def external_entity(target: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}">]>
<rss version="2.0"><channel><item><title>&xxe;</title>
<link>http://example.org/a.torrent</link></item></channel></rss>
""".encode()


def external_dtd(target: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "{target}">
<rss version="2.0"><channel><item><title>ok</title>
<link>http://example.org/a.torrent</link></item></channel></rss>
""".encode()


async def hostile_search(serve, make_indexer, answer, policy: HttpPolicy | None = None):
    fake = serve({"caps": CAPS, "search": answer})
    extra = {"policy": policy} if policy else {}
    async with make_indexer(fake.url, **extra) as indexer:
        with pytest.raises(errors.AdapterError) as caught:
            await indexer.search(SearchQuery(text="dune"))
    err = caught.value
    assert err.service == "test-indexer"
    assert CANARY not in str(err) and CANARY not in repr(err.params)
    return err


async def test_billion_laughs(serve, make_indexer) -> None:
    err = await hostile_search(serve, make_indexer, BILLION_LAUGHS)
    assert type(err) is errors.BadResponse and err.key == "error.bad_xml"


@pytest.mark.parametrize("build", [external_entity, external_dtd], ids=["entity", "dtd"])
async def test_external_references_are_never_fetched(serve, make_indexer, build) -> None:
    with LocalServer(lambda request: Response(body=b"<!ENTITY leak 'x'>")) as bait:
        err = await hostile_search(serve, make_indexer, build(bait.url + "/secret"))
        assert bait.requests == []  # the parser never reached out
    assert type(err) is errors.BadResponse and err.key == "error.bad_xml"


async def test_external_file_entity(serve, make_indexer) -> None:
    err = await hostile_search(serve, make_indexer, external_entity("file:///etc/passwd"))
    assert type(err) is errors.BadResponse and "root:" not in str(err)


async def test_truncated_xml(serve, make_indexer) -> None:
    err = await hostile_search(serve, make_indexer, fixture_bytes(HDACCESS)[:4000])
    assert type(err) is errors.BadResponse and err.key == "error.bad_xml"


async def test_oversized_streamed_body(serve, make_indexer) -> None:
    policy = HttpPolicy(read_timeout=2.0, deadline=5.0, retries=0, max_bytes=64 * 1024)
    head = fixture_bytes(HDACCESS)[:2000]
    answer = Response(chunks=[head] + [b"<!-- padding -->" * 1024] * 20)  # no Content-Length
    err = await hostile_search(serve, make_indexer, answer, policy)
    assert type(err) is errors.ResponseTooLarge


async def test_oversized_declared_body(serve, make_indexer) -> None:
    policy = HttpPolicy(read_timeout=2.0, deadline=5.0, retries=0, max_bytes=64 * 1024)
    answer = Response(body=fixture_bytes(HDACCESS), content_length=10**9)
    err = await hostile_search(serve, make_indexer, answer, policy)
    assert type(err) is errors.ResponseTooLarge


async def test_slow_drip_beyond_the_deadline(serve, make_indexer) -> None:
    policy = HttpPolicy(connect_timeout=1.0, read_timeout=1.0, deadline=1.0, retries=0)
    drip = Response(chunks=[b"<rss>"] + [b" "] * 40, chunk_delay=0.1)  # each read is quick
    err = await hostile_search(serve, make_indexer, drip, policy)
    assert isinstance(err, errors.Timeout)


def _item(title: str, size: str = "1000", link: str = "http://example.org/dl/1.torrent") -> str:
    link_xml = f"<link>{link}</link>" if link else ""
    return (
        f"<item><title>{title}</title>{link_xml}<guid>{title[:40]}</guid>"
        f'<torznab:attr name="size" value="{size}"/>'
        '<torznab:attr name="seeders" value="-5"/>'
        '<torznab:attr name="downloadvolumefactor" value="NaN"/>'
        '<torznab:attr name="infohash" value="not-a-hash"/></item>'
    )


def _feed(*items: str) -> bytes:
    return (
        '<rss version="2.0" xmlns:torznab="http://torznab.com/schemas/2015/feed"><channel>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


HOSTILE_ITEMS = _feed(
    _item("Valid.Movie.2021.1080p.WEB-DL-GRP", "123456"),
    _item("Negative.Size", "-1"),
    _item("Infinite.Size", "1e309"),
    _item("NaN.Size", "NaN"),
    _item("Huge.Size", str(2**80)),
    _item("No.Link.At.All", link=""),
    _item("Script.Link", link="javascript:alert(1)"),
    _item("", "5"),
    _item("Long" + "x" * 1_000_000, "42"),
    _item("Valid.Show.S01E02.720p-GRP", "777"),
)


async def test_hostile_items_are_dropped_or_cleaned(serve, make_indexer, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="adapters")
    fake = serve({"caps": CAPS, "search": xml_response(HOSTILE_ITEMS)})
    async with make_indexer(fake.url) as indexer:
        releases = await indexer.search(SearchQuery(text="x"))
    by_title = {r.title[:12]: r for r in releases}
    assert list(by_title) == [
        "Valid.Movie.", "Negative.Siz", "Infinite.Siz", "NaN.Size", "Huge.Size", "Long" + "x" * 8,
        "Valid.Show.S",
    ]  # fmt: skip
    assert by_title["Valid.Movie."].size == 123456
    assert by_title["Valid.Show.S"].size == 777
    for name in ("Negative.Siz", "Infinite.Siz", "NaN.Size", "Huge.Size"):
        assert by_title[name].size is None
    long = by_title["Long" + "x" * 8]
    assert len(long.title) == 512 and long.size == 42
    for release in releases:
        assert release.seeders is None and release.info_hash is None
        assert release.download_volume_factor == 1.0
    assert CANARY not in caplog.text


def test_at_most_a_thousand_items() -> None:
    feed = _feed(*(_item(f"Item.{n}", str(n + 1)) for n in range(1200)))
    releases = parse_feed(feed, indexer="x", base_url="http://idx/", protocol=Protocol.TORRENT)
    assert len(releases) == 1000
    assert releases[-1].title == "Item.999"


def test_bad_dates_are_tolerated() -> None:
    items = "".join(
        f"<item><title>{n}</title><link>http://idx/{n}</link><pubDate>{d}</pubDate></item>"
        for n, d in enumerate(["Son, 03 Apr 2017 07:25:35 +0000", "yesterday", "99/99/99", ""])
    )
    releases = parse_feed(
        _feed(items), indexer="x", base_url="http://idx/", protocol=Protocol.TORRENT
    )
    assert [r.published is not None for r in releases] == [True, False, False, False]
