"""The conversation layer's entry points, shared by every chat frontend.

A frontend authenticates the sender (its envelope, never message text), calls one of these,
and renders the answer; it never decides who may do what, and never speaks to an indexer.
"""

from __future__ import annotations

from bot.views import Reply, Sender, TapAnswer, View
from core.app import Outpost

COMMANDS = (
    "start",
    "help",
    "search",
    "movie",
    "tv",
    "music",
    "book",
    "audiobook",
    "queue",
    "history",
    "status",
    "follow",
    "claim",
)


class Conversation:
    """`app` is the open Outpost (store, services, bus)."""

    def __init__(self, app: Outpost) -> None:
        self.app = app

    async def command(self, sender: Sender, name: str, args: str) -> list[Reply]:
        """A slash command (`name` without the slash, `args` the rest of the line)."""
        raise NotImplementedError

    async def message(self, sender: Sender, text: str) -> list[Reply]:
        """A plain message that is not a command."""
        raise NotImplementedError

    async def tap(self, sender: Sender, token: str) -> TapAnswer:
        """A button tap; the token is whatever the client sent back, trusted for nothing."""
        raise NotImplementedError

    async def card(self, request_id: int) -> View | None:
        """The current status card of a request (None if it is gone)."""
        raise NotImplementedError

    async def language(self, chat: str) -> str:
        """The language to speak in a chat ("telegram:<id>"): its person's setting, else "en"."""
        raise NotImplementedError
