"""The local Bot API server, driven by the real python-telegram-bot `Bot` and `Application`."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.support.botapi import ApiError, BotApiServer, parse_html
from tests.support.localserver import LocalServer, Request, Response

App = Application[Any, Any, Any, Any, Any, Any]
KEYS = InlineKeyboardMarkup([[InlineKeyboardButton("Grab", callback_data="tok-grab")]])


@pytest.fixture
def api() -> Iterator[BotApiServer]:
    with BotApiServer(max_poll=1.0) as server:
        yield server


@pytest_asyncio.fixture(loop_scope="function")
async def bot(api: BotApiServer) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url) as client:
        yield client


@contextlib.asynccontextmanager
async def polling(app: App) -> AsyncIterator[App]:
    """Run a real Application with long polling for the body of the `async with`."""
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.05, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


def build(api: BotApiServer) -> App:
    return ApplicationBuilder().token(api.token).base_url(api.base_url).build()


async def test_get_me_answers_the_bot_user(bot: Bot, api: BotApiServer) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "outpost_test_bot", True)
    assert len(api.calls("getMe")) == 2  # once by `async with Bot` (initialize), once here


async def test_start_reaches_a_command_handler_and_the_reply_is_recorded(
    api: BotApiServer,
) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_user is not None and update.effective_message is not None
        name = update.effective_user.first_name
        await update.effective_message.reply_text(f"Hello {name}", reply_markup=KEYS)

    app = build(api)
    app.add_handler(CommandHandler("start", start))
    ann = api.user(1001, "Ann")
    group = api.group()
    async with polling(app):
        api.send_text(ann, "/start")
        reply = await api.until(lambda: api.last_message(ann.id))
        api.send_text(ann, "/start@outpost_test_bot", group)  # the group form of a command
        in_group = await api.until(lambda: api.last_message(group.id))
    assert (reply.text, reply.from_bot, reply.button_texts) == ("Hello Ann", True, ["Grab"])
    assert reply.message_id == 2  # the person's /start was message 1 of the chat
    assert [m.text for m in api.messages(ann.id, incoming=True)] == ["/start", "Hello Ann"]
    assert in_group.text == "Hello Ann" and in_group.chat["type"] == "supergroup"
    assert api.pending() == 0  # PTB confirmed both updates with its offset


async def test_a_tap_reaches_the_callback_handler_and_its_answer_is_recorded(
    api: BotApiServer,
) -> None:
    async def grab(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"got {query.data}")
        await query.edit_message_text("Grabbed")

    app = build(api)
    app.add_handler(CallbackQueryHandler(grab))
    ann = api.user(1001, "Ann", started=True)
    async with polling(app):
        card = await app.bot.send_message(ann.id, "Dune (2021)", reply_markup=KEYS)
        api.tap(ann, api.message(ann.id, card.message_id), "Grab")
        await api.until(lambda: api.message(ann.id, card.message_id).text == "Grabbed")
    (answer,) = api.callback_answers
    assert (answer["text"], answer["user_id"], answer["data"]) == (
        "got tok-grab",
        ann.id,
        "tok-grab",
    )
    after = api.message(ann.id, card.message_id)
    assert [state["text"] for state in after.history] == ["Dune (2021)", "Grabbed"]
    assert after.reply_markup is None  # an edit without reply_markup drops the keyboard
    assert api.unanswered_queries() == []
    with pytest.raises(LookupError):
        api.tap(ann, after, "Grab")  # no button left to tap


async def test_editing_to_the_same_content_is_not_modified(bot: Bot, api: BotApiServer) -> None:
    ann = api.user(1001, started=True)
    sent = await bot.send_message(ann.id, "searching…", reply_markup=KEYS)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("searching…", ann.id, sent.message_id, reply_markup=KEYS)
    await bot.edit_message_text("searching…", ann.id, sent.message_id)  # keyboard removed
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(ann.id, sent.message_id)
    await bot.edit_message_text("grabbed", ann.id, sent.message_id)
    history = [(s["text"], s["reply_markup"] is not None) for s in api.messages(ann.id)[0].history]
    assert history == [("searching…", True), ("searching…", False), ("grabbed", False)]
    assert len(api.calls("editMessageText")) == 3
    assert len(api.calls("editMessageText", ok_only=True)) == 2


async def test_flood_control_is_seen_as_retry_after(bot: Bot, api: BotApiServer) -> None:
    ann = api.user(1001, started=True)
    api.flood("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ann.id, "hi")
    assert caught.value.retry_after == timedelta(seconds=7)  # PTB_TIMEDELTA is set by conftest
    await bot.send_message(ann.id, "hi")  # only the next call was flooded
    assert [m.text for m in api.messages(ann.id)] == ["hi"]


@pytest.mark.parametrize("token", ["123456:WRONG-token", "not-a-token"])
async def test_a_wrong_token_is_an_invalid_token(api: BotApiServer, token: str) -> None:
    with pytest.raises(InvalidToken):
        async with Bot(token, base_url=api.base_url):  # initialize() asks getMe
            pass
    assert api.log == []  # nothing reached the methods


async def test_unknown_methods_are_not_found(bot: Bot, api: BotApiServer) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendHologram", api_kwargs={"chat_id": 1})
    assert [(c.method, c.status) for c in api.log[-1:]] == [("sendHologram", 404)]


async def test_send_photo_by_url_records_caption_markup_and_entities(
    bot: Bot, api: BotApiServer
) -> None:
    ann = api.user(1001, started=True)
    url = "https://image.tmdb.org/t/p/w500/dune.jpg"
    caption = "<b>Dune</b> (2021) &amp; more"
    sent = await bot.send_photo(ann.id, url, caption, parse_mode=ParseMode.HTML, reply_markup=KEYS)
    (recorded,) = api.messages(ann.id)
    assert (recorded.photo, recorded.caption, recorded.raw) == (url, "Dune (2021) & more", caption)
    assert recorded.entities == [{"type": "bold", "offset": 0, "length": 4}]
    assert recorded.button_texts == ["Grab"] and sent.reply_markup == KEYS
    assert sent.photo and sent.caption == "Dune (2021) & more"
    await bot.edit_message_caption(ann.id, sent.message_id, caption="Grabbed")
    with pytest.raises(BadRequest, match=r"(?i)no text in the message"):
        await bot.edit_message_text("x", ann.id, sent.message_id)
    again = await bot.send_photo(ann.id, sent.photo[-1].file_id)  # a file_id is reusable
    assert api.message(ann.id, again.message_id).photo == sent.photo[-1].file_id


async def test_send_photo_upload_keeps_the_bytes(bot: Bot, api: BotApiServer) -> None:
    ann = api.user(1001, started=True)
    await bot.send_photo(ann.id, b"\x89PNG fake poster", filename="poster.png")
    (recorded,) = api.messages(ann.id)
    assert (recorded.photo, recorded.photo_bytes) == ("upload:poster.png", b"\x89PNG fake poster")


async def test_photo_urls_are_fetched_when_asked() -> None:
    def posters(request: Request) -> Response:
        kind = "image/jpeg" if request.path.endswith(".jpg") else "text/html"
        return Response(200, b"\xff\xd8 poster", {"Content-Type": kind})

    with BotApiServer(fetch_photos=True) as fetching, LocalServer(posters) as images:
        ann = fetching.user(1001, started=True)
        async with Bot(fetching.token, base_url=fetching.base_url) as client:
            await client.send_photo(ann.id, images.url + "/dune.jpg", disable_notification=True)
            with pytest.raises(BadRequest, match=r"(?i)wrong type of the web page content"):
                await client.send_photo(ann.id, images.url + "/login.html")
        (recorded,) = fetching.messages(ann.id)
    assert (recorded.photo_bytes, recorded.disable_notification) == (b"\xff\xd8 poster", True)


async def test_long_poll_holds_until_an_update_arrives(bot: Bot, api: BotApiServer) -> None:
    ann = api.user(1001)
    poll = asyncio.create_task(bot.get_updates(timeout=30))  # capped by max_poll on the server
    await api.until(lambda: api.calls("getUpdates"))
    assert not poll.done()
    queued = api.send_text(ann, "/search dune")
    (update,) = await poll
    assert update.update_id == queued["update_id"]
    assert update.message is not None and update.message.text == "/search dune"
    assert update.message.entities[0].type == "bot_command"
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert api.pending() == 0


async def test_allowed_updates_drop_other_kinds(bot: Bot, api: BotApiServer) -> None:
    ann = api.user(1001, started=True)
    card = await bot.send_message(ann.id, "card", reply_markup=KEYS)
    api.tap(ann, api.message(ann.id, card.message_id), "tok-grab")
    api.send_text(ann, "hello")
    updates = await bot.get_updates(allowed_updates=["message"], timeout=0)
    assert [u.message.text for u in updates if u.message] == ["hello"] and len(updates) == 1


async def test_a_second_poller_ends_the_first_with_conflict(bot: Bot, api: BotApiServer) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await api.until(lambda: api.calls("getUpdates"))
    async with Bot(api.token, base_url=api.base_url) as other:  # a second instance of the bot
        second = asyncio.create_task(other.get_updates(timeout=0))
        with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
            await first
        assert await second == ()


async def test_chats_closed_until_the_person_writes(bot: Bot, api: BotApiServer) -> None:
    ann = api.user(1001)
    with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
        await bot.send_message(ann.id, "hello")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(4242, "hello")
    api.send_text(ann, "/start")
    await bot.send_message(ann.id, "hello")
    api.block(ann)
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.send_message(ann.id, "hello")


async def test_telegram_limits_are_enforced(bot: Bot, api: BotApiServer) -> None:
    ann = api.user(1001, started=True)
    long_data = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ann.id, "x", reply_markup=long_data)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ann.id, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(ann.id, "<b>Dune", parse_mode=ParseMode.HTML)
    assert api.messages(ann.id) == []


async def test_callback_answers_once_and_deletes_once(bot: Bot, api: BotApiServer) -> None:
    ann = api.user(1001)
    secret = api.send_text(ann, "/indexer add https://x.example apikey=SECRET")["message"]
    card = await bot.send_message(ann.id, "card", reply_markup=KEYS)
    query = api.tap(ann, api.message(ann.id, card.message_id), "Grab")["callback_query"]
    assert await bot.answer_callback_query(query["id"], "working", show_alert=True)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query["id"])
    assert api.callback_answers[0]["show_alert"] is True
    assert await bot.delete_message(ann.id, secret["message_id"])  # the person's own message
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(ann.id, secret["message_id"])
    assert api.message(ann.id, secret["message_id"]).deleted


async def test_commands_chat_actions_and_chats(bot: Bot, api: BotApiServer) -> None:
    ann = api.user(1001, started=True)
    await bot.set_my_commands([("search", "Search"), ("queue", "Queue")], language_code="de")
    assert [c.command for c in await bot.get_my_commands(language_code="de")] == [
        "search",
        "queue",
    ]
    assert await bot.get_my_commands() == ()
    assert [c["command"] for c in api.commands(language_code="de")] == ["search", "queue"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Bad-Name", "x")])
    assert await bot.send_chat_action(ann.id, "typing")
    chat = await bot.get_chat(ann.id)
    assert (chat.id, chat.type, chat.first_name) == (ann.id, "private", "Ann")


async def test_webhook_pushes_updates_with_the_secret_token(bot: Bot, api: BotApiServer) -> None:
    received: list[Request] = []

    def hook(request: Request) -> Response:
        received.append(request)
        return Response(200 if len(received) > 1 else 500)  # Telegram retries until 2xx

    with LocalServer(hook) as receiver:
        await bot.set_webhook(receiver.url + "/hook", secret_token="s3cret")
        with pytest.raises(Conflict, match=r"(?i)webhook is active"):
            await bot.get_updates()
        queued = api.send_text(api.user(1001), "/start")
        await api.until(lambda: len(received) == 2)
        assert await bot.delete_webhook()
    assert json.loads(received[1].body) == queued
    assert received[1].headers["x-telegram-bot-api-secret-token"] == "s3cret"
    assert [status for _, status in api.webhook_deliveries] == [500, 200]


@pytest.mark.parametrize(
    ("html", "plain", "entities"),
    [
        ("plain", "plain", []),
        ("<b>bold</b> and <i>it</i>", "bold and it", [("bold", 0, 4), ("italic", 9, 2)]),
        ('<a href="https://x.example">x</a>', "x", [("text_link", 0, 1)]),
        ("&lt;tag&gt; &#65;&#x42; &quot;", '<tag> AB "', []),
        ("🎬 <b>Dune</b>", "🎬 Dune", [("bold", 3, 4)]),  # offsets count UTF-16 units
        ("<b><i>x</i></b>", "x", [("bold", 0, 1), ("italic", 0, 1)]),
    ],
)
def test_html_parse_mode(html: str, plain: str, entities: list[tuple[str, int, int]]) -> None:
    text, found = parse_html(html)
    assert text == plain
    assert [(e["type"], e["offset"], e["length"]) for e in found] == entities


@pytest.mark.parametrize("html", ["<b>x", "<b>x</i>", "<script>x</script>", "a < b", "x</b>"])
def test_html_parse_mode_refuses_what_telegram_refuses(html: str) -> None:
    with pytest.raises(ApiError, match=r"^Bad Request: can't parse entities"):
        parse_html(html)
