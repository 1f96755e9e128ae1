"""Fixtures for `outpost chat`: the CLI in a subprocess, terminals that are closed after the
test, and the loopback swarm with the session's qbittorrent-nox as the client under test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import outpost
from tests.console.terminal import Terminal

__all__ = ["outpost"]  # the CLI fixture, shared with tests/cli

Open = Callable[..., Terminal]


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Open]:
    """`terminal("chat", ...)` runs `outpost` against this test's data dir in a pty."""
    opened: list[Terminal] = []

    def open_(*args: str) -> Terminal:
        opened.append(Terminal(tmp_path / "data", *args))
        return opened[-1]

    yield open_
    for term in opened:
        term.close()
