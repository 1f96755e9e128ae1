"""Fixtures for store tests: a clean environment, a private data dir, an open store, a key."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from core.secrets import SecretBox
from core.store.database import Store

ENV = ("OUTPOST_DATA_DIR", "OUTPOST_DATABASE_URL", "OUTPOST_SECRET_KEY", "XDG_DATA_HOME")
API_KEY = "canary-4f9d2c71e8b3a605"  # a made-up value to look for in raw bytes


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest_asyncio.fixture(loop_scope="function")
async def store(data_dir: Path) -> AsyncIterator[Store]:
    async with Store(data_dir) as opened:
        yield opened


@pytest.fixture
def box(data_dir: Path) -> SecretBox:
    return SecretBox.load(data_dir)


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the file with the stdlib driver, outside Tortoise, as an operator would."""
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


def columns(db: Path, table: str) -> set[str]:
    return {row[1] for row in query(db, f"PRAGMA table_info({table})")}


def raw_bytes(db: Path) -> bytes:
    """The database file and its WAL, as they lie on disk."""
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def mode(path: Path) -> int:
    """Permission bits of `path`; sync helpers keep blocking calls out of async tests."""
    return stat.S_IMODE(path.stat().st_mode)


def exists(path: Path) -> bool:
    return path.exists()
