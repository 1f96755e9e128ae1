"""NZBGet's queue and history rows turned into `Download`s; unknown statuses logged once."""

from __future__ import annotations

import logging
import posixpath
from typing import Any

from adapters.clients.nzbget.states import map_history, map_queue
from adapters.clients.nzbget.wire import count, field, size, str_or_none
from core.domain import ClientStatus, Download

log = logging.getLogger(__name__)


class JobReader:
    """Maps rows for one client; remembers which unknown statuses it has already logged."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._unknown: set[str] = set()

    def queued(self, row: dict[str, Any]) -> Download:
        """A `listgroups` row. NZBGet reports no per-job rate: the speed is the job's average."""
        raw = field(row, "Status", str, self.service)
        total = size(row, "FileSize", self.service)
        left = min(size(row, "RemainingSize", self.service), total)
        status = self._known(map_queue(raw), raw)
        speed = 0
        if status is ClientStatus.DOWNLOADING:
            seconds = count(row, "DownloadTimeSec", self.service)
            done = size(row, "DownloadedSize", self.service)
            speed = done // seconds if seconds else 0
        return Download(
            id=str(count(row, "NZBID", self.service)),
            name=field(row, "NZBName", str, self.service),
            client=self.service,
            status=status,
            raw_status=raw,
            progress=(total - left) / total if total else 0.0,
            size=total,
            category=str_or_none(row.get("Category")),
            eta=left // speed if speed else None,
            download_speed=speed,
        )

    def finished(self, row: dict[str, Any]) -> Download | None:
        """A `history` row; None for a job someone deleted (NZBGet keeps those listed)."""
        raw = field(row, "Status", str, self.service)
        mapped = map_history(raw)
        if mapped is None:
            return None
        status = self._known(mapped, raw)
        # A post-processing script may move the files on: FinalDir then says where.
        final = str_or_none(row.get("FinalDir")) or str_or_none(row.get("DestDir"))
        return Download(
            id=str(count(row, "NZBID", self.service)),
            name=field(row, "Name", str, self.service),
            client=self.service,
            status=status,
            raw_status=raw,
            progress=1.0 if status is ClientStatus.COMPLETED else 0.0,
            size=size(row, "FileSize", self.service),
            category=str_or_none(row.get("Category")),
            save_path=posixpath.dirname(final) if final else None,
            content_path=final,
        )

    def _known(self, status: ClientStatus, raw: str) -> ClientStatus:
        if status is ClientStatus.UNKNOWN and raw not in self._unknown:
            self._unknown.add(raw)
            log.warning("%s: unknown NZBGet status %r", self.service, raw[:40])
        return status
