"""Pure parts of the qBittorrent adapter: state mapping, info-hashes of metainfo and magnets."""

from __future__ import annotations

import base64
import hashlib

import pytest

from adapters.clients.qbittorrent import map_state
from adapters.clients.qbittorrent.wire import free_space, torrent_id
from core.domain import ClientStatus as S
from core.metainfo import InfoHashes, info_hashes, magnet_hash, torrent_hash
from tests.support.torrents import bencode, infohash, make_torrent

# Every state the WebAPI documents for 4.x and 5.x, at progress 0.5 and 1.0.
STATES = [
    ("error", S.ERROR, S.ERROR),
    ("missingFiles", S.ERROR, S.ERROR),
    ("metaDL", S.METADATA, S.METADATA),
    ("forcedMetaDL", S.METADATA, S.METADATA),
    ("pausedDL", S.PAUSED, S.PAUSED),
    ("stoppedDL", S.PAUSED, S.PAUSED),
    ("stalledDL", S.STALLED, S.STALLED),
    ("downloading", S.DOWNLOADING, S.DOWNLOADING),
    ("forcedDL", S.DOWNLOADING, S.DOWNLOADING),
    ("allocating", S.DOWNLOADING, S.DOWNLOADING),
    ("queuedDL", S.QUEUED, S.QUEUED),
    ("checkingDL", S.CHECKING, S.CHECKING),
    ("checkingResumeData", S.CHECKING, S.CHECKING),
    ("uploading", S.COMPLETED, S.COMPLETED),
    ("stalledUP", S.COMPLETED, S.COMPLETED),
    ("forcedUP", S.COMPLETED, S.COMPLETED),
    ("queuedUP", S.QUEUED, S.COMPLETED),
    ("pausedUP", S.PAUSED, S.COMPLETED),
    ("stoppedUP", S.PAUSED, S.COMPLETED),
    ("checkingUP", S.CHECKING, S.COMPLETED),
    ("moving", S.DOWNLOADING, S.COMPLETED),
    ("unknown", S.UNKNOWN, S.UNKNOWN),
    ("somethingNew", S.UNKNOWN, S.UNKNOWN),
    ("", S.UNKNOWN, S.UNKNOWN),
]


@pytest.mark.parametrize(("state", "partial", "whole"), STATES)
def test_state_mapping(state: str, partial: S, whole: S) -> None:
    assert map_state(state, 0.5) is partial
    assert map_state(state, 1.0) is whole


def test_torrent_hash_matches_a_full_decode_for_single_and_multi_file() -> None:
    single = make_torrent("one", b"x" * 40000, announce="http://127.0.0.1:1/announce")
    multi = make_torrent("many", {"a/b.mkv": b"1" * 100, "c.nfo": b"2"}, private=True)
    for torrent in (single, multi):
        assert torrent_hash(torrent.data) == infohash(torrent.data) == torrent.info_hash


def test_torrent_hash_uses_the_raw_info_bytes() -> None:
    # Keys out of order are invalid bencode, but clients hash the bytes as given.
    raw_info = b"d4:name1:x12:piece lengthi16384e6:lengthi1e6:pieces20:" + b"p" * 20 + b"e"
    data = b"d4:info" + raw_info + b"e"
    assert torrent_hash(data) == hashlib.sha1(raw_info).hexdigest()


def test_a_pure_v2_torrent_has_only_a_v2_hash_and_qbittorrent_lists_it_truncated() -> None:
    info = {"name": "v2", "piece length": 16384, "meta version": 2, "file tree": {}}
    data = bencode({"info": info})
    full = hashlib.sha256(bencode(info)).hexdigest()
    assert info_hashes(data) == InfoHashes(v1=None, v2=full)
    assert torrent_hash(data) is None  # no v1 hash: the grab cannot tell it in advance
    assert torrent_id(data) == full[:40]  # qBittorrent's own id for it


def test_a_hybrid_torrent_is_listed_under_its_v1_hash() -> None:
    info = {"name": "h", "piece length": 16384, "pieces": b"p" * 20, "length": 1}
    info |= {"meta version": 2, "file tree": {}}
    data = bencode({"info": info})
    raw = bencode(info)
    expected = InfoHashes(hashlib.sha1(raw).hexdigest(), hashlib.sha256(raw).hexdigest())
    assert info_hashes(data) == expected
    assert torrent_id(data) == torrent_hash(data) == expected.v1


def test_qbittorrent_saying_zero_free_bytes_means_not_measured_yet() -> None:
    assert free_space({"free_space_on_disk": 0}) is None
    assert free_space({}) is None and free_space({"free_space_on_disk": True}) is None
    assert free_space({"free_space_on_disk": 5_000}) == 5_000


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html>nope</html>",
        b"d4:infoi1ee",  # info is not a dict
        b"d8:announce3:abce",  # no info
        b"d4:info" + b"l" * 10_000 + b"e" * 10_000 + b"e",  # hostile nesting
        b"d4:infod4:name99999999999:xee",  # length past the end
        b"d4:infod4:name1:xee" + b"trailing",
        b"d4:infod4:name-1:xee",
    ],
)
def test_torrent_hash_of_junk_is_none(data: bytes) -> None:
    assert torrent_hash(data) is None


def test_magnet_hash_hex_and_base32() -> None:
    digest = hashlib.sha1(b"x").digest()
    b32 = base64.b32encode(digest).decode()
    assert magnet_hash(f"magnet:?xt=urn:btih:{digest.hex().upper()}&dn=x") == digest.hex()
    assert magnet_hash(f"magnet:?dn=x&xt=urn:btih:{b32}") == digest.hex()
    assert magnet_hash(f"magnet:?xt=urn:btih:{b32.lower()}") == digest.hex()


@pytest.mark.parametrize(
    "uri",
    [
        "http://indexer.invalid/get/1.torrent",
        "magnet:?dn=no-hash",
        "magnet:?xt=urn:btmh:1220" + "ab" * 32,  # v2-only: hash unknown in advance
        "magnet:?xt=urn:btih:zz" + "0" * 38,
    ],
)
def test_magnet_hash_none(uri: str) -> None:
    assert magnet_hash(uri) is None
