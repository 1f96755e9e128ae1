"""Disk sense: refuse a grab that cannot fit, and tell whether two paths share a file system."""

from __future__ import annotations

import logging
from pathlib import Path

from core import errors, fileops
from core.ports import DownloadClient
from core.store.settings import library_root

log = logging.getLogger(__name__)

DEFAULT_MARGIN = 100 * 1024 * 1024  # room for the client's temp files and the metadata
_UNITS = ("B", "KB", "MB", "GB", "TB", "PB", "EB")


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in _UNITS:
        if abs(value) < 1000 or unit == _UNITS[-1]:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def same_filesystem(a: Path, b: Path) -> bool:
    """Whether files under `a` and `b` can be hardlinked (blocking: call it off the loop)."""
    return fileops.one_device(a, b)


class DiskSpace:
    """Checks a release's size against the client's free space and the library's."""

    def __init__(self, *, margin: int = DEFAULT_MARGIN) -> None:
        self._margin = margin

    async def check(
        self, size: int | None, *, client: DownloadClient, client_name: str, kind: str | None
    ) -> None:
        """Raises UserError `error.no_space` when `size` plus the margin does not fit."""
        if not size or size <= 0:
            return  # unknown size: the client will tell when it runs out
        needed = size + self._margin
        free = await self._client_free(client, client_name)
        if free is not None:
            _require(free, needed, client_name)
        root = await library_root(kind) if kind else None
        if root is not None:
            _require(await fileops.free_space(root), needed, str(root))

    async def _client_free(self, client: DownloadClient, name: str) -> int | None:
        try:
            return (await client.check()).free_space
        except errors.AdapterError as err:
            # not knowing is no reason to refuse; the add itself will meet the outage
            log.warning("%s did not report its free space: %s", name, err)
            return None


def _require(free: int, needed: int, where: str) -> None:
    if free < needed:
        raise errors.UserError(
            f"not enough space on {where}: {free} bytes free, {needed} needed",
            key="error.no_space",
            where=where,
            free=human_bytes(free),
            needed=human_bytes(needed),
            free_bytes=free,
            needed_bytes=needed,
        )
