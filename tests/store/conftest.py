"""Fixtures for store tests: a clean environment, a private data dir, an open store, a key."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
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


# -- a real PostgreSQL, when the machine has one -----------------------------------------------

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the `postgres` user when we are root."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _wait_ready(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("postgres exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("postgres did not open its port")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on loopback; skips when postgres or asyncpg is absent."""
    pytest.importorskip("asyncpg")
    if not (PG_BIN / "initdb").exists() or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip("no PostgreSQL server binaries on this machine")
    # not under pytest's tmp dir: that is private to root, and the server runs as `postgres`
    root = Path(tempfile.mkdtemp(prefix="outpost-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
    try:
        yield from _run_postgres(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run_postgres(root: Path) -> Iterator[str]:
    data, port = root / "cluster", _free_port()
    subprocess.run(
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "outpost", "-A", "trust"]),
        check=True,
        capture_output=True,
    )
    argv = [str(PG_BIN / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1"]
    server = subprocess.Popen(
        _as_postgres([*argv, "-k", str(root), "-c", "fsync=off"]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(port, server)
        yield f"postgres://outpost@127.0.0.1:{port}/postgres"
    finally:
        server.terminate()
        server.wait(timeout=30)


async def reset_postgres(url: str) -> None:
    """Drop every table, so each test starts from an empty database."""
    import asyncpg  # only here: the package is optional

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()
