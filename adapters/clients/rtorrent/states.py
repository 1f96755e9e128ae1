"""rtorrent's download flags, read as Outpost's client statuses.

rtorrent has no state string: `d.state` is 1 (started) or 0 (stopped), `d.is_active` is 0 for a
started download that `d.pause` halted, `d.hashing` is non-zero while it checks, `d.is_meta` is 1
for a magnet still fetching its metadata. The raw status names the combination in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.domain import ClientStatus


@dataclass(frozen=True, slots=True)
class Flags:
    state: int
    active: int
    complete: int
    hashing: int
    meta: int


def raw_status(flags: Flags) -> str:
    if flags.state not in (0, 1):
        return f"state {flags.state}"
    if flags.hashing:
        return "hashing"
    if flags.state == 0:
        return "stopped"
    if not flags.active:
        return "paused"
    if flags.meta:
        return "meta"
    return "seeding" if flags.complete else "leeching"


_STATUSES = {
    "hashing": ClientStatus.CHECKING,
    "stopped": ClientStatus.PAUSED,
    "paused": ClientStatus.PAUSED,
    "meta": ClientStatus.METADATA,
    "seeding": ClientStatus.COMPLETED,
    "leeching": ClientStatus.DOWNLOADING,
}


def map_state(raw: str) -> ClientStatus:
    """UNKNOWN for any combination this adapter has not named (a `d.state` other than 0/1)."""
    return _STATUSES.get(raw, ClientStatus.UNKNOWN)
