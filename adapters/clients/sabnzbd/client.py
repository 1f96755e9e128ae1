"""SABnzbd download client over its HTTP API (`/api?mode=...&apikey=...`, 3.x)."""

from __future__ import annotations

import dataclasses
import logging
import posixpath
from dataclasses import dataclass
from typing import Any

from adapters.clients.sabnzbd.jobs import DEFAULT_CATEGORY, JobReader
from adapters.clients.sabnzbd.wire import (
    answer,
    free_space,
    job_ids,
    known_ids,
    number,
    nzo_ids,
    section,
    slots,
    str_or_none,
    text,
)
from core import declare, errors, pathmap
from core.declare import setting
from core.domain import ClientCheck, ClientStatus, Download, DownloadRequest, Protocol
from core.http import HttpPolicy, HttpService
from core.jobfiles import delete_job_files
from core.pathmap import PathMap
from core.portcheck import UsualPort
from core.ports import Cache

log = logging.getLogger(__name__)

ENDPOINT = "/api"
PAUSED = "-2"  # SABnzbd's priority "Paused": the job is added paused
LISTING_MAX_BYTES = 32 * 1024 * 1024  # a queue or history of 5,000 jobs is a few MiB
NZB_TYPE = "application/x-nzb"


@dataclass(frozen=True, slots=True, kw_only=True)
class SabnzbdSettings:
    url: str = setting(
        help="SABnzbd's web address, e.g. http://host:8080",
        default="http://localhost:8080",
        parse=declare.http_url,
    )
    api_key: str = setting(
        help="the API Key from SABnzbd's Config → General (not the NZB Key)", secret=True
    )
    category: str = setting(
        help="category for Outpost's downloads (created in SABnzbd when missing)", default="outpost"
    )
    save_path: str | None = setting(
        help="where SABnzbd puts that category's downloads (its complete folder)", default=None
    )
    path_map: tuple[PathMap, ...] = pathmap.path_map_setting()


