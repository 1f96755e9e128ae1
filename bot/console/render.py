"""Views as terminal text: translated lines, a poster line, and buttons as numbered choices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from bot.cli.output import clean
from bot.i18n import t
from bot.views import Text, View
from core import messages


@dataclass(frozen=True, slots=True)
class Printed:
    text: str
    tokens: tuple[str, ...]  # the button tokens, in the order of their numbers


def words(text: Text, lang: str) -> str:
    """One key in words, without control characters: a title cannot rewrite the terminal."""
    return clean(messages.words(text, lambda key, **params: t(key, lang, **params)))


def text_of(view: View, lang: str) -> str:
    """The view's lines, and its photo as a "poster: URL" line."""
    lines = [words(line, lang) for line in view.lines]
    if view.photo:
        lines.append(words(Text("console.poster", {"url": view.photo}), lang))
    return "\n".join(lines)


def render(view: View, lang: str, first: int = 1) -> Printed:
    """The view's text, then one line per row of buttons: "[1] ⬇ Grab best  [2] 🔎 Choose
    release"; numbering starts at `first`."""
    tokens: list[str] = []
    rows: list[str] = []
    for row in view.rows():  # a choice list is numbered first, like buttons
        cells = []
        for button in row:
            tokens.append(button.token)
            cells.append(f"[{first + len(tokens) - 1}] {words(button.text, lang)}")
        if cells:
            rows.append("  ".join(cells))
    text = "\n".join(part for part in (text_of(view, lang), *rows) if part)
    return Printed(text, tuple(tokens))


class Screen:
    """Where the console writes. The buttons of the latest answer that had any are the numbered
    choices, counted across that answer's views, so typing a number taps one of them."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._choices: tuple[str, ...] = ()

    def show(self, views: Sequence[View], lang: str) -> None:
        """One answer: its views in order, each followed by a blank line."""
        tokens: list[str] = []
        for view in views:
            printed = render(view, lang, len(tokens) + 1)
            tokens += printed.tokens
            self.write(printed.text)
        if tokens:
            self._choices = tuple(tokens)

    def write(self, text: str) -> None:
        if text:
            print(text, end="\n\n", file=self._out, flush=True)

    def choice(self, number: int) -> str | None:
        """The token of choice `number` of the latest answer, if there is one."""
        return self._choices[number - 1] if 0 < number <= len(self._choices) else None
