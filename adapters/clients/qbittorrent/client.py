"""qBittorrent download client over WebAPI v2: cookie login, add, list, incremental sync, delete."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from adapters.clients.qbittorrent.states import map_state
from adapters.clients.qbittorrent.sync import SyncStats, SyncView
from adapters.clients.qbittorrent.wire import (
    HASH,
    check_source,
    field,
    free_space,
    hash_of,
    hashes_param,
    int_or_none,
    json_list,
    known_hashes,
    save_roots,
    str_or_none,
)
from core import declare, errors, pathmap
from core.declare import setting
from core.domain import ClientCheck, ClientStatus, Download, DownloadRequest, Protocol
from core.http import HttpPolicy, HttpResponse, HttpService, basic_realm, raise_for_status
from core.pathmap import PathMap
from core.portcheck import UsualPort
from core.ports import Cache

log = logging.getLogger(__name__)

ETA_INFINITE = 8640000  # qBittorrent's "no estimate"
STOP_START_API = (2, 11)  # WebAPI version that renamed pause/resume to stop/start (qBittorrent 5.0)
LOGIN_BACKOFF = 60.0  # after a refused login, answer AuthFailed without asking the daemon
ADD_POLL_FIRST = 0.05  # the daemon lists a new torrent a moment after accepting it
ADD_POLL_MAX = 0.5
ADD_POLL_TIMEOUT = 10.0  # a URL add is fetched asynchronously by the daemon
LISTING_MAX_BYTES = 64 * 1024 * 1024  # a full listing of 5,000 torrents is about 8 MiB
# From this many ids on, `downloads` reads the incremental `sync/maindata` (after its first
# call it carries only what changed) instead of asking torrents/info for each hash; below it,
# a short filtered listing is cheaper than keeping the whole view. It also keeps the
# `hashes=` query string short (41 bytes an id).
SYNC_FROM = 50


def _api_version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.strip().split("."))
    except ValueError:
        raise errors.ProtocolMismatch(
            "qBittorrent sent an unreadable WebAPI version", key="error.bad_version"
        ) from None


@dataclass(frozen=True, slots=True)
class QBittorrentSettings:
    url: str = setting(
        help="the WebUI address", default="http://localhost:8080", parse=declare.http_url
    )
    username: str | None = setting(help="the WebUI user name", default=None)
    password: str | None = setting(help="the WebUI password", default=None, secret=True)
    category: str = setting(help="category for Outpost's downloads", default="outpost")
    save_path: str | None = setting(help="where the client saves Outpost's downloads", default=None)
    path_map: tuple[PathMap, ...] = pathmap.path_map_setting()


class QBittorrentClient:
    """A `DownloadClient` for qBittorrent 4.x (WebAPI 2.8+) and 5.x (stop/start names)."""

    kind = "qbittorrent"
    category = "client"
    protocols = (Protocol.TORRENT,)
    Settings = QBittorrentSettings
    policy = HttpPolicy(retries=1)
    usual_port = UsualPort(8080, "qBittorrent")

    @classmethod
    def build(
        cls, name: str, settings: QBittorrentSettings, http: HttpService, cache: Cache
    ) -> QBittorrentClient:
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
        self._base = url.rstrip("/")
        self._http = http
        self._username = username
        self._password = password
        self._logins = 0  # bumped by every successful login; guards against duplicate re-logins
        self._login_lock = asyncio.Lock()
        self._refused_until = 0.0
        self._webapi: tuple[int, ...] | None = None
        self._categories: set[str] = set()
        self._unknown_states: set[str] = set()
        self._view = SyncView()
        self._sync_lock = asyncio.Lock()
        self.last_sync: SyncStats | None = None  # what the latest sync carried

    # --- the port ---------------------------------------------------------------------------

    async def check(self) -> ClientCheck:
        """Version, free space and save roots; also learns which endpoint names it speaks."""
        version = (await self._call("GET", "app/version")).text.strip()
        await self._api()
        default = (await self._call("GET", "app/defaultSavePath")).text.strip()
        categories = (await self._call("GET", "torrents/categories")).json()
        async with self._sync_lock:  # free space rides on the sync's server_state
            await self._sync()
            free = free_space(self._view.server)
        return ClientCheck(version, free, save_roots(default, categories))

    async def add(self, request: DownloadRequest) -> str:
        """Hand over a .torrent, URL or magnet; returns the lower-case info-hash."""
        check_source(request)
        if request.protocol is not Protocol.TORRENT:
            raise errors.UserError(
                f"{self.name} cannot download {request.protocol.value} releases",
                key="error.client_protocol",
                name=self.name,
                protocol=request.protocol.value,
            )
        if request.category:
            await self._ensure_category(request.category)
        # what qBittorrent will call it, if the request tells; else what the caller expects
        known = hash_of(request) or request.expected_id
        before = None if known else await self._hashes(request.category)
        added = await self._post_add(request)
        if known or added:
            return await self._await_listed(known or added or "")
        return await self._await_new(request.category, before or set())

    async def downloads(self, ids: list[str]) -> list[Download]:
        """The asked torrents the daemon holds; ids it does not list are left out."""
        wanted = known_hashes(ids)
        if len(wanted) >= SYNC_FROM:
            return await self._synced(wanted)
        return await self._listed(wanted) if wanted else []

    async def pause(self, ids: list[str]) -> None:
        await self._act("stop" if await self._modern() else "pause", ids)

    async def resume(self, ids: list[str]) -> None:
        await self._act("start" if await self._modern() else "resume", ids)

    async def remove(self, ids: list[str], *, delete_files: bool) -> None:
        if ids:
            form = {"hashes": hashes_param(ids), "deleteFiles": str(delete_files).lower()}
            await self._call("POST", "torrents/delete", data=form)

    async def aclose(self) -> None:
        """Close the HttpService: the composition root builds one per client."""
        await self._http.aclose()

    # --- session ----------------------------------------------------------------------------

    async def _call(
        self, method: str, path: str, *, expect: tuple[int, ...] = (), **kwargs: Any
    ) -> HttpResponse:
        """One WebAPI call; logs in first, and once more if the session has expired (403)."""
        if self._has_credentials and self._logins == 0:
            await self._relogin(0)
        seen = self._logins
        response = await self._send(method, path, **kwargs)
        if response.status == 403 and self._has_credentials:
            await self._relogin(seen)
            response = await self._send(method, path, **kwargs)
        if response.status == 403:
            raise errors.AuthFailed(f"{self.name}: access to {path} refused", service=self.name)
        if response.status not in expect:
            raise_for_status(response, self.name)
        return response

    @property
    def _has_credentials(self) -> bool:
        return self._username is not None and self._password is not None

    async def _relogin(self, seen: int) -> None:
        async with self._login_lock:
            if self._logins != seen:  # someone logged in while this caller waited
                return
            # A poller retrying a wrong password would get the address banned (5 tries, 1 h).
            if time.monotonic() < self._refused_until:
                raise errors.AuthFailed(f"{self.name}: login refused", service=self.name)
            try:
                await self._login()
            except errors.AuthFailed:
                self._refused_until = time.monotonic() + LOGIN_BACKOFF
                raise

    async def _login(self) -> None:
        # The composition root registers it too; this keeps a hand-built HttpService safe.
        self._http.add_secret(self._password)
        form = {"username": self._username or "", "password": self._password or ""}
        headers = {"Referer": self._base + "/"}  # qBittorrent's CSRF check wants our own origin
        response = await self._send("POST", "auth/login", data=form, headers=headers)
        if response.status in (401, 403):  # 403: the daemon banned our address
            realm = basic_realm(response)  # qBittorrent asks for none: another program
            raise errors.AuthFailed(f"{self.name}: login refused", service=self.name, realm=realm)
        raise_for_status(response, self.name)
        if response.text.strip() == "Fails.":
            raise errors.AuthFailed(f"{self.name}: wrong username or password", service=self.name)
        self._logins += 1
        log.debug("%s: logged in", self.name)

    async def _send(self, method: str, path: str, **kwargs: Any) -> HttpResponse:
        return await self._http.request(method, f"{self._base}/api/v2/{path}", **kwargs)

    async def _api(self) -> tuple[int, ...]:
        if self._webapi is None:
            self._webapi = _api_version((await self._call("GET", "app/webapiVersion")).text)
        return self._webapi

    async def _modern(self) -> bool:
        return await self._api() >= STOP_START_API

    async def _act(self, action: str, ids: list[str]) -> None:
        if ids:
            await self._call("POST", f"torrents/{action}", data={"hashes": hashes_param(ids)})

    # --- listing ----------------------------------------------------------------------------

    async def _listed(self, ids: list[str] | None) -> list[Download]:
        """torrents/info for these hashes (every torrent for None), mapped afresh."""
        params = {"hashes": hashes_param(ids)} if ids is not None else None
        response = await self._call(
            "GET", "torrents/info", params=params, max_bytes=LISTING_MAX_BYTES
        )
        return [self._download(row) for row in json_list(response, self.name)]

    async def _synced(self, ids: list[str]) -> list[Download]:
        """The asked rows of the merged `sync/maindata` view; only rows that changed since they
        were last read are mapped again."""
        async with self._sync_lock:
            await self._sync()
            view = self._view
            found: list[Download] = []
            for info_hash in ids:
                row = view.rows.get(info_hash)
                if row is None:
                    continue
                if info_hash in view.dirty or info_hash not in view.mapped:
                    view.mapped[info_hash] = self._download(row)
                    view.dirty.discard(info_hash)
                found.append(view.mapped[info_hash])
            return found

    # --- incremental sync -------------------------------------------------------------------

    async def _sync(self) -> SyncStats:
        """Bring the merged view up to date. The daemon keeps `rid` per login session, so a new
        session (or its own `full_update`) starts the view again from scratch."""
        view = self._view
        if view.session != self._logins:
            view.reset(self._logins)
        data = await self._maindata(view.rid)
        if not data.get("full_update") and view.session != self._logins:
            view.reset(self._logins)  # re-logged in mid-call: that diff is against another base
            data = await self._maindata(0)
        try:
            self.last_sync = view.apply(data, self._logins, self.name)
        except errors.BadResponse:
            view.reset(-1)  # half-merged: the next call starts from a full listing
            raise
        return self.last_sync

    async def _maindata(self, rid: int) -> dict[str, Any]:
        params = {"rid": str(rid)}
        response = await self._call(
            "GET", "sync/maindata", params=params, max_bytes=LISTING_MAX_BYTES
        )
        data = response.json()
        if not isinstance(data, dict) or not isinstance(data.get("rid"), int):
            raise errors.BadResponse(f"{self.name}: unreadable sync data", service=self.name)
        return data

    # --- adding -----------------------------------------------------------------------------

    async def _ensure_category(self, category: str) -> None:
        if category in self._categories:
            return
        existing = (await self._call("GET", "torrents/categories")).json()
        if not isinstance(existing, dict) or category not in existing:
            form = {"category": category, "savePath": ""}
            # 409: created meanwhile by someone else (or a name the add itself will refuse)
            await self._call("POST", "torrents/createCategory", data=form, expect=(409,))
        self._categories.add(category)

    async def _post_add(self, request: DownloadRequest) -> str | None:
        """POST torrents/add; returns the hash when a 5.x daemon reports it."""
        flag = str(request.paused).lower()
        form = {"paused": flag, "stopped": flag}  # 4.x name and 5.x name
        if request.category:
            form["category"] = request.category
        if request.save_path:
            form.update(savepath=request.save_path, autoTMM="false")
        files = None
        if request.file is not None:
            upload = (request.file.name or "release.torrent", request.file.data)
            files = {"torrents": (*upload, "application/x-bittorrent")}
        else:
            form["urls"] = request.url or request.magnet or ""
        response = await self._call(
            "POST", "torrents/add", data=form, files=files, expect=(409, 415), retries=0
        )
        return self._added(response)

    def _added(self, response: HttpResponse) -> str | None:
        if response.status == 415:
            raise errors.BadResponse(
                f"{self.name}: not a valid torrent", service=self.name, key="error.bad_torrent"
            )
        body = response.text.strip()
        if response.status == 409 or body == "Fails.":
            raise errors.Conflict(
                f"{self.name}: torrent already added", key="error.duplicate_download"
            )
        if not body.startswith("{"):
            return None
        report = response.json()  # 5.x (WebAPI 2.13+): counts and ids instead of "Ok."
        if not isinstance(report, dict):
            return None
        if not report.get("success_count") and not report.get("pending_count"):
            if report.get("failure_count"):
                raise errors.Conflict(f"{self.name}: add failed", key="error.duplicate_download")
        ids = report.get("added_torrent_ids")
        first = ids[0] if isinstance(ids, list) and ids else None
        return first.lower() if isinstance(first, str) and HASH.fullmatch(first) else None

    async def _hashes(
        self, category: str | None, params: Mapping[str, str] | None = None
    ) -> set[str]:
        if category:
            params = {"category": category}
        rows = json_list(await self._call("GET", "torrents/info", params=params), self.name)
        return {row["hash"].lower() for row in rows if isinstance(row.get("hash"), str)}

    async def _await_listed(self, info_hash: str) -> str:
        """Wait until the daemon lists the torrent: it registers an add a moment after "Ok."."""
        info_hash = info_hash.lower()
        params = {"hashes": hashes_param([info_hash])}
        await self._poll(lambda: self._hashes(None, params), lambda found: info_hash in found)
        return info_hash

    async def _await_new(self, category: str | None, before: set[str]) -> str:
        """Find the torrent a URL add created (the daemon fetches the URL on its own)."""
        new = await self._poll(lambda: self._hashes(category), lambda found: bool(found - before))
        return min(new - before)  # several only if someone else added at the same moment

    async def _poll(
        self, probe: Callable[[], Awaitable[set[str]]], done: Callable[[set[str]], bool]
    ) -> set[str]:
        deadline = time.monotonic() + ADD_POLL_TIMEOUT
        wait = ADD_POLL_FIRST
        while True:
            found = await probe()
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

    def _download(self, row: dict[str, Any]) -> Download:
        state = field(row, "state", str, self.name)
        progress = float(field(row, "progress", (int, float), self.name))
        status = map_state(state, progress)
        if status is ClientStatus.UNKNOWN and state not in self._unknown_states:
            self._unknown_states.add(state)
            log.warning("%s: unknown torrent state %r", self.name, state[:40])
        eta = int_or_none(row.get("eta"))
        seeds = int_or_none(row.get("num_complete"))
        return Download(
            id=field(row, "hash", str, self.name).lower(),
            name=field(row, "name", str, self.name),
            client=self.name,
            status=status,
            raw_status=state,
            progress=progress,
            size=int(field(row, "size", int, self.name)),
            category=str_or_none(row.get("category")),
            save_path=str_or_none(row.get("save_path")),
            content_path=str_or_none(row.get("content_path")),
            eta=eta if eta is not None and eta < ETA_INFINITE else None,
            download_speed=int_or_none(row.get("dlspeed")) or 0,
            seeders=seeds,
        )
