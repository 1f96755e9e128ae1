"""rTorrent download client over XML-RPC (SCGI or HTTP /RPC2): add, list, stop/start, erase."""

from __future__ import annotations

import asyncio
import logging
import posixpath
import re
import time
import xmlrpc.client
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from adapters.clients.rtorrent import xmlrpc as wire
from adapters.clients.rtorrent.states import Flags, map_state, raw_status
from adapters.clients.rtorrent.transport import rpc_url, transport_for
from core import errors, pathmap
from core.declare import setting
from core.domain import ClientCheck, ClientStatus, Download, DownloadRequest, Protocol
from core.http import HttpPolicy, HttpService
from core.metainfo import info_hashes, magnet_hash
from core.pathmap import PathMap
from core.portcheck import UsualPort
from core.ports import Cache

log = logging.getLogger(__name__)

HASH = re.compile(r"[0-9a-fA-F]{40}")  # rtorrent 0.9.8 knows v1 torrents only
NOT_FOUND = -501  # rtorrent's fault for "Could not find info-hash."
ADD_POLL_FIRST = 0.05
ADD_POLL_MAX = 0.5
ADD_POLL_TIMEOUT = 10.0  # a URL or magnet add is fetched by rtorrent on its own
# Up to this many ids, `downloads` asks for each hash in one system.multicall (unknown hashes
# fault alone); above it one d.multicall2 over the "main" view is cheaper, filtered here.
PER_HASH_UP_TO = 500
LISTING_MAX_BYTES = 64 * 1024 * 1024  # listings of thousands of torrents run to megabytes
FIELDS = (
    "d.hash",
    "d.name",
    "d.state",
    "d.is_active",
    "d.complete",
    "d.hashing",
    "d.is_meta",
    "d.is_multi_file",
    "d.size_bytes",
    "d.completed_bytes",
    "d.left_bytes",
    "d.down.rate",
    "d.custom1",
    "d.directory",
)


@dataclass(frozen=True, slots=True)
class RTorrentSettings:
    url: str = setting(
        help="scgi://host:port (network.scgi.open_port) or the web server's http(s)://…/RPC2",
        default="scgi://127.0.0.1:5000",
        parse=rpc_url,
    )
    username: str | None = setting(help="basic-auth user of the /RPC2 endpoint", default=None)
    password: str | None = setting(
        help="basic-auth password of the /RPC2 endpoint", default=None, secret=True
    )
    category: str = setting(help="category (d.custom1) for Outpost's downloads", default="outpost")
    save_path: str | None = setting(help="where the client saves Outpost's downloads", default=None)
    path_map: tuple[PathMap, ...] = pathmap.path_map_setting()


