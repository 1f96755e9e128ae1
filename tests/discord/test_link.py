"""`/link`: a code asked for in one chat joins another chat's account to the same person, so
Telegram and Discord are one household (one person, one role, one language)."""

from __future__ import annotations

import re
import time

from bot.conversation import Conversation
from bot.views import Sender
from core.app import Outpost
from core.recipients import Account
from core.services.household import LINK_TTL, Household
from core.store.models import Identity, Role
from tests.discord.conftest import Start
from tests.support.discordapi import DiscordApiServer

ADA_TELEGRAM = "100"


async def test_a_code_from_telegram_links_the_discord_account(
    outpost: Outpost, start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home, ada = api.guild("Home"), api.user("Ada")
    await Household().add_person("Ada", Role.ADMIN, {"telegram": ADA_TELEGRAM}, "en")
    in_telegram = Sender("telegram", ADA_TELEGRAM, ADA_TELEGRAM, True, "en", "Ada")
    [issued] = await Conversation(outpost).command(in_telegram, "link", "")
    code = issued.view.lines[0].params["code"]
    assert re.fullmatch(r"\w{10}", code)
    await start_bot(frozenset({int(home.id)}))
    pending = await api.slash(ada, home, "link", text=code)  # in the guild: ephemeral
    reply = await api.until(lambda: (m := api.message(pending.original_id)) and m["content"] and m)
    assert "Ada" in reply["content"]
    assert pending.callbacks[0]["data"]["flags"] == 64  # only Ada sees it
    platforms = await Identity.filter(person__name="Ada").values_list("platform", flat=True)
    assert sorted(platforms) == ["discord", "telegram"]
    replay = await api.slash(api.user("Eve"), home, "link", text=code)  # burnt: works once
    refused = await api.until(lambda: (m := api.message(replay.original_id)) and m["content"] and m)
    assert "not valid" in refused["content"]


async def test_a_code_works_once_and_not_after_it_expired(outpost: Outpost) -> None:
    household = outpost.services().household
    person = await Household().add_person("Ada", Role.MEMBER, {"telegram": ADA_TELEGRAM}, "en")

    code = await household.link_code(person, now=time.time())
    assert await household.link(Account("discord", "7"), code, now=time.time()) is not None
    assert await household.link(Account("discord", "8"), code, now=time.time()) is None
    late = await household.link_code(person, now=time.time() - LINK_TTL - 1)
    assert await household.link(Account("discord", "9"), late, now=time.time()) is None
    assert await household.link(Account("discord", "9"), "forged", now=time.time()) is None
