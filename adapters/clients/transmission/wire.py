"""Transmission's RPC shapes, checked and turned into domain values; wire dicts stay here."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from core import errors
from core.domain import ClientStatus
from core.http import HttpResponse
from core.httpwire import reject_constant

HASH = re.compile(r"[0-9a-fA-F]{40}")
# What `torrent-get` is asked for: only what a `Download` needs, plus `id` (which
# `recently-active` names removed torrents by).
FIELDS = (
    "id",
    "hashString",
    "name",
    "status",
    "error",
    "percentDone",
    "sizeWhenDone",
    "downloadDir",
    "eta",
    "rateDownload",
    "labels",
    "isFinished",
    "metadataPercentComplete",
)
# Transmission's status numbers (RPC spec, "status").
STOPPED, CHECK_WAIT, CHECKING, DOWNLOAD_WAIT, DOWNLOADING, SEED_WAIT, SEEDING = range(7)
LOCAL_ERROR = 3  # `error` 1 and 2 are tracker warnings and errors: the data is fine


def map_status(
    status: int, error: int, *, done: bool, finished: bool, metadata: bool
) -> ClientStatus:
    """Normalise Transmission's status number; UNKNOWN for numbers this adapter has never seen.

    `done`: nothing wanted is left; `finished`: it reached its seed limit and stopped itself;
    `metadata`: a magnet still fetching its info dictionary."""
    if error == LOCAL_ERROR:
        return ClientStatus.ERROR
    if status == STOPPED:
        return ClientStatus.COMPLETED if finished else ClientStatus.PAUSED
    if status in (CHECK_WAIT, CHECKING):
        return ClientStatus.CHECKING
    if status == DOWNLOAD_WAIT:
        return ClientStatus.QUEUED
    if status == DOWNLOADING:
        return ClientStatus.METADATA if metadata else ClientStatus.DOWNLOADING
    if status in (SEED_WAIT, SEEDING):
        return ClientStatus.COMPLETED if done else ClientStatus.DOWNLOADING
    return ClientStatus.UNKNOWN


def parse(response: HttpResponse, service: str) -> dict[str, Any]:
    """The RPC envelope's `arguments`: strict JSON (no NaN, no duplicate keys), `result`
    "success", else a typed error carrying the daemon's own words."""
    try:
        data = json.loads(
            response.content.decode("utf-8-sig"),
            parse_constant=reject_constant,
            object_pairs_hook=_unique,
        )
    except (ValueError, RecursionError, UnicodeDecodeError) as err:
        raise errors.ProtocolMismatch(
            f"{service}: invalid JSON ({type(err).__name__})", service=service, key="error.bad_json"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("result"), str):
        raise errors.BadResponse(f"{service}: not an RPC answer", service=service)
    if data["result"] != "success":
        raise errors.BadResponse(
            f"{service}: {data['result'][:200]}",
            service=service,
            key="error.client_said",
            description=data["result"][:200],
        )
    arguments = data.get("arguments", {})
    if not isinstance(arguments, dict):
        raise errors.BadResponse(f"{service}: RPC arguments are not an object", service=service)
    return arguments


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"duplicate key {key[:40]!r}")
        found[key] = value
    return found


def rows(arguments: Mapping[str, Any], service: str) -> list[dict[str, Any]]:
    torrents = arguments.get("torrents")
    if not isinstance(torrents, list) or not all(isinstance(row, dict) for row in torrents):
        raise errors.BadResponse(f"{service}: torrent-get sent no torrent list", service=service)
    return torrents


def removed_ids(arguments: Mapping[str, Any], service: str) -> list[int]:
    removed = arguments.get("removed", [])
    if not isinstance(removed, list) or not all(number(v) for v in removed):
        raise errors.BadResponse(f"{service}: unreadable list of removed torrents", service=service)
    return removed


def field(row: Mapping[str, Any], key: str, kind: type | tuple[type, ...], service: str) -> Any:
    value = row.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
        raise errors.BadResponse(f"{service}: torrent field {key!r} missing", service=service)
    return value


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def count(value: Any) -> int | None:
    """A non-negative int from the wire, else None (Transmission uses -1 and -2 for "unknown")."""
    return int(value) if number(value) and value >= 0 else None


def info_hash(row: Mapping[str, Any], service: str) -> str:
    value: str = field(row, "hashString", str, service)
    if not HASH.fullmatch(value):
        raise errors.BadResponse(f"{service}: torrent-get names no info-hash", service=service)
    return value.lower()


def known_hashes(ids: list[str]) -> list[str]:
    """The ids that can name a torrent, lower-cased, once each: others cannot be listed."""
    return list(dict.fromkeys(id.lower() for id in ids if HASH.fullmatch(id)))


def checked_hashes(ids: list[str]) -> list[str]:
    """Refuses anything but hashes: a number or "recently-active" would widen an action."""
    for id in ids:
        if not HASH.fullmatch(id):
            raise errors.NotFound(
                f"not a torrent hash: {id[:80]!r}", key="error.download_not_found"
            )
    return [id.lower() for id in ids]


def rpc_url(url: str) -> str:
    """The RPC endpoint: a user may give the host, the web UI path or the endpoint itself."""
    base = url.rstrip("/")
    if base.endswith("/transmission/rpc"):
        return base
    if base.endswith("/transmission") or base.endswith("/transmission/web"):
        return base.rsplit("/transmission", 1)[0] + "/transmission/rpc"
    return base + "/transmission/rpc"
