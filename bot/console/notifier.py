"""Notices for the console person, printed as they come (instead of written to the log)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.cli.output import clean
from bot.console.render import Screen
from bot.i18n import t
from core.services.notify import CONSOLE, render


class ConsoleNotifier:
    """core.ports.Notifier for the "console" chat, in the console person's language."""

    name = CONSOLE

    def __init__(self, screen: Screen, lang: str) -> None:
        self._screen = screen
        self._lang = lang

    async def send(self, chat: str, text_key: str, params: Mapping[str, Any]) -> None:
        def translate(key: str, **values: Any) -> str:
            return t(key, self._lang, **values)

        self._screen.write(clean(render(text_key, params, translate)))
