"""Fixtures for the Telegram frontend's tests, reusable by the lead's lifecycle tests:
an open Outpost, a local Bot API server, a started frontend, and every log line captured."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.conversation import Conversation
from bot.telegram import TelegramFrontend
from core.app import Outpost
from tests.support.botapi import BotApiServer
from tests.support.capture import Captured, logs  # noqa: F401  (the fixture)

# a canary shaped like a real token: it must never reach a log line
CANARY_TOKEN = "7351246890:AAF-canaryTokenSecretValue_x9Q2mZk4LpWt"

Start = Callable[..., Awaitable[TelegramFrontend]]


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns on every duration unless opted in to timedeltas, as the frontend does."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest_asyncio.fixture(loop_scope="function")
async def outpost(tmp_path: Path) -> AsyncIterator[Outpost]:
    async with Outpost(tmp_path / "data") as app:
        yield app


@pytest.fixture
def botapi() -> Iterator[BotApiServer]:
    with BotApiServer(CANARY_TOKEN, max_poll=0.5) as server:
        yield server


@pytest_asyncio.fixture(loop_scope="function")
async def start_bot(outpost: Outpost, botapi: BotApiServer) -> AsyncIterator[Start]:
    """`frontend = await start_bot(conversation=None, **options)`: started against `botapi`
    (the real Conversation unless one is given), stopped at the end of the test."""
    started: list[TelegramFrontend] = []

    async def start(conversation: Conversation | None = None, **options: Any) -> TelegramFrontend:
        options.setdefault("poll_timeout", 1)
        frontend = TelegramFrontend(
            outpost,
            conversation or Conversation(outpost),
            token=botapi.token,
            base_url=botapi.base_url,
            **options,
        )
        await frontend.start()
        started.append(frontend)
        return frontend

    yield start
    for frontend in reversed(started):
        await frontend.stop()
