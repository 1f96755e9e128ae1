"""The Telegram frontend as core sees it (`core.ports.Frontend`): send, edit, delete, answer a
tap, and ask for private input. Failures leave as Outpost's typed errors."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Bot, Message
from telegram.error import TelegramError

from bot.telegram.errors import typed
from bot.telegram.render import (
    ALERT_LIMIT,
    PLATFORM,
    TEXT_LIMIT,
    cap,
    chunks,
    destination,
    edit_view,
    line_text,
    send_view,
    text_of,
)
from bot.views import Ask, Text, View
from core import errors
from core.recipients import Account, Recipient

log = logging.getLogger(__name__)

Language = Callable[[str], Awaitable[str]]  # an address -> the language to speak there
ASK_FOR = 15 * 60.0  # seconds private input is awaited, as long as its token lives


@dataclass
class Asking:
    """Private input under way in one person's private chat: the fields still to read."""

    ask: Ask
    until: float  # time.monotonic() after which the person's messages are ordinary again
    values: dict[str, str] = field(default_factory=dict)

    @property
    def next(self) -> int:
        return len(self.values)


class TelegramPort:
    """`core.ports.Frontend` over one python-telegram-bot `Bot`."""

    platform = PLATFORM

    def __init__(self, bot: Bot, language: Language, *, ask_for: float = ASK_FOR) -> None:
        self.bot = bot
        self._language = language
        self._ask_for = ask_for
        self.asking: dict[str, Asking] = {}  # by Telegram user id

    async def send(self, to: Recipient, view: View) -> str:
        lang = await self._language(to.address)
        try:
            return str((await self.send_raw(to, view, lang)).message_id)
        except TelegramError as err:
            raise typed(err) from None  # from None: a transport error may quote the token URL

    async def send_raw(self, to: Recipient, view: View, lang: str) -> Message:
        """A new message (long plain text split at line ends); TelegramError as it came."""
        chat = self._chat(to)
        text = text_of(view, lang, caption=False) if not view.photo else ""
        if view.photo or view.buttons or view.choices or len(text) < TEXT_LIMIT:
            return await send_view(self.bot, chat, view, lang)
        whole = "\n".join(line_text(line, lang) for line in view.lines)
        sent = None
        for part in chunks(whole):
            silent = view.silent or None
            sent = await self.bot.send_message(chat, part, disable_notification=silent)
        assert sent is not None
        return sent

    async def edit(self, to: Recipient, message_id: str, view: View) -> None:
        lang = await self._language(to.address)
        try:
            chat = self._chat(to)
            await edit_view(self.bot, chat, int(message_id), view, lang, photo=bool(view.photo))
        except TelegramError as err:
            raise typed(err) from None

    async def delete(self, to: Recipient, message_id: str) -> None:
        try:
            await self.bot.delete_message(self._chat(to), int(message_id))
        except TelegramError as err:
            raise typed(err) from None

    async def answer(self, tap_id: str, alert: Text | None = None, *, lang: str = "en") -> None:
        """Answer a callback query; the handler knows the tapper's language, core does not."""
        text = None
        if alert is not None:
            text = cap(line_text(alert, lang), ALERT_LIMIT)
        try:
            await self.bot.answer_callback_query(tap_id, text, show_alert=text is not None)
        except TelegramError as err:
            raise typed(err) from None

    async def ask_private(self, to: Account, prompt: View, ask: Ask) -> None:
        """Show the prompt and the first field's label; the person's next messages in their
        private chat are the values (see `take`), each deleted as soon as it is read."""
        if not ask.fields:
            return
        self.asking[to.user_id] = Asking(ask, time.monotonic() + self._ask_for)
        await self.send(to, View((*prompt.lines, ask.fields[0].label)))

    def take(self, user_id: str, text: str) -> tuple[Ask, dict[str, str]] | Asking | None:
        """A private message while input is asked: the whole answer once every field is read,
        the asking still under way, or None when nothing is being asked."""
        asking = self.asking.get(user_id)
        if asking is not None and asking.until < time.monotonic():
            del self.asking[user_id]  # asked long ago: this is an ordinary message
            asking = None
        if asking is None:
            return None
        asking.values[asking.ask.fields[asking.next].name] = text
        if asking.next < len(asking.ask.fields):
            return asking
        del self.asking[user_id]
        return asking.ask, asking.values

    def _chat(self, to: Recipient) -> int:
        try:
            return destination(to)
        except ValueError:
            raise errors.UserError(f"not a Telegram recipient: {to.address}") from None
