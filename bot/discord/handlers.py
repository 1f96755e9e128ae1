"""Interactions to conversation calls: who acted comes from the interaction's envelope only.
An answer ready within `patience` is sent at once (a modal can only be a first answer);
slower work is deferred first, well inside Discord's three seconds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import Any

import discord
from discord import app_commands

from bot.conversation import Conversation, household
from bot.conversation.entry import SETTINGS_COMMANDS
from bot.conversation.search import KINDS
from bot.discord.port import DiscordPort
from bot.discord.private import AskModal, Asks, ask_view
from bot.discord.render import PLATFORM, cap, message_of
from bot.views import FORM, Reply, Sender, Text, View
from bot.wording import split_year
from core import errors
from core.messages import Ask
from core.recipients import parse
from core.services.cards import remember

log = logging.getLogger(__name__)
SUGGEST_BUDGET = 2.0  # Discord drops an autocomplete answer after three seconds
CHOICES = 25  # at most, on Discord


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
        FORM,  # secrets in a modal, settings answered ephemerally: private in a guild too
        vouched=not private,  # the tree answers in the household's servers only
    )


class Handlers:
    def __init__(
        self, conversation: Conversation, port: DiscordPort, asks: Asks, patience: float = 1.0
    ) -> None:
        self._conversation = conversation
        self._port = port
        self._asks = asks
        self.patience = patience

    async def on_command(self, interaction: discord.Interaction, name: str, text: str) -> None:
        """Strangers' answers are ephemeral (one short refusal only they see), and so are the
        answers that hold settings or codes (`SETTINGS_COMMANDS`), from the defer on."""
        sender = sender_of(interaction)
        member = await household.member_of(self._conversation.services.household, sender)
        ephemeral = member is None or name in SETTINGS_COMMANDS
        work = self._conversation.command(sender, name, text)
        replies = await self._in_time(interaction, work, ephemeral=ephemeral)
        await self.apply(interaction, sender, replies, first=True, ephemeral=ephemeral)

    async def suggest(
        self, interaction: discord.Interaction, name: str, current: str
    ) -> list[app_commands.Choice[str]]:
        """Titles as they are typed, for members only, within `SUGGEST_BUDGET` seconds (the
        providers' answers are cached, so a repeated prefix is quick); else none."""
        sender = sender_of(interaction)
        household_ = self._conversation.services.household
        if len(current.strip()) < 2 or await household.member_of(household_, sender) is None:
            return []
        title, year = split_year(current.strip())
        try:
            metadata = await self._conversation.services.metadata()
            found = await asyncio.wait_for(
                metadata.search(title, KINDS[name], year=year), SUGGEST_BUDGET
            )
        except (TimeoutError, errors.OutpostError):
            return []
        choices = []
        for media in found.media[:CHOICES]:
            shown = f"{media.title} ({media.year})" if media.year else media.title
            choices.append(app_commands.Choice(name=cap(shown, 100), value=cap(shown, 100)))
        return choices

    async def on_token(self, interaction: discord.Interaction, token: str) -> None:
        """A press: acknowledged at once (a deferred update), whatever the token is."""
        sender = sender_of(interaction)
        ask = self._asks.take(token)
        if ask is not None:
            lang = await self._conversation.language_of(sender)
            await interaction.response.send_modal(AskModal(ask, lang, self.on_submit))
            return
        await interaction.response.defer()
        answer = await self._conversation.tap(sender, token)
        if answer.alert is not None:
            lang = await self._conversation.language_of(sender)
            alert = message_of(View((answer.alert,)), lang)
            await interaction.followup.send(**_followup(alert), ephemeral=True)
        await self.apply(interaction, sender, answer.replies, first=False)

    async def on_submit(
        self, interaction: discord.Interaction, ask: Ask, values: dict[str, str]
    ) -> None:
        """A modal's values: to the conversation, the answer only the person sees."""
        sender = sender_of(interaction)
        await interaction.response.defer(thinking=True, ephemeral=True)
        replies = await self._conversation.private_answer(sender, ask.token, values)
        await self.apply(interaction, sender, replies, first=True, ephemeral=True)

    async def _in_time(
        self, interaction: discord.Interaction, work: Awaitable[list[Reply]], *, ephemeral: bool
    ) -> list[Reply]:
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=self.patience)
        if not done:
            await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        return await task

    async def apply(
        self,
        interaction: discord.Interaction,
        sender: Sender,
        replies: Sequence[Reply],
        *,
        first: bool,
        ephemeral: bool = False,
    ) -> None:
        """The first reply of a command is its answer; a reply with `edit` replaces the
        pressed message; one for another chat goes there; the rest are follow-ups."""
        answered = False
        for reply in replies:
            if reply.ask is not None:
                await self._ask(interaction, sender, reply, ephemeral)
                answered = True
                continue
            lang = await self._language(sender, reply.chat)
            sent = message_of(reply.view, lang)
            message: discord.Message | None
            if reply.chat is not None:
                message = await self._port.send_raw(parse(reply.chat), reply.view, lang)
            elif first and not answered:
                message = await self._first(interaction, sent, ephemeral)
            elif reply.edit and not first:
                message = await interaction.edit_original_response(**sent)
            else:
                message = await interaction.followup.send(
                    **_followup(sent), ephemeral=ephemeral, wait=True
                )
            answered = True
            if reply.view.card is not None and message is not None:
                await remember(
                    reply.view.card, reply.chat or sender.chat, str(message.id), reply.view
                )
        if first and not answered:
            await self._first(interaction, message_of(View((Text("tap.unknown"),)), "en"), True)

    async def _first(
        self, interaction: discord.Interaction, sent: dict[str, Any], ephemeral: bool
    ) -> discord.Message | None:
        if interaction.response.is_done():
            return await interaction.edit_original_response(**sent)
        await interaction.response.send_message(**_followup(sent), ephemeral=ephemeral)
        return await interaction.original_response()

    async def _ask(
        self, interaction: discord.Interaction, sender: Sender, reply: Reply, ephemeral: bool
    ) -> None:
        """A modal if this interaction has no answer yet, else a button that opens one."""
        assert reply.ask is not None
        lang = await self._language(sender, reply.chat)
        if not interaction.response.is_done() and reply.chat is None:
            await interaction.response.send_modal(AskModal(reply.ask, lang, self.on_submit))
            return
        self._asks.keep(reply.ask)
        sent = message_of(ask_view(reply.view, reply.ask), lang)
        if interaction.response.is_done():
            await interaction.followup.send(**_followup(sent), ephemeral=True)
        else:
            await interaction.response.send_message(**_followup(sent), ephemeral=True)

    async def _language(self, sender: Sender, chat: str | None) -> str:
        if chat is not None and chat != sender.chat:
            return await self._conversation.language(chat)
        return await self._conversation.language_of(sender)


def _followup(sent: dict[str, Any]) -> dict[str, Any]:
    """A follow-up or a first message takes no `embed=None` nor `content=None`."""
    return {k: v for k, v in sent.items() if v is not None}
