"""The long-running service: monitor, importer, failover and notices, started and stopped as one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from core.events import DownloadCompleted, Event, EventQueue
from core.lifecycle import FAIL_AFTER, STALL_AFTER
from core.services.failover import FailoverService
from core.services.importer import Importer
from core.services.monitor import Monitor
from core.services.notify import NotificationService
from core.shutdown import within
from core.store.models import Grab

log = logging.getLogger(__name__)

# Seconds each part of the stop may take: with the frontends' share (bot/cli/system.py),
# `outpost run` ends within 10 s of SIGTERM.
STOP_LIMITS = {"loops": 1.0, "drain": 1.5, "tasks": 1.0}


@dataclass(frozen=True, slots=True)
class Timing:
    """How often clients are polled and when a download counts as stalled, then failed."""

    interval: float = 5.0
    stall_after: float = STALL_AFTER
    fail_after: float = FAIL_AFTER
    retry_notices: float = 30.0
    sync_indexers: float = 3600.0  # an indexer manager's (Prowlarr's) list, mirrored hourly


class Runtime:
    """Owns the background tasks of `outpost run`; `serve(stop)` returns once all have ended."""

    def __init__(
        self,
        monitor: Monitor,
        importer: Importer,
        failover: FailoverService,
        notices: NotificationService,
        timing: Timing,
        events: EventQueue,
        sync: Callable[[], Awaitable[Any]] | None = None,
    ) -> None:
        self.events = events  # the monitor publishes through it
        self.sync = sync  # mirrors indexer managers' lists; `outpost run` runs it once at start
        self.monitor = monitor
        self.importer = importer
        self.failover = failover
        self.notices = notices
        self.timing = timing
        self._imports: set[asyncio.Task[Any]] = set()

    def attach(self, bus: Any) -> None:
        self.failover.subscribe()
        bus.subscribe(DownloadCompleted, self._on_completed)

    async def serve(self, stop: asyncio.Event) -> None:
        await self._catch_up()
        pump = asyncio.create_task(self.events.run(), name="events")
        loops = [
            asyncio.create_task(self.monitor.run(), name="monitor"),
            asyncio.create_task(self._retry_notices(), name="notices"),
        ]
        if self.sync is not None:
            loops.append(asyncio.create_task(self._sync_indexers(), name="indexer-sync"))
        try:
            await stop.wait()
        finally:
            await self._stop(loops, pump)

    async def _stop(self, loops: list[asyncio.Task[Any]], pump: asyncio.Task[Any]) -> None:
        """Each part in bounded time (STOP_LIMITS), whatever the peers do."""
        for task in loops:
            task.cancel()
        await within("the monitor and notice retries", STOP_LIMITS["loops"], _settled(loops))
        await self.events.drain(STOP_LIMITS["drain"])  # the last poll still reaches listeners
        tasks = [pump, *self._imports]
        for task in tasks:
            task.cancel()
        await within("the imports", STOP_LIMITS["tasks"], _settled(tasks))

    async def _catch_up(self) -> None:
        """Finish what a stop or a crash left: interrupted imports, and completed downloads
        whose import never started."""
        resumed = await self.importer.resume()
        if resumed:
            log.info("finished %s interrupted imports", resumed)
        for grab in await Grab.filter(state="completed").order_by("id"):
            self._spawn(self.importer.import_grab(grab.id))

    async def _on_completed(self, event: Event) -> None:
        # a task, not an await: a long copy must not hold up the monitor's poll
        self._spawn(self.importer.import_grab(event.grab_id))

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._imports.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._imports.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("an import failed unexpectedly: %r", task.exception())

    async def _sync_indexers(self) -> None:
        assert self.sync is not None
        await _periodic(self.timing.sync_indexers, self.sync, "the indexer sync")

    async def _retry_notices(self) -> None:
        while True:
            await asyncio.sleep(self.timing.retry_notices)
            try:
                await self.notices.retry_pending()
            except Exception:
                log.exception("retrying notices failed")


async def _periodic(every: float, work: Callable[[], Awaitable[Any]], what: str) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await work()
        except Exception:
            log.exception("%s failed", what)


async def _settled(tasks: list[asyncio.Task[Any]]) -> None:
    await asyncio.gather(*tasks, return_exceptions=True)
