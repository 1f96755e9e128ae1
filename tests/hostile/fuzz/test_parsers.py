"""Property-based fuzzing of the pure parsers peers feed: Torznab/Newznab feeds, bencode and
magnets, release names of every kind, naming templates, and each download client's JSON or
XML-RPC answers. Properties: only Outpost's typed errors escape, the call returns (Hypothesis
runs each example synchronously, so a hang fails the run), and the outputs keep their bounds."""

from __future__ import annotations

import string
from pathlib import Path, PurePosixPath
from typing import Any
from xmlrpc.client import Fault

import httpx
from hypothesis import example, given
from hypothesis import strategies as st

from adapters.clients.deluge.rpc import parse_reply
from adapters.clients.nzbget import wire as nzbget_wire
from adapters.clients.qbittorrent import wire as qbt_wire
from adapters.clients.rtorrent import xmlrpc
from adapters.clients.sabnzbd import wire as sab_wire
from adapters.clients.transmission import wire as transmission_wire
from adapters.indexers.torznab import parse_feed
from core import errors, metainfo, naming
from core.domain import Protocol
from core.http import HttpResponse
from core.releases import parse, parse_anime, parse_audiobook, parse_book, parse_music

# ---- Torznab / Newznab feeds ------------------------------------------------------------------

_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80)
_attr_value = st.one_of(
    st.integers(min_value=-(2**90), max_value=2**90).map(str),
    st.sampled_from(["NaN", "inf", "-inf", "1e309", "", "0x10", "١٢٣", "  7 "]),
    _text,
)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    items = []
    for _ in range(draw(st.integers(0, 6))):
        title = _xml_escape(draw(_text))
        link = _xml_escape(
            draw(
                st.one_of(
                    st.sampled_from(
                        [
                            "http://idx.example/dl/1.torrent",
                            "magnet:?xt=urn:btih:" + "a" * 40,
                            "javascript:alert(1)",
                            "file:///etc/passwd",
                            "",
                        ]
                    ),
                    _text,
                )
            )
        )
        attrs = "".join(
            f'<torznab:attr name="{name}" value="{_xml_escape(draw(_attr_value))}"/>'
            for name in draw(
                st.lists(
                    st.sampled_from(
                        ["size", "seeders", "peers", "infohash", "category", "downloadvolumefactor"]
                    ),
                    max_size=4,
                )
            )
        )
        date = _xml_escape(draw(st.one_of(st.just("Mon, 03 Apr 2017 07:25:35 +0000"), _text)))
        items.append(
            f"<item><title>{title}</title><link>{link}</link><guid>{title[:20]}</guid>"
            f"<pubDate>{date}</pubDate>{attrs}</item>"
        )
    encoding = draw(st.sampled_from(["UTF-8", "utf-16", "latin-1", "x-no-such", "ascii", ""]))
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""
    body = (
        declaration
        + '<rss version="2.0" xmlns:torznab="http://torznab.com/schemas/2015/feed"><channel>'
        + "".join(items)
        + "</channel></rss>"
    ).encode(encoding if encoding in ("utf-16", "latin-1", "ascii") else "utf-8", "replace")
    cut = draw(st.one_of(st.none(), st.integers(0, len(body))))
    return body if cut is None else body[:cut]


def _feed_ok(body: bytes, protocol: Protocol) -> None:
    try:
        releases = parse_feed(
            body, indexer="fuzz", base_url="http://idx.example/", protocol=protocol
        )
    except errors.OutpostError:
        return
    assert len(releases) <= 1000
    for release in releases:
        assert len(release.title) <= 512
        assert release.size is None or release.size >= 0
        assert release.seeders is None or release.seeders >= 0


@given(feeds(), st.sampled_from(list(Protocol)))
def test_feeds_built_from_hostile_items(body: bytes, protocol: Protocol) -> None:
    _feed_ok(body, protocol)


@given(st.binary(max_size=400))
def test_feeds_from_raw_bytes(body: bytes) -> None:
    _feed_ok(b"<?xml version='1.0'?><rss><channel>" + body, Protocol.USENET)
    _feed_ok(body, Protocol.TORRENT)


# ---- bencode and magnets ----------------------------------------------------------------------

