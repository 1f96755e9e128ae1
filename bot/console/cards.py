"""Status cards in a terminal: a request's card is printed again whenever its text changes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.console.render import Screen, text_of
from bot.views import View
from core.events import Event

log = logging.getLogger(__name__)

CardSource = Callable[[int], Awaitable[View | None]]  # Conversation.card


class ConsoleCards:
    """Remembers the text each card was last printed with; `refresh` prints it again only when
    that text changed. Refreshed on every event about the request and every `interval` seconds."""

    def __init__(self, card: CardSource, screen: Screen, lang: str, *, interval: float) -> None:
        self._card = card
        self._screen = screen
        self._lang = lang
        self._interval = interval
        self._shown: dict[int, str] = {}
        self._lock = asyncio.Lock()
        self.live = False  # the bus has no unsubscribe: a stopped printer ignores events

    def shown(self, view: View) -> None:
        """This card was just printed as part of an answer."""
        if view.card is not None:
            self._shown[view.card] = text_of(view, self._lang)

    async def on_event(self, event: Event) -> None:
        if self.live and event.request_id in self._shown:
            await self.refresh(event.request_id)

    async def refresh(self, request_id: int) -> bool:
        """Print the request's card if its text changed since it was last printed."""
        async with self._lock:
            view = await self._card(request_id)
            if view is None:
                self._shown.pop(request_id, None)
                return False
            text = text_of(view, self._lang)
            if text == self._shown.get(request_id):
                return False
            self._shown[request_id] = text
            self._screen.show([view], self._lang)
            return True

    async def run(self) -> None:
        """Refresh every printed card until cancelled: progress moves without events."""
        while True:
            await asyncio.sleep(self._interval)
            for request_id in list(self._shown):
                try:
                    await self.refresh(request_id)
                except Exception:
                    log.exception("refreshing the card of request %s failed", request_id)
