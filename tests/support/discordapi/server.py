"""The local Discord server: one aiohttp app on loopback in the test's own event loop, with the
REST routes under /api/v10 and the gateway at /gateway, and the test's driver methods."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

from aiohttp import web

from tests.support.discordapi import rest
from tests.support.discordapi.gateway import Gateway, Session
from tests.support.discordapi.shapes import (
    JSON,
    FakeGuild,
    FakeUser,
    command_data,
    interaction_payload,
    role_payload,
    snowflake,
)
from tests.support.discordapi.state import Call, Pending, State

T = TypeVar("T")
DEFAULT_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GtestX.discord-test-token-0123456789abcdef"
PREFIX = "/api/v10"


class DiscordApiServer:
    """`async with DiscordApiServer() as api:` then point discord.py at `api.base_url`."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, heartbeat_ms: int = 41250) -> None:
        bot = FakeUser(snowflake(), "Outpost", bot=True)
        self.state = State(token=token, bot=bot, application_id=bot.id)
        self.gateway = Gateway(self.state, heartbeat_ms)
        self.closed_dms: set[str] = set()  # DM channel ids whose user does not take DMs
        self.limited: list[str] = []  # `api.limited.append("/channels/")`: one 429 there
        self.down: list[str] = []  # `api.down.append("/channels/")`: 503 there until removed
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port = 0

    # ---- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> DiscordApiServer:
        app = web.Application()
        app[rest.GATEWAY], app[rest.CHANGED], app[rest.CLOSED_DMS] = (
            self.gateway,
            self._changed,
            self.closed_dms,
        )
        app[rest.LIMITED], app[rest.DOWN] = self.limited, self.down
        rest.install(app, self.state, PREFIX)
        app.router.add_get("/gateway", self._gateway)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = await self.gateway.handle(request)
        self._changed.set()
        return socket

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> DiscordApiServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def base_url(self) -> str:
        """What OUTPOST_DISCORD_API_URL holds: `http://host:port/api/v10`."""
        return f"http://127.0.0.1:{self._port}{PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/gateway"

    @property
    def bot(self) -> FakeUser:
        return self.state.bot

    # ---- the world the bot lives in ------------------------------------------------------------

    def user(self, name: str, *, locale: str = "en-US") -> FakeUser:
        user = FakeUser(snowflake(), name, locale=locale)
        self.state.users[user.id] = user
        return user

    def guild(self, name: str, owner: FakeUser | None = None) -> FakeGuild:
        """A guild the bot is already in: it arrives in GUILD_CREATE after READY."""
        guild = FakeGuild(snowflake(), name, (owner or self.bot).id)
        self.state.guilds[guild.id] = guild
        return guild

    async def join(self, name: str) -> FakeGuild:
        """Someone adds the bot to a guild while it is connected."""
        guild = self.guild(name)
        payload = guild.payload(self.bot)
        del payload["unavailable"]  # a join's GUILD_CREATE has no flag (an outage's end has False)
        await self.gateway.dispatch("GUILD_CREATE", payload)
        return guild

    def role(self, guild: FakeGuild, name: str) -> str:
        """A new role of the guild (in its GUILD_CREATE); its id, as a Discord admin copies it."""
        role_id = snowflake()
        guild.roles.append(role_payload(role_id, name, len(guild.roles) + 1))
        return role_id

    def member(self, guild: FakeGuild, user: FakeUser, *roles: str) -> None:
        """`user` is a member of `guild` holding `roles`, before the bot connects."""
        guild.members[user.id] = user
        guild.member_roles[user.id] = list(roles)

    async def set_roles(self, guild: FakeGuild, user: FakeUser, *roles: str) -> None:
        """An admin changes the member's roles: GUILD_MEMBER_UPDATE, in Discord's shape."""
        guild.members[user.id] = user
        guild.member_roles[user.id] = list(roles)
        update = {**guild.member(user), "guild_id": guild.id, "communication_disabled_until": None}
        del update["permissions"]  # only an interaction's member carries its permissions
        await self.gateway.dispatch("GUILD_MEMBER_UPDATE", update)

    def close_dms(self, user: FakeUser) -> None:
        self.closed_dms.add(self.state.dm_channels.setdefault(user.id, snowflake()))

    # ---- what a person does ----------------------------------------------------------------------

    async def _interact(
        self,
        kind: int,
        data: JSON,
        user: FakeUser,
        guild: FakeGuild | None,
        message: JSON | None = None,
        to: Session | None = None,
    ) -> Pending:
        if guild is not None:
            channel_id = guild.channel_id
        else:
            channel_id = self.state.dm_channels.setdefault(user.id, snowflake())
        payload = interaction_payload(
            kind,
            data,
            user,
            application_id=self.state.application_id,
            guild=guild,
            channel_id=channel_id,
            message=message,
        )
        pending = self.state.interactions[payload["token"]] = Pending(payload)
        await self.gateway.dispatch("INTERACTION_CREATE", payload, to)
        return pending

    async def slash(
        self,
        user: FakeUser,
        guild: FakeGuild | None,
        name: str,
        *,
        to: Session | None = None,
        **options: str,
    ) -> Pending:
        """`/name option:value` from the menu of commands synced to that guild (to one
        gateway session only with `to`)."""
        command = self.state.command(name, guild.id if guild else "")
        return await self._interact(2, command_data(command, options), user, guild, to=to)

    async def autocomplete(
        self, user: FakeUser, guild: FakeGuild, name: str, option: str, typed: str
    ) -> Pending:
        command = self.state.command(name, guild.id)
        data = command_data(command, {option: typed})
        data["options"][0]["focused"] = True
        return await self._interact(4, data, user, guild)

    async def press(
        self, user: FakeUser, message: JSON, custom_id: str, guild: FakeGuild | None = None
    ) -> Pending:
        """A button press on `message`, with any custom_id (a forged one too)."""
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(3, data, user, guild, message=message)

    async def pick(
        self,
        user: FakeUser,
        message: JSON,
        custom_id: str,
        value: str,
        guild: FakeGuild | None = None,
    ) -> Pending:
        """An option picked from a string select menu (component type 3) on `message`."""
        data = {"custom_id": custom_id, "component_type": 3, "values": [value]}
        return await self._interact(3, data, user, guild, message=message)

    async def submit(
        self, user: FakeUser, custom_id: str, values: dict[str, str], guild: FakeGuild | None
    ) -> Pending:
        """A modal's submit: one text input per action row, as Discord sends it."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ]
        return await self._interact(5, {"custom_id": custom_id, "components": rows}, user, guild)

    # ---- what tests read ------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        return list(self.state.calls)

    def calls_to(self, method: str, path_start: str) -> list[Call]:
        return [c for c in self.state.calls if c.method == method and c.path.startswith(path_start)]

    def message(self, message_id: str | None) -> JSON | None:
        return None if message_id is None else self.state.messages.get(message_id)

    def text(self, message: JSON) -> str:
        """What a person reads: the content and each embed's title and description."""
        parts = [message.get("content") or ""]
        for embed in message.get("embeds") or []:
            parts += [embed.get("title") or "", embed.get("description") or ""]
        return "\n".join(p for p in parts if p)

    def in_channel(self, channel_id: str) -> list[JSON]:
        return [m for m in self.state.messages.values() if m["channel_id"] == channel_id]

    def buttons(self, message: JSON) -> list[JSON]:
        """The message's buttons (type 2), row by row."""
        items = [b for row in message.get("components", []) for b in row.get("components", [])]
        return [b for b in items if b.get("type") == 2]

    def menus(self, message: JSON) -> list[JSON]:
        """The message's string select menus (type 3)."""
        items = [c for row in message.get("components", []) for c in row.get("components", [])]
        return [c for c in items if c.get("type") == 3]

    async def until(self, probe: Callable[[], T | None], within: float = 20.0) -> T:
        """Wait until `probe()` answers something truthy, re-checking after each call or
        connection (and at least every 50 ms); a generous deadline, never a fixed sleep."""
        deadline = time.monotonic() + within
        while True:
            value = probe()
            if value:
                return value
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"nothing came within {within}s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 0.05))
            except TimeoutError:
                pass
