"""The real PTB Application against a local Bot API server, with a scripted conversation: what
the frontend sends, edits, answers and deletes, and what it never does."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from bot.conversation import Conversation
from bot.i18n import t
from bot.views import Button, Reply, Sender, TapAnswer, Text, View
from core.app import Outpost
from core.events import DownloadStalled
from core.store.models import ChatCard, MediaRequest
from tests.support.botapi import BotApiServer
from tests.telegram.conftest import CANARY_TOKEN, Captured, Start


class Scripted(Conversation):
    """Answers each call with what the test put in `answers`; records who asked what."""

    def __init__(self, app: Outpost) -> None:
        super().__init__(app)
        self.seen: list[tuple[str, Sender, str]] = []
        self.answers: dict[str, Callable[[str], list[Reply] | TapAnswer]] = {}
        self.cards: dict[int, View] = {}
        self.delay = 0.0

    async def command(self, sender: Sender, name: str, args: str) -> list[Reply]:
        self.seen.append(("command", sender, f"{name} {args}".strip()))
        await asyncio.sleep(self.delay)
        answer = self.answers.get(name, lambda a: [Reply(View((Text("help.header"),)))])(args)
        assert isinstance(answer, list)
        return answer

    async def message(self, sender: Sender, text: str) -> list[Reply]:
        self.seen.append(("message", sender, text))
        answer = self.answers["message"](text)
        assert isinstance(answer, list)
        return answer

    async def tap(self, sender: Sender, token: str, sent_at: object = None) -> TapAnswer:
        self.seen.append(("tap", sender, token))
        await asyncio.sleep(self.delay)
        answer = self.answers["tap"](token)
        assert isinstance(answer, TapAnswer)
        return answer

    async def card(self, request_id: int) -> View | None:
        return self.cards.get(request_id)

    async def language(self, chat: str) -> str:
        return "de" if chat.endswith("2002") else "en"

    async def language_of(self, sender: Sender) -> str:
        return await self.language(sender.chat)


def results_view(title: str) -> View:
    grab = Button(Text("button.grab_best"), "tokGrab")
    choose = Button(Text("button.choose"), "tokChoose")
    return View((Text("error.internal", {"incident": title}),), ((grab, choose),), photo=None)


async def test_command_reaches_the_conversation_and_renders_plain_text(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start
) -> None:
    talk = Scripted(outpost)
    hostile = "<b>Dune</b> [x](tg://user?id=1) @everyone"
    talk.answers["search"] = lambda args: [Reply(results_view(hostile))]
    await start_bot(talk)
    ann = botapi.user(1001, "Ann", "en")
    botapi.send_text(ann, "/search dune part two")
    shown = await botapi.until(lambda: botapi.last_message(ann.id))
    kind, sender, text = talk.seen[0]
    assert (kind, text) == ("command", "search dune part two")
    assert (sender.user_id, sender.chat_id, sender.private) == ("1001", "1001", True)
    assert (sender.language, sender.name, sender.chat) == ("en", "Ann", "telegram:1001")
    assert shown.text == t("error.internal", "en", incident=hostile)
    assert shown.entities == []  # plain text: the title's markup stays characters
    assert [b["callback_data"] for b in shown.buttons] == ["tokGrab", "tokChoose"]
    assert all("parse_mode" not in c for c in botapi.calls("sendMessage"))
    assert botapi.calls("getUpdates")[0].get("timeout") is not None
    assert botapi.calls("deleteWebhook")[0]["drop_pending_updates"] is True
    assert {c.get("language_code") for c in botapi.calls("setMyCommands")} >= {None, "de"}


async def test_a_tap_is_answered_with_its_alert_then_edits_the_message(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start
) -> None:
    talk = Scripted(outpost)
    talk.answers["search"] = lambda args: [Reply(results_view("Dune"))]
    edited = View((Text("error.not_found"),))
    talk.answers["tap"] = lambda token: TapAnswer(
        alert=Text("error.conflict"), replies=(Reply(edited, edit=True),)
    )
    await start_bot(talk)
    ann = botapi.user(1001)
    botapi.send_text(ann, "/search dune")
    shown = await botapi.until(lambda: botapi.last_message(ann.id))
    botapi.tap(ann, shown, "tokChoose")
    await botapi.until(lambda: botapi.message(ann.id, shown.message_id).text != shown.text)
    assert talk.seen[-1][2] == "tokChoose"
    answers = botapi.callback_answers
    assert len(answers) == 1
    assert answers[0]["text"] == t("error.conflict", "en")
    assert answers[0]["show_alert"] is True
    now = botapi.message(ann.id, shown.message_id)
    assert now.text == t("error.not_found", "en")
    assert now.buttons == []
    assert len(botapi.messages(ann.id)) == 1  # edited in place, nothing new sent


async def test_a_slow_tap_is_answered_at_once_and_its_alert_follows(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start
) -> None:
    talk = Scripted(outpost)
    talk.answers["search"] = lambda args: [Reply(results_view("Dune"))]
    talk.answers["tap"] = lambda token: TapAnswer(alert=Text("error.conflict"))
    frontend = await start_bot(talk)
    assert frontend.handlers is not None
    frontend.handlers.patience = 0.05
    ann = botapi.user(1001)
    botapi.send_text(ann, "/search dune")
    await botapi.until(lambda: botapi.last_message(ann.id))
    talk.delay = 1.0
    botapi.tap(ann, botapi.messages(ann.id)[0], "tokGrab")
    await botapi.until(lambda: botapi.callback_answers)
    assert botapi.messages(ann.id)[-1].text != t("error.conflict", "en")  # not yet decided
    assert not botapi.callback_answers[0].get("text")
    follow_up = await botapi.until(
        lambda: [m for m in botapi.messages(ann.id) if m.text == t("error.conflict", "en")]
    )
    assert len(follow_up) == 1


async def test_slow_work_shows_working_then_is_replaced(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start
) -> None:
    talk = Scripted(outpost)
    talk.delay = 1.0
    talk.answers["search"] = lambda args: [Reply(results_view("Dune"))]
    frontend = await start_bot(talk)
    assert frontend.handlers is not None
    frontend.handlers.patience = 0.1
    ann = botapi.user(1001)
    botapi.send_text(ann, "/search dune")
    first = await botapi.until(lambda: botapi.last_message(ann.id))
    assert first.text == t("telegram.working", "en")
    await botapi.until(lambda: botapi.message(ann.id, first.message_id).buttons)
    final = botapi.messages(ann.id)
    assert len(final) == 1  # the placeholder became the answer
    assert final[0].text == t("error.internal", "en", incident="Dune")


async def test_replies_to_other_chats_photos_and_deleted_secrets(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start
) -> None:
    talk = Scripted(outpost)
    poster = View(
        (Text("error.internal", {"incident": "x" * 2000}),), photo="https://img.example/p.jpg"
    )
    talk.answers["message"] = lambda text: [
        Reply(View((Text("error.generic"),)), delete_trigger=True),
        Reply(View((Text("error.not_found"),)), chat="telegram:2002"),
        Reply(poster),
    ]
    await start_bot(talk)
    ann, admin = botapi.user(1001), botapi.user(2002, "Bo", "de", started=True)
    botapi.send_text(ann, "my api key is 1234567890abcdef")
    await botapi.until(lambda: len(botapi.messages(ann.id)) == 2)
    mine = botapi.messages(ann.id, incoming=True)
    assert mine[0].deleted  # the message holding the secret is gone
    assert botapi.messages(admin.id)[0].text == t("error.not_found", "de")
    photo = botapi.messages(ann.id)[-1]
    assert photo.photo == "https://img.example/p.jpg"
    assert photo.caption is not None and len(photo.caption) == 1024


async def test_a_failing_handler_tells_an_incident_id_and_logs_the_rest(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start, logs: Captured
) -> None:
    talk = Scripted(outpost)

    def explode(args: str) -> list[Reply]:
        raise RuntimeError(f"database exploded near {CANARY_TOKEN}")

    talk.answers["search"] = explode
    await start_bot(talk)
    bo = botapi.user(2002, "Bo", "de")
    botapi.send_text(bo, "/search dune")
    told = await botapi.until(lambda: botapi.last_message(bo.id))
    assert told.text is not None and "exploded" not in told.text
    incident = re.findall(r"[0-9a-f]{8}", told.text)[0]
    assert told.text == t("error.internal", "de", incident=incident)
    assert f"incident {incident}" in logs.text()
    assert "database exploded" in logs.text()  # the details are in the log, redacted
    assert CANARY_TOKEN not in logs.text()
    assert CANARY_TOKEN.split(":")[1] not in logs.text()


async def test_cards_are_recorded_and_edited_when_their_request_moves(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start
) -> None:
    request = await MediaRequest.create(kind="movie", title="Sintel")
    talk = Scripted(outpost)
    talk.cards[request.id] = View((Text("error.generic"),), card=request.id)
    talk.answers["search"] = lambda args: [Reply(talk.cards[request.id])]
    await start_bot(talk)
    ann = botapi.user(1001)
    botapi.send_text(ann, "/search sintel")
    shown = await botapi.until(lambda: botapi.last_message(ann.id))
    for _ in range(200):  # recorded just after the message was sent
        card = await ChatCard.get_or_none(request_id=request.id)
        if card is not None:
            break
        await asyncio.sleep(0.02)
    assert card is not None
    assert (card.chat, card.message_id) == ("telegram:1001", str(shown.message_id))
    talk.cards[request.id] = View((Text("error.not_found"),), card=request.id)
    await outpost.bus.publish(DownloadStalled(grab_id=1, title="Sintel", request_id=request.id))
    assert botapi.message(ann.id, shown.message_id).text == t("error.not_found", "en")
    edits = len(botapi.calls("editMessageText"))
    await outpost.bus.publish(DownloadStalled(grab_id=1, title="Sintel", request_id=request.id))
    assert len(botapi.calls("editMessageText")) == edits  # unchanged: no edit sent


async def test_edited_messages_channel_posts_and_other_bots_commands_run_nothing(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start
) -> None:
    talk = Scripted(outpost)
    await start_bot(talk)
    ann = botapi.user(1001)
    group = botapi.group()
    botapi.send_text(ann, "/search@SomeOtherBot dune", group)
    botapi.send_text(ann, "/help")
    await botapi.until(lambda: botapi.last_message(ann.id))
    assert [s[2] for s in talk.seen] == ["help"]


async def test_start_drops_buttons_that_expired_while_the_service_was_down(
    outpost: Outpost, start_bot: Start
) -> None:
    from datetime import UTC, datetime, timedelta

    from core.store.models import ButtonToken

    now = datetime.now(UTC)
    await ButtonToken.create(
        token="old", chat="telegram:1", action="grab", expires_at=now - timedelta(minutes=1)
    )
    await ButtonToken.create(
        token="fresh", chat="telegram:1", action="grab", expires_at=now + timedelta(minutes=10)
    )
    await start_bot()
    assert await ButtonToken.all().values_list("token", flat=True) == ["fresh"]


async def test_private_input_is_read_from_the_next_messages_and_each_deleted(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start
) -> None:
    from bot.views import Ask, Field

    fields = (Field("user", Text("error.generic"), secret=False), Field("key", Text("help.header")))
    talk = Scripted(outpost)
    answered: list[tuple[Sender, str, dict[str, str]]] = []

    async def private_answer(sender: Sender, token: str, values: dict[str, str]) -> list[Reply]:
        answered.append((sender, token, dict(values)))
        return [Reply(View((Text("error.not_found"),)))]

    talk.private_answer = private_answer  # type: ignore[method-assign]
    talk.answers["addindexer"] = lambda args: [
        Reply(View((Text("start.next"),)), ask=Ask("tok123", fields))
    ]
    talk.answers["message"] = lambda text: [Reply(View((Text("message.hint"),)))]
    await start_bot(talk)
    ann = botapi.user(1001)
    botapi.send_text(ann, "/addindexer")
    await botapi.until(lambda: len(botapi.messages(ann.id)) == 1)
    assert botapi.messages(ann.id)[0].text == "\n".join(
        [t("start.next", "en"), t("error.generic", "en")]
    )
    botapi.send_text(ann, "ada")
    await botapi.until(lambda: len(botapi.messages(ann.id)) == 2)
    assert botapi.messages(ann.id)[1].text == t("help.header", "en")
    botapi.send_text(ann, "s3cret-key")
    await botapi.until(lambda: len(botapi.messages(ann.id)) == 3)
    assert botapi.messages(ann.id)[2].text == t("error.not_found", "en")
    [(sender, token, values)] = answered
    assert (sender.user_id, token, values) == (
        "1001",
        "tok123",
        {"user": "ada", "key": "s3cret-key"},
    )
    people = [m for m in botapi.messages(ann.id, incoming=True) if not m.from_bot]
    assert [m.text for m in people] == ["/addindexer", "ada", "s3cret-key"]
    assert [m.deleted for m in people] == [False, True, True]
    botapi.send_text(ann, "hello")  # asking is over: a plain message again
    await botapi.until(lambda: len(botapi.messages(ann.id)) == 4)
    assert [s[0] for s in talk.seen][-1] == "message"
