"""Transmission download client over its JSON RPC: add, list, start/stop, remove, free space."""

from __future__ import annotations

import asyncio
import base64
import logging
import posixpath
import time
from dataclasses import dataclass
from typing import Any

from adapters.clients.transmission import wire
from adapters.clients.transmission.rpc import RpcSession
from adapters.clients.transmission.view import ListingView
from core import declare, errors, pathmap
from core.declare import setting
from core.domain import ClientCheck, ClientStatus, Download, DownloadRequest, Protocol
from core.http import HttpPolicy, HttpService
from core.pathmap import PathMap
from core.portcheck import UsualPort
from core.ports import Cache

log = logging.getLogger(__name__)

LABELS_RPC = 16  # Transmission 3.00: the first RPC version with torrent labels
LISTING_MAX_BYTES = 64 * 1024 * 1024  # a full listing of 5,000 torrents is about 2 MiB
# From this many ids on, `downloads` keeps the whole listing and patches it from
# `recently-active`; below it, asking for the ids themselves is cheaper.
VIEW_FROM = 50
VERIFY_WAIT = 30.0  # how long `pause` waits for a torrent's check to end before stopping it


@dataclass(frozen=True, slots=True)
class TransmissionSettings:
    url: str = setting(
        help="the RPC address (with or without /transmission/rpc)",
        default="http://localhost:9091",
        parse=declare.http_url,
    )
    username: str | None = setting(help="the RPC user name", default=None)
    password: str | None = setting(help="the RPC password", default=None, secret=True)
    category: str = setting(help="label for Outpost's downloads", default="outpost")
    save_path: str | None = setting(help="where the client saves Outpost's downloads", default=None)
    path_map: tuple[PathMap, ...] = pathmap.path_map_setting()


