"""The local Discord server, driven by a bare discord.py client: the shapes it sends must be
ones the real library parses, and every call it answers is recorded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest
import pytest_asyncio
from discord import app_commands

from bot.discord.connect import point_gateway, point_rest
from tests.support.discordapi import DiscordApiServer


class Bare(discord.Client):
    """A plain bot: one `/echo` command with a button, synced to the guilds it is told."""

    def __init__(self, api_url: str, guild_ids: list[int]) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.1)
        self.api_url, self.guild_ids = api_url, guild_ids
        self.tree = app_commands.CommandTree(self)
        self.pressed: list[str] = []
        self.submitted: list[str] = []

        @self.tree.command(name="echo", description="Say it back")
        async def echo(interaction: discord.Interaction, text: str) -> None:
            view = discord.ui.View()
            view.add_item(discord.ui.Button(label="Again", custom_id="again"))
            await interaction.response.send_message(text, view=view)

        @self.tree.command(name="slow", description="Defer, then answer")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("done")
            await interaction.edit_original_response(content="edited")

    async def setup_hook(self) -> None:
        await point_gateway(self, self.api_url)
        for guild_id in self.guild_ids:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            self.pressed.append(str((interaction.data or {}).get("custom_id")))
            await interaction.response.edit_message(content="pressed", view=None)


@pytest_asyncio.fixture(loop_scope="function")
async def api() -> AsyncIterator[DiscordApiServer]:
    async with DiscordApiServer() as server:
        yield server
    point_rest(None)


async def started(api: DiscordApiServer, guild_ids: list[int]) -> Bare:
    point_rest(api.base_url)
    client = Bare(api.base_url, guild_ids)
    client.runner = asyncio.create_task(client.start(api.token))  # type: ignore[attr-defined]
    await api.until(lambda: client.is_ready())
    return client


async def closed(client: Bare) -> None:
    await client.close()
    await asyncio.wait_for(client.runner, 20)  # type: ignore[attr-defined]


async def test_login_gateway_from_gateway_bot_ready_and_guilds(api: DiscordApiServer) -> None:
    home = api.guild("Home")
    client = await started(api, [int(home.id)])
    try:
        assert [c.path for c in api.calls[:3]] == [
            "/users/@me",
            "/oauth2/applications/@me",
            "/gateway/bot",
        ]
        assert all(c.auth for c in api.calls)
        assert api.gateway.identifies == 1 and api.gateway.heartbeats >= 1
        assert [g.id for g in client.guilds] == [int(home.id)]
        assert client.user is not None and client.user.id == int(api.bot.id)
        synced = api.calls_to("PUT", f"/applications/{api.bot.id}/guilds/{home.id}/commands")
        assert sorted(cmd["name"] for cmd in synced[0].body) == ["echo", "slow"]
    finally:
        await closed(client)


async def test_command_button_and_edit(api: DiscordApiServer) -> None:
    home, ann = api.guild("Home"), api.user("Ann")
    client = await started(api, [int(home.id)])
    try:
        pending = await api.slash(ann, home, "echo", text="hello")
        reply = await api.until(lambda: api.message(pending.original_id))
        assert reply["content"] == "hello" and pending.callbacks[0]["type"] == 4
        assert api.buttons(reply)[0]["custom_id"] == "again"
        press = await api.press(ann, reply, "again", home)
        await api.until(lambda: press.callbacks)
        assert press.callbacks[0]["type"] == 7 and client.pressed == ["again"]
        assert api.message(reply["id"]) == {**reply, "content": "pressed"} | {
            "components": [],
            "edited_timestamp": api.message(reply["id"])["edited_timestamp"],  # type: ignore[index]
        }
    finally:
        await closed(client)


async def test_defer_follow_up_and_edit_original(api: DiscordApiServer) -> None:
    home, ann = api.guild("Home"), api.user("Ann")
    client = await started(api, [int(home.id)])
    try:
        pending = await api.slash(ann, home, "slow")
        await api.until(lambda: api.calls_to("PATCH", f"/webhooks/{api.bot.id}/"))
        assert pending.callbacks[0]["type"] == 5
        original = api.message(pending.original_id)
        assert original is not None and original["content"] == "edited"
        assert not original["flags"] & 128  # no longer "thinking"
        follow_ups = api.calls_to("POST", f"/webhooks/{api.bot.id}/{pending.payload['token']}")
        assert [c.body["content"] for c in follow_ups] == ["done"]
    finally:
        await closed(client)


async def test_second_callback_is_refused_as_discord_does(api: DiscordApiServer) -> None:
    home, ann = api.guild("Home"), api.user("Ann")
    client = await started(api, [int(home.id)])
    try:
        pending = await api.slash(ann, home, "echo", text="once")
        await api.until(lambda: pending.callbacks)
        interaction = discord.Interaction(data=pending.payload, state=client._connection)
        with pytest.raises(discord.HTTPException) as caught:
            await interaction.response.send_message("twice")
        assert caught.value.code == 40060
    finally:
        await closed(client)


async def test_dm_channel_message_and_leaving_a_guild(api: DiscordApiServer) -> None:
    home, ann = api.guild("Home"), api.user("Ann")
    client = await started(api, [int(home.id)])
    try:
        channel = await client.create_dm(discord.Object(int(ann.id)))  # type: ignore[arg-type]
        sent = await channel.send("hi", allowed_mentions=discord.AllowedMentions.none())
        assert api.message(str(sent.id))["content"] == "hi"  # type: ignore[index]
        assert api.calls_to("POST", "/users/@me/channels")[0].body == {"recipient_id": int(ann.id)}
        await sent.edit(content="hi again")
        assert api.message(str(sent.id))["content"] == "hi again"  # type: ignore[index]
        guild = client.get_guild(int(home.id))
        assert guild is not None
        await guild.leave()
        await api.until(lambda: client.get_guild(int(home.id)) is None)
        assert api.state.left == [home.id]
    finally:
        await closed(client)


async def test_a_dropped_gateway_resumes_at_the_servers_resume_url(api: DiscordApiServer) -> None:
    home = api.guild("Home")
    client = await started(api, [int(home.id)])
    try:
        await api.gateway.drop()
        await api.until(lambda: api.gateway.resumes == 1 and api.gateway.connected())
        assert api.gateway.identifies == 1 and len(api.gateway.connected_urls) == 2
    finally:
        await closed(client)


async def test_an_invalidated_session_reconnects_to_the_gateway_bot_url(
    api: DiscordApiServer,
) -> None:
    """discord.py then dials DEFAULT_GATEWAY: point_gateway made that the server's own."""
    home = api.guild("Home")
    client = await started(api, [int(home.id)])
    try:
        await api.gateway.invalidate()
        await api.until(lambda: api.gateway.identifies == 2 and api.gateway.connected())
        assert api.gateway.resumes == 0 and len(api.gateway.connected_urls) == 2
    finally:
        await closed(client)


async def test_a_wrong_token_is_refused(api: DiscordApiServer) -> None:
    point_rest(api.base_url)
    client = Bare(api.base_url, [])
    with pytest.raises(discord.LoginFailure):
        await client.start("wrong-token")
    await client.close()
    assert api.calls[0].auth is False
