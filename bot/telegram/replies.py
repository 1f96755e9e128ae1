"""Carries out the conversation's replies in Telegram: send, edit the tapped message, delete a
message that held a secret, remember status cards, and start asking for private input."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Message
from telegram.error import TelegramError

from bot.conversation import Conversation
from bot.telegram.port import TelegramPort
from bot.telegram.render import edit_view
from bot.views import Reply, Sender
from core.recipients import Account, parse
from core.services.cards import remember

log = logging.getLogger(__name__)


class Replier:
    def __init__(self, port: TelegramPort, conversation: Conversation) -> None:
        self._port = port
        self._conversation = conversation

    async def apply(
        self,
        sender: Sender,
        replies: Sequence[Reply],
        *,
        tapped: Message | None = None,
        trigger: Message | None = None,
    ) -> None:
        """`tapped` is the message an edit replaces; `trigger` the person's own message."""
        if trigger is not None and any(r.delete_trigger for r in replies):
            await self.delete(trigger)  # first: the secret must go even if a reply fails
        for reply in replies:
            await self._one(sender, reply, tapped)

    async def _one(self, sender: Sender, reply: Reply, tapped: Message | None) -> None:
        address = reply.chat or sender.chat
        lang = await self.language(sender, reply.chat)
        view = reply.view
        if reply.ask is not None:
            to = parse(address)
            if isinstance(to, Account):
                await self._port.ask_private(to, view, reply.ask)
            return
        if reply.edit and reply.chat is None and tapped is not None:
            photo = bool(tapped.photo)
            bot = self._port.bot
            await edit_view(bot, tapped.chat_id, tapped.message_id, view, lang, photo=photo)
            message_id = tapped.message_id
        else:
            message_id = (await self._port.send_raw(parse(address), view, lang)).message_id
        if view.card is not None:
            await remember(view.card, address, str(message_id), view)

    async def language(self, sender: Sender, chat: str | None = None) -> str:
        """Another chat speaks its person's language; the sender's own chat the sender's
        (their setting, else their client's)."""
        if chat is not None and chat != sender.chat:
            return await self._conversation.language(chat)
        return await self._conversation.language_of(sender)

    async def delete(self, message: Message) -> None:
        try:
            await message.delete()
        except TelegramError as err:
            # e.g. no right to delete in a group: the person is told by the conversation
            log.warning("could not delete a message holding a secret: %s", err)
