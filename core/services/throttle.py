"""Abuse limits for chat: a token bucket per person, shared by every frontend.

Each command or tap takes a token; a person with none left is told "slow down" once, then
hears nothing until the bucket has refilled enough for the next one. The clock is
injectable, so a test floods without waiting.
"""

from __future__ import annotations

import enum
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from core import errors

BURST_ENV = "OUTPOST_CHAT_BURST"  # commands and taps one person may send at once
RATE_ENV = "OUTPOST_CHAT_PER_MINUTE"  # and how many more a minute after that
STALE_ENV = "OUTPOST_STALE_MINUTES"  # a tap that would grab, older than this: ignored
GRABS_ENV = "OUTPOST_GRABS_PER_HOUR"  # grabs the whole household may ask of chat in an hour
BURST, PER_MINUTE, GRABS_PER_HOUR = 8, 20, 30
STALE_MINUTES = 15  # as long as a grab button's token lives
KEPT = 10_000  # buckets kept before the full ones are forgotten


class Verdict(enum.Enum):
    ALLOWED = "allowed"
    SLOW_DOWN = "slow_down"  # the first refusal since the last allowed one: say so
    SILENT = "silent"  # refused again: no answer at all


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


@dataclass(slots=True)
class Throttle:
    """`burst` tokens per person, refilled at `per_minute` a minute."""

    burst: int = BURST
    per_minute: float = PER_MINUTE
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Throttle:
        """The limits `OUTPOST_CHAT_BURST` and `OUTPOST_CHAT_PER_MINUTE` set, else defaults;
        a value that is not a positive number is refused at start, by name."""
        return cls(int(positive_env(BURST_ENV, BURST)), positive_env(RATE_ENV, PER_MINUTE))

    def take(self, who: str) -> Verdict:
        """One command or tap of `who` (a person's key): allowed, or refused."""
        now = self.clock()
        bucket = self._buckets.get(who)
        if bucket is None:
            if len(self._buckets) >= KEPT:
                self._prune(now)
            bucket = self._buckets[who] = _Bucket(float(self.burst), now)
        refill = (now - bucket.at) * self.per_minute / 60.0
        bucket.tokens, bucket.at = min(float(self.burst), bucket.tokens + refill), now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return Verdict.ALLOWED
        if bucket.warned:
            return Verdict.SILENT
        bucket.warned = True
        return Verdict.SLOW_DOWN

    def _prune(self, now: float) -> None:
        """Forget the buckets that have refilled (a flood of accounts costs no memory)."""
        full = 60.0 * self.burst / self.per_minute
        for who in [w for w, b in self._buckets.items() if now - b.at >= full]:
            del self._buckets[who]

    def wait(self, who: str) -> int:
        """Whole seconds until `who` may send again (for the "slow down" reply)."""
        bucket = self._buckets.get(who)
        if bucket is None or bucket.tokens >= 1.0:
            return 0
        return max(1, round((1.0 - bucket.tokens) * 60.0 / self.per_minute + 0.499))


def positive_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise errors.UserError(
            f"{name} must be a positive number", key="error.bad_limit", name=name
        )
    return value


def grabs_per_hour() -> int:
    """The household's cap on grabs an hour (`OUTPOST_GRABS_PER_HOUR`, else 30)."""
    return int(positive_env(GRABS_ENV, GRABS_PER_HOUR))


def stale_after() -> timedelta:
    """How old a tap that would grab may be (`OUTPOST_STALE_MINUTES`, else 15 minutes)."""
    return timedelta(minutes=positive_env(STALE_ENV, STALE_MINUTES))