_bvalues = st.recursive(
    st.one_of(st.integers(), st.binary(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.binary(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def _bencode(value: Any) -> bytes:
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(_bencode(v) for v in value) + b"e"
    return b"d" + b"".join(_bencode(k) + _bencode(value[k]) for k in sorted(value)) + b"e"


@given(st.binary(max_size=300))
def test_bencode_junk_is_none_or_hashes(data: bytes) -> None:
    hashes = metainfo.info_hashes(data)
    assert hashes is None or (hashes.v1 or hashes.v2)


@given(_bvalues, st.binary(max_size=10), st.integers(0, 200))
def test_bencode_structured_and_mangled(info: Any, tail: bytes, depth: int) -> None:
    whole = _bencode({b"announce": b"http://t/a", b"info": info})
    for data in (whole, whole + tail, whole[: len(whole) // 2], b"l" * depth + whole):
        hashes = metainfo.info_hashes(data)
        if data is whole and isinstance(info, dict):
            assert hashes is not None and hashes.v1 is not None and len(hashes.v1) == 40
        else:
            assert hashes is None or isinstance(hashes, metainfo.InfoHashes)


@given(st.text(max_size=120))
@example("0" * 31 + "\x80")  # a 32-character non-ASCII xt once raised ValueError (long run)
def test_magnets(tail: str) -> None:
    for uri in (tail, "magnet:?" + tail, "magnet:?xt=urn:btih:" + tail):
        found = metainfo.magnet_hash(uri)
        assert found is None or (len(found) == 40 and set(found) <= set(string.hexdigits.lower()))


# ---- release names ----------------------------------------------------------------------------

_names = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            ["Dune", "2021", "S01E02", "1080p", "x264", "-GRP", "FLAC", "EPUB", "[SubsPlease]",
             "(01-12)", "..", "/", "\\", "\u202e", "\x00", "M4B", "Complete", "Vol.1", " - "]
        ),
        max_size=12,
    ).map(".".join),
)  # fmt: skip


@given(_names)
def test_release_names_of_every_kind(name: str) -> None:
    parsed = parse(name)
    assert parsed is None or all(ch not in parsed.title for ch in "\x00\u202e")
    for kind_parser in (parse_music, parse_book, parse_audiobook, parse_anime):
        kind_parser(name)  # None or a result; never an exception


# ---- naming templates -------------------------------------------------------------------------

_values = st.dictionaries(
    st.sampled_from(sorted(naming.TOKENS)),
    st.one_of(st.none(), st.integers(-5, 10**6), st.text(max_size=300)),
)
_templates = st.one_of(
    st.sampled_from(list(naming.DEFAULT_TEMPLATES.values())),
    st.lists(
        st.one_of(
            st.sampled_from(
                ["{" + t + "}" for t in sorted(naming.TOKENS)]
                + ["{0.__class__}", "/", "..", "{title:03}"]
            ),
            st.text(max_size=10),
        ),
        max_size=10,
    ).map("".join),
)  # fmt: skip


@given(_templates, _values)
def test_rendered_names_stay_inside_the_library(template: str, values: dict[str, Any]) -> None:
    root = Path("/srv/library")
    relative = naming.render(template, values)
    assert isinstance(relative, PurePosixPath) and not relative.is_absolute()
    for part in relative.parts:
        assert part not in (".", "..") and part.strip() == part
        assert "\x00" not in part and "/" not in part and "\\" not in part
        assert len(part.encode()) <= naming.NAME_MAX
    resolved = (root / relative).resolve()
    assert resolved.is_relative_to(root)


@given(st.text(max_size=600))
def test_one_component_is_safe(name: str) -> None:
    safe = naming.sanitize_component(name)
    assert safe and safe not in (".", "..")
    assert len(safe.encode()) <= naming.NAME_MAX
    assert not any(ch in safe for ch in '/\\<>:"|?*\x00')


# ---- each download client's answers -----------------------------------------------------------

_json_bodies = st.one_of(
    st.binary(max_size=200),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
        ),
        max_leaves=15,
    ).map(lambda v: repr(v).replace("'", '"').replace("None", "null").encode()),
    st.sampled_from(
        [
            b"[" * 100_000,
            b"1" * 5000,
            b'{"result": NaN}',
            b'{"result":"success","result":"x"}',
            b'{"result":"success","arguments":{"torrents":null}}',
            b'{"id":1,"result":null,"error":{"message":"x","code":1}}',
            b'{"status":false,"error":"API Key Incorrect"}',
            b'{"version":"1.1","result":[{"NZBID":"x"}]}',
        ]
    ),
)


def _response(body: bytes, content_type: str = "application/json") -> HttpResponse:
    headers = httpx.Headers({"Content-Type": content_type})
    return HttpResponse(status=200, headers=headers, content=body, url="http://peer/x")


@given(_json_bodies)
def test_client_json_answers(body: bytes) -> None:
    response = _response(body)
    parsers = (
        lambda: transmission_wire.rows(transmission_wire.parse(response, "t"), "t"),
        lambda: nzbget_wire.rows(nzbget_wire.result(response, "n"), "n"),
        lambda: sab_wire.slots(sab_wire.section(sab_wire.answer(response, "s"), "queue", "s"), "s"),
        lambda: qbt_wire.json_list(response, "q"),
        lambda: parse_reply(response, "d", 1),
    )
    for run in parsers:
        try:
            run()
        except errors.OutpostError:
            pass


_xmlrpc_bodies = st.one_of(
    st.binary(max_size=300),
    st.builds(
        lambda value: xmlrpc.encode("x", (value,)).replace(b"methodCall", b"methodResponse"),
        st.recursive(
            st.one_of(st.integers(-(2**31), 2**31 - 1), st.text(max_size=20), st.booleans()),
            lambda inner: st.lists(inner, max_size=4),
            max_leaves=10,
        ),
    ),
    st.sampled_from(
        [
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><methodResponse/>',
            b"<methodResponse><params><param><value><i4>99999999999</i4></value></param>"
            b"</params></methodResponse>",
            b"<methodResponse><fault><value><struct></struct></value></fault></methodResponse>",
        ]
    ),
)


@given(_xmlrpc_bodies)
def test_rtorrent_xmlrpc_answers(body: bytes) -> None:
    try:
        xmlrpc.decode(body, "r")
    except (errors.OutpostError, Fault):
        pass  # a <fault> is the daemon's typed answer; the adapter words it