class RTorrentClient:
    """A `DownloadClient` for rtorrent 0.9.8. The category lives in `d.custom1`, as ruTorrent
    keeps it, so both show the same labels."""

    kind = "rtorrent"
    category = "client"
    protocols = (Protocol.TORRENT,)
    Settings = RTorrentSettings
    policy = HttpPolicy(retries=1)
    usual_port = UsualPort(
        5000, "rTorrent", realms=None, urls=("scgi://{host}:{port}", "http://{host}/RPC2")
    )  # network.scgi.open_port, or /RPC2 through a web server with any realm

    @classmethod
    def build(
        cls, name: str, settings: RTorrentSettings, http: HttpService, cache: Cache
    ) -> RTorrentClient:
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
        self._transport = transport_for(rpc_url(url), http, username, password)
        self._unknown_states: set[str] = set()
        self.add_timeout = ADD_POLL_TIMEOUT

    # --- the port ---------------------------------------------------------------------------

    async def check(self) -> ClientCheck:
        version = str(await self._call("system.client_version"))
        default = str(await self._call("directory.default"))
        return ClientCheck(version, await self._free_space(), (default,) if default else ())

    async def add(self, request: DownloadRequest) -> str:
        """Hand over a .torrent, URL or magnet; returns the lower-case info-hash.

        load.* answers 0 even for garbage, a duplicate or a torrent without trackers (rtorrent
        drops those silently), so the add counts only once the expected hash is listed."""
        sources = [s for s in (request.url, request.magnet, request.file) if s is not None]
        if len(sources) != 1:
            raise errors.UserError("give exactly one of url, magnet or file", key="error.bad_input")
        if request.protocol is not Protocol.TORRENT:
            raise errors.UserError(
                f"{self.name} cannot download {request.protocol.value} releases",
                key="error.client_protocol",
                name=self.name,
                protocol=request.protocol.value,
            )
        commands = []
        if request.save_path:
            # A d.directory.set to a folder that does not exist leaves the torrent silently
            # inactive after d.start, so the folder is made first, on rtorrent's own host.
            await self._call("execute.throw", "", "mkdir", "-p", "--", request.save_path)
            commands.append("d.directory.set=" + _quoted(request.save_path))
        if request.category:
            commands.append("d.custom1.set=" + _quoted(request.category))
        expected = request.expected_id or ""
        known = _hash_of(request) or (expected.lower() if HASH.fullmatch(expected) else None)
        if request.file is not None and known is None:
            raise errors.BadResponse(
                f"{self.name}: not a valid torrent", service=self.name, key="error.bad_torrent"
            )
        before = None if known else await self._all_hashes()
        if request.file is not None:
            method = "load.raw" if request.paused else "load.raw_start"
            source: Any = xmlrpc.client.Binary(request.file.data)
        else:
            method = "load.normal" if request.paused else "load.start"
            source = request.url or request.magnet or ""
        await self._call(method, "", source, *commands)
        if known:
            await self._poll(lambda: self._listed_hashes([known]), lambda found: known in found)
            return known
        new = await self._poll(self._all_hashes, lambda found: bool(found - (before or set())))
        return min(new - (before or set()))

    async def downloads(self, ids: list[str]) -> list[Download]:
        """The asked torrents rtorrent holds; ids it does not list are left out."""
        wanted = list(dict.fromkeys(id.lower() for id in ids if HASH.fullmatch(id)))
        if not wanted:
            return []
        if len(wanted) <= PER_HASH_UP_TO:
            rows = await self._per_hash(wanted, FIELDS)
        else:
            fields = (f + "=" for f in FIELDS)
            listing = await self._call(
                "d.multicall2", "", "main", *fields, max_bytes=LISTING_MAX_BYTES
            )
            asked = set(wanted)
            rows = [r for r in _rows(listing, self.name) if str(r[0]).lower() in asked]
        return [self._download(row) for row in rows]

    async def pause(self, ids: list[str]) -> None:
        """d.stop, not d.pause: rtorrent 0.9.8 keeps a stop in its session across restarts,
        while d.pause only clears is_active until the next start; ruTorrent's Stop does the same."""
        await self._each("d.stop", ids)

    async def resume(self, ids: list[str]) -> None:
        await self._each("d.start", ids)

    async def remove(self, ids: list[str], *, delete_files: bool) -> None:
        """d.erase; rtorrent never deletes a torrent's files itself, so with `delete_files` the
        data path is read first and removed afterwards on rtorrent's own host."""
        hashes = _hashes(ids)
        places = await self._per_hash(
            hashes, ("d.hash", "d.name", "d.is_multi_file", "d.directory")
        )
        await self._each("d.erase", hashes)
        if not delete_files:
            return
        for info_hash, name, multi, directory in places:
            target = _data_path(str(name), bool(multi), str(directory))
            if target is None:
                log.warning("%s: not deleting the data of %s: odd path", self.name, info_hash)
                continue
            await self._call("execute.throw", "", "rm", "-rf", "--", target)

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- calls ------------------------------------------------------------------------------

    async def _call(self, method: str, *params: Any, max_bytes: int | None = None) -> Any:
        """One XML-RPC call under the policy's size cap (a listing gets LISTING_MAX_BYTES)."""
        limit = self._http.policy.max_bytes if max_bytes is None else max_bytes
        body = await self._transport.post(wire.encode(method, params), limit)
        try:
            return wire.decode(body, self.name)
        except xmlrpc.client.Fault as fault:
            raise _fault_error(fault, method, self.name) from None

    async def _per_hash(self, hashes: list[str], fields: tuple[str, ...]) -> list[list[Any]]:
        """One system.multicall of every field for every hash; a hash rtorrent does not hold
        faults on its own and is left out."""
        if not hashes:
            return []
        calls = [{"methodName": f, "params": [h]} for h in hashes for f in fields]
        answers = await self._call("system.multicall", calls, max_bytes=LISTING_MAX_BYTES)
        if not isinstance(answers, list) or len(answers) != len(calls):
            raise errors.BadResponse(f"{self.name}: unreadable multicall answer", service=self.name)
        rows = []
        for start in range(0, len(answers), len(fields)):
            part = answers[start : start + len(fields)]
            if all(isinstance(a, list) and len(a) == 1 for a in part):
                rows.append([a[0] for a in part])
            elif not any(_missing(a) for a in part):
                raise errors.BadResponse(f"{self.name}: a torrent field faulted", service=self.name)
        return rows

    async def _each(self, method: str, ids: list[str]) -> None:
        hashes = _hashes(ids)
        if hashes:
            calls = [{"methodName": method, "params": [h]} for h in hashes]
            answers = await self._call("system.multicall", calls)
            # a hash rtorrent no longer holds faults alone and is done with; any other fault is not
            for answer in answers if isinstance(answers, list) else ():
                if isinstance(answer, dict) and not _missing(answer):
                    text = str(answer.get("faultString", ""))[:200]
                    raise errors.BadResponse(
                        f"{self.name}: {method} failed: {text}", service=self.name
                    )

    async def _listed_hashes(self, hashes: list[str]) -> set[str]:
        return {str(row[0]).lower() for row in await self._per_hash(hashes, ("d.hash",))}

    async def _all_hashes(self) -> set[str]:
        listing = await self._call("download_list", "", "main", max_bytes=LISTING_MAX_BYTES)
        if not isinstance(listing, list):
            raise errors.BadResponse(f"{self.name}: unreadable download list", service=self.name)
        return {str(h).lower() for h in listing}

    async def _free_space(self) -> int | None:
        """rtorrent 0.9.8 has no statvfs call of its own, only d.free_diskspace of a download's
        folder, which is 0 while the download is closed: that of the first started download,
        or None while none is started."""
        started = await self._call("download_list", "", "started")
        if not isinstance(started, list) or not started:
            return None
        free = await self._call("d.free_diskspace", str(started[0]))
        return free if isinstance(free, int) and not isinstance(free, bool) and free > 0 else None

    async def _poll(
        self, probe: Callable[[], Awaitable[set[str]]], done: Callable[[set[str]], bool]
    ) -> set[str]:
        """Until the daemon lists what was added: load.* itself tells nothing."""
        deadline = time.monotonic() + self.add_timeout
        wait = ADD_POLL_FIRST
        while True:
            found: set[str] = await probe()
            if done(found):
                return found
            if time.monotonic() + wait > deadline:
                raise errors.BadResponse(
                    f"{self.name}: the added torrent did not show up",
                    service=self.name,
                    key="error.download_not_confirmed",
                )
            await asyncio.sleep(wait)
            wait = min(wait * 2, ADD_POLL_MAX)

    # --- reading ----------------------------------------------------------------------------

    def _download(self, row: list[Any]) -> Download:
        values = dict(zip(FIELDS, row, strict=True))
        flags = Flags(
            state=_int(values, "d.state", self.name),
            active=_int(values, "d.is_active", self.name),
            complete=_int(values, "d.complete", self.name),
            hashing=_int(values, "d.hashing", self.name),
            meta=_int(values, "d.is_meta", self.name),
        )
        raw = raw_status(flags)
        status = map_state(raw)
        if status is ClientStatus.UNKNOWN and raw not in self._unknown_states:
            self._unknown_states.add(raw)
            log.warning("%s: unknown torrent state %r", self.name, raw[:40])
        size = _int(values, "d.size_bytes", self.name)
        done = _int(values, "d.completed_bytes", self.name)
        left = _int(values, "d.left_bytes", self.name)
        rate = _int(values, "d.down.rate", self.name)
        name = _str(values, "d.name", self.name)
        directory = _str(values, "d.directory", self.name)
        multi = bool(_int(values, "d.is_multi_file", self.name))
        # d.directory of a multi-file torrent already ends in its own folder
        save = posixpath.dirname(directory) if multi else directory
        content = directory if multi else posixpath.join(directory, name)
        return Download(
            id=_str(values, "d.hash", self.name).lower(),
            name=name,
            client=self.name,
            status=status,
            raw_status=raw,
            progress=1.0 if flags.complete else (min(done / size, 1.0) if size > 0 else 0.0),
            size=size,
            category=_str(values, "d.custom1", self.name) or None,
            save_path=save or None,
            content_path=content if directory else None,
            eta=left // rate if rate > 0 and left > 0 else None,
            download_speed=rate,
        )


