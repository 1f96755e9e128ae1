"""The Discord frontend on the real discord.py client, against the local Discord server."""

from __future__ import annotations

import pytest

from bot.discord.frontend import DiscordFrontend, guild_ids
from core import errors
from core.app import Outpost
from core.services.household import Household
from core.store.models import Role
from tests.discord.conftest import CANARY_TOKEN, Captured, Start
from tests.support.discordapi import DiscordApiServer


async def test_syncs_to_the_household_guild_only_and_leaves_others(
    start_bot: Start, discordapi: DiscordApiServer, logs: Captured
) -> None:
    home, foreign = discordapi.guild("Home"), discordapi.guild("Elsewhere")
    frontend = await start_bot(frozenset({int(home.id)}))
    await discordapi.until(lambda: discordapi.state.left)
    puts = [c.path for c in discordapi.calls if c.method == "PUT"]
    app = discordapi.bot.id
    assert puts == [
        f"/applications/{app}/commands",
        f"/applications/{app}/guilds/{home.id}/commands",
    ]
    assert discordapi.state.global_commands == []  # nothing global: no DM menu, no stale one
    assert discordapi.state.left == [foreign.id]
    synced = {c["name"]: c for c in discordapi.state.guild_commands[home.id]}
    everything = {"search", "queue", "status", "help", "claim", "link", "addindexer", "addclient"}
    assert everything <= synced.keys()
    assert {tuple(c["contexts"]) for c in synced.values()} == {(0,)}  # the guild context only
    assert synced["search"]["description"] == "Search everything: /search dune"
    assert synced["search"]["description_localizations"]["de"]  # through the Translator
    assert synced["anime"]["description"] == "Search anime"
    assert synced["anime"]["description_localizations"]["de"] == "Anime suchen"
    joined = await discordapi.join("Another")
    await discordapi.until(lambda: joined.id in discordapi.state.left)
    client = frontend.client
    assert client is not None
    await discordapi.until(lambda: [g.id for g in client.guilds] == [int(home.id)])
    assert CANARY_TOKEN not in logs.text()
    assert CANARY_TOKEN.split(".")[-1] not in logs.text()


async def test_a_wrong_token_is_auth_failed(outpost: Outpost, discordapi: DiscordApiServer) -> None:
    from bot.conversation import Conversation

    frontend = DiscordFrontend(
        outpost,
        Conversation(outpost),
        token="wrong",
        guilds=frozenset(),
        api_url=discordapi.base_url,
    )
    with pytest.raises(errors.AuthFailed):
        await frontend.start()
    await frontend.stop()


async def test_a_stranger_gets_one_ephemeral_refusal_and_the_admin_is_asked(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    home, ada, eve = discordapi.guild("Home"), discordapi.user("Ada"), discordapi.user("Eve")
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await start_bot(frozenset({int(home.id)}))
    pending = await discordapi.slash(eve, home, "search", text="dune")
    await discordapi.until(lambda: pending.callbacks)
    refusal = pending.callbacks[0]
    assert refusal["type"] == 4 and refusal["data"]["flags"] == 64  # only Eve sees it
    assert refusal["data"]["allowed_mentions"] == {"parse": []}
    assert len([c for c in discordapi.calls if pending.payload["token"] in c.path]) <= 2
    dm = await discordapi.until(lambda: discordapi.state.dm_channels.get(ada.id))
    prompt = await discordapi.until(
        lambda: [m for m in discordapi.state.messages.values() if m["channel_id"] == dm]
    )
    assert "Eve" in prompt[0]["content"] and discordapi.buttons(prompt[0])


async def test_a_foreign_guild_command_changes_nothing(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    home, ada = discordapi.guild("Home"), discordapi.user("Ada")
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await start_bot(frozenset({int(home.id)}))
    stray = discordapi.guild("Stray")  # known to the server, never to the bot
    discordapi.state.guild_commands[stray.id] = discordapi.state.guild_commands[home.id]
    pending = await discordapi.slash(ada, stray, "status")
    follow = await discordapi.slash(ada, home, "queue")  # answered: so the first was seen
    await discordapi.until(lambda: follow.callbacks)
    assert pending.callbacks == []  # refused by the tree's check before any work
    assert not [
        m for m in discordapi.state.messages.values() if m["channel_id"] == stray.channel_id
    ]


async def test_a_forged_custom_id_changes_nothing_and_is_acknowledged(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    home, ada = discordapi.guild("Home"), discordapi.user("Ada")
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await start_bot(frozenset({int(home.id)}))
    shown = await discordapi.slash(ada, home, "queue")
    card = await discordapi.until(
        lambda: (m := discordapi.message(shown.original_id)) and m["content"] and m
    )
    before = dict(card)
    # Discord only sends custom_ids of the message's own components: a forged one is a button
    # whose token the server never issued (or issued to someone else, or that expired)
    forged_button = {"type": 2, "style": 2, "label": "Grab", "custom_id": "forged-token-123"}
    forged = {**card, "components": [{"type": 1, "components": [forged_button]}]}
    press = await discordapi.press(ada, forged, "forged-token-123", home)
    await discordapi.until(
        lambda: discordapi.calls_to(
            "POST", f"/webhooks/{discordapi.bot.id}/{press.payload['token']}"
        )
    )
    assert press.callbacks[0]["type"] == 6  # acknowledged, as a deferred update
    alert = discordapi.calls_to("POST", f"/webhooks/{discordapi.bot.id}/{press.payload['token']}")
    assert alert[0].body["flags"] & 64  # only the presser sees the refusal
    assert discordapi.message(card["id"]) == before


def test_guild_ids_keep_only_snowflakes() -> None:
    assert guild_ids("123, 456,x,") == frozenset({123, 456})
    assert guild_ids(None) == frozenset()


async def test_a_button_still_works_after_a_restart(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    """Buttons are one DynamicItem over every token: no view of the old process is needed."""
    home, ada = discordapi.guild("Home"), discordapi.user("Ada")
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    first = await start_bot(frozenset({int(home.id)}))
    await first.stop()
    await start_bot(frozenset({int(home.id)}))
    # a button the old process sent: its token is unknown, yet the press is still answered
    old_button = {"type": 2, "style": 2, "label": "Old", "custom_id": "issued-before-1"}
    card = {
        "id": "1",
        "channel_id": home.channel_id,
        "author": discordapi.bot.payload(),
        "content": "old card",
        "timestamp": "2026-01-01T00:00:00.000000+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "components": [{"type": 1, "components": [old_button]}],
    }
    press = await discordapi.press(ada, card, "issued-before-1", home)
    await discordapi.until(lambda: press.callbacks)
    assert press.callbacks[0]["type"] == 6
