"""The download state machine, row by row: state x client report x clock -> state and event."""

from __future__ import annotations

import pytest

from core.domain import ClientStatus, Download
from core.lifecycle import (
    ERROR_REASON,
    STALLED_REASON,
    Change,
    GrabState,
    Limits,
    Transition,
    advance,
)

S = GrabState
C = ClientStatus
LIMITS = Limits(stall_after=60.0, fail_after=300.0)
GONE = None  # the client no longer lists the torrent


def seen(status: ClientStatus, progress: float = 0.0) -> Download:
    return Download("ab" * 20, "x", "qbt", status, status.value, progress, 100)


# (state, what the client lists, recorded progress, idle seconds) -> (state, progressed, change)
ROWS = [
    # starting out
    (S.GRABBED, seen(C.METADATA), 0.0, 0, S.GRABBED, False, None),
    (S.GRABBED, seen(C.QUEUED), 0.0, 0, S.GRABBED, True, None),
    (S.GRABBED, seen(C.DOWNLOADING), 0.0, 0, S.DOWNLOADING, False, None),
    (S.GRABBED, seen(C.DOWNLOADING, 0.1), 0.0, 0, S.DOWNLOADING, True, None),
    (S.GRABBED, seen(C.STALLED, 0.2), 0.0, 999, S.DOWNLOADING, True, None),
    (S.GRABBED, seen(C.UNKNOWN), 0.0, 10, S.GRABBED, False, None),
    # progress within float noise is not movement
    (S.DOWNLOADING, seen(C.DOWNLOADING, 0.5 + 1e-9), 0.5, 10, S.DOWNLOADING, False, None),
    (S.DOWNLOADING, seen(C.DOWNLOADING, 0.6), 0.5, 10, S.DOWNLOADING, True, None),
    # stalling: no progress for longer than the stall limit, whatever the client calls it
    (S.GRABBED, seen(C.METADATA), 0.0, 61, S.STALLED, False, Change.STALLED),
    (S.GRABBED, seen(C.PAUSED), 0.0, 61, S.STALLED, False, Change.STALLED),
    (S.DOWNLOADING, seen(C.STALLED, 0.3), 0.3, 61, S.STALLED, False, Change.STALLED),
    (S.DOWNLOADING, seen(C.DOWNLOADING, 0.3), 0.3, 61, S.STALLED, False, Change.STALLED),
    (S.DOWNLOADING, seen(C.STALLED, 0.3), 0.3, 60, S.DOWNLOADING, False, None),
    (S.DOWNLOADING, seen(C.QUEUED, 0.3), 0.3, 999, S.DOWNLOADING, True, None),
    (S.DOWNLOADING, seen(C.CHECKING, 0.3), 0.3, 999, S.DOWNLOADING, True, None),
    # stalled: the event fired once; fail after the fail limit; recover on progress
    (S.STALLED, seen(C.STALLED, 0.3), 0.3, 120, S.STALLED, False, None),
    (S.STALLED, seen(C.METADATA), 0.0, 300, S.STALLED, False, None),
    (S.STALLED, seen(C.METADATA), 0.0, 301, S.FAILED, False, Change.FAILED),
    (S.STALLED, seen(C.PAUSED, 0.3), 0.3, 5000, S.FAILED, False, Change.FAILED),
    (S.STALLED, seen(C.DOWNLOADING, 0.4), 0.3, 5000, S.DOWNLOADING, True, None),
    (S.STALLED, seen(C.CHECKING, 0.3), 0.3, 5000, S.STALLED, True, None),
    # a long gap goes through stalled first, so the stalled event is never skipped
    (S.DOWNLOADING, seen(C.STALLED, 0.3), 0.3, 5000, S.STALLED, False, Change.STALLED),
    # client errors fail every pre-completion state
    (S.GRABBED, seen(C.ERROR), 0.0, 0, S.FAILED, False, Change.FAILED),
    (S.DOWNLOADING, seen(C.ERROR, 0.5), 0.5, 0, S.FAILED, False, Change.FAILED),
    (S.STALLED, seen(C.ERROR, 0.5), 0.5, 0, S.FAILED, False, Change.FAILED),
    # completion, from every pre-completion state, by status or by progress
    (S.GRABBED, seen(C.COMPLETED, 1.0), 0.0, 0, S.COMPLETED, True, Change.COMPLETED),
    (S.DOWNLOADING, seen(C.COMPLETED, 1.0), 0.9, 0, S.COMPLETED, True, Change.COMPLETED),
    (S.STALLED, seen(C.COMPLETED, 1.0), 0.9, 999, S.COMPLETED, True, Change.COMPLETED),
    (S.DOWNLOADING, seen(C.PAUSED, 1.0), 0.9, 0, S.COMPLETED, True, Change.COMPLETED),
    (S.DOWNLOADING, seen(C.COMPLETED, 0.7), 0.7, 0, S.COMPLETED, True, Change.COMPLETED),
    (S.DOWNLOADING, seen(C.CHECKING, 1.0), 0.5, 0, S.DOWNLOADING, True, None),
    # completion never fires twice; the importer owns completed onwards
    (S.COMPLETED, seen(C.COMPLETED, 1.0), 1.0, 0, S.COMPLETED, False, None),
    (S.COMPLETED, seen(C.ERROR, 1.0), 1.0, 0, S.COMPLETED, False, None),
    (S.COMPLETED, seen(C.PAUSED, 1.0), 1.0, 9999, S.COMPLETED, False, None),
    (S.COMPLETED, GONE, 1.0, 0, S.COMPLETED, False, None),
    (S.IMPORTING, seen(C.COMPLETED, 1.0), 1.0, 0, S.IMPORTING, False, None),
    (S.IMPORTING, seen(C.ERROR, 1.0), 1.0, 0, S.IMPORTING, False, None),
    (S.IMPORTING, GONE, 1.0, 0, S.IMPORTING, False, None),
    (S.IMPORTED, seen(C.COMPLETED, 1.0), 1.0, 0, S.IMPORTED, False, None),
    (S.IMPORTED, GONE, 1.0, 0, S.IMPORTED, False, None),
    # removed from the client before completion
    (S.GRABBED, GONE, 0.0, 0, S.REMOVED, False, Change.REMOVED),
    (S.DOWNLOADING, GONE, 0.4, 0, S.REMOVED, False, Change.REMOVED),
    (S.STALLED, GONE, 0.4, 999, S.REMOVED, False, Change.REMOVED),
    # final states are sticky against client noise
    (S.FAILED, seen(C.DOWNLOADING, 0.9), 0.5, 0, S.FAILED, False, None),
    (S.FAILED, seen(C.COMPLETED, 1.0), 0.5, 0, S.FAILED, False, None),
    (S.FAILED, GONE, 0.5, 0, S.FAILED, False, None),
    (S.REMOVED, seen(C.DOWNLOADING, 0.9), 0.5, 0, S.REMOVED, False, None),
    (S.REMOVED, seen(C.COMPLETED, 1.0), 0.5, 0, S.REMOVED, False, None),
    (S.REMOVED, GONE, 0.5, 999, S.REMOVED, False, None),
]


