"""Seeding obligations: a grab from a private tracker (MyAnonamouse) stays in its client until
it has seeded its time after completing. Every remove Outpost makes asks `guard` first."""

from __future__ import annotations

from datetime import UTC, datetime

from core import errors
from core.store.models import Grab


def seed_left(grab: Grab, now: datetime | None = None) -> float | None:
    """Seconds the grab must still seed; None when it owes nothing (no obligation, or done).
    Before it completes the whole seed time is still owed."""
    if not grab.seed_seconds:
        return None
    if grab.completed_at is None:
        return float(grab.seed_seconds)
    now = now or datetime.now(UTC)
    left = grab.seed_seconds - (now - grab.completed_at).total_seconds()
    return left if left > 0 else None


def guard(grab: Grab, now: datetime | None = None) -> None:
    """Refuse to remove a grab from its client before its seed time is over. A download that
    has not received a byte owes nothing yet, so it may go."""
    left = seed_left(grab, now)
    if left is None or (grab.completed_at is None and not grab.progress):
        return
    hours = max(1, round(left / 3600))
    raise errors.Conflict(
        f"{grab.title!r} must seed {hours} h more for {grab.indexer} before it may be removed",
        key="error.still_seeding",
        title=grab.title[:200],
        indexer=grab.indexer,
        hours=hours,
    )
