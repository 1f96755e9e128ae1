"""Identical calls in flight merged into one: the first caller's call runs, the others wait
for its answer (or its error). Fifty taps on "Search releases" are one indexer search."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class InFlight:
    """One per process (`core.app.Outpost`), shared by the searches it builds."""

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Task[Any]] = {}
        self._callers: dict[Hashable, int] = {}

    async def run(self, key: Hashable, call: Callable[[], Awaitable[T]]) -> T:
        """`call()`'s answer, shared with every caller of the same `key` while it runs. The
        call is a task of its own, so one caller giving up does not cancel it for the others."""
        task = self._running.get(key)
        if task is None:
            task = asyncio.ensure_future(call())
            self._running[key] = task
            task.add_done_callback(lambda _: self._forget(key, task))
        self._callers[key] = self._callers.get(key, 0) + 1
        try:
            answer: T = await asyncio.shield(task)
        finally:
            left = self._callers.get(key, 1) - 1
            if left > 0:
                self._callers[key] = left
            else:
                self._callers.pop(key, None)
        return answer

    def waiting(self, key: Hashable) -> int:
        """How many callers wait for the call of `key` now."""
        return self._callers.get(key, 0)

    def keys(self) -> list[Hashable]:
        return list(self._running)

    def _forget(self, key: Hashable, task: asyncio.Task[Any]) -> None:
        if self._running.get(key) is task:
            del self._running[key]
        if not task.cancelled():
            task.exception()  # retrieved: each caller raises it
