"""qBittorrent's torrent states, read as Outpost's client statuses."""

from __future__ import annotations

from collections.abc import Mapping

from core.domain import ClientStatus

_PLAIN_STATES: Mapping[str, ClientStatus] = {
    "error": ClientStatus.ERROR,
    "missingFiles": ClientStatus.ERROR,
    "metaDL": ClientStatus.METADATA,
    "forcedMetaDL": ClientStatus.METADATA,
    "pausedDL": ClientStatus.PAUSED,
    "stoppedDL": ClientStatus.PAUSED,
    "stalledDL": ClientStatus.STALLED,
    "downloading": ClientStatus.DOWNLOADING,
    "forcedDL": ClientStatus.DOWNLOADING,
    "allocating": ClientStatus.DOWNLOADING,
    "queuedDL": ClientStatus.QUEUED,
    "checkingDL": ClientStatus.CHECKING,
    "checkingResumeData": ClientStatus.CHECKING,
}
# Upload-side states mean "finished"; with progress < 1 only deselected files are missing,
# except that a recheck, a pause or a queue slot is what the person should see.
_UP_STATES: Mapping[str, ClientStatus] = {
    "uploading": ClientStatus.COMPLETED,
    "stalledUP": ClientStatus.COMPLETED,
    "forcedUP": ClientStatus.COMPLETED,
    "queuedUP": ClientStatus.QUEUED,
    "pausedUP": ClientStatus.PAUSED,
    "stoppedUP": ClientStatus.PAUSED,
    "checkingUP": ClientStatus.CHECKING,
}


def map_state(state: str, progress: float) -> ClientStatus:
    """Normalise a qBittorrent state string; UNKNOWN for states this adapter has never seen."""
    if state in _PLAIN_STATES:
        return _PLAIN_STATES[state]
    if state in _UP_STATES:
        return ClientStatus.COMPLETED if progress >= 1.0 else _UP_STATES[state]
    if state == "moving":
        return ClientStatus.COMPLETED if progress >= 1.0 else ClientStatus.DOWNLOADING
    return ClientStatus.UNKNOWN
