"""Views as plain text in a language: for the console, logs of tests, and simple frontends."""

from __future__ import annotations

from bot.i18n import t
from bot.views import Text, View
from core.messages import words


def text(item: Text, lang: str) -> str:
    """One line in words, its `Text` params worded in the same language (as every frontend)."""
    return words(item, lambda key, **params: t(key, lang, **params))


def render(view: View, lang: str) -> str:
    """Lines, then each row of buttons as `[label] [label]`."""
    lines = [text(item, lang) for item in view.lines]
    for row in view.rows():
        lines.append(" ".join(f"[{text(b.text, lang)}]" for b in row))
    return "\n".join(lines)
