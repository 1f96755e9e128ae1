"""Notices through Telegram's port: merged lines are one message, 429 waited out, failures
typed so the notice service retries them, silent when core says so."""

from __future__ import annotations

import asyncio
import json

import pytest
from telegram import Bot

from bot.conversation import Conversation
from bot.i18n import t
from bot.telegram.port import TelegramPort
from core import errors
from core.app import Outpost
from core.events import ImportCompleted
from core.messages import View
from core.recipients import Account
from core.services.notify import Outbox, notice_text, render
from core.store.models import Identity, MediaRequest, Notice, Person
from tests.support.botapi import BotApiServer
from tests.support.localserver import LocalServer, Request, Response
from tests.telegram.conftest import CANARY_TOKEN, Start


def english(key: str, **params: object) -> str:
    return t(key, "en", **params)


async def port(start_bot: Start) -> TelegramPort:
    frontend = await start_bot()
    assert frontend.port is not None
    return frontend.port


async def loud() -> bool:
    return False


async def test_notices_to_one_chat_within_the_window_are_one_message(
    botapi: BotApiServer, start_bot: Start
) -> None:
    outbox = Outbox(await port(start_bot), 0.3, loud)
    ann, bo = botapi.user(1001, started=True), botapi.user(1002, started=True)
    episodes = [{"title": f"Show S01E0{i}", "paths": []} for i in range(1, 5)]
    await asyncio.gather(
        *(
            outbox.send("telegram:1001", notice_text("notice.import_completed", p))
            for p in episodes
        ),
        outbox.send(
            "telegram:1002", notice_text("notice.grab_sent", {"title": "Dune", "client": "qbt"})
        ),
    )
    [merged] = botapi.messages(ann.id)
    expected = [render("notice.import_completed", p, english) for p in episodes]
    assert merged.text == "\n".join(expected)
    assert len(botapi.messages(bo.id)) == 1
    assert not botapi.calls("sendMessage")[0].get("disable_notification")


@pytest.mark.parametrize("silent", [True, False])
async def test_a_silent_view_is_sent_without_a_sound(
    botapi: BotApiServer, start_bot: Start, silent: bool
) -> None:
    send = await port(start_bot)
    botapi.user(1001, started=True)
    line = notice_text("notice.grab_sent", {"title": "Dune", "client": "qbt"})
    await send.send(Account("telegram", "1001"), View((line,), silent=silent))
    assert bool(botapi.calls("sendMessage")[-1].get("disable_notification")) is silent


async def test_a_long_batch_is_split_at_line_ends(botapi: BotApiServer, start_bot: Start) -> None:
    send = await port(start_bot)
    ann = botapi.user(1001, started=True)
    lines = tuple(notice_text("notice.grab_sent", {"title": "x" * 500}) for _ in range(12))
    await send.send(Account("telegram", "1001"), View(lines))
    parts = botapi.messages(ann.id)
    assert len(parts) == 2 and all(len(p.text or "") <= 4096 for p in parts)


async def test_flood_control_is_waited_out(botapi: BotApiServer, start_bot: Start) -> None:
    send = await port(start_bot)
    ann = botapi.user(1001, started=True)
    botapi.flood("sendMessage", retry_after=1, times=2)
    loop = asyncio.get_running_loop()
    began = loop.time()
    line = notice_text("notice.grab_sent", {"title": "Dune", "client": "qbt"})
    await send.send(Account("telegram", "1001"), View((line,)))
    attempts = botapi.calls("sendMessage")
    assert len(attempts) == 3  # two 429s, then delivered
    assert len(botapi.messages(ann.id)) == 1
    assert loop.time() - began >= 2.0  # each retry_after was honoured before the next try


