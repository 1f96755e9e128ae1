"""Fixtures for the Discord tests. discord.py imports `audioop` (voice), deprecated in 3.11
and an error under our warnings-as-errors; import it once here with that one warning muted."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.conversation import Conversation
from bot.discord import DiscordFrontend
from bot.discord.connect import point_rest
from core.app import Outpost
from core.redact import RedactingFilter
from tests.support.discordapi import DiscordApiServer

# shaped like a real bot token (id.timestamp.hmac): it must never reach a log line
CANARY_TOKEN = "MTQ1NjA3NDQ0Mzk4MDgwMDAwMQ.GcAnRy.canaryDiscordSecret_x9Q2mZk4LpWtAbCdEfGh"

Start = Callable[..., Awaitable[DiscordFrontend]]


class Captured(logging.Handler):
    """Every record of every logger, formatted after the redacting filter ran."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.addFilter(RedactingFilter())
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def logs() -> Iterator[Captured]:
    root = logging.getLogger()
    handler, level = Captured(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest_asyncio.fixture(loop_scope="function")
async def outpost(tmp_path: Path) -> AsyncIterator[Outpost]:
    async with Outpost(tmp_path / "data") as app:
        yield app


@pytest_asyncio.fixture(loop_scope="function")
async def discordapi() -> AsyncIterator[DiscordApiServer]:
    async with DiscordApiServer(CANARY_TOKEN) as server:
        yield server
    point_rest(None)


@pytest_asyncio.fixture(loop_scope="function")
async def start_bot(outpost: Outpost, discordapi: DiscordApiServer) -> AsyncIterator[Start]:
    """`frontend = await start_bot(guilds)`: started against `discordapi`, stopped after."""
    started: list[DiscordFrontend] = []

    async def start(guilds: frozenset[int], **options: Any) -> DiscordFrontend:
        frontend = DiscordFrontend(
            outpost,
            Conversation(outpost),
            token=discordapi.token,
            guilds=guilds,
            api_url=discordapi.base_url,
            **options,
        )
        await frontend.start()
        started.append(frontend)
        return frontend

    yield start
    for frontend in reversed(started):
        await frontend.stop()