class TransmissionClient:
    """A `DownloadClient` for transmission-daemon 3.00 (RPC 16) and later."""

    kind = "transmission"
    category = "client"
    protocols = (Protocol.TORRENT,)
    Settings = TransmissionSettings
    policy = HttpPolicy(retries=1)
    usual_port = UsualPort(9091, "Transmission", realms=("Transmission",))

    @classmethod
    def build(
        cls, name: str, settings: TransmissionSettings, http: HttpService, cache: Cache
    ) -> TransmissionClient:
        return cls(name, settings.url, http, username=settings.username, password=settings.password)

    def __init__(
        self,
        name: str,
        url: str,
        http: HttpService,
        *,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.name = name
        self._http = http
        self._rpc = RpcSession(name, wire.rpc_url(url), http, username=username, password=password)
        self._rpc_version: int | None = None
        self._unknown: set[int] = set()
        self._view = ListingView()
        self._view_lock = asyncio.Lock()

    @property
    def view(self) -> ListingView:
        """The kept listing (read by tests and the polling benchmark)."""
        return self._view

    # --- the port ---------------------------------------------------------------------------

    async def check(self) -> ClientCheck:
        """Version, free space at the default download dir, and that dir as the save root."""
        session = await self._session()
        version = wire.field(session, "version", str, self.name).strip()
        folder = wire.field(session, "download-dir", str, self.name)
        space = await self._rpc.call("free-space", {"path": folder})
        free = wire.count(space.get("size-bytes")) or None  # 0 or -1: it could not tell
        return ClientCheck(version, free, (folder,))

    async def add(self, request: DownloadRequest) -> str:
        """Hand over a .torrent, URL or magnet; returns the lower-case info-hash."""
        _check_source(request, self.name)
        arguments: dict[str, Any] = {"paused": request.paused}
        if request.file is not None:
            arguments["metainfo"] = base64.b64encode(request.file.data).decode()
        else:  # the daemon fetches a URL itself, and answers once it has the torrent
            arguments["filename"] = request.url or request.magnet
        if request.save_path:
            arguments["download-dir"] = request.save_path
        try:
            added = await self._rpc.call("torrent-add", arguments, retries=0)
        except errors.BadResponse as err:
            raise self._add_refused(err) from None
        if "torrent-duplicate" in added:
            raise errors.Conflict(
                f"{self.name}: torrent already added", key="error.duplicate_download"
            )
        row = added.get("torrent-added")
        if not isinstance(row, dict):
            raise errors.BadResponse(
                f"{self.name}: torrent-add named no torrent", service=self.name
            )
        info_hash = wire.info_hash(row, self.name)
        if request.category:
            await self._label(info_hash, request.category)
        self._view.invalidate()
        return info_hash

    async def downloads(self, ids: list[str]) -> list[Download]:
        """The asked torrents the daemon holds; ids it does not list are left out."""
        wanted = wire.known_hashes(ids)
        if not wanted:
            return []
        if len(wanted) >= VIEW_FROM:
            async with self._view_lock:
                await self._refresh()
                rows = self._view.rows
                return [self._download(rows[h]) for h in wanted if h in rows]
        found = await self._torrents(wanted)
        return [self._download(found[h]) for h in wanted if h in found]

    async def pause(self, ids: list[str]) -> None:
        """Stop them. Trap: Transmission forgets a stop that arrives while a torrent is being
        verified (status 1 or 2, as right after an add): when the check ends it starts the
        torrent anyway. Those are stopped again once their check is over."""
        await self._act("torrent-stop", ids)
        checking = await self._checking(ids)
        deadline = time.monotonic() + VERIFY_WAIT
        wait = 0.05
        while checking and time.monotonic() + wait < deadline:
            await asyncio.sleep(wait)
            wait = min(wait * 2, 0.5)
            still = await self._checking(checking)
            if done := [h for h in checking if h not in still]:
                await self._act("torrent-stop", done)
            checking = still
        if checking:
            log.warning("%s: %d torrents still verifying; not stopped", self.name, len(checking))

    async def resume(self, ids: list[str]) -> None:
        await self._act("torrent-start", ids)

    async def remove(self, ids: list[str], *, delete_files: bool) -> None:
        await self._act("torrent-remove", ids, **{"delete-local-data": delete_files})

    async def aclose(self) -> None:
        """Close the HttpService: the composition root builds one per client."""
        await self._http.aclose()

    # --- calls ------------------------------------------------------------------------------

    async def _session(self) -> dict[str, Any]:
        fields = ["version", "rpc-version", "download-dir"]
        session = await self._rpc.call("session-get", {"fields": fields})
        number = session.get("rpc-version")
        self._rpc_version = number if wire.number(number) else 0
        return session

    async def _labels_supported(self) -> bool:
        if self._rpc_version is None:
            await self._session()
        return (self._rpc_version or 0) >= LABELS_RPC

    async def _label(self, info_hash: str, category: str) -> None:
        """Trap: Transmission 3.00 silently ignores `labels` in torrent-add, so they are set
        afterwards. Older daemons have no labels at all: the download keeps no category."""
        if await self._labels_supported():
            await self._rpc.call("torrent-set", {"ids": [info_hash], "labels": [category]})
        else:
            log.info("%s: RPC %s has no labels; %r not set", self.name, self._rpc_version, category)

    async def _checking(self, ids: list[str]) -> list[str]:
        if not ids:
            return []
        arguments = {"ids": wire.checked_hashes(ids), "fields": ["id", "hashString", "status"]}
        rows = wire.rows(await self._rpc.call("torrent-get", arguments), self.name)
        return [
            wire.info_hash(row, self.name)
            for row in rows
            if row.get("status") in (wire.CHECK_WAIT, wire.CHECKING)
        ]

    async def _act(self, method: str, ids: list[str], **extra: Any) -> None:
        if ids:  # no ids would mean "every torrent" to Transmission
            await self._rpc.call(method, {"ids": wire.checked_hashes(ids), **extra})
            self._view.invalidate()

    async def _torrents(self, ids: list[str] | str | None) -> dict[str, dict[str, Any]]:
        return (await self._get(ids))[0]

    async def _get(self, ids: list[str] | str | None) -> tuple[dict[str, dict[str, Any]], Any]:
        """torrent-get with only the needed fields: rows by hash, and the whole answer."""
        arguments: dict[str, Any] = {"fields": list(wire.FIELDS)}
        if ids is not None:
            arguments["ids"] = ids
        found = await self._rpc.call("torrent-get", arguments, max_bytes=LISTING_MAX_BYTES)
        rows = wire.rows(found, self.name)
        return {wire.info_hash(row, self.name): _numbered(row, self.name) for row in rows}, found

    async def _refresh(self) -> None:
        started = time.monotonic()
        if self._view.wants_full(started):
            self._view.replace(await self._torrents(None), started)
            return
        changed, answer = await self._get("recently-active")
        self._view.patch(changed, wire.removed_ids(answer, self.name), started)

    def _add_refused(self, err: errors.BadResponse) -> errors.AdapterError:
        said = str(err.params.get("description", ""))
        if "invalid or corrupt" in said:  # the daemon's words for bytes that are no torrent
            return errors.BadResponse(
                f"{self.name}: not a valid torrent", service=self.name, key="error.bad_torrent"
            )
        return err

    # --- reading ----------------------------------------------------------------------------

    def _download(self, row: dict[str, Any]) -> Download:
        name = self.name
        status = wire.field(row, "status", int, name)
        progress = float(wire.field(row, "percentDone", (int, float), name))
        folder = wire.field(row, "downloadDir", str, name)
        title = wire.field(row, "name", str, name)
        mapped = wire.map_status(
            status,
            wire.count(row.get("error")) or 0,
            done=progress >= 1.0,
            finished=row.get("isFinished") is True,
            metadata=row.get("metadataPercentComplete", 1) != 1,
        )
        if mapped is ClientStatus.UNKNOWN and status not in self._unknown:
            self._unknown.add(status)
            log.warning("%s: unknown torrent status %r", name, status)
        labels = row.get("labels")
        label = labels[0] if isinstance(labels, list) and labels else None
        return Download(
            id=wire.info_hash(row, name),
            name=title,
            client=name,
            status=mapped,
            raw_status=str(status),
            progress=min(max(progress, 0.0), 1.0),
            size=int(wire.field(row, "sizeWhenDone", int, name)),
            category=label if isinstance(label, str) and label else None,
            save_path=folder or None,
            content_path=posixpath.join(folder, title) if folder else None,
            eta=wire.count(row.get("eta")),  # -1 not available, -2 unknown
            download_speed=wire.count(row.get("rateDownload")) or 0,
        )


def _numbered(row: dict[str, Any], service: str) -> dict[str, Any]:
    wire.field(row, "id", int, service)
    return row


def _check_source(request: DownloadRequest, name: str) -> None:
    sources = [s for s in (request.url, request.magnet, request.file) if s is not None]
    if len(sources) != 1:
        raise errors.UserError("give exactly one of url, magnet or file", key="error.bad_input")
    if request.protocol is not Protocol.TORRENT:
        raise errors.UserError(
            f"{name} cannot download {request.protocol.value} releases",
            key="error.client_protocol",
            name=name,
            protocol=request.protocol.value,
        )
