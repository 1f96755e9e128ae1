"""The Discord frontend as one service: `await start()` when Outpost runs, `await stop()`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping

import discord

from bot.conversation import Conversation, tokens
from bot.discord import quiet
from bot.discord.client import OutpostClient
from bot.discord.connect import point_rest
from bot.discord.handlers import Handlers
from bot.discord.port import DiscordPort
from bot.discord.private import Asks
from bot.discord.render import PLATFORM
from bot.discord.roles import GuildRoles, guild_roles
from core import errors
from core.app import Outpost
from core.recipients import Channel
from core.services.cards import CardKeeper
from core.services.household import Role

log = logging.getLogger(__name__)


def guild_ids(value: str | None) -> frozenset[int]:
    """OUTPOST_DISCORD_GUILDS: "ID[,ID]"; anything that is not a snowflake is left out."""
    return frozenset(int(part) for part in (value or "").split(",") if part.strip().isdigit())


class DiscordFrontend:
    """The gateway connection in a task of its own; while it runs, its port delivers notices
    and keeps status cards current."""

    @classmethod
    def from_env(
        cls, app: Outpost, conversation: Conversation, env: Mapping[str, str]
    ) -> DiscordFrontend:
        """From OUTPOST_DISCORD_TOKEN, OUTPOST_DISCORD_GUILDS, OUTPOST_DISCORD_API_URL and
        OUTPOST_DISCORD_ROLES (a bad entry there is a UserError: the frontend does not start)."""
        return cls(
            app,
            conversation,
            token=env["OUTPOST_DISCORD_TOKEN"],
            guilds=guild_ids(env.get("OUTPOST_DISCORD_GUILDS")),
            api_url=env.get("OUTPOST_DISCORD_API_URL") or None,
            roles=guild_roles(env.get("OUTPOST_DISCORD_ROLES")),
        )

    def __init__(
        self,
        app: Outpost,
        conversation: Conversation,
        *,
        token: str,
        guilds: frozenset[int],
        api_url: str | None = None,
        roles: Mapping[int, Role] | None = None,
        card_interval: float = 10.0,
        coalesce: float = 2.0,
    ) -> None:
        self.app, self.conversation = app, conversation
        self._token, self._guilds, self._api_url = token, guilds, api_url
        self._roles = dict(roles or {})
        self._card_interval, self._coalesce = card_interval, coalesce
        self.client: OutpostClient | None = None
        self.port: DiscordPort | None = None
        self.cards: CardKeeper | None = None
        self._runner: asyncio.Task[None] | None = None
        self._refresher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Log in (a wrong token raises AuthFailed), sync commands, connect, wait for READY."""
        quiet.install()
        point_rest(self._api_url)
        asks = Asks()
        port = self.port = DiscordPort(
            discord.Client(intents=discord.Intents.none()), self._lang, asks, self._channels
        )
        household = self.conversation.services.household
        client = self.client = OutpostClient(
            Handlers(self.conversation, port, asks),
            self._guilds,
            self._api_url,
            self._waiting,
            GuildRoles(self._roles, household, port.send),
        )
        port.client = client
        try:
            await client.login(self._token)
        except discord.LoginFailure:
            await client.close()
            raise errors.AuthFailed("Discord refused the token") from None
        log.debug("dropped %s expired button tokens", await tokens.purge())
        self._runner = asyncio.create_task(client.connect(), name="discord-gateway")
        await client.wait_until_ready()
        self.cards = CardKeeper(
            self.app.bus, interval=self._card_interval, view_of=self.conversation.card
        )
        self.cards.add_frontend(port)
        self.app.add_frontend(port, window=self._coalesce)
        self._refresher = asyncio.create_task(self.cards.run(), name="discord-cards")
        log.info("Discord bot %s is listening", client.user)
        await self._waiting()

    async def _waiting(self) -> None:
        """Notices that could not go out (an outage, a closed DM) are tried again now: at start
        and whenever the gateway is back after a disconnect or resume. Each notice is claimed
        before it is sent, so one that went out meanwhile is not sent twice."""
        if self.port is None or self.cards is None:
            return  # still starting: `start` tries once it is ready
        try:
            delivered = await self.app.notices.retry_pending()
        except Exception:
            log.exception("delivering waiting notices failed")
            return
        if delivered:
            log.info("delivered %s waiting notices", delivered)

    async def _channels(self) -> list[Channel]:
        return await self.conversation.services.household.household_channels(PLATFORM)

    async def _lang(self, address: str) -> str:
        return await self.conversation.language(address)

    async def stop(self) -> None:
        """Stop the cards, deliver waiting notices, disconnect."""
        if self._refresher is not None:
            self._refresher.cancel()
            await asyncio.gather(self._refresher, return_exceptions=True)
        if self.cards is not None:
            self.cards.remove_frontend(PLATFORM)
        if self.port is not None and self.cards is not None:
            await self.app.notices.remove_frontend(PLATFORM)
        if self.client is not None:
            await self.client.close()
        if self._runner is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._runner, 20)
        self.client = None
