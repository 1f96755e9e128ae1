"""Fixtures for importer tests: an open store, a download folder, a library, an event recorder."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from core.domain import MediaKind
from core.events import Event, EventBus
from core.store.database import Store
from core.store.models import Grab

ENV = ("OUTPOST_DATA_DIR", "OUTPOST_DATABASE_URL", "OUTPOST_SECRET_KEY", "XDG_DATA_HOME")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


@pytest_asyncio.fixture(loop_scope="function")
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "data") as opened:
        yield opened


class Recorder:
    """Subscribes to every event and keeps them in order."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[Event] = []
        bus.subscribe(Event, self._record)

    async def _record(self, event: Event) -> None:
        self.events.append(event)

    def names(self) -> list[str]:
        return [event.name for event in self.events]


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def recorder(bus: EventBus) -> Recorder:
    return Recorder(bus)


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    path = tmp_path / "downloads"
    path.mkdir()
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library"
    path.mkdir()
    return path


def write(path: Path, size: int, seed: int = 7) -> Path:
    """A file of `size` pseudo-random bytes (distinct per seed, so a mix-up shows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


async def make_grab(
    content: Path, title: str, kind: MediaKind = MediaKind.MOVIE, *, key: str = "k1"
) -> Grab:
    return await Grab.create(
        release_key=key,
        title=title,
        indexer="local",
        client="qbt",
        client_id=key,
        protocol="torrent",
        kind=kind.value,
        state="completed",
        content_path=str(content),
    )
