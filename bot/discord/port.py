"""`core.ports.Frontend` for Discord: notices and status cards to a person's DM or a channel,
every send with no mentions; a closed DM or an outage is `Unreachable`, so a notice waits."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from bot.discord.private import Asks, ask_view
from bot.discord.render import PLATFORM, message_of
from core import errors
from core.messages import Ask, Text, View
from core.recipients import Account, Recipient

log = logging.getLogger(__name__)
Language = Callable[[str], Awaitable[str]]


class DiscordPort:
    platform = PLATFORM

    def __init__(self, client: discord.Client, language: Language, asks: Asks) -> None:
        self.client = client
        self._language = language
        self._asks = asks

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
            raise errors.Unreachable(f"discord answered {err.status}") from None

    async def send(self, to: Recipient, view: View) -> str:
        return str((await self.send_raw(to, view, await self._language(to.address))).id)

    async def edit(self, to: Recipient, message_id: str, view: View) -> None:
        channel = await self.destination(to)
        message = channel.get_partial_message(int(message_id))  # type: ignore[attr-defined]
        sent = message_of(view, await self._language(to.address))
        try:
            await message.edit(**sent)
        except discord.NotFound:
            raise errors.NotFound("the card message is gone") from None
        except discord.HTTPException as err:
            raise errors.Unreachable(f"discord answered {err.status}") from None

    async def delete(self, to: Recipient, message_id: str) -> None:
        channel = await self.destination(to)
        try:
            await channel.get_partial_message(int(message_id)).delete()  # type: ignore[attr-defined]
        except discord.NotFound:
            return

    async def answer(self, tap_id: str, alert: Text | None = None) -> None:
        """Presses are acknowledged where they arrive (a deferred update), so nothing here."""

    async def ask_private(self, to: Account, prompt: View, ask: Ask) -> None:
        """Discord opens a modal only in answer to an interaction: the prompt goes to the DM
        with a button, and pressing it opens the modal (see handlers.Handlers.on_token)."""
        self._asks.keep(ask)
        await self.send(to, ask_view(prompt, ask))
