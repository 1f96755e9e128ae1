"""qBittorrent's JSON rows, checked and turned into domain values; wire shapes stay here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core import errors
from core.domain import DownloadFile, DownloadRequest
from core.http import HttpResponse
from core.metainfo import magnet_hash, torrent_hash

HASH = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")


def check_source(request: DownloadRequest) -> None:
    sources = [s for s in (request.url, request.magnet, request.torrent) if s is not None]
    if len(sources) != 1:
        raise errors.UserError("give exactly one of url, magnet or torrent", key="error.bad_input")


def hash_of(request: DownloadRequest) -> str | None:
    if request.torrent is not None:
        return torrent_hash(request.torrent)
    return magnet_hash(request.magnet or request.url or "")


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


def file(row: Mapping[str, Any], service: str) -> DownloadFile:
    return DownloadFile(
        name=field(row, "name", str, service),
        size=int(field(row, "size", int, service)),
        progress=float(field(row, "progress", (int, float), service)),
    )


def str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def int_or_none(value: Any) -> int | None:
    """A non-negative int from the wire, else None (qBittorrent uses -1 for "unknown")."""
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return int(value) if ok else None
