"""Interactions to conversation calls: who acted comes from the interaction's envelope only;
every interaction is deferred before the conversation works, then answered."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot.conversation import Conversation, household
from bot.discord.port import DiscordPort
from bot.discord.render import PLATFORM, message_of
from bot.views import Reply, Sender, View
from core.recipients import parse
from core.services.cards import remember

log = logging.getLogger(__name__)


def sender_of(interaction: discord.Interaction) -> Sender:
    user = interaction.user
    private = interaction.guild_id is None
    return Sender(
        PLATFORM,
        str(user.id),
        str(user.id if private else interaction.channel_id),
        private,
        interaction.locale.value,
        user.display_name,
    )


class Handlers:
    def __init__(self, conversation: Conversation, port: DiscordPort) -> None:
        self._conversation = conversation
        self._port = port

    async def on_command(self, interaction: discord.Interaction, name: str, text: str) -> None:
        """Strangers' answers are ephemeral (one short refusal only they see)."""
        sender = sender_of(interaction)
        member = await household.member_of(self._conversation.services.household, sender)
        await interaction.response.defer(thinking=True, ephemeral=member is None)
        replies = await self._conversation.command(sender, name, text)
        await self.apply(interaction, sender, replies, first=True)

    async def on_token(self, interaction: discord.Interaction, token: str) -> None:
        """A press: acknowledged at once (a deferred update), whatever the token is."""
        sender = sender_of(interaction)
        await interaction.response.defer()
        answer = await self._conversation.tap(sender, token)
        lang = await self._conversation.language_of(sender)
        if answer.alert is not None:
            alert = message_of(View((answer.alert,)), lang)
            await interaction.followup.send(**_followup(alert), ephemeral=True)
        await self.apply(interaction, sender, answer.replies, first=False)

    async def apply(
        self,
        interaction: discord.Interaction,
        sender: Sender,
        replies: Sequence[Reply],
        *,
        first: bool,
    ) -> None:
        """The first reply of a command fills the deferred answer; a reply with `edit` replaces
        the pressed message; one for another chat goes there; the rest are follow-ups."""
        answered = False
        for reply in replies:
            address = reply.chat or sender.chat
            lang = await self._language(sender, reply.chat)
            sent = message_of(reply.view, lang)
            if reply.chat is not None:
                message = await self._port.send_raw(parse(reply.chat), reply.view, lang)
            elif (first and not answered) or (reply.edit and not first):
                message = await interaction.edit_original_response(**sent)
            else:
                message = await interaction.followup.send(**_followup(sent), wait=True)
            answered = True
            if reply.view.card is not None:
                await remember(reply.view.card, address, str(message.id), reply.view)
        if first and not answered:
            await interaction.delete_original_response()

    async def _language(self, sender: Sender, chat: str | None) -> str:
        if chat is not None and chat != sender.chat:
            return await self._conversation.language(chat)
        return await self._conversation.language_of(sender)


def _followup(sent: dict[str, Any]) -> dict[str, Any]:
    """A follow-up takes no `embed=None` nor `content=None`."""
    return {k: v for k, v in sent.items() if v is not None}
