"""Fixtures for notices, the failure loop and disk sense: a store, people, a test frontend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from core import errors
from core.store.database import Store
from core.store.models import Identity, MediaRequest, Person
from tests.support.daemons import QBittorrentDaemon


class ChatFrontend:
    """A frontend that keeps what it was sent; `down = True` makes it unreachable."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.down = False
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    async def send(self, chat: str, text_key: str, params: Mapping[str, Any]) -> None:
        if self.down:
            raise errors.Unreachable(f"{self.name} is down", service=self.name)
        self.sent.append((chat, text_key, dict(params)))


@pytest_asyncio.fixture(loop_scope="function")
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def daemon(qbt_daemon: QBittorrentDaemon) -> Iterator[QBittorrentDaemon]:
    qbt_daemon.clear()
    yield qbt_daemon
    qbt_daemon.clear()


async def person_with_request(
    name: str = "ana", *, platforms: tuple[tuple[str, str], ...] = (("console", "ana"),)
) -> MediaRequest:
    """A person with chat identities who asked for Sintel (2010), tmdb:45745."""
    person = await Person.create(name=name)
    for platform, external_id in platforms:
        await Identity.create(person=person, platform=platform, external_id=external_id)
    return await MediaRequest.create(
        person=person,
        kind="movie",
        title="Sintel",
        year=2010,
        provider="tmdb",
        provider_id="45745",
    )