class SabnzbdClient:
    """A `DownloadClient` for SABnzbd 3.x. Ids are nzo_ids ("SABnzbd_nzo_qv6ilb").

    Like NZBGet, SABnzbd has no per-download folder: a job lands in its category's folder under
    the complete folder, so a request's `save_path` is not sent. A finished job moves from the
    queue to the history, where it stays listed until it is removed."""

    kind = "sabnzbd"
    category = "client"
    protocols = (Protocol.USENET,)
    Settings = SabnzbdSettings
    policy = HttpPolicy(retries=1)
    usual_port = UsualPort(8080, "SABnzbd")

    @classmethod
    def build(
        cls, name: str, settings: SabnzbdSettings, http: HttpService, cache: Cache
    ) -> SabnzbdClient:
        return cls(name, settings.url, http, api_key=settings.api_key, path_map=settings.path_map)

    def __init__(
        self,
        name: str,
        url: str,
        http: HttpService,
        *,
        api_key: str,
        path_map: tuple[PathMap, ...] = (),
    ) -> None:
        self.name = name
        base = url.rstrip("/")
        # The API answers at /api and under the url_base (/sabnzbd/api): take the URL as given.
        self._endpoint = base if base.endswith(ENDPOINT) else base + ENDPOINT
        self._http = http
        # The key travels as the `apikey` query parameter, so it is in every request URL:
        # registered here, it is masked in every log line and error the HTTP layer writes.
        http.add_secret(api_key)
        self._api_key = api_key
        self._path_map = path_map
        self._reader = JobReader(name)
        self._categories: set[str] = set()

    # --- the port ---------------------------------------------------------------------------

    async def check(self) -> ClientCheck:
        """Version and free space from the queue, and the folders jobs land in. `mode=version`
        answers whatever the key, so the queue (which needs the right key) is the test."""
        queue = section(await self._api("queue", limit="1"), "queue", self.name)
        version = text(queue, "version", self.name).strip()
        if not version:
            raise errors.BadResponse(f"{self.name}: unreadable version", service=self.name)
        return ClientCheck(version, free_space(queue, self.name), await self._roots())

    async def add(self, request: DownloadRequest) -> str:
        """Add an NZB (its bytes, multipart, or a URL SABnzbd fetches itself); the nzo_id."""
        sources = [s for s in (request.url, request.magnet, request.file) if s is not None]
        if len(sources) != 1:
            raise errors.UserError("give exactly one of url, magnet or file", key="error.bad_input")
        if request.protocol is not Protocol.USENET or request.magnet is not None:
            raise errors.UserError(
                f"{self.name} cannot download {request.protocol.value} releases",
                key="error.client_protocol",
                name=self.name,
                protocol=request.protocol.value,
            )
        params = {"nzbname": request.name}
        if request.category:
            params["cat"] = await self._category(request.category)
        if request.paused:
            params["priority"] = PAUSED
        if request.file is not None:
            filename = request.file.name or f"{request.name}.nzb"
            files = {"name": (filename, request.file.data, NZB_TYPE)}
            data = await self._api("addfile", method="POST", files=files, retries=0, **params)
        else:
            data = await self._api("addurl", name=request.url or "", retries=0, **params)
        # A file that is no NZB gets {"status": false, "nzo_ids": []}: no job was made.
        ids = nzo_ids(data, self.name)
        if not ids:
            raise errors.BadResponse(
                f"{self.name}: the NZB was not accepted",
                service=self.name,
                key="error.download_not_confirmed",
            )
        return ids[0]

    async def downloads(self, ids: list[str]) -> list[Download]:
        """The asked jobs from the queue, then from the history (where finished jobs stay);
        both asked for these ids only (`nzo_ids`), so a poll costs two small answers."""
        wanted = known_ids(ids)
        if not wanted:
            return []
        found = await self._queued(wanted)
        if any(_waiting(d) for d in found.values()) and not await self._has_news_server():
            found = {id: _stalled(d) for id, d in found.items()}
        for row in slots(await self._history(wanted), self.name):
            download = self._reader.finished(row)
            if download is not None and download.id not in found:
                found[download.id] = download
        return [found[id] for id in wanted if id in found]

    async def pause(self, ids: list[str]) -> None:
        await self._edit("pause", job_ids(ids))

    async def resume(self, ids: list[str]) -> None:
        await self._edit("resume", job_ids(ids))

    async def remove(self, ids: list[str], *, delete_files: bool) -> None:
        """Queued jobs are deleted (their incomplete folder too, when asked to); finished ones
        lose their history row. SABnzbd never deletes a finished job's final folder (its
        history delete only removes the incomplete one), so with `delete_files` Outpost does,
        inside SABnzbd's own folders only."""
        wanted = job_ids(ids)
        if not wanted:
            return
        flag = "1" if delete_files else "0"
        queued = list(await self._queued(wanted))
        if queued:
            await self._edit("delete", queued, del_files=flag)
        finished = [n for n in wanted if n not in queued]
        if not finished:
            return
        if delete_files:
            rows = [
                self._reader.finished(r) for r in slots(await self._history(finished), self.name)
            ]
            paths = [
                d.content_path
                for d in rows
                if d is not None and d.status is ClientStatus.COMPLETED and d.content_path
            ]
            await delete_job_files(paths, await self._roots(), self._path_map, self.name)
        await self._api("history", name="delete", value=",".join(finished), del_files=flag)

    async def aclose(self) -> None:
        """Close the HttpService: the composition root builds one per client."""
        await self._http.aclose()

    # --- calls ------------------------------------------------------------------------------

    async def _api(self, mode: str, *, method: str = "GET", **params: Any) -> Any:
        kwargs = {k: params.pop(k) for k in ("files", "retries", "max_bytes") if k in params}
        query = {"mode": mode, "output": "json", "apikey": self._api_key, **params}
        response = await self._http.request(method, self._endpoint, params=query, **kwargs)
        return answer(response, self.name)

    async def _edit(self, name: str, nzo: list[str], **params: str) -> None:
        """One queue command. SABnzbd answers true for a pause of an id it does not hold (and
        false for such a delete): either way that id is not there to change."""
        if nzo:
            await self._api("queue", name=name, value=",".join(nzo), **params)

    async def _queued(self, wanted: list[str]) -> dict[str, Download]:
        queue = section(
            await self._api(
                "queue",
                nzo_ids=",".join(wanted),
                limit=str(len(wanted)),
                max_bytes=LISTING_MAX_BYTES,
            ),
            "queue",
            self.name,
        )
        # SABnzbd reports one speed for the whole queue (KiB/s): shared by the jobs it fetches.
        speed = round(number(queue, "kbpersec", self.name) * 1024)
        asked = set(wanted)
        found: dict[str, Download] = {}
        for row in slots(queue, self.name):
            download = self._reader.queued(row, speed)
            if download is not None and download.id in asked:
                found[download.id] = download
        active = [d for d in found.values() if d.status is ClientStatus.DOWNLOADING]
        if len(active) > 1:
            for d in active:
                found[d.id] = dataclasses.replace(d, download_speed=speed // len(active))
        return found

    async def _history(self, wanted: list[str]) -> dict[str, Any]:
        # `limit` is needed: without it SABnzbd applies its own history_limit to the answer.
        data = await self._api(
            "history", nzo_ids=",".join(wanted), limit=str(len(wanted)), max_bytes=LISTING_MAX_BYTES
        )
        return section(data, "history", self.name)

    async def _status(self) -> dict[str, Any]:
        return section(await self._api("fullstatus", skip_dashboard="1"), "status", self.name)

    async def _has_news_server(self) -> bool:
        """With no news server (or none enabled) SABnzbd lists a job as Downloading at 0 %
        forever. Reported as stalled, the monitor says so rather than waiting in silence."""
        servers = (await self._status()).get("servers")
        if not isinstance(servers, list):
            raise errors.BadResponse(f"{self.name}: unreadable status", service=self.name)
        return any(isinstance(s, dict) and s.get("serveractive") is True for s in servers)

    async def _roots(self) -> tuple[str, ...]:
        """The complete folder, then each category's folder (relative ones lie under it)."""
        complete = str_or_none((await self._status()).get("completedir"))
        if complete is None:
            raise errors.BadResponse(f"{self.name}: unreadable complete folder", service=self.name)
        config = section(await self._api("get_config", section="categories"), "config", self.name)
        cats = config.get("categories")
        roots = [complete]
        for cat in cats if isinstance(cats, list) else []:
            folder = str_or_none(cat.get("dir")) if isinstance(cat, dict) else None
            if folder:
                roots.append(posixpath.join(complete, folder))  # an absolute dir replaces it
        return tuple(dict.fromkeys(roots))

    async def _category(self, category: str) -> str:
        """SABnzbd files a job with a category it does not know under its default one ("*"),
        silently, and lower-cases category names: a missing one is created (as qBittorrent's
        are), with no folder of its own."""
        name = category.lower()
        if name in self._categories:
            return name
        cats = await self._api("get_cats")
        known = cats.get("categories") if isinstance(cats, dict) else None
        if not isinstance(known, list):
            raise errors.BadResponse(f"{self.name}: unreadable categories", service=self.name)
        if name not in {str(c).lower() for c in known}:
            try:
                await self._api("set_config", section="categories", keyword=name, name=name)
                log.info("%s: created category %r in SABnzbd", self.name, name)
            except errors.BadResponse as err:  # a locked configuration
                log.warning("%s: cannot create category %r (%s)", self.name, name, err)
                return DEFAULT_CATEGORY
        self._categories.add(name)
        return name


def _waiting(download: Download) -> bool:
    """A job SABnzbd would fetch but has not started on."""
    idle = download.status in (ClientStatus.QUEUED, ClientStatus.DOWNLOADING)
    return idle and download.progress == 0.0


def _stalled(download: Download) -> Download:
    if not _waiting(download):
        return download
    return dataclasses.replace(download, status=ClientStatus.STALLED)
