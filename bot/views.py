"""What the conversation layer answers, for any chat frontend to render: keys, never sentences.

The message model itself (`Text`, `Button`, `View`, `Ask`) is core's (`core.messages`), so core
services and the Frontend port speak it too; here are the conversation's envelopes.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.messages import Ask, Button, Field, Text, View
from core.recipients import Account, Channel, Recipient

__all__ = ["Ask", "Button", "Field", "Reply", "Sender", "TapAnswer", "Text", "View"]

# How a frontend takes secrets (`Sender.secret_input`), so the conversation words it rightly:
CHAT = "chat"  # typed as messages in a private chat, each deleted at once (Telegram)
FORM = "form"  # a form only the sender sees, answered only to them (Discord: modal, ephemeral)
PROMPT = "prompt"  # a terminal prompt that does not echo (the console)


@dataclass(frozen=True, slots=True)
class Sender:
    """Who wrote, from the frontend's authenticated envelope; never from message text."""

    platform: str  # "telegram", "discord", "console"
    user_id: str
    chat_id: str
    private: bool  # a one-to-one chat with the bot
    language: str | None = None  # the client's language code, e.g. "de-DE"
    name: str = ""  # display name, for the admin's approval prompt only
    secret_input: str = CHAT  # CHAT, FORM or PROMPT: how this frontend takes secrets
    # the frontend vouches that this group is the household's (Discord: a channel of the
    # household's servers, the only ones it stays in); any other group is the household's
    # only once an admin made it the household chat (/household)
    vouched: bool = False

    @property
    def confidential(self) -> bool:
        """Whether secrets and one-time codes may be handled here: a private chat, or a
        frontend whose forms and answers only the sender sees (Discord, in a guild too)."""
        return self.private or self.secret_input == FORM

    @property
    def deletes_secrets(self) -> bool:
        """Whether a secret arrives as a chat message that the frontend deletes (so the
        answer says so)."""
        return self.secret_input == CHAT

    @property
    def account(self) -> Account:
        return Account(self.platform, self.user_id)

    @property
    def where(self) -> Recipient:
        """Where the sender wrote: their own account in a private chat, else the channel."""
        return self.account if self.private else Channel(self.platform, self.chat_id)

    @property
    def chat(self) -> str:
        """The address of where the sender wrote ("telegram:1001", "telegram:#-1009")."""
        return self.where.address


@dataclass(frozen=True, slots=True)
class Reply:
    view: View
    edit: bool = False  # replace the message whose button was tapped, instead of a new message
    chat: str | None = None  # another address ("telegram:<user id>"), e.g. an admin's prompt
    delete_trigger: bool = False  # delete the message that caused this: it held a secret
    ask: Ask | None = None  # after showing `view`, collect these fields privately


@dataclass(frozen=True, slots=True)
class TapAnswer:
    """The answer to a button tap: `alert` pops up at once; `replies` follow."""

    alert: Text | None = None
    replies: tuple[Reply, ...] = ()
