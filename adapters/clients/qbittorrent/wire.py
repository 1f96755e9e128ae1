"""qBittorrent's JSON rows, checked and turned into domain values; wire shapes stay here."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

from core import errors
from core.domain import DownloadRequest
from core.http import HttpResponse
from core.metainfo import info_hashes, magnet_hash

HASH = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")


def check_source(request: DownloadRequest) -> None:
    sources = [s for s in (request.url, request.magnet, request.file) if s is not None]
    if len(sources) != 1:
        raise errors.UserError("give exactly one of url, magnet or file", key="error.bad_input")


def hash_of(request: DownloadRequest) -> str | None:
    """The id qBittorrent will give the torrent, when it can be told from the request."""
    if request.file is not None:
        return torrent_id(request.file.data)
    return magnet_hash(request.magnet or request.url or "")


def torrent_id(data: bytes) -> str | None:
    """qBittorrent's id for .torrent bytes: the v1 info-hash, or for a pure v2 torrent its
    SHA-256 info-hash truncated to 40 hex digits (what qBittorrent lists it under)."""
    hashes = info_hashes(data)
    if hashes is None:
        return None
    return hashes.v1 or (hashes.v2 or "")[:40] or None


def known_hashes(ids: list[str]) -> list[str]:
    """The ids that can name a torrent, lower-cased, once each: others cannot be listed."""
    return list(dict.fromkeys(id.lower() for id in ids if HASH.fullmatch(id)))


def free_space(server_state: Mapping[str, Any]) -> int | None:
    """Free bytes from `server_state`. qBittorrent says 0 until it has measured its disk:
    that is "not known yet", not "full"."""
    value = server_state.get("free_space_on_disk")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def save_roots(default: str, categories: Any) -> tuple[str, ...]:
    """The default save path, then each category's own save path (relative ones live under
    the default), once each."""
    roots = [default] if default else []
    if isinstance(categories, dict):
        for entry in categories.values():
            path = entry.get("savePath") if isinstance(entry, dict) else None
            if isinstance(path, str) and path:
                roots.append(posixpath.join(default, path) if default else path)
    return tuple(dict.fromkeys(roots))


def hashes_param(ids: list[str]) -> str:
    """`h1|h2`; refuses anything but hashes, so "all" or a "|" can never widen the call."""
    for id in ids:
        if not HASH.fullmatch(id):
            raise errors.NotFound(
                f"not a torrent hash: {id[:80]!r}", key="error.download_not_found"
            )
    return "|".join(id.lower() for id in ids)


def json_list(response: HttpResponse, service: str) -> list[dict[str, Any]]:
    data = response.json()
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise errors.BadResponse(f"{service}: expected a list from {response.url}", service=service)
    return data


def field(row: Mapping[str, Any], key: str, kind: type | tuple[type, ...], service: str) -> Any:
    value = row.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise errors.BadResponse(f"{service}: torrent field {key!r} missing", service=service)
    return value


def str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def int_or_none(value: Any) -> int | None:
    """A non-negative int from the wire, else None (qBittorrent uses -1 for "unknown")."""
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return int(value) if ok else None
