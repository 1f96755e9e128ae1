"""The console frontend: the `Frontend` port in a terminal, plus the loop that reads what is typed.

A terminal cannot edit or delete what it printed, so an edit is printed anew (the card keeper
edits only when a card's view changed) and a delete does nothing. Private input is read with the
terminal's echo off.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from bot.console.lines import Lines
from bot.console.render import Screen, words
from bot.conversation import Conversation
from bot.conversation.context import line
from bot.i18n import t
from bot.views import PROMPT, Reply, Sender, View
from core import errors
from core.app import Outpost
from core.messages import Ask, Text
from core.recipients import CONSOLE, Account, Recipient
from core.services.cards import CardKeeper, remember
from core.services.requests import console_person

log = logging.getLogger(__name__)

QUIT = ("/quit", "/exit")
PATIENCE = 1.0  # seconds before a slow answer (a search) is announced as under way


@dataclass(slots=True)
class _Asking:
    """Private input under way: the fields still to read, and the values read so far."""

    ask: Ask
    values: dict[str, str] = field(default_factory=dict)

    @property
    def field(self) -> int:
        return len(self.values)


class ConsoleFrontend:
    """The local console person, the household's admin, talking to the same conversation as
    every chat: commands as typed, a number taps that button of the latest answer; answers,
    status cards and notices are printed as they come."""

    platform = CONSOLE

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
        self.sender = Sender(CONSOLE, CONSOLE, CONSOLE, True, lang, CONSOLE, PROMPT)
        self.lang = lang
        self.cards = CardKeeper(app.bus, interval=card_interval, view_of=conversation.card)
        self.lines: Lines | None = None  # set by `talk`; private input turns its echo off
        self._patience = patience
        self._ids = itertools.count(1)
        self._asking: _Asking | None = None
        self._refresher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Make sure the console person exists, take over the console's notices, greet."""
        await console_person()
        self.lang = await self.conversation.language_of(self.sender)
        self.cards.add_frontend(self)
        self.app.add_frontend(self)
        self._refresher = asyncio.create_task(self.cards.run(), name="console-cards")
        self.screen.write(t("console.hello", self.lang))

    async def stop(self) -> None:
        self.cards.remove_frontend(CONSOLE)
        await self.app.notices.remove_frontend(CONSOLE)
        if self._refresher is not None:
            self._refresher.cancel()
            await asyncio.gather(self._refresher, return_exceptions=True)

    # --- the Frontend port --------------------------------------------------------------------

    async def send(self, to: Recipient, view: View) -> str:
        self.screen.show([view], self.lang)
        return str(next(self._ids))

    async def edit(self, to: Recipient, message_id: str, view: View) -> None:
        await self.send(to, view)

    async def delete(self, to: Recipient, message_id: str) -> None:
        return None  # printed is printed; secrets are never echoed in the first place

    async def answer(self, tap_id: str, alert: Text | None = None) -> None:
        if alert is not None:
            self.screen.write(words(alert, self.lang))

    async def ask_private(self, to: Account, prompt: View, ask: Ask) -> None:
        if not ask.fields:
            return
        self._asking = _Asking(ask)
        self.screen.show([prompt], self.lang)
        self._prompt_field()

    # --- reading --------------------------------------------------------------------------------

    async def talk(self, lines: Lines) -> None:
        """Answer each line, in turn, until /quit or the end of input."""
        self.lines = lines
        while (text := await lines.next()) is not None:
            if not await self.handle(text):
                return

    async def handle(self, text: str) -> bool:
        """One typed line; False when it asks to leave."""
        if self._asking is not None:
            await self._private(text.strip())
            return True
        text = text.strip()
        if text.lower() in QUIT:
            return False
        if text:
            await self.show(await self._patiently(self._answer(text)))
        return True

    def _prompt_field(self) -> None:
        assert self._asking is not None
        wanted = self._asking.ask.fields[self._asking.field]
        if self.lines is not None:  # before the prompt: what is typed after it is not shown
            self.lines.echo(not wanted.secret)
        self.screen.write(words(wanted.label, self.lang))

    async def _private(self, text: str) -> None:
        """A value asked for privately; a line starting with "/" gives up the asking."""
        asking = self._asking
        assert asking is not None
        if text.startswith("/"):
            self._end_asking()
            await self.handle(text)
            return
        asking.values[asking.ask.fields[asking.field].name] = text
        if asking.field < len(asking.ask.fields):
            self._prompt_field()
            return
        self._end_asking()
        answer = self.conversation.private_answer(self.sender, asking.ask.token, asking.values)
        await self.show(await self._patiently(self._guarded(answer)))

    def _end_asking(self) -> None:
        self._asking = None
        if self.lines is not None:
            self.lines.echo(True)

    async def _patiently(self, work: Awaitable[Sequence[Reply]]) -> Sequence[Reply]:
        """The answer; "working on it" first if it takes longer than `patience`."""
        task = asyncio.ensure_future(work)
        try:
            done, _ = await asyncio.wait({task}, timeout=self._patience)
            if not done:
                self.screen.write(t("console.working", self.lang))
            return await task
        finally:
            task.cancel()  # when the chat ends mid-answer

    async def _answer(self, text: str) -> Sequence[Reply]:
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            return await self._guarded(self.conversation.command(self.sender, name, args.strip()))
        if text.isdecimal():
            return await self._guarded(self._tap(int(text)))
        return await self._guarded(self.conversation.message(self.sender, text))

    async def _guarded(self, work: Awaitable[Sequence[Reply]]) -> Sequence[Reply]:
        """One bad answer must not end the session: errors become a line."""
        try:
            return await work
        except errors.OutpostError as err:
            return [Reply(View((line(err.key, **err.params),)))]
        except Exception:
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

    async def show(self, replies: Sequence[Reply]) -> None:
        """Print the replies meant for this chat, remember the cards among them, and start
        asking when one asks for private input."""
        mine = [r for r in replies if r.chat in (None, self.sender.chat)]
        if skipped := len(replies) - len(mine):
            log.info("%s replies were for other chats, which the console cannot reach", skipped)
        self.screen.show([r.view for r in mine if r.ask is None], self.lang)
        for reply in mine:
            if reply.view.card is not None:
                await remember(reply.view.card, CONSOLE, str(next(self._ids)), reply.view)
        for reply in mine:
            if reply.ask is not None:
                await self.ask_private(Account(CONSOLE, CONSOLE), reply.view, reply.ask)
