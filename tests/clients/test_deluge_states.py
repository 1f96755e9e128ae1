"""Deluge's states as client statuses: a table."""

from __future__ import annotations

import pytest

from adapters.clients.deluge import map_state
from core.domain import ClientStatus as S


@pytest.mark.parametrize(
    ("state", "progress", "size", "status"),
    [
        ("Queued", 0.0, 10, S.QUEUED),
        ("Checking", 0.3, 10, S.CHECKING),
        ("Allocating", 0.0, 10, S.DOWNLOADING),
        ("Downloading", 0.5, 10, S.DOWNLOADING),
        ("Downloading", 0.0, 0, S.METADATA),  # a magnet without its metadata yet
        ("Seeding", 1.0, 10, S.COMPLETED),
        ("Paused", 0.5, 10, S.PAUSED),
        ("Paused", 1.0, 10, S.PAUSED),
        ("Error", 0.5, 10, S.ERROR),
        ("Moving", 1.0, 10, S.COMPLETED),
        ("Moving", 0.5, 10, S.DOWNLOADING),
        ("Hibernating", 0.5, 10, S.UNKNOWN),
        ("seeding", 1.0, 10, S.UNKNOWN),  # Deluge's names are capitalised
    ],
)
def test_state_maps(state: str, progress: float, size: int, status: S) -> None:
    assert map_state(state, progress, size) is status
