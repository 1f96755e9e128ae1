"""Telegram updates to conversation calls: who wrote comes from the update's envelope only."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.conversation import Conversation
from bot.conversation.entry import COMMANDS
from bot.i18n import t
from bot.telegram.app import TelegramApp
from bot.telegram.port import Asking, TelegramPort
from bot.telegram.render import ALERT_LIMIT, PLATFORM, cap, send_view
from bot.telegram.replies import Replier
from bot.views import CHAT, Reply, Sender, TapAnswer, Text, View
from core import errors

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
Callback = Callable[[Any, Context], Awaitable[None]]
WORKING = "telegram.working"  # "searching…", shown when an answer takes longer than `patience`
NEW_MESSAGES = filters.UpdateType.MESSAGE  # edits of old messages are not new commands
JOINED = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)


def sender_of(update: Update) -> Sender | None:
    """The authenticated author; None for channel posts and anonymous senders."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    return Sender(
        PLATFORM,
        str(user.id),
        str(chat.id),
        chat.type == ChatType.PRIVATE,
        user.language_code,
        user.full_name,
        CHAT,  # a secret is a message in the private chat, deleted at once
    )


def tapped_at(query: CallbackQuery) -> datetime | None:
    """The latest a tap can have been sent: Telegram dates no callback query, but the button
    was tapped after its message was sent or last edited. A backlog after downtime holds taps
    at least that old (as the message's buttons last TTL, a fresh tap is never older)."""
    message = query.message
    if not isinstance(message, Message):
        return None
    return message.edit_date or message.date


def split_command(text: str, bot_name: str) -> tuple[str, str] | None:
    """ "/search@OurBot dune" -> ("search", "dune"); None when addressed to another bot."""
    head, _, args = text.strip().partition(" ")
    name, _, target = head.removeprefix("/").partition("@")
    if target and target.lower() != bot_name.lower():
        return None
    return name.lower(), args.strip()


