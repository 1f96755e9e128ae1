"""The console frontend in process, on an open Outpost: slow answers are announced, notices
for the console person reach the terminal (not the log) in words, a status card is printed
again only when it changed, and /quit ends the talk."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from bot.console import ConsoleFrontend
from bot.conversation import Conversation
from bot.views import Reply, View
from core.app import Outpost
from core.events import ImportCompleted
from core.recipients import CONSOLE, Account
from core.services.notify import notice_text
from core.services.requests import console_person, record_request
from core.store.integrations import add_integration
from core.store.models import IntegrationCategory, MediaRequest, RequestStatus
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


async def test_a_card_is_printed_again_only_when_its_view_changed(
    console: tuple[ConsoleFrontend, io.StringIO],
) -> None:
    frontend, out = console
    person = await console_person()
    request = await record_request(person.id, {"kind": "movie", "title": "Dune", "year": 2021})
    card = await frontend.conversation.card(request.id)
    assert card is not None
    await frontend.show([Reply(card)])  # printed with the answer to a grab
    assert out.getvalue().count("Dune (2021)") == 1
    assert await frontend.cards.refresh(request.id) == 0  # nothing changed: nothing printed
    await MediaRequest.filter(id=request.id).update(status=RequestStatus.FAILED)
    assert await frontend.cards.refresh(request.id) == 1
    assert out.getvalue().count("Dune (2021)") == 2
    await frontend.app.bus.publish(ImportCompleted(0, "Dune", request_id=request.id))
    assert out.getvalue().count("Dune (2021)") == 2  # an event, but the card reads the same


async def test_a_notice_is_printed_in_the_persons_words(
    console: tuple[ConsoleFrontend, io.StringIO],
) -> None:
    frontend, out = console
    frontend.lang = "de"
    failed = notice_text("notice.download_failed", {"title": "Dune", "reason": "failure.stalled"})
    await frontend.send(Account(CONSOLE, CONSOLE), View((failed,)))
    assert out.getvalue().strip().splitlines()[-1] == (
        "Dune ist fehlgeschlagen: es kam nicht voran."
    )
