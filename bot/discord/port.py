"""`core.ports.Frontend` for Discord: notices and status cards to a person's DM or a channel,
every send with no mentions; an outage is `Unreachable`, so a notice waits.

A person whose DMs are closed (Discord's 50007, "Cannot send messages to this user") is told
in the household channel instead, with the one mention Outpost ever makes: that person, by
id (`AllowedMentions(users=[them])`; nothing in a title can ping anyone else). Without a
household channel the DM stays Unreachable and the notice waits. Such a message's id names its
channel ("CHANNEL/MESSAGE"), so the card is later edited where it is, not in the closed DM."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable

import discord

from bot.discord.private import Asks, ask_view
from bot.discord.render import CONTENT_LIMIT, PLATFORM, cap, message_of
from core import errors
from core.messages import Ask, Text, View
from core.recipients import Account, Channel, Recipient

log = logging.getLogger(__name__)
Language = Callable[[str], Awaitable[str]]
Channels = Callable[[], Awaitable[list[Channel]]]
CANNOT_DM = 50007  # "Cannot send messages to this user": DMs closed, or no shared server
DM_CLOSED = "discord.dm_closed"


async def _no_channels() -> list[Channel]:
    return []


class DiscordPort:
    platform = PLATFORM

    def __init__(
        self,
        client: discord.Client,
        language: Language,
        asks: Asks,
        household_channels: Channels = _no_channels,
    ) -> None:
        self.client = client
        self._language = language
        self._asks = asks
        self._household_channels = household_channels

    async def destination(self, to: Recipient) -> discord.abc.Messageable:
        """A person's DM channel (opened on first use) or a channel by id."""
        if isinstance(to, Account):
            return await self.client.create_dm(discord.Object(int(to.user_id)))
        return self.client.get_partial_messageable(int(to.channel_id))

    async def send_raw(self, to: Recipient, view: View, lang: str) -> discord.Message:
        try:
            channel = await self.destination(to)
            return await channel.send(**message_of(view, lang))
        except discord.HTTPException as err:
            if isinstance(to, Account) and err.code == CANNOT_DM:
                return await self._mention_instead(to, view, lang)
            raise errors.Unreachable(f"discord answered {err.status}") from None

    async def _mention_instead(self, to: Account, view: View, lang: str) -> discord.Message:
        """The DM is closed: the household channel, mentioning that person alone."""
        channels = await self._household_channels()
        if not channels:
            raise errors.Unreachable("the person's DMs are closed and there is no household chat")
        told = dataclasses.replace(view, lines=(*view.lines, Text(DM_CLOSED)))
        sent = message_of(told, lang)
        mention = f"<@{int(to.user_id)}>"
        sent["content"] = cap(f"{mention}\n{sent['content'] or ''}".rstrip(), CONTENT_LIMIT)
        sent["allowed_mentions"] = discord.AllowedMentions(
            everyone=False, users=[discord.Object(int(to.user_id))], roles=False, replied_user=False
        )
        channel = self.client.get_partial_messageable(int(channels[0].channel_id))
        log.info("DMs closed for a person: told them in the household channel")
        try:
            return await channel.send(**sent)
        except discord.HTTPException as err:
            raise errors.Unreachable(f"discord answered {err.status}") from None

    async def send(self, to: Recipient, view: View) -> str:
        sent = await self.send_raw(to, view, await self._language(to.address))
        if isinstance(to, Account) and not isinstance(sent.channel, discord.DMChannel):
            return f"{sent.channel.id}/{sent.id}"  # told in the household channel instead
        return str(sent.id)

    async def _message(self, to: Recipient, message_id: str) -> discord.PartialMessage:
        """The message a `send` returned the id of: in its own channel when the id names one."""
        channel_id, _, own_id = message_id.rpartition("/")
        if channel_id:
            channel: discord.abc.Messageable = self.client.get_partial_messageable(int(channel_id))
        else:
            channel = await self.destination(to)
        return channel.get_partial_message(int(own_id))  # type: ignore[attr-defined,no-any-return]

    async def edit(self, to: Recipient, message_id: str, view: View) -> None:
        message = await self._message(to, message_id)
        sent = message_of(view, await self._language(to.address))
        try:
            await message.edit(**sent)
        except discord.NotFound:
            raise errors.NotFound("the card message is gone") from None
        except discord.HTTPException as err:
            raise errors.Unreachable(f"discord answered {err.status}") from None

    async def delete(self, to: Recipient, message_id: str) -> None:
        message = await self._message(to, message_id)
        try:
            await message.delete()
        except discord.NotFound:
            return

    async def answer(self, tap_id: str, alert: Text | None = None) -> None:
        """Presses are acknowledged where they arrive (a deferred update), so nothing here."""

    async def ask_private(self, to: Account, prompt: View, ask: Ask) -> None:
        """Discord opens a modal only in answer to an interaction: the prompt goes to the DM
        with a button, and pressing it opens the modal (see handlers.Handlers.on_token)."""
        self._asks.keep(ask)
        await self.send(to, ask_view(prompt, ask))
