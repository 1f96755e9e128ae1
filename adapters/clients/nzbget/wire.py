"""NZBGet's JSON-RPC envelope and row fields, checked; wire shapes stay in this package."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from core import errors
from core.http import HttpResponse
from core.httpwire import reject_constant

NZBID = re.compile(r"[1-9][0-9]{0,9}")  # NZBGet's ids are positive 32-bit ints
_WORD = 1 << 32
UNMEASURED = (_WORD - 1, _WORD - 1)  # the Lo/Hi pair NZBGet sends before it measured a disk


def result(response: HttpResponse, service: str) -> Any:
    """The `result` of a JSON-RPC answer: NaN, duplicate keys and a JSON-RPC error refused."""
    try:
        text = response.content.decode("utf-8-sig")
        data = json.loads(text, parse_constant=reject_constant, object_pairs_hook=_unique)
    except (ValueError, RecursionError, UnicodeDecodeError) as err:
        raise errors.ProtocolMismatch(
            f"{service}: invalid JSON from {response.url}: {type(err).__name__}",
            service=service,
            key="error.bad_json",
        ) from None
    if not isinstance(data, dict):
        raise errors.BadResponse(f"{service}: not a JSON-RPC answer", service=service)
    if data.get("error") is not None:
        error = data["error"]
        message = error.get("message") if isinstance(error, dict) else None
        raise errors.BadResponse(
            f"{service}: JSON-RPC error {str(message)[:80]!r}", service=service
        )
    if "result" not in data:
        raise errors.BadResponse(f"{service}: JSON-RPC answer without a result", service=service)
    return data["result"]


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"duplicate key {key[:40]!r}")
        found[key] = value
    return found


def rows(value: Any, service: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise errors.BadResponse(f"{service}: expected a list of jobs", service=service)
    return value


def field(row: Mapping[str, Any], key: str, kind: type, service: str) -> Any:
    value = row.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise errors.BadResponse(f"{service}: job field {key!r} missing", service=service)
    return value


def count(row: Mapping[str, Any], key: str, service: str) -> int:
    """A non-negative int field."""
    value = field(row, key, int, service)
    if value < 0:
        raise errors.BadResponse(f"{service}: job field {key!r} is negative", service=service)
    return int(value)


def size(row: Mapping[str, Any], prefix: str, service: str) -> int:
    """A 64-bit size NZBGet splits into `<prefix>Lo` and `<prefix>Hi` 32-bit halves."""
    low, high = count(row, prefix + "Lo", service), count(row, prefix + "Hi", service)
    if low >= _WORD or high >= _WORD:
        raise errors.BadResponse(f"{service}: job field {prefix!r} out of range", service=service)
    return high * _WORD + low


def free_space(status: Mapping[str, Any], service: str) -> int | None:
    """Free bytes at DestDir; None while NZBGet cannot tell (no DestDir yet: all bits set)."""
    pair = (count(status, "FreeDiskSpaceLo", service), count(status, "FreeDiskSpaceHi", service))
    if pair == UNMEASURED:
        return None
    free = size(status, "FreeDiskSpace", service)
    return free or None


def options(config: Any, service: str) -> dict[str, str]:
    """The `config` answer (a list of Name/Value pairs) as a dict."""
    found: dict[str, str] = {}
    for row in rows(config, service):
        name, value = row.get("Name"), row.get("Value")
        if isinstance(name, str) and isinstance(value, str):
            found[name] = value
    return found


def categories(config: Mapping[str, str]) -> dict[str, str]:
    """Configured category name -> its own DestDir ('' for none), from Category<N>.Name."""
    found: dict[str, str] = {}
    for key, name in config.items():
        match = re.fullmatch(r"Category(\d+)\.Name", key)
        if match and name:
            found[name] = config.get(f"Category{match[1]}.DestDir", "")
    return found


def known_ids(ids: list[str]) -> list[int]:
    """The ids that can name an NZBGet job, once each: others cannot be listed."""
    return list(dict.fromkeys(int(id) for id in ids if NZBID.fullmatch(id)))


def job_ids(ids: list[str]) -> list[int]:
    """For an edit: every id must be an NZBID, so nothing else can widen the call."""
    for id in ids:
        if not NZBID.fullmatch(id):
            raise errors.NotFound(f"not an NZBGet id: {id[:80]!r}", key="error.download_not_found")
    return [int(id) for id in ids]


def str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
