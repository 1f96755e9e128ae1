"""Button tokens for the conversation: kept by core (`core.services.tokens`)."""

from core.services.tokens import (
    LONG_TTL,
    PRIVATE,
    SINGLE_USE,
    TTL,
    Refused,
    Tap,
    issue,
    now,
    payload_of,
    purge,
    redeem,
)

__all__ = [
    "LONG_TTL",
    "PRIVATE",
    "SINGLE_USE",
    "TTL",
    "Refused",
    "Tap",
    "issue",
    "now",
    "payload_of",
    "purge",
    "redeem",
]
