"""Chat-side trust through the real frontend and the local Bot API server: groups nobody
registered are left, a grab tap from a backlog is ignored with a word, a flood gets one
"slow down", and invisible characters never reach a message."""

from __future__ import annotations

from bot.conversation import tokens
from bot.i18n import t
from core.app import Outpost
from core.store.models import AccessRequest, Identity, MediaRequest, Person, Role
from core.visible import invisible
from tests.support.botapi import BotApiServer
from tests.telegram.conftest import Start

MEDIA = {"kind": "movie", "title": "The First Omen", "year": 2024, "provider": None, "id": None}


async def household() -> Person:
    admin = await Person.create(name="ada", role=Role.ADMIN)
    await Identity.create(person=admin, platform="telegram", external_id="9001")
    return admin


async def test_a_group_a_stranger_added_us_to_is_left_at_once(
    botapi: BotApiServer, start_bot: Start
) -> None:
    await household()
    await start_bot()
    ada, eve = botapi.user(9001, "Ada", started=True), botapi.user(6666, "Eve")
    theirs, ours = botapi.group(-1001, "Eve's"), botapi.group(-1002, "Family")
    botapi.add_to_group(eve, theirs)
    await botapi.until(lambda: botapi.has_left(theirs) or None)
    botapi.add_to_group(ada, ours)  # an admin brought us: we stay, to be set up
    botapi.send_text(ada, "/household", ours)
    on = await botapi.until(lambda: botapi.last_message(ours.id))
    assert on.text == t("household.on", "en")
    assert not botapi.has_left(ours)
    assert botapi.messages(theirs.id) == []  # nothing was said where we were not wanted


async def test_nobody_is_served_in_a_group_nobody_registered(
    botapi: BotApiServer, start_bot: Start
) -> None:
    await household()
    await start_bot()
    ada, eve = botapi.user(9001, "Ada", started=True), botapi.user(6666, "Eve")
    group = botapi.group(-1003, "Somewhere")
    botapi.send_text(ada, "/status", group)  # an admin, in a group nobody registered
    said = await botapi.until(lambda: botapi.last_message(group.id))
    assert said.text == t("group.unregistered", "en")
    assert not botapi.has_left(group)  # an admin is here: they may set it up
    botapi.send_text(eve, "/search dune", group)  # a stranger: we go
    await botapi.until(lambda: botapi.has_left(group) or None)
    assert len(botapi.messages(group.id)) == 1
    assert botapi.messages(ada.id) == []  # no Approve/Decline for a stranger in a group
    assert not await AccessRequest.exists(external_id="6666")


async def test_a_grab_tap_from_a_backlog_is_ignored_with_a_word(
    botapi: BotApiServer, start_bot: Start
) -> None:
    admin = await household()
    await start_bot()
    ada = botapi.user(9001, "Ada", started=True)
    botapi.send_text(ada, "/help")
    card = await botapi.until(lambda: botapi.last_message(ada.id))
    botapi.backdate(card, 40 * 60 + 5)  # the button's message was sent 40 minutes ago
    grab = await tokens.issue(admin, "telegram:9001", "grab", {"ref": "r1", "media": MEDIA})
    botapi.forge(ada, card, grab)
    [answer] = await botapi.until(lambda: botapi.callback_answers or None)
    assert answer["text"] == t("limit.stale", "en", minutes=40)
    assert await MediaRequest.all().count() == 0


async def test_a_flood_gets_one_slow_down(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start
) -> None:
    await household()
    bob = await Person.create(name="bob", role=Role.MEMBER)
    await Identity.create(person=bob, platform="telegram", external_id="9002")
    outpost.throttle.burst, outpost.throttle.per_minute = 3, 0.001  # no refill in this test
    await start_bot()
    ada, marker = botapi.user(9001, "Ada", started=True), botapi.user(9002, "Bob", started=True)
    for _ in range(20):
        botapi.send_text(ada, "/help")
    await botapi.until(lambda: len(botapi.messages(ada.id)) >= 4 or None)
    botapi.send_text(marker, "/help")  # another person's bucket: answered after the flood
    await botapi.until(lambda: botapi.last_message(marker.id))
    texts = [m.text for m in botapi.messages(ada.id)]
    slow = [x for x in texts if x and x.startswith(t("limit.slow_down", "en", seconds=0)[:10])]
    assert len(texts) == 4 and len(slow) == 1, texts


async def test_invisible_characters_never_reach_a_telegram_message(
    outpost: Outpost, botapi: BotApiServer, start_bot: Start
) -> None:
    await household()
    await start_bot()
    ada = botapi.user(9001, "Ada", started=True)
    botapi.send_text(ada, "/search Dune\u202e\u200b\u2066 2021\u2069")
    said = await botapi.until(lambda: botapi.last_message(ada.id))
    assert said.raw is not None and "Dune" in said.raw
    assert not invisible(said.raw), repr(said.raw)
