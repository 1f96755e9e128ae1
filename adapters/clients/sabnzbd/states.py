"""SABnzbd's queue and history statuses (sabnzbd/constants.py `Status`), read as Outpost's."""

from __future__ import annotations

from collections.abc import Mapping

from core.domain import ClientStatus

# Post-processing (verify, repair, unpack, move, the user's script) reads as CHECKING: the data
# is all there but not yet final. A job in post-processing is listed by the history, not the queue.
_POST = ClientStatus.CHECKING
_PROCESSING: Mapping[str, ClientStatus] = {
    "Checking": _POST,  # the pre-check of a job's articles
    "QuickCheck": _POST,
    "Verifying": _POST,
    "Repairing": _POST,
    "Extracting": _POST,
    "Moving": _POST,
    "Running": _POST,  # the user's post-processing script
}
_QUEUE: Mapping[str, ClientStatus] = {
    "Queued": ClientStatus.QUEUED,
    "Propagating": ClientStatus.QUEUED,  # held back by the propagation delay
    "Paused": ClientStatus.PAUSED,
    "Downloading": ClientStatus.DOWNLOADING,
    "Fetching": ClientStatus.DOWNLOADING,  # fetching extra par2 files for a repair
    "Grabbing": ClientStatus.METADATA,  # a URL add whose NZB SABnzbd is still fetching
    **_PROCESSING,
}
_HISTORY: Mapping[str, ClientStatus] = {
    "Completed": ClientStatus.COMPLETED,
    "Failed": ClientStatus.ERROR,
    "Queued": _POST,  # in the history, "Queued" waits for the post-processor, not for a download
    "Fetching": _POST,  # extra par2 files for the repair
    **_PROCESSING,
}
# "Deleted": the job is being removed (and almost gone); it counts as removed.
DELETED = "Deleted"


def map_queue(status: str) -> ClientStatus | None:
    """A queue slot's status; UNKNOWN for one this adapter has never seen, None for Deleted."""
    return None if status == DELETED else _QUEUE.get(status, ClientStatus.UNKNOWN)


def map_history(status: str) -> ClientStatus | None:
    """A history slot's status; UNKNOWN for one this adapter has never seen, None for Deleted."""
    return None if status == DELETED else _HISTORY.get(status, ClientStatus.UNKNOWN)
