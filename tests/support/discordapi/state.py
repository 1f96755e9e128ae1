"""What the local Discord server remembers: the bot, guilds, messages, synced commands,
interactions and every REST call, for tests to assert on."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tests.support.discordapi.shapes import JSON, FakeGuild, FakeUser, snowflake


@dataclass(frozen=True)
class Call:
    """One REST request as it arrived; `auth` says whether it carried the right bot token."""

    method: str
    path: str  # below the API base: "/channels/1/messages"
    query: dict[str, str]
    body: Any
    auth: bool
    at: float = field(default_factory=time.perf_counter)  # when it arrived, for benchmarks


@dataclass
class Pending:
    """An interaction sent over the gateway, and what its callbacks made of it."""

    payload: JSON
    callbacks: list[JSON] = field(default_factory=list)  # each callback's body: {"type": 4, ...}
    original_id: str | None = None  # the message that `@original` names


@dataclass
class State:
    token: str
    bot: FakeUser
    application_id: str
    guilds: dict[str, FakeGuild] = field(default_factory=dict)  # the guilds the bot is in
    left: list[str] = field(default_factory=list)  # guild ids the bot left, in order
    messages: dict[str, JSON] = field(default_factory=dict)  # id -> Message, deleted ones removed
    deleted: list[str] = field(default_factory=list)
    history: dict[str, list[JSON]] = field(default_factory=dict)  # id -> versions before edits
    dm_channels: dict[str, str] = field(default_factory=dict)  # user id -> DM channel id
    global_commands: list[JSON] = field(default_factory=list)
    guild_commands: dict[str, list[JSON]] = field(default_factory=dict)  # guild id -> commands
    interactions: dict[str, Pending] = field(default_factory=dict)  # interaction token -> Pending
    calls: list[Call] = field(default_factory=list)
    users: dict[str, FakeUser] = field(default_factory=dict)

    def command(self, name: str, guild_id: str) -> JSON:
        """The synced command a user picks from the menu (guild commands first, as Discord)."""
        context = 0 if guild_id else 1  # GUILD or BOT_DM, as the menu offers them
        for command in self.guild_commands.get(guild_id, []) + self.global_commands:
            offered = command.get("contexts") in (None, []) or context in command["contexts"]
            if command["name"] == name and offered:
                return command
        raise LookupError(f"/{name} was never synced to guild {guild_id}")

    def synced(self, commands: list[JSON], guild_id: str | None) -> list[JSON]:
        """Bulk overwrite: the new list replaces the old one, each command given its ids."""
        stored = [
            {
                "id": snowflake(),
                "application_id": self.application_id,
                "version": snowflake(),
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                **command,
                **({"guild_id": guild_id} if guild_id else {}),
            }
            for command in commands
        ]
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = stored
        return stored

    def channel_guild(self, channel_id: str) -> str | None:
        for guild in self.guilds.values():
            if guild.channel_id == channel_id:
                return guild.id
        return None
