"""The listing kept between polls: a full `torrent-get`, then only `recently-active` changes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

# Transmission's `recently-active` lists torrents touched in its last 60 s (RECENTLY_ACTIVE_SECONDS)
# and the ids removed in that time. A poll this soon after the previous one cannot miss a change
# inside that window; later, or this long after the last full listing (a pause made in the web
# UI does not always count as activity), the whole listing is read again.
INCREMENTAL_WITHIN = 30.0
FULL_EVERY = 120.0


@dataclass
class ListingView:
    """Rows by info-hash from the latest full listing, patched by incremental ones."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    hashes: dict[int, str] = field(default_factory=dict)  # Transmission's own id -> hash
    polled_at: float | None = None
    full_at: float | None = None
    last_full: bool = False  # what the latest refresh was, for tests and the benchmark

    def wants_full(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if self.polled_at is None or self.full_at is None:
            return True
        return now - self.polled_at > INCREMENTAL_WITHIN or now - self.full_at > FULL_EVERY

    def invalidate(self) -> None:
        """After our own actions: a stop is not always "activity", so read everything again."""
        self.polled_at = None

    def replace(self, rows: dict[str, dict[str, Any]], started: float) -> None:
        self.rows = rows
        self.hashes = {row["id"]: key for key, row in rows.items()}
        self.polled_at = self.full_at = started
        self.last_full = True

    def patch(self, rows: dict[str, dict[str, Any]], removed: list[int], started: float) -> None:
        for number in removed:
            gone = self.hashes.pop(number, None)
            if gone is not None:
                self.rows.pop(gone, None)
        for key, row in rows.items():
            self.rows[key] = row
            self.hashes[row["id"]] = key
        self.polled_at = started
        self.last_full = False
