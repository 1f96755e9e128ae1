"""The long-running service: monitor, importer, failover and notices, started and stopped as one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from core.events import DownloadCompleted, Event, EventQueue
from core.lifecycle import FAIL_AFTER, STALL_AFTER
from core.services.failover import FailoverService
from core.services.importer import Importer
from core.services.monitor import Monitor
from core.services.notify import NotificationService
from core.store.models import Grab

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Timing:
    """How often clients are polled and when a download counts as stalled, then failed."""

    interval: float = 5.0
    stall_after: float = STALL_AFTER
    fail_after: float = FAIL_AFTER
    retry_notices: float = 30.0


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
    ) -> None:
        self.events = events  # the monitor publishes through it
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
        try:
            await stop.wait()
        finally:
            for task in loops:
                task.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await self.events.drain(5.0)  # what the last poll saw still reaches its listeners
            for task in [pump, *self._imports]:
                task.cancel()
            await asyncio.gather(pump, *self._imports, return_exceptions=True)

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

    async def _retry_notices(self) -> None:
        while True:
            await asyncio.sleep(self.timing.retry_notices)
            try:
                await self.notices.retry_pending()
            except Exception:
                log.exception("retrying notices failed")
