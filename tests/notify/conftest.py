"""Fixtures for notices, the failure loop and disk sense: a store, people, a test frontend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from core import errors
from core.messages import Text, View
from core.recipients import Recipient
from core.services.notify import LogFrontend
from core.store.database import Store
from core.store.models import Identity, MediaRequest, Person
from tests.support.daemons import QBittorrentDaemon


class ChatFrontend(LogFrontend):
    """A frontend that keeps what it was sent, one entry per line, with each notice's params
    as stored (`notice_text` undone); `down = True` makes it unreachable."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name
        self.down = False
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self.views: list[tuple[str, View]] = []
        self.edits: list[tuple[str, str, View]] = []
        self.recipients: list[Recipient] = []

    async def send(self, to: Recipient, view: View) -> str:
        if self.down:
            raise errors.Unreachable(f"{self.name} is down", service=self.name)
        self.views.append((to.address, view))
        self.recipients.append(to)
        for line in view.lines:
            self.sent.append((to.address, line.key, _stored(line.params)))
        return str(len(self.views))

    async def edit(self, to: Recipient, message_id: str, view: View) -> None:
        if self.down:
            raise errors.Unreachable(f"{self.name} is down", service=self.name)
        self.edits.append((to.address, message_id, view))


def _stored(params: Mapping[str, Any]) -> dict[str, Any]:
    found = dict(params)
    if isinstance(found.get("reason"), Text):
        found["reason"] = found["reason"].key
    return found


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
