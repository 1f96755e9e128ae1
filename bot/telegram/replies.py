"""Carries out the conversation's replies in Telegram: send, edit the tapped message, delete a
message that held a secret, and remember status cards."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, Message
from telegram.error import TelegramError

from bot.conversation import Conversation
from bot.telegram.cards import CardKeeper
from bot.telegram.render import chat_id, edit_view, send_view, text_of
from bot.views import Reply, Sender

log = logging.getLogger(__name__)


class Replier:
    def __init__(self, bot: Bot, conversation: Conversation, cards: CardKeeper) -> None:
        self._bot = bot
        self._conversation = conversation
        self._cards = cards

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
            await self._delete(trigger)  # first: the secret must go even if a reply fails
        for reply in replies:
            await self._one(sender, reply, tapped)

    async def _one(self, sender: Sender, reply: Reply, tapped: Message | None) -> None:
        chat = reply.chat or sender.chat
        lang = await self.language(sender, reply.chat)
        view = reply.view
        if reply.edit and reply.chat is None and tapped is not None:
            photo = bool(tapped.photo)
            await edit_view(self._bot, tapped.chat_id, tapped.message_id, view, lang, photo=photo)
            message_id = tapped.message_id
            text = text_of(view, lang, caption=photo)
        else:
            message_id = (await send_view(self._bot, chat_id(chat), view, lang)).message_id
            text = text_of(view, lang)
        if view.card is not None:
            await self._cards.record(view.card, chat, message_id, text)

    async def language(self, sender: Sender, chat: str | None = None) -> str:
        """Another chat speaks its person's language; the sender's own chat the sender's
        (their setting, else their client's)."""
        if chat is not None and chat != sender.chat:
            return await self._conversation.language(chat)
        return await self._conversation.language_of(sender)

    async def _delete(self, message: Message) -> None:
        try:
            await message.delete()
        except TelegramError as err:
            # e.g. no right to delete in a group: the person is told by the conversation
            log.warning("could not delete a message holding a secret: %s", err)
