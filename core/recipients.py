"""Who a message goes to: a person's account on one platform, or a channel.

A private chat is never assumed to be the person's id: the frontend turns "person P's telegram
account" into a destination itself (Telegram may message a user id; Discord opens a DM).
Addresses are the strings the store keeps (notices, subscriptions, cards, button tokens):
"telegram:1001" is an account, "telegram:#-1009" a channel, "console" the console.
"""

from __future__ import annotations

from dataclasses import dataclass

CONSOLE = "console"


@dataclass(frozen=True, slots=True)
class Account:
    """One person's account on one platform (`person_id` is Outpost's, when known)."""

    platform: str
    user_id: str
    person_id: int | None = None

    @property
    def address(self) -> str:
        return CONSOLE if self.platform == CONSOLE else f"{self.platform}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class Channel:
    """A chat many people read: a Telegram group, a Discord channel."""

    platform: str
    channel_id: str

    @property
    def address(self) -> str:
        return f"{self.platform}:#{self.channel_id}"


Recipient = Account | Channel


def parse(address: str) -> Recipient:
    """The recipient an address names. Rows written before channels were told apart
    ("telegram:-1009" for a group) read as accounts, which Telegram reaches the same way."""
    platform, _, rest = address.partition(":")
    if platform == CONSOLE and not rest:
        return Account(CONSOLE, CONSOLE)
    if rest.startswith("#"):
        return Channel(platform, rest[1:])
    return Account(platform, rest)


def platform_of(address: str) -> str:
    return address.split(":", 1)[0]
