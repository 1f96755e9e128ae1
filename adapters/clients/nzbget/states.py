"""NZBGet's queue and history statuses, read as Outpost's client statuses."""

from __future__ import annotations

from collections.abc import Mapping

from core.domain import ClientStatus

# Every post-processing stage (par check, repair, unpack, move, scripts) reads as CHECKING:
# the data is all there but not yet final. PP_FINISHED too: the final folder is only known
# once the job has moved to the history.
_POST = ClientStatus.CHECKING
_QUEUE: Mapping[str, ClientStatus] = {
    "QUEUED": ClientStatus.QUEUED,
    "PAUSED": ClientStatus.PAUSED,
    "DOWNLOADING": ClientStatus.DOWNLOADING,
    "FETCHING": ClientStatus.METADATA,  # a URL add whose NZB is being fetched
    "PP_QUEUED": _POST,
    "LOADING_PARS": _POST,
    "VERIFYING_SOURCES": _POST,
    "REPAIRING": _POST,
    "VERIFYING_REPAIRED": _POST,
    "RENAMING": _POST,
    "UNPACKING": _POST,
    "MOVING": _POST,
    "EXECUTING_SCRIPT": _POST,
    "PP_FINISHED": _POST,
}
# The history's "TOTAL/DETAIL": the part before the slash decides, with a few details.
_HISTORY: Mapping[str, ClientStatus] = {
    "SUCCESS": ClientStatus.COMPLETED,
    "FAILURE": ClientStatus.ERROR,
    "WARNING": ClientStatus.ERROR,  # damaged, password, no space: the files are not usable
}
# DELETED/HEALTH and DELETED/DUPE were deleted by NZBGet itself: a failure, not a removal.
_DELETED_FAILED = frozenset({"HEALTH", "DUPE"})


def map_queue(status: str) -> ClientStatus:
    """A `listgroups` Status; UNKNOWN for one this adapter has never seen."""
    return _QUEUE.get(status, ClientStatus.UNKNOWN)


def map_history(status: str) -> ClientStatus | None:
    """A `history` Status; None for a job someone deleted (it counts as removed)."""
    total, _, detail = status.partition("/")
    if total == "DELETED":
        return ClientStatus.ERROR if detail in _DELETED_FAILED else None
    return _HISTORY.get(total, ClientStatus.UNKNOWN)
