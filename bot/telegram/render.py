"""Views to Telegram messages: translated plain text, inline keyboards, photos, edits in place."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.i18n import t
from bot.views import Button, View
from core.messages import Text, words
from core.recipients import Account, Recipient, parse

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096  # Telegram's cap on a message's text
CAPTION_LIMIT = 1024  # and on a photo's caption
ALERT_LIMIT = 200  # and on a callback answer's text
PLATFORM = "telegram"


def cap(text: str, limit: int) -> str:
    """Cut to `limit` characters, ending with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_of(view: View, lang: str, *, caption: bool | None = None) -> str:
    """The view's lines translated and joined, capped for a caption (a photo's) or a message
    text; never empty, which Telegram refuses."""
    text = "\n".join(line_text(line, lang) for line in view.lines)
    as_caption = bool(view.photo) if caption is None else caption
    return cap(text, CAPTION_LIMIT if as_caption else TEXT_LIMIT) or "…"


def line_text(line: Text, lang: str) -> str:
    return words(line, lambda key, **params: t(key, lang, **params))


def chunks(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split at line ends into messages of at most `limit` characters."""
    parts: list[str] = []
    for line in text.split("\n"):
        line = line[:limit]
        if parts and len(parts[-1]) + 1 + len(line) <= limit:
            parts[-1] += "\n" + line
        else:
            parts.append(line)
    return parts


SHORT_LABEL = 12  # choices this short share a row, four each; longer ones get a row each


def keyboard(view: View, lang: str) -> InlineKeyboardMarkup | None:
    """Rows of buttons, a choice list first (Telegram has no menus); each button carries only
    its opaque token back to us."""
    labels = [t(b.text.key, lang, **b.text.params) for b in view.choices]
    per_row = 4 if all(len(label) <= SHORT_LABEL for label in labels) else 1
    rows = [[_button(b, lang) for b in row] for row in view.rows(per_row)]
    return InlineKeyboardMarkup(rows) if rows else None


def _button(button: Button, lang: str) -> InlineKeyboardButton:
    label = cap(t(button.text.key, lang, **button.text.params), 64)
    return InlineKeyboardButton(label, callback_data=button.token)


def destination(to: Recipient) -> int:
    """The chat a recipient is reached in: a person's private chat with the bot has their user
    id (Telegram's rule, known only here); a channel is its chat id."""
    raw = to.user_id if isinstance(to, Account) else to.channel_id
    if to.platform != PLATFORM or not raw.lstrip("-").isdigit():
        raise ValueError(f"not a Telegram recipient: {to!r}")
    return int(raw)


def chat_id(address: str) -> int:
    """ "telegram:<id>" or "telegram:#<id>" -> the numeric chat id; anything else is not ours."""
    return destination(parse(address))


async def send_view(bot: Bot, chat: int, view: View, lang: str) -> Message:
    """A new message: a photo with the text as caption, or plain text (no parse mode, so a
    title cannot inject markup)."""
    markup = keyboard(view, lang)
    silent = view.silent or None
    if view.photo:
        return await bot.send_photo(
            chat,
            view.photo,
            caption=text_of(view, lang),
            reply_markup=markup,
            disable_notification=silent,
        )
    return await bot.send_message(
        chat, text_of(view, lang), reply_markup=markup, disable_notification=silent
    )


async def edit_view(
    bot: Bot, chat: int, message_id: int, view: View, lang: str, *, photo: bool
) -> None:
    """Replace a message's text (or a photo's caption) and keyboard; an unchanged edit is fine."""
    markup = keyboard(view, lang)
    try:
        if photo:
            await bot.edit_message_caption(
                chat_id=chat,
                message_id=message_id,
                caption=text_of(view, lang, caption=True),
                reply_markup=markup,
            )
        else:
            await bot.edit_message_text(
                text_of(view, lang, caption=False),
                chat_id=chat,
                message_id=message_id,
                reply_markup=markup,
            )
    except BadRequest as err:
        # Telegram reports an edit to the same content only in words; it is not a failure
        if "not modified" not in err.message.lower():
            raise
