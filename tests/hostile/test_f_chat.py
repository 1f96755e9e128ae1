"""§3 F, rows 49–59: chat input. Driven through the real conversation layer (the one every
frontend calls, with the authenticated `Sender` a frontend builds from its envelope) on a real
store, and through the Telegram and Discord renderers for what leaves the process."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio

from bot.conversation import Conversation, tokens
from bot.discord import render as discord_render
from bot.telegram import render as telegram_render
from bot.views import Reply
from core.app import Outpost
from core.messages import Button, Text, View
from core.services.household import Household
from core.services.throttle import Throttle
from core.store.models import ButtonToken, Person, Role, Subscription
from tests.conversation.conftest import ADMIN, MEMBER, STRANGER, World, in_group, keys

# One household for the module (an Outpost start costs seconds on a loaded machine); the tests
# compare state before and after, so what earlier ones left does not matter. They run on the
# module's loop, where the store was opened.
shared_loop = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    names = ("OUTPOST_SECRET_KEY", "OUTPOST_DATABASE_URL", "OUTPOST_DATA_DIR")
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    try:
        async with Outpost(tmp_path_factory.mktemp("hostile-chat") / "data") as app:
            ada = await Household().add_person("Ada", Role.ADMIN, {"telegram": ADMIN.user_id}, "en")
            max_ = await Household().add_person(
                "Max", Role.MEMBER, {"telegram": MEMBER.user_id}, "de"
            )
            admin, member = await Person.get(id=ada.id), await Person.get(id=max_.id)
            # The module's rows tap and command many times over: only row 54 meets the limit.
            app.throttle = Throttle(burst=10**6, per_minute=10**6)
            yield World(app, Conversation(app), admin, member)
    finally:
        os.environ.update(saved)


MEDIA = {"provider": "tmdb", "id": "437342", "title": "The First Omen"}


async def snapshot() -> list[tuple[Any, ...]]:
    rows = await ButtonToken.all().order_by("token")
    subs = await Subscription.all().order_by("id")
    return [(r.token, r.person_id, r.chat, r.used_at) for r in rows] + [  # type: ignore[attr-defined]
        (s.chat, s.media_key) for s in subs
    ]


@pytest.mark.parametrize("forged", ["", "x" * 65, "é" * 40, "../x", "' OR 1=1 --", "A" * 16])
@shared_loop
async def test_row_49_forged_callback_data_changes_nothing(world: World, forged: str) -> None:
    await tokens.issue(world.admin, ADMIN.chat, "follow", {"media": MEDIA})
    before = await snapshot()
    answer = await world.conv.tap(ADMIN, forged)
    assert answer.alert is not None and answer.replies == ()
    assert await snapshot() == before


@shared_loop
async def test_row_49_another_persons_button_changes_nothing(world: World) -> None:
    token = await tokens.issue(world.admin, ADMIN.chat, "follow", {"media": MEDIA})
    before = await snapshot()
    for sender in (MEMBER, in_group(ADMIN), STRANGER):
        answer = await world.conv.tap(sender, token)
        assert answer.alert is not None and answer.replies == ()
    assert await snapshot() == before


@shared_loop
async def test_row_50_a_replayed_or_expired_button_is_refused(world: World) -> None:
    once = await tokens.issue(world.admin, ADMIN.chat, "remove", {"grab": 999})
    assert (await world.conv.tap(ADMIN, once)).alert is None
    before = await snapshot()
    replay = await world.conv.tap(ADMIN, once)
    assert replay.alert is not None and replay.alert.key == "tap.used"
    old = await tokens.issue(world.admin, ADMIN.chat, "follow", {"media": MEDIA})
    await ButtonToken.filter(token=old).update(expires_at=tokens.now() - timedelta(seconds=1))
    before = await snapshot()
    expired = await world.conv.tap(ADMIN, old)
    assert expired.alert is not None and expired.alert.key == "tap.expired"
    assert await snapshot() == before


@shared_loop
async def test_row_51_a_stranger_gets_no_action_and_at_most_one_reply(world: World) -> None:
    before = await snapshot()

    def to_stranger(replies: list[Reply]) -> list[Reply]:  # the admins' approval prompt aside
        return [r for r in replies if r.chat in (None, f"telegram:{STRANGER.chat_id}")]

    first = to_stranger(await world.conv.command(STRANGER, "queue", ""))
    later = [to_stranger(await world.conv.command(STRANGER, "search", "dune")) for _ in range(5)]
    assert keys(first) == ["access.refused"]
    assert sum(len(r) for r in later) <= 1  # not one refusal per message
    new = [row for row in await snapshot() if row not in before]
    # the only state made: the admins' one Approve/Decline prompt, in the admin's chat
    assert new and all(row[2] == f"telegram:{ADMIN.chat_id}" for row in new) and len(new) <= 2


@shared_loop
async def test_row_52_an_admin_in_an_unknown_group_is_not_served(world: World) -> None:
    private = keys(await world.conv.command(ADMIN, "queue", ""))
    grouped = keys(await world.conv.command(in_group(ADMIN), "queue", ""))
    assert private and grouped != private


def test_row_52_leaving_unknown_groups() -> None:
    pytest.skip(
        "issue 12 item 6 (leave unknown groups): a Telegram frontend behaviour, needs the fake "
        "Bot API of tests/telegram; not in this suite yet"
    )


def test_row_53_discord_foreign_guilds() -> None:
    pytest.skip(
        "not in this suite yet: needs the fake Discord gateway; shown by "
        "tests/discord/test_frontend.py (foreign guild command, forged custom_id, leaving guilds)"
    )


@shared_loop
async def test_row_54_a_command_flood_is_slowed_down(world: World) -> None:
    world.app.throttle = Throttle()  # the household's default limits, for this row alone
    conv = Conversation(world.app)
    answered = 0
    for _ in range(100):
        answered += bool(await conv.command(MEMBER, "queue", ""))
    assert answered < 100  # "slow down" once, then silence until the bucket refills


def test_row_55_notification_storm() -> None:
    pytest.skip(
        "not in this suite yet: outbound 429s need the fake Bot API (tests/notify and "
        "tests/telegram cover RetryAfter)"
    )


HOSTILE_TITLE = '<a href="tg://user?id=1">x</a> [x](tg://user?id=1) @everyone ```||spoiler||'


def _view(title: str) -> View:
    return View(lines=(Text("error.already_grabbed", {"title": title, "client": "qbt"}),))


def test_row_56_markup_in_titles_is_inert() -> None:
    sent = telegram_render.text_of(_view(HOSTILE_TITLE), "en")
    assert HOSTILE_TITLE in sent  # Telegram text goes without parse_mode: plain text
    message = discord_render.message_of(_view(HOSTILE_TITLE), "en")
    mentions = message["allowed_mentions"]
    assert not mentions.everyone and not mentions.users and not mentions.roles
    assert "\\`\\`\\`" in message["content"] and "\\|\\|" in message["content"]


def test_row_56_telegram_never_sets_a_parse_mode() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "bot" / "telegram"
    assert not any("parse_mode" in p.read_text() for p in root.glob("*.py"))


def test_row_56_bidi_and_invisible_characters_never_reach_chat() -> None:
    title = "Movie\u202ekvm.exe\u200b"
    for sent in (
        telegram_render.text_of(_view(title), "en"),
        discord_render.message_of(_view(title), "en")["content"],
    ):
        assert "\u202e" not in sent and "\u200b" not in sent


def test_row_57_oversized_output_is_cut_to_each_platforms_limits() -> None:
    view = View(
        lines=tuple(_view("T" * 5000).lines * 3),
        buttons=((Button(Text("cli.grabbed", {"title": "B" * 500, "client": "q"}), "t" * 32),),),
        choices=tuple(
            Button(Text("cli.grabbed", {"title": f"C{n}" * 100, "client": "q"}), f"c{n}")
            for n in range(200)
        ),
    )
    assert len(telegram_render.text_of(view, "en")) <= telegram_render.TEXT_LIMIT
    assert all(len(c) <= 4096 for c in telegram_render.chunks("x\n" * 10_000 + "y" * 9000))
    keyboard = telegram_render.keyboard(view, "en")
    assert keyboard is not None
    for row in keyboard.inline_keyboard:
        for b in row:
            assert (
                len(b.text) <= 64 and len((b.callback_data or "").encode()) <= 64
            ) or b.callback_data == "t" * 200
    message = discord_render.message_of(view, "en")
    assert len(message.get("content") or "") <= discord_render.CONTENT_LIMIT
    layout = message["view"]
    assert all(len(item.custom_id) <= 100 for item in layout.children if hasattr(item, "custom_id"))


def test_row_57_issued_tokens_fit_callback_data() -> None:
    pytest.skip("shown by tests/conversation/test_tokens.py (tokens <= 16 URL-safe characters)")


def test_row_58_webhook_secret() -> None:
    pytest.skip(
        "not in this suite yet: needs the webhook server; shown by "
        "tests/telegram/test_security.py::test_webhook_refuses_posts_without_the_secret"
    )


def test_row_59_old_updates_that_would_grab() -> None:
    pytest.skip(
        "issue 12 item 5 (old updates ignored): a Telegram frontend behaviour, needs the fake "
        "Bot API; not in this suite yet"
    )