def _quoted(value: str) -> str:
    """A value inside a load.* command string: rtorrent splits bare values at commas and
    semicolons, so it goes in double quotes with backslash escapes (checked on 0.9.8)."""
    if any(ord(c) < 32 for c in value):
        raise errors.UserError("control characters in a path or category", key="error.bad_input")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _hash_of(request: DownloadRequest) -> str | None:
    if request.file is not None:
        hashes = info_hashes(request.file.data)
        return hashes.v1 if hashes is not None and hashes.v1 else None
    found = magnet_hash(request.magnet or request.url or "")
    return found.lower() if found and HASH.fullmatch(found) else None


def _hashes(ids: list[str]) -> list[str]:
    """Lower-case hashes once each; anything else cannot name a torrent."""
    for id in ids:
        if not HASH.fullmatch(id):
            raise errors.NotFound(
                f"not a torrent hash: {id[:80]!r}", key="error.download_not_found"
            )
    return list(dict.fromkeys(id.lower() for id in ids))


def _data_path(name: str, multi: bool, directory: str) -> str | None:
    """The file or folder to delete; None for anything that is not plainly the torrent's own."""
    if not directory.startswith("/") or not name or "/" in name or name in (".", ".."):
        return None
    if multi:
        # the torrent's own folder; a d.directory_base.set elsewhere is not deleted
        return directory if posixpath.basename(directory.rstrip("/")) == name else None
    return posixpath.join(directory, name)


def _missing(answer: Any) -> bool:
    return isinstance(answer, dict) and answer.get("faultCode") == NOT_FOUND


def _fault_error(fault: xmlrpc.client.Fault, method: str, service: str) -> errors.AdapterError:
    text = str(fault.faultString)[:200]
    return errors.BadResponse(f"{service}: {method} failed: {text}", service=service)


def _rows(listing: Any, service: str) -> list[list[Any]]:
    if not isinstance(listing, list) or not all(
        isinstance(r, list) and len(r) == len(FIELDS) for r in listing
    ):
        raise errors.BadResponse(f"{service}: unreadable d.multicall2 answer", service=service)
    return listing


def _int(values: dict[str, Any], key: str, service: str) -> int:
    value = values.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise errors.BadResponse(
            f"{service}: torrent field {key!r} is not a number", service=service
        )
    return value


def _str(values: dict[str, Any], key: str, service: str) -> str:
    value = values.get(key)
    if not isinstance(value, str):
        raise errors.BadResponse(f"{service}: torrent field {key!r} is not text", service=service)
    return value
