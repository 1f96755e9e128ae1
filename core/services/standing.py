"""Skips an indexer that asked to wait or refused its key, across processes, and tells the
admins once when a key is refused (the store keeps the standing: core/store/standing.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from core import errors
from core.events import IndexerNeedsKey, Publisher
from core.store.standing import mark_needs_key, standing_of, wait_until

log = logging.getLogger(__name__)

DEFAULT_WAIT = 60.0  # seconds, for a 429 that names no Retry-After


class Standings:
    """`held(name)` says why not to ask `name` now; `record(name, err)` learns from a failure."""

    def __init__(self, bus: Publisher | None = None, clock: Callable[[], float] = time.time):
        self._bus = bus
        self._clock = clock

    async def held(self, name: str) -> errors.AdapterError | None:
        standing = await standing_of(name)
        if standing.needs_key:
            return errors.NeedsKey(f"{name}: its key was refused", service=name)
        left = (standing.wait_until or 0.0) - self._clock()
        if left > 0:
            until = datetime.fromtimestamp(standing.wait_until or 0.0, UTC).strftime("%H:%M:%S")
            return errors.BackingOff(
                f"{name}: waiting {left:.0f} s more", service=name, until=until, seconds=left
            )
        return None

    async def record(self, name: str, err: errors.OutpostError) -> None:
        if isinstance(err, errors.BackingOff | errors.NeedsKey):
            return  # our own skip, not the service's answer
        if isinstance(err, errors.AuthFailed):
            if await mark_needs_key(name):
                log.warning("indexer %s refused its key: skipped until fixed or tested", name)
                await self._tell(name)
        elif isinstance(err, errors.RateLimited):
            wait = err.retry_after if err.retry_after is not None else DEFAULT_WAIT
            await wait_until(name, self._clock() + wait)
            log.warning("indexer %s asked to wait %g s: not asked before then", name, wait)

    async def _tell(self, name: str) -> None:
        if self._bus is not None:
            since = datetime.fromtimestamp(self._clock(), UTC).isoformat(timespec="seconds")
            await self._bus.publish(IndexerNeedsKey(grab_id=0, title=name, since=since))
