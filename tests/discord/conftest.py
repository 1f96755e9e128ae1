"""Fixtures for the Discord tests. discord.py imports `audioop` (voice), deprecated in 3.11
and an error under our warnings-as-errors; import it once here with that one warning muted."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot.conversation import Conversation
from bot.discord import DiscordFrontend
from bot.discord.connect import point_rest
from core.app import Outpost
from tests.support.capture import Captured, logs  # noqa: F401  (the fixture)
from tests.support.discordapi import DiscordApiServer

# shaped like a real bot token (id.timestamp.hmac): it must never reach a log line
CANARY_TOKEN = "MTQ1NjA3NDQ0Mzk4MDgwMDAwMQ.GcAnRy.canaryDiscordSecret_x9Q2mZk4LpWtAbCdEfGh"

Start = Callable[..., Awaitable[DiscordFrontend]]


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
