"""The discord.py client: guilds limited to the household's, commands synced there only,
every interaction checked before any work."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands

from bot.conversation.household import client_language
from bot.discord import commands
from bot.discord.connect import point_gateway
from bot.discord.handlers import Handlers
from bot.discord.roles import GuildRoles
from bot.discord.taps import TokenButton, TokenSelect

log = logging.getLogger(__name__)


async def _nothing() -> None:
    return None


class OutpostClient(discord.Client):
    def __init__(
        self,
        handlers: Handlers,
        guilds: frozenset[int],
        api_url: str | None,
        reconnected: Callable[[], Awaitable[None]] = _nothing,
        roles: GuildRoles | None = None,
    ) -> None:
        intents = discord.Intents.default()
        # GUILD_MEMBER_UPDATE needs the privileged Server Members intent: asked for only when
        # roles are mapped (Discord closes with 4014 if the portal has it switched off). With
        # it, discord.py chunks the guilds at start (chunk_guilds_at_startup follows the
        # intent): it dispatches `member_update` only for a cached member, and an update of
        # an uncached one is merely cached, so without the chunk a first role change is lost
        intents.members = bool(roles)
        super().__init__(intents=intents, guild_ready_timeout=0.5)
        self.handlers, self.household_guilds, self.api_url = handlers, guilds, api_url
        self.roles = roles
        self._reconnected = reconnected
        self._connections = 0
        self.reconnects = 0  # resumes and fresh IDENTIFYs after the first READY
        self._tasks: set[asyncio.Task[None]] = set()
        self.tree: app_commands.CommandTree[OutpostClient] = app_commands.CommandTree(self)
        self.tree.interaction_check = self.allowed  # type: ignore[method-assign]
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        commands.install(self.tree, self.handlers.on_command, self.handlers.suggest, guilds)

    async def setup_hook(self) -> None:
        await point_gateway(self, self.api_url)
        await self.tree.set_translator(commands.LocaleTranslator())
        self.add_dynamic_items(TokenButton, TokenSelect)
        await self.tree.sync()  # no global command: clears those an older version synced
        for guild_id in sorted(self.household_guilds):
            await self.tree.sync(guild=discord.Object(guild_id))

    async def allowed(self, interaction: discord.Interaction) -> bool:
        """From a household guild or a DM with the bot; never from a foreign guild or a
        user-installed context (the app acting in somebody else's server)."""
        if interaction.guild_id is not None:
            if interaction.guild_id not in self.household_guilds:
                return False
            if interaction.type != discord.InteractionType.autocomplete:  # keystrokes: quick
                await self._apply_roles(interaction.user, interaction.locale.value)
            return True
        return not interaction.is_user_integration() or interaction.is_guild_integration()

    async def _apply_roles(self, user: discord.User | discord.Member, locale: str) -> None:
        """The guild roles an interaction's `member` holds now, before anything is decided."""
        if self.roles and isinstance(user, discord.Member):
            language = client_language(locale)
            await self.roles.apply(user.id, user.display_name, [r.id for r in user.roles], language)

    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        """GUILD_MEMBER_UPDATE: a role given or taken in a household guild counts at once."""
        if after.guild.id in self.household_guilds and before.roles != after.roles:
            await self._apply_roles(after, "en")

    async def _on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """A refused check is routine (a foreign guild); anything else is logged in full."""
        if isinstance(error, app_commands.CheckFailure):
            log.info("ignored a command from guild %s", interaction.guild_id)
            return
        log.error("a Discord command failed", exc_info=error)

    async def on_token(self, interaction: discord.Interaction, token: str) -> None:
        if await self.allowed(interaction):
            await self.handlers.on_token(interaction, token)
        else:
            await interaction.response.defer()  # acknowledged, nothing changes

    async def on_ready(self) -> None:
        """At start, and after a reconnect that had to IDENTIFY afresh."""
        self._connections += 1
        if self._connections > 1:
            self._after_reconnect()
        for guild in list(self.guilds):
            await self._leave_if_foreign(guild)

    async def on_resumed(self) -> None:
        self._after_reconnect()

    def _after_reconnect(self) -> None:
        """Back on the gateway: what waited goes out now (in a task: the event is not held)."""
        self.reconnects += 1
        task = asyncio.create_task(self._reconnected(), name="discord-reconnected")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settled(self) -> None:
        """Until the work started by the reconnects so far is done."""
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._leave_if_foreign(guild)

    async def _leave_if_foreign(self, guild: discord.Guild) -> None:
        if guild.id not in self.household_guilds:
            log.info("leaving guild %s: not one of OUTPOST_DISCORD_GUILDS", guild.id)
            await guild.leave()
