"""BitTorrent metainfo facts Outpost needs without trusting the bytes: info-hashes of .torrent
files and magnet links, with hostile input (deep nesting, lying lengths) answered by None.

Protocol facts only: the grab refuses a torrent it already holds by its v1 hash before any
client is asked. What a client calls a torrent comes back from its `add`."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

_HASH = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_MAX_DEPTH = 64  # bencode nesting allowed before the metainfo is called hostile


@dataclass(frozen=True, slots=True)
class InfoHashes:
    """The info-hashes of a .torrent (BEP 3 and BEP 52), as lower-case hex.

    `v1` (SHA-1) when the info dict has v1 `pieces`, `v2` (full SHA-256) when it has a v2
    `file tree`; a hybrid torrent has both. Which one a client uses as its id is the client's
    business (its adapter's), not this module's.
    """

    v1: str | None
    v2: str | None


def info_hashes(data: bytes) -> InfoHashes | None:
    """The info-hashes of .torrent bytes, or None if they are not metainfo.

    Hashes the raw `info` bytes (never re-encoded), so odd but valid encodings still match.
    """
    try:
        top = _dict_spans(data, 0)
        if top is None or top[1] != len(data) or b"info" not in top[0]:
            return None
        start, end = top[0][b"info"]
        info = _dict_spans(data, start)
    except (ValueError, IndexError, RecursionError):
        return None
    if info is None:
        return None
    raw = data[start:end]
    v2 = hashlib.sha256(raw).hexdigest() if b"file tree" in info[0] else None
    v1 = hashlib.sha1(raw).hexdigest() if b"pieces" in info[0] or v2 is None else None
    return InfoHashes(v1, v2)


def torrent_hash(data: bytes) -> str | None:
    """The v1 info-hash of .torrent bytes (what indexers publish and duplicates are told by);
    None for junk and for pure v2 torrents, which have no v1 hash."""
    hashes = info_hashes(data)
    return hashes.v1 if hashes is not None else None


def _dict_spans(data: bytes, i: int) -> tuple[dict[bytes, tuple[int, int]], int] | None:
    """Keys of the dict at `i` mapped to the byte span of their values, and the dict's end."""
    if data[i : i + 1] != b"d":
        return None
    spans: dict[bytes, tuple[int, int]] = {}
    i += 1
    while data[i : i + 1] != b"e":
        key_start = i
        i = _skip(data, i, 0)
        if data[key_start : key_start + 1] not in b"0123456789":
            raise ValueError("dict key is not a string")
        key = data[data.index(b":", key_start) + 1 : i]
        value_start, i = i, _skip(data, i, 0)
        spans[key] = (value_start, i)
    return spans, i + 1


def _skip(data: bytes, i: int, depth: int) -> int:
    """End offset of the bencoded value at `i`; ValueError on malformed or too deep input."""
    lead = data[i : i + 1]
    if depth > _MAX_DEPTH or not lead:
        raise ValueError("bencode too deep or truncated")
    if lead == b"i":
        end = data.index(b"e", i)
        int(data[i + 1 : end])
        return end + 1
    if lead in (b"l", b"d"):
        i += 1
        while data[i : i + 1] != b"e":
            i = _skip(data, i, depth + 1)
        return i + 1
    colon = data.index(b":", i, i + 21)  # a length prefix of 20 digits is already absurd
    end = colon + 1 + int(data[i:colon])
    if not lead.isdigit() or end > len(data):
        raise ValueError("bad string length")
    return end


def magnet_hash(uri: str) -> str | None:
    """The lower-case hex btih of a magnet link (hex or base32 form), or None."""
    if not uri.lower().startswith("magnet:?"):
        return None
    for xt in parse_qs(urlsplit(uri).query).get("xt", []):
        if not xt.lower().startswith("urn:btih:"):
            continue
        value = xt[9:]
        if len(value) == 40 and _HASH.fullmatch(value):
            return value.lower()
        if len(value) == 32:
            try:
                return base64.b32decode(value.upper()).hex()
            except ValueError:  # binascii.Error, or a non-ASCII character (found by fuzzing)
                return None
    return None
