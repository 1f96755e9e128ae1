"""Deluge's status rows, checked and turned into domain values; wire shapes stay here."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

from core import errors

HASH = re.compile(r"[0-9a-f]{40}")
# The Label plugin refuses anything else ("TV Shows" → "Invalid label").
_NOT_LABEL = re.compile(r"[^a-z0-9_-]+")
# Only what a Download needs: the daemon builds every key asked for, for every torrent.
STATUS_KEYS = (
    "name",
    "state",
    "progress",
    "total_wanted",
    "total_size",
    "download_location",
    "label",
    "eta",
    "download_payload_rate",
    "num_seeds",
)


def known_hashes(ids: list[str]) -> list[str]:
    """The ids that can name a torrent in Deluge, lower-cased, once each."""
    return list(dict.fromkeys(id.lower() for id in ids if HASH.fullmatch(id.lower())))


def label_of(category: str) -> str:
    """A category as a Label plugin label: lower case, other characters as "_"."""
    return _NOT_LABEL.sub("_", category.strip().lower()).strip("_") or "outpost"


def info_hash(value: Any, service: str) -> str:
    """An add's answer: the info-hash, else the add did not happen."""
    if not isinstance(value, str) or not HASH.fullmatch(value.lower()):
        raise errors.BadResponse(
            f"{service}: the add answered no torrent id",
            service=service,
            key="error.download_not_confirmed",
        )
    return value.lower()


def rows(value: Any, service: str) -> dict[str, Mapping[str, Any]]:
    """`{hash: row}` from core.get_torrents_status."""
    if not isinstance(value, dict) or not all(isinstance(r, dict) for r in value.values()):
        raise errors.BadResponse(f"{service}: unreadable torrent list", service=service)
    return {str(key).lower(): row for key, row in value.items()}


def field(row: Mapping[str, Any], key: str, kind: type | tuple[type, ...], service: str) -> Any:
    value = row.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise errors.BadResponse(f"{service}: torrent field {key!r} missing", service=service)
    return value


def progress(row: Mapping[str, Any], service: str) -> float:
    """Deluge's 0-100 as 0.0-1.0; a NaN or runaway figure is refused by the JSON reader."""
    value = float(field(row, "progress", (int, float), service))
    return min(max(value / 100.0, 0.0), 1.0)


def count(value: Any) -> int | None:
    """A positive int from the wire, else None (Deluge uses 0 and -1 for "no estimate")."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return int(value) if ok else None


def at_least_zero(value: Any) -> int | None:
    """A non-negative int from the wire (0 seeds is a figure), else None."""
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return int(value) if ok else None


def content_path(save_path: str | None, name: str) -> str | None:
    return posixpath.join(save_path, name) if save_path else None


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
