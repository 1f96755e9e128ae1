"""What the conversation layer answers, for any chat frontend to render: keys, never sentences.

A frontend translates every `Text` in the person's language, lays out `buttons` in rows, and
sends a button's `token` back unchanged when it is tapped; the token is all a button carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Text:
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Button:
    text: Text
    token: str  # opaque, at most 32 ASCII characters; the meaning lives in the store


@dataclass(frozen=True, slots=True)
class View:
    lines: tuple[Text, ...]  # translated one by one, joined by newlines
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    photo: str | None = None  # a poster URL: the frontend sends a photo with the text as caption
    card: int | None = None  # this view is the status card of that request: edit it in place later
    silent: bool = False  # deliver without a sound (quiet hours)


@dataclass(frozen=True, slots=True)
class Sender:
    """Who wrote, from the frontend's authenticated envelope; never from message text."""

    platform: str  # "telegram", "discord", "console"
    user_id: str
    chat_id: str
    private: bool  # a one-to-one chat with the bot
    language: str | None = None  # the client's language code, e.g. "de-DE"
    name: str = ""  # display name, for the admin's approval prompt only

    @property
    def chat(self) -> str:
        """The chat address notices use: "telegram:<chat id>"."""
        return f"{self.platform}:{self.chat_id}"


@dataclass(frozen=True, slots=True)
class Reply:
    view: View
    edit: bool = False  # replace the message whose button was tapped, instead of a new message
    chat: str | None = None  # another chat ("telegram:<id>"), e.g. an admin's approval prompt
    delete_trigger: bool = False  # delete the message that caused this: it held a secret


@dataclass(frozen=True, slots=True)
class TapAnswer:
    """The answer to a button tap: `alert` pops up at once; `replies` follow."""

    alert: Text | None = None
    replies: tuple[Reply, ...] = ()
