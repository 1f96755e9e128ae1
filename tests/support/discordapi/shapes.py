"""Discord's payload shapes (API v10 documentation: User, Guild, Channel, Message,
Interaction), built from small test records; nothing here talks to a socket."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]
TIMESTAMP = "2026-01-01T00:00:00.000000+00:00"
EVERYONE_PERMISSIONS = "2248473465835073"  # what a default member may do in a guild
_DISCORD_EPOCH_MS = 1420070400000
_counter = itertools.count(1)


def snowflake() -> str:
    """A fresh snowflake id, increasing like Discord's (timestamp in the high bits)."""
    return str(((1767225600000 - _DISCORD_EPOCH_MS) << 22) + next(_counter))


@dataclass(frozen=True)
class FakeUser:
    id: str
    name: str
    bot: bool = False
    locale: str = "en-US"

    def payload(self) -> JSON:
        return {
            "id": self.id,
            "username": self.name.lower(),
            "discriminator": "0",
            "global_name": self.name,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class FakeGuild:
    id: str
    name: str
    owner_id: str
    channel_id: str = field(default_factory=snowflake)  # one text channel, #general
    roles: list[JSON] = field(default_factory=list)  # besides @everyone (whose id is the guild's)
    members: dict[str, FakeUser] = field(default_factory=dict)  # user id -> user, besides the bot
    member_roles: dict[str, list[str]] = field(default_factory=dict)  # user id -> role ids

    def member(self, user: FakeUser) -> JSON:
        """The guild member object of `user`, with the roles they hold here."""
        return member_payload(user, self.id, self.member_roles.get(user.id, []))

    def channel_payload(self) -> JSON:
        return {
            "id": self.channel_id,
            "type": 0,
            "guild_id": self.id,
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    def payload(self, me: FakeUser) -> JSON:
        """A GUILD_CREATE's `d`: the guild with its channels, roles and the bot as a member."""
        channel = self.channel_payload()
        del channel["guild_id"]  # GUILD_CREATE's channels carry no guild_id
        return {
            "id": self.id,
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": self.owner_id,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [everyone_role(self.id), *self.roles],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": self.channel_id,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": TIMESTAMP,
            "large": False,
            "unavailable": False,
            "member_count": 1 + len(self.members),  # all of them below: the guild is chunked
            "voice_states": [],
            "members": [member_payload(me, self.id), *map(self.member, self.members.values())],
            "channels": [channel],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


def everyone_role(guild_id: str) -> JSON:
    return {
        "id": guild_id,
        "name": "@everyone",
        "color": 0,
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": 0,
        "permissions": EVERYONE_PERMISSIONS,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def role_payload(role_id: str, name: str, position: int) -> JSON:
    """A Role object as GUILD_CREATE lists it."""
    return {**everyone_role(role_id), "name": name, "position": position, "permissions": "0"}


def member_payload(user: FakeUser, guild_id: str, roles: list[str] | None = None) -> JSON:
    del guild_id  # a member object does not name its guild
    return {
        "user": user.payload(),
        "nick": None,
        "avatar": None,
        "roles": list(roles or []),
        "joined_at": TIMESTAMP,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "permissions": EVERYONE_PERMISSIONS,
    }


def dm_channel_payload(channel_id: str, user: FakeUser) -> JSON:
    return {"id": channel_id, "type": 1, "last_message_id": None, "recipients": [user.payload()]}


def message_payload(
    message_id: str, channel_id: str, author: FakeUser, body: JSON, *, guild_id: str | None
) -> JSON:
    """A Message object as Discord answers a create: the sent fields over the defaults."""
    message: JSON = {
        "id": message_id,
        "channel_id": channel_id,
        "author": author.payload(),
        "content": "",
        "timestamp": TIMESTAMP,
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
        "components": [],
    }
    if guild_id is not None:
        message["guild_id"] = guild_id
    for key in ("content", "embeds", "components", "flags", "tts"):
        if key in body and body[key] is not None:
            message[key] = body[key]
    return message


def interaction_payload(
    kind: int,
    data: JSON,
    user: FakeUser,
    *,
    application_id: str,
    guild: FakeGuild | None,
    channel_id: str,
    message: JSON | None = None,
) -> JSON:
    """An INTERACTION_CREATE's `d`: in a guild the user comes as `member`, in a DM as `user`."""
    interaction: JSON = {
        "id": snowflake(),
        "application_id": application_id,
        "type": kind,
        "data": data,
        "channel_id": channel_id,
        "token": f"interaction-token-{snowflake()}",
        "version": 1,
        "locale": user.locale,
        "app_permissions": EVERYONE_PERMISSIONS,
        "entitlements": [],
        "attachment_size_limit": 10485760,
    }
    if guild is not None:
        channel = guild.channel_payload()
        interaction.update(
            guild_id=guild.id,
            guild={"id": guild.id, "locale": "en-US", "features": []},
            guild_locale="en-US",
            channel=channel,
            member=guild.member(user),
            authorizing_integration_owners={"0": guild.id},
            context=0,
        )
    else:
        interaction.update(
            channel={"id": channel_id, "type": 1, "recipients": [user.payload()], "flags": 0},
            user=user.payload(),
            authorizing_integration_owners={"0": "0"},
            context=1,
        )
    if message is not None:
        interaction["message"] = message
    return interaction


def command_data(command: JSON, options: dict[str, str]) -> JSON:
    """The `data` of a chat-input command interaction, for a command as it was synced."""
    data: JSON = {
        "id": command["id"],
        "name": command["name"],
        "type": 1,
        "options": [{"name": k, "type": 3, "value": v} for k, v in options.items()],
    }
    if "guild_id" in command:  # a guild command says so: discord.py looks it up there
        data["guild_id"] = command["guild_id"]
    return data
