"""The console frontend in process, on an open Outpost: slow answers are announced, notices
for the console person reach the terminal (not the log), and /quit ends the talk."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from bot.console import ConsoleFrontend
from bot.conversation import Conversation
from core.app import Outpost
from core.events import ImportCompleted
from core.services.requests import console_person
from core.store.integrations import add_integration
from core.store.models import IntegrationCategory
from tests.metadata.conftest import API_KEY as TMDB_KEY
from tests.metadata.conftest import JSON, FakeTmdb, fixture_bytes
from tests.support.localserver import LocalServer, Response


@pytest_asyncio.fixture(loop_scope="function")
async def console(tmp_path: Path) -> AsyncIterator[tuple[ConsoleFrontend, io.StringIO]]:
    out = io.StringIO()
    async with Outpost(tmp_path / "data") as app:
        frontend = ConsoleFrontend(app, Conversation(app), out, lang="en", patience=0.2)
        await frontend.start()
        try:
            yield frontend, out
        finally:
            await frontend.stop()


async def test_a_slow_answer_is_announced_before_it_comes(
    console: tuple[ConsoleFrontend, io.StringIO],
) -> None:
    frontend, out = console
    slow = Response(200, fixture_bytes("search_movie.json"), JSON, delay=1.0)
    with LocalServer(FakeTmdb(overrides={"/3/search/movie": slow})) as tmdb:
        await add_integration(
            frontend.app.box,
            name="tmdb",
            category=IntegrationCategory.PROVIDER,
            kind="tmdb",
            url=tmdb.url + "/3",
            secrets={"api_key": TMDB_KEY},
        )
        assert await frontend.handle("/movie omen") is True
    shown = out.getvalue()
    assert "Working on it…" in shown
    assert shown.index("Working on it…") < shown.index("The First Omen (2024)")


async def test_a_quick_answer_comes_without_an_announcement(
    console: tuple[ConsoleFrontend, io.StringIO],
) -> None:
    frontend, out = console
    await frontend.handle("/queue")
    assert "Nothing is downloading" in out.getvalue()
    assert "Working on it" not in out.getvalue()


async def test_notices_for_the_console_person_are_printed_in_the_terminal(
    console: tuple[ConsoleFrontend, io.StringIO],
) -> None:
    frontend, out = console
    person = await console_person()
    await frontend.app.bus.publish(ImportCompleted(0, "Dune", person_id=person.id))
    assert "Dune is ready in the library." in out.getvalue()


async def test_quit_ends_the_talk_and_blank_lines_are_ignored(
    console: tuple[ConsoleFrontend, io.StringIO],
) -> None:
    frontend, out = console
    before = out.getvalue()
    assert await frontend.handle("   ") is True
    assert out.getvalue() == before
    assert await frontend.handle("/quit") is False
