"""§3 A, rows 1–13: indexer and XML input. Each hostile answer is served by a loopback Torznab
server to a real TorznabIndexer (or handed to the rTorrent XML-RPC decoder and the bencode
reader); the expected outcome is one typed error for that peer, its key never shown."""

from __future__ import annotations

import gzip
import tracemalloc

import pytest

from adapters.clients.rtorrent import xmlrpc
from adapters.indexers.torznab import parse_feed
from core import errors, metainfo
from core.domain import Protocol, SearchQuery
from core.http import HttpPolicy, HttpService
from tests.indexers.conftest import CANARY, fixture_bytes, xml_response
from tests.indexers.test_hostile import (
    BILLION_LAUGHS,
    HOSTILE_ITEMS,
    external_dtd,
    external_entity,
)
from tests.support.localserver import LocalServer, Response
from tests.support.torrents import make_torrent
from tests.support.torznab_server import DEFAULT_CAPS

CAPS = DEFAULT_CAPS.encode()
FEED = "torznab/sonarr/torznab_hdaccess_net.xml"
SMALL = HttpPolicy(read_timeout=2.0, deadline=5.0, retries=0, max_bytes=64 * 1024)


async def search_fails(serve, make_indexer, answer, policy: HttpPolicy | None = None):
    fake = serve({"caps": CAPS, "search": answer})
    extra = {"policy": policy} if policy else {}
    async with make_indexer(fake.url, **extra) as indexer:
        with pytest.raises(errors.AdapterError) as caught:
            await indexer.search(SearchQuery(text="dune"))
    err = caught.value
    assert err.service == "test-indexer"
    assert CANARY not in str(err) and CANARY not in repr(err.params)
    return err


async def test_row_01_billion_laughs_is_refused_before_expansion(serve, make_indexer) -> None:
    tracemalloc.start()
    try:
        err = await search_fails(serve, make_indexer, BILLION_LAUGHS)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert type(err) is errors.BadResponse and err.key == "error.bad_xml"
    assert peak < 10 * 1024 * 1024


async def test_row_02_quadratic_blowup_is_refused(serve, make_indexer) -> None:
    entity = "x" * 100_000
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{entity}">]>'
        f"<rss><channel><item><title>{'&a;' * 10_000}</title></item></channel></rss>"
    ).encode()
    err = await search_fails(serve, make_indexer, body, HttpPolicy(retries=0, deadline=10.0))
    assert type(err) is errors.BadResponse and err.key == "error.bad_xml"


@pytest.mark.parametrize("target", ["bait", "file:///etc/passwd"])
async def test_row_03_xxe_opens_no_file_and_no_connection(serve, make_indexer, target) -> None:
    with LocalServer(lambda request: Response(body=b"leaked")) as bait:
        url = bait.url + "/latest/meta-data" if target == "bait" else target
        err = await search_fails(serve, make_indexer, external_entity(url))
        assert bait.requests == []
    assert type(err) is errors.BadResponse and "root:" not in str(err)


async def test_row_04_external_dtd_is_never_fetched(serve, make_indexer) -> None:
    with LocalServer(lambda request: Response(body=b"<!ENTITY x 'y'>")) as bait:
        err = await search_fails(serve, make_indexer, external_dtd(bait.url + "/x.dtd"))
        assert bait.requests == []
    assert type(err) is errors.BadResponse and err.key == "error.bad_xml"


async def test_row_05_oversized_body_is_cut_at_the_cap(serve, make_indexer) -> None:
    endless = Response(chunks=[fixture_bytes(FEED)[:2000]] + [b"<!-- pad -->" * 1024] * 20)
    assert type(await search_fails(serve, make_indexer, endless, SMALL)) is errors.ResponseTooLarge
    declared = Response(body=fixture_bytes(FEED), content_length=2 * 1024**3)
    assert type(await search_fails(serve, make_indexer, declared, SMALL)) is errors.ResponseTooLarge


