"""SABnzbd's queue and history slots turned into `Download`s; unknown statuses logged once."""

from __future__ import annotations

import logging
import ntpath
import posixpath
import re
from types import ModuleType
from typing import Any

from adapters.clients.sabnzbd.states import map_history, map_queue
from adapters.clients.sabnzbd.wire import count, mib, seconds_left, str_or_none, text
from core.domain import ClientStatus, Download

log = logging.getLogger(__name__)
DEFAULT_CATEGORY = "*"  # SABnzbd's name for "no category"


class JobReader:
    """Maps slots for one client; remembers which unknown statuses it has already logged."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._unknown: set[str] = set()

    def queued(self, row: dict[str, Any], speed: int) -> Download | None:
        """A queue slot; `speed` is the queue's (SABnzbd reports no per-job rate). Sizes are
        MiB with two decimals: SABnzbd sends no byte count for a queued job."""
        raw = text(row, "status", self.service)
        mapped = map_queue(raw)
        if mapped is None:
            return None
        status = self._known(mapped, raw)
        total = mib(row, "mb", self.service)
        left = min(mib(row, "mbleft", self.service), total)
        downloading = status is ClientStatus.DOWNLOADING
        return Download(
            id=text(row, "nzo_id", self.service),
            name=text(row, "filename", self.service),
            client=self.service,
            status=status,
            raw_status=raw,
            progress=(total - left) / total if total else 0.0,
            size=total,
            category=_category(row.get("cat")),
            eta=seconds_left(row.get("timeleft")) if downloading else None,
            download_speed=speed if downloading else 0,
        )

    def finished(self, row: dict[str, Any]) -> Download | None:
        """A history slot (post-processing or done); None for a job being deleted."""
        raw = text(row, "status", self.service)
        mapped = map_history(raw)
        if mapped is None:
            return None
        # `storage` is the final folder once done; for a failed job it is the incomplete one.
        storage = _job_folder(str_or_none(row.get("storage")), text(row, "name", self.service))
        if mapped is ClientStatus.COMPLETED and storage is None:
            # The post-processor lists a job as Completed a moment before it records where the
            # files went: until then it is not final.
            mapped = ClientStatus.CHECKING
        status = self._known(mapped, raw)
        downloaded = status in (ClientStatus.COMPLETED, ClientStatus.CHECKING)
        return Download(
            id=text(row, "nzo_id", self.service),
            name=text(row, "name", self.service),
            client=self.service,
            status=status,
            raw_status=raw,
            progress=1.0 if downloaded else 0.0,
            size=count(row, "bytes", self.service),
            category=_category(row.get("category")),
            save_path=(_flavour(storage).dirname(storage) or None) if storage else None,
            content_path=storage,
        )

    def _known(self, status: ClientStatus, raw: str) -> ClientStatus:
        if status is ClientStatus.UNKNOWN and raw not in self._unknown:
            self._unknown.add(raw)
            log.warning("%s: unknown SABnzbd status %r", self.service, raw[:40])
        return status


def _category(value: Any) -> str | None:
    found = str_or_none(value)
    return None if found in (None, DEFAULT_CATEGORY) else found


def _job_folder(storage: str | None, name: str) -> str | None:
    """SABnzbd's `storage` descends into a folder that holds one file or folder only (a one-file
    job's storage is that file). The job's own folder is what Outpost imports and deletes: the
    ancestor named after the job (with the ".1" SABnzbd adds to a name already taken)."""
    if storage is None:
        return None
    paths = _flavour(storage)
    own = re.compile(re.escape(name) + r"(\.\d+)?")
    path = storage
    while path and paths.dirname(path) != path:
        if own.fullmatch(paths.basename(path)):
            return path
        path = paths.dirname(path)
    return storage


def _flavour(path: str) -> ModuleType:
    """SABnzbd on Windows reports "C:\\Downloads\\Job": its paths split on backslashes."""
    return ntpath if re.match(r"[A-Za-z]:\\|\\\\", path) else posixpath
