"""The console frontend as one service: `await start()`, `await talk(lines)`, `await stop()`."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Sequence
from typing import TextIO

from bot.console.cards import ConsoleCards
from bot.console.lines import Lines
from bot.console.notifier import ConsoleNotifier
from bot.console.render import Screen
from bot.conversation import Conversation
from bot.conversation.context import line
from bot.i18n import t
from bot.views import Reply, Sender, View
from core import errors
from core.app import Outpost
from core.events import Event
from core.services.notify import CONSOLE
from core.services.requests import console_person

log = logging.getLogger(__name__)

QUIT = ("/quit", "/exit")
PATIENCE = 1.0  # seconds before a slow answer (a search) is announced as under way


class ConsoleFrontend:
    """The local console person, the household's admin, talking to the same conversation as
    every chat: commands as typed, a number taps that button of the latest answer; answers,
    status cards and notices are printed as they come."""

    def __init__(
        self,
        app: Outpost,
        conversation: Conversation,
        out: TextIO,
        *,
        lang: str,
        card_interval: float = 5.0,
        patience: float = PATIENCE,
    ) -> None:
        self.app = app
        self.conversation = conversation
        self.screen = Screen(out)
        self.sender = Sender(CONSOLE, CONSOLE, CONSOLE, True, lang, CONSOLE)
        self.lang = lang
        self._card_interval = card_interval
        self._patience = patience
        self.cards: ConsoleCards | None = None
        self._refresher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Make sure the console person exists, take over the console's notices, greet."""
        await console_person()
        self.lang = await self.conversation.language_of(self.sender)
        cards = self.cards = ConsoleCards(
            self.conversation.card, self.screen, self.lang, interval=self._card_interval
        )
        cards.live = True
        self.app.bus.subscribe(Event, cards.on_event)
        self.app.add_notifier(ConsoleNotifier(self.screen, self.lang))
        self._refresher = asyncio.create_task(cards.run(), name="console-cards")
        self.screen.write(t("console.hello", self.lang))

    async def stop(self) -> None:
        if self.cards is not None:
            self.cards.live = False
        if self._refresher is not None:
            self._refresher.cancel()
            await asyncio.gather(self._refresher, return_exceptions=True)

    async def talk(self, lines: Lines) -> None:
        """Answer each line, in turn, until /quit or the end of input."""
        while (text := await lines.next()) is not None:
            if not await self.handle(text):
                return

    async def handle(self, text: str) -> bool:
        """One typed line; False when it asks to leave."""
        text = text.strip()
        if text.lower() in QUIT:
            return False
        if text:
            self.show(await self._patiently(text))
        return True

    async def _patiently(self, text: str) -> Sequence[Reply]:
        """The answer; "working on it" first if it takes longer than `patience`."""
        work = asyncio.create_task(self._answer(text))
        try:
            done, _ = await asyncio.wait({work}, timeout=self._patience)
            if not done:
                self.screen.write(t("console.working", self.lang))
            return await work
        finally:
            work.cancel()  # when the chat ends mid-answer

    async def _answer(self, text: str) -> Sequence[Reply]:
        try:
            if text.startswith("/"):
                name, _, args = text[1:].partition(" ")
                return await self.conversation.command(self.sender, name, args.strip())
            if text.isdecimal():
                return await self._tap(int(text))
            return await self.conversation.message(self.sender, text)
        except errors.OutpostError as err:
            return [Reply(View((line(err.key, **err.params),)))]
        except Exception:  # one bad answer must not end the session
            incident = secrets.token_hex(3)
            log.exception("incident %s", incident)
            return [Reply(View((line("error.internal", incident=incident),)))]

    async def _tap(self, number: int) -> Sequence[Reply]:
        token = self.screen.choice(number)
        if token is None:
            return [Reply(View((line("console.no_choice", number=number),)))]
        answer = await self.conversation.tap(self.sender, token)
        alert = [Reply(View((answer.alert,)))] if answer.alert is not None else []
        return [*alert, *answer.replies]

    def show(self, replies: Sequence[Reply]) -> None:
        """Print the replies meant for this chat; a terminal cannot edit, so an edit is
        printed anew, and the cards among them are remembered to be reprinted."""
        views = [r.view for r in replies if r.chat in (None, self.sender.chat)]
        skipped = len(replies) - len(views)
        if skipped:
            log.info("%s replies were for other chats, which the console cannot reach", skipped)
        self.screen.show(views, self.lang)
        if self.cards is not None:
            for view in views:
                self.cards.shown(view)
