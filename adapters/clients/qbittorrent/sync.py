"""The incremental `sync/maindata` view of one login session: merged rows, changes counted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.clients.qbittorrent.wire import HASH
from core import errors
from core.domain import Download


@dataclass(frozen=True, slots=True)
class SyncStats:
    """What one `sync/maindata` answer carried: a full listing or only changes."""

    full: bool
    changed: int  # torrents whose fields came in this answer
    removed: int
    total: int  # torrents in the view afterwards


class SyncView:
    """The merged `sync/maindata` of one login session; wire dicts stay here."""

    def __init__(self) -> None:
        self.session = -1  # the client's login count the rid belongs to
        self.rid = 0
        self.rows: dict[str, dict[str, Any]] = {}
        self.server: dict[str, Any] = {}
        self.mapped: dict[str, Download] = {}
        self.dirty: set[str] = set()  # rows changed since they were last mapped

    def reset(self, session: int) -> None:
        self.session, self.rid = session, 0

    def apply(self, data: Mapping[str, Any], session: int, service: str) -> SyncStats:
        torrents = _sync_part(data, "torrents", dict, service)
        removed = _sync_part(data, "torrents_removed", list, service)
        full = data.get("full_update") is True
        if full:
            self.rows, self.server, self.mapped = {}, {}, {}
            self.dirty = set()
        for key, fields in torrents.items():
            info_hash = _sync_hash(key, service)
            if not isinstance(fields, dict):
                raise errors.BadResponse(f"{service}: unreadable sync row", service=service)
            self.rows.setdefault(info_hash, {"hash": info_hash}).update(fields, hash=info_hash)
            self.dirty.add(info_hash)
        for key in removed:
            info_hash = _sync_hash(key, service)
            self.rows.pop(info_hash, None)
            self.mapped.pop(info_hash, None)
            self.dirty.discard(info_hash)
        self.server.update(_sync_part(data, "server_state", dict, service))
        self.session, self.rid = session, int(data["rid"])
        return SyncStats(full, len(torrents), len(removed), len(self.rows))


def _sync_part(data: Mapping[str, Any], key: str, kind: type, service: str) -> Any:
    value = data.get(key, kind())
    if not isinstance(value, kind):
        raise errors.BadResponse(f"{service}: unreadable sync field {key!r}", service=service)
    return value


def _sync_hash(key: Any, service: str) -> str:
    if not isinstance(key, str) or not HASH.fullmatch(key):
        raise errors.BadResponse(f"{service}: sync data names no torrent hash", service=service)
    return key.lower()
