"""Control of a grab's download from a frontend: pause, resume, remove, through its own client."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from core import errors
from core.lifecycle import FINISHED, GrabState
from core.ports import DownloadClient
from core.services import seeding
from core.store.models import Grab, MediaRequest, RequestStatus

log = logging.getLogger(__name__)


class DownloadControl:
    """`clients` by name, as `Outpost.clients()` returns them."""

    def __init__(self, clients: Mapping[str, DownloadClient]) -> None:
        self._clients = dict(clients)

    async def pause(self, grab_id: int) -> Grab:
        grab, client = await self._find(grab_id)
        await client.pause([grab.client_id])
        return grab

    async def resume(self, grab_id: int) -> Grab:
        grab, client = await self._find(grab_id)
        await client.resume([grab.client_id])
        return grab

    async def remove(self, grab_id: int, *, delete_files: bool = True) -> Grab:
        """Gone from the client and no longer tracked; an unfinished request is cancelled."""
        grab, client = await self._find(grab_id)
        seeding.guard(grab)
        await client.remove([grab.client_id], delete_files=delete_files)
        finished = grab.state in FINISHED
        grab.state = GrabState.REMOVED.value
        await grab.save(update_fields=["state", "updated_at"])
        request_id = grab.request_id  # type: ignore[attr-defined]
        if request_id is not None and not finished:
            await MediaRequest.filter(id=request_id).update(status=RequestStatus.CANCELLED)
        log.info("removed %s from %s", grab.title, grab.client)
        return grab

    async def _find(self, grab_id: int) -> tuple[Grab, DownloadClient]:
        grab = await Grab.get_or_none(id=grab_id)
        if grab is None:
            raise errors.NotFound(f"no grab {grab_id}", key="error.download_not_found")
        client = self._clients.get(grab.client)
        if client is None:
            raise errors.NotFound(
                f"no client named {grab.client!r}", key="error.unknown_client", name=grab.client
            )
        return grab, client