@pytest.mark.parametrize(
    ("state", "report", "progress", "idle", "want", "progressed", "change"),
    ROWS,
    ids=[f"{r[0]}-{'gone' if r[1] is None else r[1].status}-{r[2]}-{r[3]}s" for r in ROWS],
)
def test_transition(
    state: GrabState,
    report: Download | None,
    progress: float,
    idle: float,
    want: GrabState,
    progressed: bool,
    change: Change | None,
) -> None:
    got = advance(state, report, progress=progress, idle=idle, limits=LIMITS)
    assert (got.state, got.progressed, got.event) == (want, progressed, change)


def test_failures_name_their_reason() -> None:
    stalled = advance(S.STALLED, seen(C.METADATA), progress=0.0, idle=301, limits=LIMITS)
    errored = advance(S.DOWNLOADING, seen(C.ERROR), progress=0.0, idle=0, limits=LIMITS)
    assert (stalled.reason, errored.reason) == (STALLED_REASON, ERROR_REASON)
    calm = advance(S.DOWNLOADING, seen(C.DOWNLOADING, 0.5), progress=0.1, idle=0, limits=LIMITS)
    assert calm == Transition(S.DOWNLOADING, progressed=True)


@pytest.mark.parametrize("state", list(GrabState))
def test_every_state_answers_every_report(state: GrabState) -> None:
    """No combination raises or leaves the enum; the same report never fires the same event
    twice (stalled may go on to failed, which is a new event)."""
    for status in ClientStatus:
        for progress in (0.0, 0.5, 1.0):
            for idle in (0, 61, 301):
                got = advance(
                    state, seen(status, progress), progress=progress, idle=idle, limits=LIMITS
                )
                assert isinstance(got.state, GrabState)
                if got.event is not None:
                    again = advance(
                        got.state,
                        seen(status, progress),
                        progress=progress,
                        idle=0 if got.progressed else idle,
                        limits=LIMITS,
                    )
                    assert again.event != got.event, (state, status, progress, idle)
