"""The Frontend port on Discord: a DM for a person, a channel for a channel; edits in place;
a closed DM is Unreachable, so the notice waits and is tried again."""

from __future__ import annotations

import pytest

from core import errors
from core.messages import Button, Text, View
from core.recipients import Account, Channel
from core.services.household import Household
from core.store.models import Role
from tests.discord.conftest import Start
from tests.support.discordapi import DiscordApiServer


async def test_send_edit_delete_in_a_dm_and_a_channel(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home, ada = api.guild("Home"), api.user("Ada")
    frontend = await start_bot(frozenset({int(home.id)}))
    port = frontend.port
    assert port is not None
    view = View((Text("help.header"),), ((Button(Text("help.header"), "tok-1"),),))
    sent = await port.send(Account("discord", ada.id), view)
    message = api.message(sent)
    assert message is not None and message["channel_id"] == api.state.dm_channels[ada.id]
    assert api.buttons(message)[0]["custom_id"] == "tok-1"
    await port.edit(Account("discord", ada.id), sent, View((Text("start.what"),)))
    assert api.message(sent)["components"] == []  # type: ignore[index]
    posted = await port.send(Channel("discord", home.channel_id), View((Text("help.header"),)))
    assert api.message(posted)["channel_id"] == home.channel_id  # type: ignore[index]
    await port.delete(Channel("discord", home.channel_id), posted)
    assert api.message(posted) is None


async def test_a_closed_dm_is_unreachable_and_text_is_cut_and_escaped(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home, eve = api.guild("Home"), api.user("Eve")
    frontend = await start_bot(frozenset({int(home.id)}))
    port = frontend.port
    assert port is not None
    api.close_dms(eve)
    with pytest.raises(errors.Unreachable):
        await port.send(Account("discord", eve.id), View((Text("help.header"),)))
    hostile = View((Text("start.hello", {"name": "**@everyone** " + "x" * 3000}),))
    sent = await port.send(Channel("discord", home.channel_id), hostile)
    message = api.message(sent)
    assert message is not None and len(message["content"]) <= 2000
    assert "\\*\\*@everyone\\*\\*" in message["content"]  # markdown escaped, no bold, no ping
    call = api.calls_to("POST", f"/channels/{home.channel_id}/messages")[-1]
    assert call.body["allowed_mentions"] == {"parse": []}


async def test_a_429_is_waited_out_and_nothing_is_sent_twice(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home = api.guild("Home")
    frontend = await start_bot(frozenset({int(home.id)}))
    assert frontend.port is not None
    api.limited.append(f"/channels/{home.channel_id}/messages")
    sent = await frontend.port.send(
        Channel("discord", home.channel_id), View((Text("help.header"),))
    )
    assert len(api.calls_to("POST", f"/channels/{home.channel_id}/messages")) == 2  # 429, then ok
    assert [m["id"] for m in api.in_channel(home.channel_id)] == [sent]


async def test_a_closed_dm_falls_back_to_one_mention_in_the_household_channel(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    """Discord answers 50007: the notice goes to the household channel, mentioning Eve alone;
    the `<@…>` and @everyone inside a title ping nobody (only Eve's id is allowed)."""
    api = discordapi
    home, ada, eve = api.guild("Home"), api.user("Ada"), api.user("Eve")
    admin = await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await Household().add_person("Eve", Role.MEMBER, {"discord": eve.id}, "en")
    await Household().toggle_household_chat(admin, f"discord:#{home.channel_id}")
    frontend = await start_bot(frozenset({int(home.id)}))
    assert frontend.port is not None
    api.close_dms(eve)
    hostile = View((Text("start.hello", {"name": f"<@{ada.id}> @everyone Dune"}),))
    sent = await frontend.port.send(Account("discord", eve.id), hostile)
    refused = api.calls_to("POST", f"/channels/{api.state.dm_channels[eve.id]}/messages")
    assert len(refused) == 1  # the DM was tried once, answered 50007
    message = api.message(sent.rpartition("/")[2])
    assert message is not None and message["channel_id"] == home.channel_id
    assert message["content"].startswith(f"<@{eve.id}>\n")
    assert "allow DMs from this server" in message["content"]
    call = api.calls_to("POST", f"/channels/{home.channel_id}/messages")[-1]
    assert call.body["allowed_mentions"] == {"parse": [], "users": [int(eve.id)]}
    # the card is edited where it was sent, not in the closed DM
    assert sent.startswith(f"{home.channel_id}/")
    await frontend.port.edit(Account("discord", eve.id), sent, View((Text("help.header"),)))
    edited = api.message(sent.rpartition("/")[2])
    assert edited is not None and "allow DMs" not in edited["content"]
    own = sent.rpartition("/")[2]
    assert api.calls_to("PATCH", f"/channels/{home.channel_id}/messages/{own}")


async def test_a_closed_dm_without_a_household_channel_waits(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home, eve = api.guild("Home"), api.user("Eve")
    frontend = await start_bot(frozenset({int(home.id)}))
    assert frontend.port is not None
    api.close_dms(eve)
    with pytest.raises(errors.Unreachable):
        await frontend.port.send(Account("discord", eve.id), View((Text("help.header"),)))
    assert api.in_channel(home.channel_id) == []
