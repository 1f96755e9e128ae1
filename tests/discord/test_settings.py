"""Answers that hold settings (/household, /quiet, /link, /addindexer …) are ephemeral in the
household's guild: the interaction callback carries flag 64 from the first answer or defer."""

from __future__ import annotations

from core.recipients import Account
from core.services.household import Household
from core.services.notify import QUIET_HOURS
from core.store.models import Role, Setting, Subscription
from tests.discord.conftest import Start
from tests.support.discordapi import DiscordApiServer, Pending

EPHEMERAL = 64


def flags(pending: Pending) -> int:
    return int((pending.callbacks[0].get("data") or {}).get("flags") or 0)


async def test_settings_answers_are_ephemeral_and_others_are_not(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home, ada = api.guild("Home"), api.user("Ada")
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await start_bot(frozenset({int(home.id)}))
    quiet = await api.slash(ada, home, "quiet", text="22:00-07:00")
    chat = await api.slash(ada, home, "household")
    code = await api.slash(ada, home, "link")
    queue = await api.slash(ada, home, "queue")
    for pending in (quiet, chat, code, queue):
        await api.until(lambda p=pending: p.callbacks)
    assert flags(quiet) & EPHEMERAL and flags(chat) & EPHEMERAL and flags(code) & EPHEMERAL
    assert not flags(queue) & EPHEMERAL  # the queue is for everyone in the channel
    assert await Setting.exists(key=QUIET_HOURS)
    assert await Subscription.exists(chat=f"discord:#{home.channel_id}", scope="household")
    shown = await api.until(lambda: (m := api.message(quiet.original_id)) and m["content"] and m)
    assert "22:00" in shown["content"] and shown["flags"] & EPHEMERAL


async def test_claim_in_the_guild_is_ephemeral_and_makes_the_admin(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    """/claim is a guild command like every other; its answer only the claimer sees."""
    api = discordapi
    home, eve = api.guild("Home"), api.user("Eve")
    await start_bot(frozenset({int(home.id)}))
    code = await Household().ensure_claim_code()
    assert code is not None
    claimed = await api.slash(eve, home, "claim", text=code)
    await api.until(lambda: claimed.callbacks)
    assert flags(claimed) & EPHEMERAL
    person = await Household().person_of(Account("discord", eve.id))
    assert person is not None and person.admin