async def test_undeliverable_notices_raise_typed_errors(
    botapi: BotApiServer, start_bot: Start
) -> None:
    send = await port(start_bot)
    ann = botapi.user(1001, started=True)
    botapi.block(ann)
    line = View((notice_text("notice.grab_sent", {"title": "Dune", "client": "q"}),))
    with pytest.raises(errors.AdapterError) as blocked:
        await send.send(Account("telegram", "1001"), line)
    assert not blocked.value.retryable
    botapi.flood("sendMessage", retry_after=1, times=10)  # more than the limiter retries
    botapi.user(1002, started=True)
    with pytest.raises(errors.RateLimited):
        await send.send(Account("telegram", "1002"), line)


async def test_the_notice_service_delivers_through_the_frontend(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start
) -> None:
    await start_bot(coalesce=0.1)
    ann = botapi.user(1001, started=True)
    person = await Person.create(name="ann")
    await Identity.create(person=person, platform="telegram", external_id="1001")
    request = await MediaRequest.create(person=person, kind="movie", title="Sintel")
    await outpost.bus.publish(
        ImportCompleted(grab_id=1, title="Sintel", request_id=request.id, paths=("/m/S.mkv",))
    )
    [told] = botapi.messages(ann.id)
    assert told.text == english("notice.import_completed", title="Sintel", paths=["/m/S.mkv"])
    assert (await Notice.get(chat="telegram:1001")).delivered_at is not None


def bad_gateway(request: Request) -> Response:
    """A Bot API behind a broken proxy: it knows the bot, but every message fails with 502."""
    if request.path.endswith("/getMe"):
        me = {"id": 7351246890, "is_bot": True, "first_name": "Outpost", "username": "o_bot"}
        return Response(200, json.dumps({"ok": True, "result": me}))
    return Response(502, '{"ok": false, "error_code": 502, "description": "Bad Gateway"}')


async def test_a_notice_waits_while_telegram_is_unreachable(outpost: Outpost) -> None:
    """The Bot API answers 502: the notice is released for a later retry, not given up."""
    person = await Person.create(name="ann")
    await Identity.create(person=person, platform="telegram", external_id="1001")
    request = await MediaRequest.create(person=person, kind="movie", title="Sintel")
    with LocalServer(bad_gateway) as server:
        async with Bot(CANARY_TOKEN, base_url=server.url + "/bot") as bot:
            outpost.add_frontend(TelegramPort(bot, Conversation(outpost).language), window=0.05)
            await outpost.bus.publish(
                ImportCompleted(grab_id=1, title="Sintel", request_id=request.id)
            )
    assert any(r.path.endswith("/sendMessage") for r in server.requests)
    notice = await Notice.get(chat="telegram:1001")
    assert notice.delivered_at is None
    assert notice.attempts == 1


async def test_the_port_sends_edits_deletes_and_answers_taps(botapi: BotApiServer) -> None:
    """The Frontend port's members against the Bot API, with no frontend service running."""
    from core.messages import Button, Text

    ann = botapi.user(1001, started=True)
    async with Bot(CANARY_TOKEN, base_url=botapi.base_url) as bot:

        async def german(address: str) -> str:
            return "de"

        port = TelegramPort(bot, german)
        to = Account("telegram", "1001")
        view = View((Text("error.generic"),), ((Button(Text("button.approve"), "tok1"),),))
        message_id = await port.send(to, view)
        sent = botapi.message(ann.id, int(message_id))
        assert sent.text == t("error.generic", "de")
        botapi.tap(ann, sent, "tok1")
        [query] = botapi.unanswered_queries()
        await port.answer(str(query["id"]), Text("tap.expired"), lang="de")
        [answered] = botapi.callback_answers
        assert answered["text"] == t("tap.expired", "de") and answered["show_alert"]
        await port.edit(to, message_id, View((Text("error.not_found"),)))
        assert botapi.message(ann.id, int(message_id)).text == t("error.not_found", "de")
        await port.delete(to, message_id)
        assert botapi.message(ann.id, int(message_id)).deleted
        with pytest.raises(errors.AdapterError):
            await port.delete(to, message_id)  # gone already: a typed error, not Telegram's