async def test_row_06_gzip_bomb_counts_decoded_bytes(serve, make_indexer) -> None:
    bomb = gzip.compress(b"<rss>" + b" " * (32 * 1024 * 1024), compresslevel=9)
    answer = Response(body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/xml"})
    err = await search_fails(serve, make_indexer, answer, SMALL)
    assert type(err) is errors.ResponseTooLarge


async def test_row_07_html_page_is_blocked_not_a_parse_error(serve, make_indexer) -> None:
    page = xml_response(b"<html><body>Just a moment... Cloudflare</body></html>", "text/html")
    err = await search_fails(serve, make_indexer, page)
    assert type(err) is errors.Unavailable


@pytest.mark.parametrize("cut", [4000, 123])
async def test_row_08_truncated_xml_commits_nothing(serve, make_indexer, cut) -> None:
    err = await search_fails(serve, make_indexer, fixture_bytes(FEED)[:cut])
    assert type(err) is errors.BadResponse and err.key == "error.bad_xml"


async def test_row_08_bad_encoding_declaration(serve, make_indexer) -> None:
    """Found by this suite: an unknown codec name made expat raise LookupError, untyped."""
    body = b'<?xml version="1.0" encoding="x-no-such"?><rss><channel></channel></rss>'
    err = await search_fails(serve, make_indexer, body)
    assert type(err) is errors.BadResponse and err.key == "error.bad_xml"


@pytest.mark.parametrize(
    ("code", "description", "kind"),
    [
        (100, "Incorrect user credentials", errors.AuthFailed),
        (101, "Account suspended", errors.AuthFailed),
        (102, "Insufficient privileges", errors.AuthFailed),
        (500, "Request limit reached", errors.RateLimited),
    ],
)
async def test_row_09_newznab_errors_are_typed(
    serve, make_indexer, code, description, kind
) -> None:
    document = f'<?xml version="1.0"?><error code="{code}" description="{description}"/>'
    err = await search_fails(serve, make_indexer, document.encode())
    assert type(err) is kind


def test_row_10_hostile_item_fields_are_dropped_or_cleaned() -> None:
    releases = parse_feed(
        HOSTILE_ITEMS, indexer="x", base_url="http://idx/", protocol=Protocol.TORRENT
    )
    assert [r.size for r in releases if r.title.startswith(("Negative", "NaN", "Huge", "Inf"))] == [
        None
    ] * 4
    assert all(len(r.title) <= 512 for r in releases)
    assert not any(r.title.startswith(("No.Link", "Script.Link")) for r in releases)


def test_row_10_item_count_is_capped_and_duplicate_guids_kept_apart() -> None:
    items = "".join(
        f"<item><title>T.{n}</title><link>http://idx/{n}</link><guid>same</guid></item>"
        for n in range(50_000)
    )
    feed = f"<rss><channel>{items}</channel></rss>".encode()
    releases = parse_feed(feed, indexer="x", base_url="http://idx/", protocol=Protocol.TORRENT)
    assert len(releases) == 1000


def test_row_11_nzb_validation() -> None:
    pytest.skip(
        "not built: a fetched NZB goes to SABnzbd/NZBGet unchecked (no DOCTYPE, root or "
        "<file> check before the client; the client refuses it)"
    )


@pytest.mark.parametrize(
    "data",
    [
        b"d4:info" + b"l" * 100_000 + b"e" * 100_000 + b"e",
        b"d4:info" + str(2**40).encode() + b":xe",
        make_torrent("Fine", b"x" * 1024).data + b"trailing garbage",
        b"d4:infod6:pieces20:" + b"a" * 20 + b"e" + b"i" + b"9" * 5000 + b"e" + b"e",
    ],
    ids=["nesting-1e5", "length-2^40", "trailing-garbage", "5000-digit-int"],
)
def test_row_12_hostile_bencode_is_refused(data: bytes) -> None:
    assert metainfo.info_hashes(data) is None
    assert metainfo.torrent_hash(data) is None


def test_row_12_the_infohash_comes_from_the_raw_info_bytes() -> None:
    torrent = make_torrent("Fine", b"x" * 1024)
    assert metainfo.torrent_hash(torrent.data) == torrent.info_hash


def test_row_13_rtorrent_xmlrpc_with_entities_is_refused() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        b"<methodResponse><params><param><value><string>&b;</string></value></param>"
        b"</params></methodResponse>"
    )
    with pytest.raises(errors.ProtocolMismatch) as caught:
        xmlrpc.decode(body, "rtorrent")
    assert caught.value.key == "error.bad_xmlrpc"


async def test_row_13_rtorrent_gzip_bomb_over_http_is_cut() -> None:
    from adapters.clients.rtorrent import RTorrentClient

    bomb = gzip.compress(b"<methodResponse>" + b" " * (64 * 1024 * 1024), compresslevel=9)
    answer = Response(body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/xml"})
    with LocalServer(lambda request: answer) as peer:
        async with HttpService("rtorrent", HttpPolicy(retries=0, deadline=10.0)) as http:
            client = RTorrentClient("rt", peer.url + "/RPC2", http)
            with pytest.raises(errors.AdapterError) as caught:
                await client.downloads(["a" * 40])
    assert isinstance(caught.value, errors.ResponseTooLarge | errors.BadResponse)
