"""Copies the SQLite database file aside before a schema change, keeping the newest few."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

KEEP = 10  # enough to step back over several upgrades without filling the disk


async def backup_sqlite(db_path: Path, backup_dir: Path, label: str) -> Path:
    """Write a consistent copy of `db_path` into `backup_dir` and return its path.

    Uses SQLite's online-backup API, so pages still in the -wal file are included and a
    concurrent writer cannot tear the copy.
    """
    target = _backup_name(backup_dir, db_path.stem, label)
    await asyncio.to_thread(_copy, db_path, target)
    await asyncio.to_thread(_prune, backup_dir, db_path.stem, KEEP)
    return target


def _backup_name(backup_dir: Path, stem: str, label: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in label)[:64]
    return backup_dir / f"{stem}-{stamp}-before-{safe}.db"


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    # The copy holds the same secrets' ciphertext and household data as the original.
    partial.touch(mode=0o600)
    with contextlib.closing(sqlite3.connect(source)) as src:
        with contextlib.closing(sqlite3.connect(partial)) as dst:
            src.backup(dst, pages=500)
    partial.replace(target)  # a crash mid-copy leaves a .partial, never a truncated backup


def _prune(backup_dir: Path, stem: str, keep: int) -> None:
    backups = sorted(backup_dir.glob(f"{stem}-*-before-*.db"))
    for old in backups[:-keep]:
        old.unlink(missing_ok=True)
