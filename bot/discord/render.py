"""Views to Discord messages: escaped text cut to Discord's limits, an embed with the poster,
and buttons whose custom_ids are the conversation's opaque tokens."""

from __future__ import annotations

from typing import Any

import discord

from bot.i18n import t
from bot.views import View
from core.messages import Button, Text, words

PLATFORM = "discord"
CONTENT_LIMIT = 2000  # a message's content
EMBED_TITLE_LIMIT = 256
EMBED_TEXT_LIMIT = 4096  # an embed's description
LABEL_LIMIT = 80  # a button's label
CUSTOM_ID_LIMIT = 100
ROWS, PER_ROW = 5, 5  # at most 25 buttons
MENU_OPTIONS = 25  # a select menu's options; one menu fills a whole row
OPTION_LIMIT = 100  # an option's label
CHOOSE = "discord.choose"  # the menu's placeholder
NO_MENTIONS = discord.AllowedMentions.none()


def cap(text: str, limit: int) -> str:
    """Cut to `limit` characters, ending with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def line_text(line: Text, lang: str) -> str:
    """One line in words, its markdown escaped: a title is never formatting or a link."""
    worded = words(line, lambda key, **params: t(key, lang, **params))
    return discord.utils.escape_markdown(worded)


def _label(button: Button, lang: str, limit: int) -> str:
    return cap(words(button.text, lambda key, **params: t(key, lang, **params)), limit)


def buttons(view: View, lang: str) -> discord.ui.View | None:
    """Rows of buttons (persistent: no timeout), each carrying only its token back; a choice
    list of more than five is one select menu on the first row (at most 25 options, each
    option's value a token), a shorter one a row of buttons."""
    from bot.discord.taps import TokenButton, TokenSelect  # the client registers both

    layout = discord.ui.View(timeout=None)
    rows = [row for row in view.buttons if row]
    first = 0
    if len(view.choices) > PER_ROW:
        picks = view.choices[:MENU_OPTIONS]
        options = [
            discord.SelectOption(label=_label(b, lang, OPTION_LIMIT), value=b.token) for b in picks
        ]
        placeholder = cap(t(CHOOSE, lang), OPTION_LIMIT)
        layout.add_item(TokenSelect(picks[0].token, options, placeholder, row=0))
        first = 1
    elif view.choices:
        rows.insert(0, view.choices)
    for index, row in enumerate(rows[: ROWS - first], first):
        for button in row[:PER_ROW]:
            label = _label(button, lang, LABEL_LIMIT)
            layout.add_item(TokenButton(button.token[:CUSTOM_ID_LIMIT], label, index))
    return layout if layout.children else None


def message_of(view: View, lang: str) -> dict[str, Any]:
    """The keyword arguments of a send or an edit: with a poster the text is an embed (its
    first line the title), else plain content; never an empty message."""
    lines = [line_text(line, lang) for line in view.lines]
    layout = buttons(view, lang)
    # view=None on an edit takes the old buttons away (a card whose actions are over)
    sent: dict[str, Any] = {"allowed_mentions": NO_MENTIONS, "view": layout}
    if view.photo:
        title, rest = (lines[0], lines[1:]) if lines else ("…", [])
        embed = discord.Embed(
            title=cap(title, EMBED_TITLE_LIMIT), description=cap("\n".join(rest), EMBED_TEXT_LIMIT)
        )
        embed.set_image(url=view.photo)
        sent.update(content=None, embed=embed)
    else:
        sent.update(content=cap("\n".join(lines), CONTENT_LIMIT) or "…", embed=None)
    return sent
