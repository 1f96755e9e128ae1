"""Deluge's torrent states, read as Outpost's client statuses."""

from __future__ import annotations

from collections.abc import Mapping

from core.domain import ClientStatus

_STATES: Mapping[str, ClientStatus] = {
    "Queued": ClientStatus.QUEUED,
    "Checking": ClientStatus.CHECKING,
    "Allocating": ClientStatus.DOWNLOADING,
    "Downloading": ClientStatus.DOWNLOADING,
    "Seeding": ClientStatus.COMPLETED,
    "Paused": ClientStatus.PAUSED,
    "Error": ClientStatus.ERROR,
}


def map_state(state: str, progress: float, size: int) -> ClientStatus:
    """Normalise a Deluge state; UNKNOWN for states this adapter has never seen.

    Deluge has no metadata state: a magnet still fetching its metadata is "Downloading" with
    nothing to download yet. "Moving" is a finished torrent whose files are being moved.
    """
    if state == "Downloading" and size == 0:
        return ClientStatus.METADATA
    if state == "Moving":
        return ClientStatus.COMPLETED if progress >= 1.0 else ClientStatus.DOWNLOADING
    return _STATES.get(state, ClientStatus.UNKNOWN)