class Handlers:
    """Each callback: find the sender, make one conversation call, apply the replies."""

    def __init__(
        self,
        conversation: Conversation,
        replier: Replier,
        port: TelegramPort,
        *,
        patience: float = 1.0,
    ):
        self._conversation = conversation
        self._replier = replier
        self._port = port
        self.patience = patience
        self._running: set[asyncio.Task[Any]] = set()

    def install(self, application: TelegramApp) -> None:
        command, message = self._tracked(self.on_command), self._tracked(self.on_message)
        application.add_handler(CommandHandler(COMMANDS, command, NEW_MESSAGES))
        # commands the conversation adds (secret settings) reach it too, unknown ones included
        application.add_handler(MessageHandler(filters.COMMAND & NEW_MESSAGES, command))
        text = filters.TEXT & ~filters.COMMAND & NEW_MESSAGES
        application.add_handler(MessageHandler(text, message))
        application.add_handler(CallbackQueryHandler(self._tracked(self.on_tap)))
        joined = ChatMemberHandler(self._tracked(self.on_joined), ChatMemberHandler.MY_CHAT_MEMBER)
        application.add_handler(joined)
        application.add_error_handler(self._tracked(self.on_error))

    def _tracked(self, callback: Callback) -> Callback:
        """The callback, remembered while it runs, so a stop that gives up can cancel it."""

        async def run(update: Any, context: Context) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            try:
                await callback(update, context)
            finally:
                self._running.discard(task)  # type: ignore[arg-type]

        return run

    def cancel_running(self) -> int:
        """Cancel the answers still under way (the Bot API stopped answering them)."""
        for task in self._running:
            task.cancel()
        return len(self._running)

    async def on_joined(self, update: Update, context: Context) -> None:
        """Added to a group: stay only when a household admin added us (or it is the
        household's already); leave any other group at once."""
        changed, sender = update.my_chat_member, sender_of(update)
        if changed is None or sender is None or sender.private:
            return
        if changed.new_chat_member.status in JOINED:
            await self._stay_or_leave(sender, context)

    async def _stay_or_leave(self, sender: Sender, context: Context) -> bool:
        """True when the bot stays in the sender's group; else it leaves (leaveChat)."""
        if sender.private or await self._conversation.stays(sender):
            return True
        log.info("left group %s, which nobody registered", sender.chat_id)
        await context.bot.leave_chat(int(sender.chat_id))
        return False

    async def on_command(self, update: Update, context: Context) -> None:
        sender, message = sender_of(update), update.effective_message
        parsed = split_command(message.text or "", context.bot.username) if message else None
        if sender is None or message is None or parsed is None:
            return
        if not await self._stay_or_leave(sender, context):
            return
        self._port.asking.pop(sender.user_id, None)  # a command ends any asking under way
        work = self._conversation.command(sender, *parsed)
        await self._answer(sender, message, work)

    async def on_message(self, update: Update, context: Context) -> None:
        sender, message = sender_of(update), update.effective_message
        if sender is None or message is None or not message.text:
            return
        if not await self._stay_or_leave(sender, context):
            return
        if sender.private and await self._private(sender, message, message.text):
            return
        await self._answer(sender, message, self._conversation.message(sender, message.text))

    async def _private(self, sender: Sender, message: Message, text: str) -> bool:
        """A value asked for privately: deleted at once, then the next field or the answer."""
        taken = self._port.take(sender.user_id, text)
        if taken is None:
            return False
        await self._replier.delete(message)
        if isinstance(taken, Asking):
            label = taken.ask.fields[taken.next].label
            await self._replier.apply(sender, [Reply(View((label,)))])
            return True
        ask, values = taken
        await self._answer(
            sender, message, self._conversation.private_answer(sender, ask.token, values)
        )
        return True

    async def on_tap(self, update: Update, context: Context) -> None:
        sender, query = sender_of(update), update.callback_query
        if sender is None or query is None:
            return
        answer = await self._answer_tap(sender, query)
        tapped = query.message if isinstance(query.message, Message) else None
        await self._replier.apply(sender, answer.replies, tapped=tapped)

    async def _answer_tap(self, sender: Sender, query: CallbackQuery) -> TapAnswer:
        """Answer the query at once: with the alert if the tap is decided within `patience`,
        else empty now and the alert as a message when it comes."""
        sent_at = tapped_at(query)
        task = asyncio.ensure_future(self._conversation.tap(sender, query.data or "", sent_at))
        done, _ = await asyncio.wait({task}, timeout=self.patience)
        if not done or task.exception() is not None:
            await query.answer()
            answer = await task
            if answer.alert is not None:
                await self._replier.apply(sender, [Reply(View((answer.alert,)))])
            return answer
        answer = task.result()
        alert = await self._text(sender, answer.alert)
        await query.answer(alert, show_alert=alert is not None)
        return answer

    async def _answer(self, sender: Sender, trigger: Message, work: Awaitable[list[Reply]]) -> None:
        """Apply the replies; a slow answer first shows "working…", then replaces it."""
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=self.patience)
        if done:
            await self._replier.apply(sender, task.result(), trigger=trigger)
            return
        lang = await self._replier.language(sender)
        placeholder = await send_view(
            trigger.get_bot(), trigger.chat_id, View((Text(WORKING),)), lang
        )
        replies = await task
        await self._replier.apply(sender, _into(replies), trigger=trigger, tapped=placeholder)
        if not _replaces(replies):
            await placeholder.delete()

    async def _text(self, sender: Sender, text: Text | None) -> str | None:
        if text is None:
            return None
        return cap(t(text.key, await self._replier.language(sender), **text.params), ALERT_LIMIT)

    async def on_error(self, update: object, context: Context) -> None:
        """Log the details under a short incident id; tell the person a sentence and the id."""
        incident = secrets.token_hex(4)
        log.error("incident %s: an update failed", incident, exc_info=context.error)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            return
        lang = await self._conversation.language(f"{PLATFORM}:{chat.id}")
        await context.bot.send_message(chat.id, incident_text(context.error, incident, lang))


def incident_text(error: BaseException | None, incident: str, lang: str) -> str:
    """A typed error in the person's words plus the incident id; anything else "internal"."""
    if isinstance(error, errors.OutpostError) and not isinstance(error, errors.StoreError):
        reason = t(error.key, lang, **error.params)
        return f"{reason}\n{t('telegram.incident', lang, incident=incident)}"
    return t("error.internal", lang, incident=incident)


def _replaces(replies: Sequence[Reply]) -> bool:
    """Whether the first reply can take the placeholder's place (same chat, no photo)."""
    return bool(replies) and replies[0].chat is None and replies[0].view.photo is None


def _into(replies: list[Reply]) -> list[Reply]:
    if not _replaces(replies):
        return replies
    return [dataclasses.replace(replies[0], edit=True), *replies[1:]]
