"""Button tokens: short random keys for what a button means, bound to person, chat and time."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from core.messages import Text
from core.store.models import ButtonToken


class _HasId(Protocol):
    """A person as the store or a service gives it."""

    @property
    def id(self) -> int: ...


TTL = timedelta(minutes=15)
LONG_TTL = timedelta(days=7)  # an admin's approval prompt waits for the admin
# Taps that change something happen once; paging and choosing may be repeated.
SINGLE_USE = frozenset(
    {"grab", "approve_grab", "decline_grab", "approve_person", "decline_person", "remove"}
)

PRIVATE = "private."  # the prefix of actions that answer private input: single use too


@dataclass(frozen=True, slots=True)
class Tap:
    """A redeemed token: what to do, for whom, with what."""

    token: str
    person_id: int | None
    chat: str
    action: str
    payload: dict[str, Any]


class Refused(Exception):
    """A tap that may do nothing; `alert` says why, politely."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.alert = Text(key)


def now() -> datetime:
    return datetime.now(UTC)


async def issue(
    person: _HasId | int | None,
    chat: str,
    action: str,
    payload: dict[str, Any] | None = None,
    ttl: timedelta = TTL,
) -> str:
    """A fresh token (16 URL-safe characters, 96 random bits) for one button."""
    token = secrets.token_urlsafe(12)
    await ButtonToken.create(
        token=token,
        person_id=person.id if not isinstance(person, int | None) else person,
        chat=chat,
        action=action,
        payload=payload or {},
        expires_at=now() + ttl,
    )
    return token


async def redeem(token: str, person: _HasId | None, chat: str) -> Tap:
    """The tap behind `token` if this person in this chat may use it now; else Refused.

    Nothing is written unless every check passes (a single-use token is then marked used)."""
    row = await ButtonToken.get_or_none(token=token[:32]) if _plausible(token) else None
    if row is None:
        raise Refused("tap.unknown")
    if person is None or row.person_id != person.id or row.chat != chat:  # type: ignore[attr-defined]
        raise Refused("tap.foreign")
    if row.expires_at <= now():
        raise Refused("tap.expired")
    if row.action in SINGLE_USE or row.action.startswith(PRIVATE):
        claimed = await ButtonToken.filter(token=row.token, used_at__isnull=True).update(
            used_at=now()
        )
        if not claimed:  # used already, perhaps by a double tap a moment ago
            raise Refused("tap.used")
    return Tap(row.token, person.id, row.chat, row.action, dict(row.payload))


async def payload_of(token: str) -> dict[str, Any] | None:
    """The payload of a token that only holds data (search results), if still fresh."""
    row = await ButtonToken.get_or_none(token=token)
    if row is None or row.expires_at <= now():
        return None
    return dict(row.payload)


async def purge() -> int:
    """Drop expired tokens; returns how many."""
    return await ButtonToken.filter(expires_at__lte=now()).delete()


def _plausible(token: str) -> bool:
    return 0 < len(token) <= 32 and all(c.isalnum() or c in "-_" for c in token) and token.isascii()
