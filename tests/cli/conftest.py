"""Runs the real `outpost` command in a subprocess, as a person or a script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.support.daemons import QBittorrentDaemon

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Outpost = Callable[..., Run]


@pytest.fixture
def outpost(tmp_path: Path) -> Outpost:
    """`outpost(*args)` runs one command against a fresh data dir of this test."""
    data_dir = tmp_path / "data"
    env = {**os.environ, "OUTPOST_LANG": "en", "PYTHONPATH": str(ROOT)}
    for name in ("OUTPOST_SECRET_KEY", "OUTPOST_DATABASE_URL", "OUTPOST_DATA_DIR"):
        env.pop(name, None)

    def run(*args: str, data: Path | None = None) -> Run:
        argv = [sys.executable, "-m", "bot.cli", "--data-dir", str(data or data_dir), *args]
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
        assert "Traceback" not in done.stderr, done.stderr
        return Run(done.returncode, done.stdout, done.stderr)

    run.data_dir = data_dir  # type: ignore[attr-defined]
    return run


def add_qbittorrent(daemon: QBittorrentDaemon, *extra: str, name: str = "qbit") -> tuple[str, ...]:
    """The words of `outpost client add` for the session's real qbittorrent-nox."""
    login = ("--username", daemon.username, "--password", daemon.password)
    return ("client", "add", name, "--kind", "qbittorrent", "--url", daemon.url, *login, *extra)
