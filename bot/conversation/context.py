"""What every handler gets: the services it may use, the sender, the person behind them, and
small view helpers. Never the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.conversation import tokens
from bot.conversation.household import Member
from bot.i18n import t
from bot.views import Ask, Button, Field, Reply, Sender, Text, View
from core.services.bundle import Services
from core.services.household import Person


@dataclass(frozen=True, slots=True)
class Ctx:
    services: Services
    sender: Sender
    member: Member

    @property
    def person(self) -> Person:
        return self.member.person

    @property
    def chat(self) -> str:
        return self.sender.chat

    @property
    def lang(self) -> str:
        return self.member.lang

    def say(self, key: str, /, **params: Any) -> str:
        """A sentence in the person's language, for a placeholder that holds a whole phrase."""
        return t(key, self.lang, **params)

    async def button(
        self, key: str, action: str, payload: dict[str, Any] | None = None, **params: Any
    ) -> Button:
        """A button for this person in this chat."""
        token = await tokens.issue(self.person, self.chat, action, payload)
        return Button(Text(key, params), token)

    async def ask(
        self,
        action: str,
        fields: tuple[Field, ...],
        *prompt: Text,
        payload: dict[str, Any] | None = None,
    ) -> list[Reply]:
        """Ask this person for `fields` privately; the values come back to the private handler
        registered for `action` (which starts with "private."), once."""
        if not self.sender.confidential:
            return say(line("secret.private_only"))
        token = await tokens.issue(self.person, self.chat, action, payload)
        return [Reply(View(prompt), ask=Ask(token, fields))]


Command = Callable[[Ctx, str], Awaitable[list[Reply]]]
TapHandler = Callable[[Ctx, tokens.Tap], Awaitable[list[Reply]]]
PrivateHandler = Callable[[Ctx, tokens.Tap, dict[str, str]], Awaitable[list[Reply]]]


def say(*lines: Text, edit: bool = False) -> list[Reply]:
    """One plain message."""
    return [Reply(View(lines), edit=edit)]


def line(key: str, /, **params: Any) -> Text:
    return Text(key, params)
