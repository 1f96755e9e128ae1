"""The queue: Outpost's grabs joined with what each client reports of them now."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from core import errors
from core.domain import Download
from core.ports import DownloadClient
from core.store.models import Grab

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QueueItem:
    ref: str
    name: str
    client: str
    status: str  # the client's normalised status, "removed" if gone, "unknown" if unreachable
    progress: float
    size: int | None
    eta: int | None = None


@dataclass(frozen=True, slots=True)
class QueueView:
    items: list[QueueItem]
    failures: dict[str, errors.OutpostError]  # client name -> why it could not be asked


class QueueService:
    def __init__(self, clients: Mapping[str, DownloadClient]) -> None:
        self._clients = dict(clients)

    async def view(self) -> QueueView:
        grabs = await Grab.all().order_by("id")
        by_client: dict[str, list[Grab]] = {}
        for grab in grabs:
            by_client.setdefault(grab.client, []).append(grab)
        names = [n for n in by_client if n in self._clients]
        answers = await asyncio.gather(*(self._ask(n, by_client[n]) for n in names))
        seen = dict(zip(names, answers, strict=True))
        items: list[QueueItem] = []
        failures: dict[str, errors.OutpostError] = {}
        for grab in grabs:
            answer = seen.get(grab.client)
            if isinstance(answer, errors.OutpostError):
                failures[grab.client] = answer
                answer = None
            items.append(_item(grab, answer))
        return QueueView(items, failures)

    async def _ask(self, name: str, grabs: list[Grab]) -> dict[str, Download] | errors.OutpostError:
        try:
            found = await self._clients[name].downloads([g.client_id for g in grabs])
        except errors.OutpostError as err:
            log.warning("client %s failed: %s", name, err)
            return err
        return {d.id: d for d in found}


def _item(grab: Grab, downloads: dict[str, Download] | None) -> QueueItem:
    ref = f"g{grab.id}"
    if downloads is None:
        return QueueItem(ref, grab.title, grab.client, "unknown", grab.progress, grab.size)
    download = downloads.get(grab.client_id)
    if download is None:
        return QueueItem(ref, grab.title, grab.client, "removed", grab.progress, grab.size)
    return QueueItem(
        ref,
        download.name or grab.title,
        grab.client,
        download.status.value,
        download.progress,
        download.size or grab.size,
        download.eta,
    )
