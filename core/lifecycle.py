"""The download state machine: what Outpost decides a grab is, from what its client reports.

Pure: no clock, no store, no I/O. The monitor feeds it one observation at a time and persists the
result before it publishes, so each event fires once however often the same report is seen.

    grabbed -> downloading <-> stalled -> failed
        \\----------\\------------\\-> completed -> importing -> imported
    any pre-completion state -> failed (client error) | removed (gone from the client)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.domain import ClientStatus, Download


class GrabState(StrEnum):
    GRABBED = "grabbed"
    DOWNLOADING = "downloading"
    STALLED = "stalled"
    COMPLETED = "completed"
    IMPORTING = "importing"
    IMPORTED = "imported"
    FAILED = "failed"
    REMOVED = "removed"


# States the monitor no longer tracks: nothing a client says can change them.
FINAL = frozenset({GrabState.IMPORTED, GrabState.FAILED, GrabState.REMOVED})
# The importer owns these: client noise (errors, a vanished torrent) never moves them back.
STICKY = FINAL | {GrabState.IMPORTING}
# Reached completion: a completion never fires again, a vanished torrent stays as it was.
FINISHED = frozenset({GrabState.COMPLETED, GrabState.IMPORTING, GrabState.IMPORTED})
# The client is busy with the torrent without moving data: the stall clock restarts.
_WAITING = frozenset({ClientStatus.QUEUED, ClientStatus.CHECKING})

STALLED_REASON = "failure.stalled"
ERROR_REASON = "failure.client_error"
PROGRESS_EPSILON = 1e-6  # float noise in a client's progress is not movement
STALL_AFTER = 10 * 60.0  # defaults; a household may tune both
FAIL_AFTER = 30 * 60.0


class Change(StrEnum):
    """What a transition tells the world; the monitor maps each to a typed event."""

    STALLED = "stalled"
    COMPLETED = "completed"
    FAILED = "failed"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class Limits:
    """Seconds without progress before a grab is stalled, and before a stalled grab fails."""

    stall_after: float = STALL_AFTER
    fail_after: float = FAIL_AFTER


@dataclass(frozen=True, slots=True)
class Transition:
    """The decided state; `progressed` restarts the stall clock; `event` fires once, with `reason`
    (a message key) when it is a failure."""

    state: GrabState
    progressed: bool = False
    event: Change | None = None
    reason: str | None = None


def advance(
    state: GrabState,
    seen: Download | None,
    *,
    progress: float,
    idle: float,
    limits: Limits,
) -> Transition:
    """Decide the next state of a grab in `state` whose last recorded progress is `progress`,
    given what its client lists now (`seen`, None when it no longer lists it) and `idle`, the
    seconds since progress last moved."""
    if state in STICKY:
        return Transition(state)
    if seen is None:
        return Transition(state) if state in FINISHED else _to(GrabState.REMOVED, Change.REMOVED)
    if state is GrabState.COMPLETED:
        return Transition(state)  # the importer decides from here; client errors are its news
    if seen.status is ClientStatus.ERROR:
        return _to(GrabState.FAILED, Change.FAILED, ERROR_REASON)
    if _complete(seen):
        return Transition(GrabState.COMPLETED, True, Change.COMPLETED)
    return _while_downloading(state, seen, progress, idle, limits)


def _while_downloading(
    state: GrabState, seen: Download, progress: float, idle: float, limits: Limits
) -> Transition:
    if seen.progress > progress + PROGRESS_EPSILON:
        return Transition(GrabState.DOWNLOADING, progressed=True)
    if seen.status in _WAITING:
        return Transition(state, progressed=True)
    if state is GrabState.STALLED:
        if idle > limits.fail_after:
            return _to(GrabState.FAILED, Change.FAILED, STALLED_REASON)
        return Transition(state)
    if idle > limits.stall_after:
        return _to(GrabState.STALLED, Change.STALLED)
    if seen.status is ClientStatus.DOWNLOADING:
        return Transition(GrabState.DOWNLOADING)
    return Transition(state)


def _complete(seen: Download) -> bool:
    # A recheck reports verified pieces as progress; 1.0 mid-check is not yet a finished file.
    if seen.status is ClientStatus.COMPLETED:
        return True
    return seen.progress >= 1.0 and seen.status is not ClientStatus.CHECKING


def _to(state: GrabState, event: Change, reason: str | None = None) -> Transition:
    return Transition(state, event=event, reason=reason)
