"""Hostile input against the real frontend and conversation: webhook posts without the secret,
strangers, forged and expired taps, and the bot token in logs."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta

import httpx

from bot.i18n import t
from bot.telegram import Webhook
from core.app import Outpost
from core.store.models import AccessRequest, ButtonToken, Identity, MediaRequest, Person, Role
from tests.support.botapi import BotApiServer
from tests.telegram.conftest import CANARY_TOKEN, Captured, Start
from tests.telegram.test_frontend import Scripted


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_refuses_posts_without_the_secret(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start
) -> None:
    talk = Scripted(outpost)
    port = free_port()
    hook = Webhook(f"http://127.0.0.1:{port}/tg/hook", "s3cret-Token_1", "127.0.0.1", port)
    await start_bot(talk, webhook=hook)
    assert botapi.webhook is not None
    assert botapi.webhook["secret_token"] == "s3cret-Token_1"
    forged = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "/help",
              "chat": {"id": 1001, "type": "private"},
              "from": {"id": 1001, "is_bot": False, "first_name": "Eve"},
              "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}  # fmt: skip
    async with httpx.AsyncClient() as client:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            answer = await client.post(hook.url, content=json.dumps(forged), headers=headers)
            assert answer.status_code == 403
    ann = botapi.user(1001)
    botapi.send_text(ann, "/help")  # Telegram's own push carries the secret
    await botapi.until(lambda: botapi.last_message(ann.id))
    assert [s[2] for s in talk.seen] == ["help"]  # only the genuine update ran
    assert [status for _, status in botapi.webhook_deliveries] == [200]


async def test_a_stranger_is_refused_once_and_the_admin_asked(
    botapi: BotApiServer, start_bot: Start, logs: Captured
) -> None:
    admin = await Person.create(name="ada", role=Role.ADMIN)
    await Identity.create(person=admin, platform="telegram", external_id="9001")
    await start_bot()
    ada, eve = botapi.user(9001, "Ada", started=True), botapi.user(6666, "Eve")
    botapi.send_text(eve, "/search dune")
    refusal = await botapi.until(lambda: botapi.last_message(eve.id))
    prompt = await botapi.until(lambda: botapi.last_message(ada.id))
    assert refusal.text == t("access.refused", "en")
    assert "Eve" in (prompt.text or "") and len(prompt.buttons) == 2
    botapi.send_text(eve, "/search dune")
    botapi.send_text(eve, "hello?")
    await botapi.until(lambda: botapi.pending() == 0)
    assert len(botapi.messages(eve.id)) == 1  # no more answers to the stranger
    assert await MediaRequest.all().count() == 0
    assert await AccessRequest.filter(external_id="6666").count() == 1
    assert CANARY_TOKEN not in logs.text()
    assert CANARY_TOKEN.split(":")[1] not in logs.text()


async def test_forged_foreign_and_expired_taps_change_nothing(
    botapi: BotApiServer, start_bot: Start
) -> None:
    admin = await Person.create(name="ada", role=Role.ADMIN)
    await Identity.create(person=admin, platform="telegram", external_id="9001")
    member = await Person.create(name="max", role=Role.MEMBER)
    await Identity.create(person=member, platform="telegram", external_id="9002")
    await start_bot()
    ada, eve = botapi.user(9001, "Ada", started=True), botapi.user(6666, "Eve")
    mallory = botapi.user(9002, "Max", started=True)
    botapi.send_text(eve, "hi")
    prompt = await botapi.until(lambda: botapi.last_message(ada.id))
    approve = prompt.buttons[0]["callback_data"]
    botapi.forge(ada, prompt, "not-a-token-at-all")
    botapi.forge(mallory, prompt, approve)  # someone else's button
    await ButtonToken.filter(token=approve).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    botapi.tap(ada, prompt, approve)  # the admin's own, but expired
    await botapi.until(lambda: len(botapi.callback_answers) == 3)
    assert all(a.get("text") for a in botapi.callback_answers)  # each got a polite alert
    assert botapi.unanswered_queries() == []
    assert (await AccessRequest.get(external_id="6666")).decision is None
    assert not await Identity.filter(external_id="6666").exists()
    assert botapi.message(ada.id, prompt.message_id).text == prompt.text
