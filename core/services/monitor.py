"""The monitor: polls every download client and moves each tracked grab through the lifecycle.

One poll serves every reader: it writes what it saw onto the Grab rows, and `queue` reads those.
Each row is updated only if its state is still the one the poll read (the importer or a second
monitor may have moved it meanwhile), and events are published after the commit, so a restart
neither loses a download nor announces a completion twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from core import errors
from core.domain import ClientStatus, Download
from core.events import DownloadCompleted, DownloadFailed, DownloadStalled, Event, Publisher
from core.lifecycle import (
    FAIL_AFTER,
    FINAL,
    STALL_AFTER,
    Change,
    GrabState,
    Limits,
    Transition,
    advance,
)
from core.ports import DownloadClient
from core.store.models import Grab

log = logging.getLogger(__name__)

MAX_BACKOFF = 300.0  # a down client is asked at least every 5 minutes


@dataclass(slots=True)
class ClientHealth:
    """Whether a client answered its last poll, and when to ask a down one again."""

    up: bool = True
    failures: int = 0
    retry_at: float = 0.0


class Monitor:
    """Polls `clients` every `interval` seconds; `poll_once` is one round, `run` loops."""

    def __init__(
        self,
        clients: Mapping[str, DownloadClient],
        bus: Publisher,
        *,
        interval: float = 5.0,
        stall_after: float = STALL_AFTER,
        fail_after: float = FAIL_AFTER,
        max_backoff: float = MAX_BACKOFF,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._clients = clients  # not copied: a client reconfigured at run time is picked up
        self._bus = bus
        self._interval = interval
        self._limits = Limits(stall_after, fail_after)
        self._max_backoff = max_backoff
        self._clock = clock
        self._health: dict[str, ClientHealth] = {}

    @property
    def health(self) -> dict[str, bool]:
        """Client name -> whether it answered its last poll (True before the first)."""
        return {name: self._health.get(name, ClientHealth()).up for name in self._clients}

    async def run(self) -> None:
        """Poll until cancelled. A failing round is logged and the next one comes anyway: the
        service must outlive a locked database or a bug in one row."""
        while True:
            try:
                await self.poll_once()
            except Exception:
                log.exception("a monitor poll failed")
            await asyncio.sleep(self._interval)

    async def poll_once(self) -> None:
        """Ask every client that is due, concurrently; record what each says, then publish."""
        now = self._clock()
        due = [name for name in self._clients if self._due(name, now)]
        await asyncio.gather(*(self._poll(name) for name in due))

    def _due(self, name: str, now: float) -> bool:
        health = self._health.get(name)
        return health is None or health.up or now >= health.retry_at

    async def _poll(self, name: str) -> None:
        # Rows first: a grab recorded after this read was added to its client before the
        # listing below, so it can never look "gone" by a race.
        grabs = await _tracked(name)
        try:
            seen = await _listing(self._clients[name], grabs)
        except errors.OutpostError as err:
            self._went_down(name, err)
            return
        self._came_up(name)
        events = await self._record(grabs, {d.id: d for d in seen})
        for event in events:
            await self._bus.publish(event)

    async def _record(self, grabs: list[Grab], seen: dict[str, Download]) -> list[Event]:
        """One transaction per client poll; returns the events of the rows it moved."""
        now = self._clock()
        events: list[Event] = []
        async with in_transaction():
            for grab in grabs:
                event = await self._update(grab, seen.get(grab.client_id), now)
                if event is not None:
                    events.append(event)
        return events

    async def _update(self, grab: Grab, download: Download | None, now: float) -> Event | None:
        try:
            state = GrabState(grab.state)
        except ValueError:
            log.warning("grab %s has an unknown state %r", grab.id, grab.state[:32])
            return None
        last = grab.last_progress_at.timestamp() if grab.last_progress_at else None
        idle = 0.0 if last is None else max(0.0, now - last)
        moved = advance(state, download, progress=grab.progress, idle=idle, limits=self._limits)
        changes = _changes(grab, download, moved, now, restart_clock=last is None)
        if not changes:
            return None
        # Conditional on the state read: whoever moved the row meanwhile wins, and fires.
        hit = await Grab.filter(id=grab.id, state=grab.state).update(**changes)
        if not hit or moved.event is None:
            return None
        log.info("grab %s (%s): %s -> %s", grab.id, grab.title, state, moved.state)
        return _event(grab, moved, download, idle)

    def _went_down(self, name: str, err: errors.OutpostError) -> None:
        health = self._health.setdefault(name, ClientHealth())
        if health.up:
            log.warning("download client %s is down: %s", name, err)
        health.up = False
        health.failures += 1
        wait = min(self._interval * 2.0**health.failures, self._max_backoff)
        health.retry_at = self._clock() + wait

    def _came_up(self, name: str) -> None:
        health = self._health.setdefault(name, ClientHealth())
        if not health.up:
            log.warning("download client %s is back", name)
        health.up, health.failures, health.retry_at = True, 0, 0.0


async def _tracked(client: str) -> list[Grab]:
    """The grabs of `client` that a report could still move."""
    final = [state.value for state in FINAL]
    query = Grab.filter(client=client).exclude(state__in=final)
    return await query.select_related("request").order_by("id")


async def _listing(client: DownloadClient, grabs: list[Grab]) -> list[Download]:
    """What the client says of the tracked grabs. With none tracked, `check()` still tells
    whether the client is up, so the queue can name a client that is down."""
    if not grabs:
        await client.check()
        return []
    return await client.downloads([grab.client_id for grab in grabs])


def _changes(
    grab: Grab, download: Download | None, moved: Transition, now: float, *, restart_clock: bool
) -> dict[str, Any]:
    """The columns that differ from the row, for one UPDATE."""
    stamp = datetime.fromtimestamp(now, UTC)
    changes: dict[str, Any] = {}
    if moved.state != grab.state:
        changes["state"] = moved.state.value
    if moved.reason is not None:
        changes["failure"] = moved.reason
    if moved.progressed or restart_clock:
        changes["last_progress_at"] = stamp
    if download is not None:
        changes |= _client_view(grab, download, moved)
        if download.status is ClientStatus.COMPLETED and grab.completed_at is None:
            changes["completed_at"] = stamp  # a private tracker's seed clock starts here
    if changes:
        changes["updated_at"] = stamp
    return changes


def _client_view(grab: Grab, download: Download, moved: Transition) -> dict[str, Any]:
    """What the client says, kept apart from the state Outpost decided."""
    seen: dict[str, Any] = {}
    if download.raw_status[:32] != grab.raw_status:
        seen["raw_status"] = download.raw_status[:32]
    if download.progress != grab.progress:
        seen["progress"] = download.progress
    if download.eta != grab.eta:
        seen["eta"] = download.eta
    if moved.event is Change.COMPLETED and download.content_path:
        seen["content_path"] = download.content_path[:4096]
    return seen


def _event(grab: Grab, moved: Transition, download: Download | None, idle: float) -> Event | None:
    request = grab.request
    ids: dict[str, Any] = {
        "grab_id": grab.id,
        "title": grab.title,
        "request_id": request.id if request is not None else None,
        "person_id": request.person_id if request is not None else None,  # type: ignore[attr-defined]
    }
    if moved.event is Change.COMPLETED:
        path = download.content_path if download is not None else None
        return DownloadCompleted(**ids, content_path=path or "")
    if moved.event is Change.STALLED:
        return DownloadStalled(**ids, minutes=int(idle // 60))
    if moved.event is Change.FAILED:
        raw = download.raw_status if download is not None else ""
        return DownloadFailed(**ids, reason=moved.reason or "", params={"status": raw})
    return None  # removed: recorded for the queue; there is no event for it (yet)
