"""The queue: Outpost's grabs as the monitor last recorded them; it never calls the clients."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core import errors
from core.services import seeding
from core.store.models import Grab


@dataclass(frozen=True, slots=True)
class QueueItem:
    ref: str
    name: str
    client: str
    status: str  # the client's own word at the last poll ("stalledDL"); "unknown" before one
    progress: float
    size: int | None
    eta: int | None = None
    state: str = "grabbed"  # what Outpost decided: grabbed, downloading, ... imported
    failure: str | None = None  # message key when state is "failed"
    seed_left: int | None = None  # seconds it must still seed for a private tracker


@dataclass(frozen=True, slots=True)
class QueueView:
    items: list[QueueItem]
    failures: dict[str, errors.OutpostError] = field(default_factory=dict)  # clients down


class QueueService:
    """Reads the store, never a client: the monitor's last poll is the one truth every reader
    shares. `health` (the monitor's, when it runs in this process) names clients that are down."""

    def __init__(self, *, health: Mapping[str, bool] | None = None) -> None:
        self._health = health

    async def view(self) -> QueueView:
        grabs = await Grab.all().order_by("id")
        return QueueView([_item(grab) for grab in grabs], self._down())

    def _down(self) -> dict[str, errors.OutpostError]:
        health = dict(self._health or {})
        return {
            name: errors.Unreachable(f"download client {name} is down", service=name)
            for name, up in health.items()
            if not up
        }


def _item(grab: Grab) -> QueueItem:
    return QueueItem(
        ref=f"g{grab.id}",
        name=grab.title,
        client=grab.client,
        status=grab.raw_status or "unknown",
        progress=grab.progress,
        size=grab.size,
        eta=grab.eta if grab.state == "downloading" else None,
        state=grab.state,
        failure=grab.failure,
        seed_left=None if (left := seeding.seed_left(grab)) is None else int(left),
    )
