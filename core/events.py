"""Typed lifecycle events and the in-process bus that carries them from services to listeners.

Events are facts in the past tense. They carry ids and plain values, never model instances, so a
listener can run after the emitting transaction and look the rows up itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Event:
    grab_id: int
    title: str
    request_id: int | None = None
    person_id: int | None = None

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def dedupe(self) -> str:
        """What makes two events the same fact (a replay is told once)."""
        return f"{self.name}:{self.grab_id}"


@dataclass(frozen=True, slots=True)
class GrabSent(Event):
    client: str = ""


@dataclass(frozen=True, slots=True)
class DownloadStalled(Event):
    minutes: int = 0


@dataclass(frozen=True, slots=True)
class DownloadCompleted(Event):
    content_path: str = ""


@dataclass(frozen=True, slots=True)
class ImportCompleted(Event):
    paths: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DownloadFailed(Event):
    reason: str = ""  # a message key, e.g. "failure.stalled"
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportFailed(Event):
    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IndexerNeedsKey(Event):
    """An indexer refused its key (`title` is its name); for the admins, once per refusal."""

    since: str = ""

    @property
    def dedupe(self) -> str:
        return f"{self.name}:{self.title}:{self.since}"


Handler = Callable[[Event], Awaitable[None]]


class Publisher(Protocol):
    async def publish(self, event: Event) -> None: ...


class EventBus:
    """Publish awaits every handler of the event's type (and of its bases); one failing handler
    is logged and does not stop the others or the publisher."""

    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Handler]] = {}

    def subscribe(self, kind: type[Event], handler: Handler) -> None:
        self._handlers.setdefault(kind, []).append(handler)

    async def publish(self, event: Event) -> None:
        handlers = [h for kind in type(event).__mro__ for h in self._handlers.get(kind, [])]
        results = await asyncio.gather(*(h(event) for h in handlers), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                log.error("a listener of %s failed: %r", event.name, result)


class EventQueue:
    """Hands events to a bus from one background task, in order: a slow listener (a failover
    search, a chat frontend's coalescing window) must not hold up the poll that saw them."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus
        self._queue: asyncio.Queue[Event] = asyncio.Queue()

    async def publish(self, event: Event) -> None:
        self._queue.put_nowait(event)

    async def run(self) -> None:
        while True:
            event = await self._queue.get()
            try:
                await self._bus.publish(event)
            finally:
                self._queue.task_done()

    async def drain(self, limit: float) -> None:
        """Wait (at most `limit` seconds) until every queued event has been published."""
        try:
            async with asyncio.timeout(limit):
                await self._queue.join()
        except TimeoutError:
            log.warning("%s events were not published before the stop", self._queue.qsize())
