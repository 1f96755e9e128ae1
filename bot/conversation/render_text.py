"""Views as plain text in a language: for the console, logs of tests, and simple frontends."""

from __future__ import annotations

from bot.i18n import t
from bot.views import Text, View


def text(item: Text, lang: str) -> str:
    return t(item.key, lang, **dict(item.params))


def render(view: View, lang: str) -> str:
    """Lines, then each row of buttons as `[label] [label]`."""
    lines = [text(item, lang) for item in view.lines]
    for row in view.rows():
        lines.append(" ".join(f"[{text(b.text, lang)}]" for b in row))
    return "\n".join(lines)
