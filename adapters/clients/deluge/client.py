"""Deluge 2.x download client through deluge-web's JSON-RPC: add, list, pause, resume, remove."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from typing import Any

from adapters.clients.deluge import wire
from adapters.clients.deluge.rpc import DelugeRpc, RpcError
from adapters.clients.deluge.states import map_state
from core import declare, errors, pathmap
from core.declare import setting
from core.domain import ClientCheck, ClientStatus, Download, DownloadRequest, Protocol
from core.http import HttpPolicy, HttpService
from core.metainfo import info_hashes, magnet_hash
from core.pathmap import PathMap
from core.portcheck import UsualPort
from core.ports import Cache

log = logging.getLogger(__name__)

LABEL_PLUGIN = "Label"
NOTE_NO_LABEL = "note.deluge_no_label"  # check(): categories cannot become labels
LISTING_MAX_BYTES = 64 * 1024 * 1024  # a listing of 5,000 torrents with our keys is ~3 MiB


@dataclass(frozen=True, slots=True)
class DelugeSettings:
    url: str = setting(
        help="the deluge-web address", default="http://localhost:8112", parse=declare.http_url
    )
    password: str | None = setting(help="the deluge-web password", default=None, secret=True)
    category: str = setting(help="label for Outpost's downloads", default="outpost")
    save_path: str | None = setting(help="where the client saves Outpost's downloads", default=None)
    path_map: tuple[PathMap, ...] = pathmap.path_map_setting()


class DelugeClient:
    """A `DownloadClient` for Deluge 2.x, reached through deluge-web (which Outpost connects to
    its daemon itself). Categories become labels when the Label plugin is enabled."""

    kind = "deluge"
    category = "client"
    protocols = (Protocol.TORRENT,)
    Settings = DelugeSettings
    policy = HttpPolicy(retries=1)
    usual_port = UsualPort(8112, "Deluge")  # deluge-web; deluged's 58846 is not it

    @classmethod
    def build(
        cls, name: str, settings: DelugeSettings, http: HttpService, cache: Cache
    ) -> DelugeClient:
        return cls(name, settings.url, http, password=settings.password)

    def __init__(
        self, name: str, url: str, http: HttpService, *, password: str | None = None
    ) -> None:
        self.name = name
        self._http = http
        self._rpc = DelugeRpc(name, url, http, password)
        self._labels: set[str] | None = None  # known labels; None until read
        self._unknown_states: set[str] = set()
        self._warned_no_label = False

    # --- the port ---------------------------------------------------------------------------

    async def check(self) -> ClientCheck:
        """Version, free space and save roots; notes a missing Label plugin for `doctor`."""
        await self._rpc.ready()
        version = await self._version()
        free = wire.count(await self._rpc.call("core.get_free_space"))
        keys = ["download_location", "move_completed", "move_completed_path"]
        config = await self._rpc.call("core.get_config_values", keys)
        if not isinstance(config, dict):
            raise errors.BadResponse(f"{self.name}: unreadable config", service=self.name)
        roots = [wire.text(config.get("download_location"))]
        if config.get("move_completed") is True:
            roots.append(wire.text(config.get("move_completed_path")))
        notes = () if await self._has_labels() else (NOTE_NO_LABEL,)
        found = tuple(dict.fromkeys(r for r in roots if r))
        return ClientCheck(version, free, found, notes=notes)

    async def add(self, request: DownloadRequest) -> str:
        """Hand over a .torrent, URL or magnet; returns the lower-case info-hash."""
        _check_source(request)
        if request.protocol is not Protocol.TORRENT:
            raise errors.UserError(
                f"{self.name} cannot download {request.protocol.value} releases",
                key="error.client_protocol",
                name=self.name,
                protocol=request.protocol.value,
            )
        known = _hash_of(request)
        if known and await self._listed([known]):
            raise errors.Conflict(
                f"{self.name}: torrent already added", key="error.duplicate_download"
            )
        options: dict[str, Any] = {"add_paused": request.paused}
        if request.save_path:
            options["download_location"] = request.save_path
        try:
            answer = await self._send_add(request, options)
        except RpcError as err:
            # a duplicate, garbage, or a URL deluged could not fetch; the why is in its log
            raise errors.BadResponse(
                f"{self.name}: the daemon refused the add",
                service=self.name,
                key="error.add_refused",
            ) from err
        added = wire.info_hash(answer, self.name)
        if request.category:
            await self._label(added, request.category)
        return added

    async def downloads(self, ids: list[str]) -> list[Download]:
        """The asked torrents the daemon holds; ids it does not list are left out."""
        wanted = wire.known_hashes(ids)
        return await self._listed(wanted) if wanted else []

    async def pause(self, ids: list[str]) -> None:
        await self._act("core.pause_torrents", ids)

    async def resume(self, ids: list[str]) -> None:
        await self._act("core.resume_torrents", ids)

    async def remove(self, ids: list[str], *, delete_files: bool) -> None:
        # remove_torrents answers per-id errors ("not in session") instead of failing the call
        wanted = wire.known_hashes(ids)
        if wanted:
            await self._rpc.call("core.remove_torrents", wanted, delete_files)

    async def aclose(self) -> None:
        """Close the HttpService: the composition root builds one per client."""
        await self._http.aclose()

    # --- helpers ----------------------------------------------------------------------------

    async def _version(self) -> str:
        """The daemon's version from the web UI's host status ("2.0.3")."""
        hosts = await self._rpc.call("web.get_hosts")
        ids = [h[0] for h in hosts if isinstance(h, list) and h] if isinstance(hosts, list) else []
        for host_id in [self._rpc.host_id, *ids]:
            status = await self._rpc.call("web.get_host_status", host_id) if host_id else None
            if isinstance(status, list) and len(status) >= 3 and status[1] == "Connected":
                return str(status[2]).strip() or "?"
        return "?"

    async def _has_labels(self) -> bool:
        plugins = await self._rpc.call("core.get_enabled_plugins")
        return isinstance(plugins, list) and LABEL_PLUGIN in plugins

    async def _send_add(self, request: DownloadRequest, options: dict[str, Any]) -> Any:
        if request.file is not None:
            data = base64.b64encode(request.file.data).decode("ascii")
            name = request.file.name or "release.torrent"
            return await self._rpc.call("core.add_torrent_file", name, data, options)
        if request.magnet or (request.url or "").startswith("magnet:"):
            return await self._rpc.call(
                "core.add_torrent_magnet", request.magnet or request.url, options
            )
        # deluged fetches the URL itself, so an add by URL answers once the file is in
        return await self._rpc.call("core.add_torrent_url", request.url, options)

    async def _label(self, info_hash: str, category: str) -> None:
        """Set the category as the torrent's label; without the plugin, say so once."""
        if not await self._has_labels():
            if not self._warned_no_label:
                self._warned_no_label = True
                log.warning("%s: the Label plugin is off, so categories are not kept", self.name)
            return
        label = wire.label_of(category)
        if self._labels is None or label not in self._labels:
            existing = await self._rpc.call("label.get_labels")
            self._labels = set(existing) if isinstance(existing, list) else set()
            if label not in self._labels:
                await self._rpc.call("label.add", label)
                self._labels.add(label)
        await self._rpc.call("label.set_torrent", info_hash, label)

    async def _act(self, method: str, ids: list[str]) -> None:
        """Pause or resume the asked ids the daemon holds (an unknown id fails the whole call)."""
        held = [d.id for d in await self.downloads(ids)]
        if held:
            await self._rpc.call(method, held)

    async def _listed(self, ids: list[str]) -> list[Download]:
        answer = await self._rpc.call(
            "core.get_torrents_status",
            {"id": ids},
            list(wire.STATUS_KEYS),
            max_bytes=LISTING_MAX_BYTES,
        )
        found = wire.rows(answer, self.name)
        return [self._download(id, found[id]) for id in ids if id in found]

    def _download(self, id: str, row: Any) -> Download:
        state = wire.field(row, "state", str, self.name)
        size = int(wire.field(row, "total_wanted", int, self.name))
        progress = wire.progress(row, self.name)
        status = map_state(state, progress, size)
        if status is ClientStatus.UNKNOWN and state not in self._unknown_states:
            self._unknown_states.add(state)
            log.warning("%s: unknown torrent state %r", self.name, state[:40])
        name = wire.field(row, "name", str, self.name)
        save_path = wire.text(row.get("download_location"))
        return Download(
            id=id,
            name=name,
            client=self.name,
            status=status,
            raw_status=state,
            progress=progress,
            size=size,
            category=wire.text(row.get("label")),
            save_path=save_path,
            content_path=wire.content_path(save_path, name),
            eta=wire.count(row.get("eta")),
            download_speed=wire.count(row.get("download_payload_rate")) or 0,
            seeders=wire.at_least_zero(row.get("num_seeds")),
        )


def _check_source(request: DownloadRequest) -> None:
    sources = [s for s in (request.url, request.magnet, request.file) if s is not None]
    if len(sources) != 1:
        raise errors.UserError("give exactly one of url, magnet or file", key="error.bad_input")


def _hash_of(request: DownloadRequest) -> str | None:
    """The v1 info-hash Deluge will list the torrent under, when the request tells."""
    if request.file is not None:
        hashes = info_hashes(request.file.data)
        return hashes.v1 if hashes is not None else None
    found = magnet_hash(request.magnet or request.url or "")
    return found.lower() if found else None
