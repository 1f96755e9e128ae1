"""The `core.ports.Cache` on the database, so provider answers survive restarts."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from core.store.models import CacheEntry

_PURGE_EVERY = 300.0  # seconds between sweeps of expired rows; reads ignore them anyway


def _utcnow() -> datetime:
    return datetime.now(UTC)


class StoreCache:
    """Key/value cache with expiry on the CacheEntry table; expired rows are purged lazily."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = _utcnow,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock  # injectable, so tests move time instead of sleeping
        self._monotonic = monotonic
        self._last_purge: float | None = None

    async def get(self, key: str) -> str | None:
        """The value stored under `key`, or None if absent or expired."""
        entry = await CacheEntry.get_or_none(key=key)
        if entry is None:
            return None
        if entry.expires_at <= self._clock():
            await CacheEntry.filter(key=key, expires_at__lte=self._clock()).delete()
            return None
        return entry.value

    async def set(self, key: str, value: str, ttl: float) -> None:
        """Store `value` for `ttl` seconds; a ttl of zero or less removes the key."""
        await self._purge_if_due()
        if ttl <= 0:
            await CacheEntry.filter(key=key).delete()
            return
        expires_at = self._clock() + timedelta(seconds=ttl)
        await CacheEntry.update_or_create(
            key=key, defaults={"value": value, "expires_at": expires_at}
        )

    async def purge(self) -> int:
        """Delete every expired row now; return how many went."""
        self._last_purge = self._monotonic()
        return await CacheEntry.filter(expires_at__lte=self._clock()).delete()

    async def _purge_if_due(self) -> None:
        last = self._last_purge
        if last is None or self._monotonic() - last >= _PURGE_EVERY:
            await self.purge()
