"""NZBGet download client over JSON-RPC with HTTP Basic auth: append, list, edit, status."""

from __future__ import annotations

import base64
import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from adapters.clients.nzbget.jobs import JobReader
from adapters.clients.nzbget.wire import (
    categories,
    count,
    free_space,
    job_ids,
    known_ids,
    options,
    result,
    rows,
)
from core import declare, errors, pathmap
from core.declare import setting
from core.domain import ClientCheck, ClientStatus, Download, DownloadRequest, Protocol
from core.http import HttpPolicy, HttpService, basic_realm, raise_for_status
from core.jobfiles import delete_job_files
from core.pathmap import PathMap
from core.portcheck import UsualPort
from core.ports import Cache

log = logging.getLogger(__name__)

PRIORITY_NORMAL = 0  # NZBGet's priorities run -100 (very low) .. 900 (force)
LISTING_MAX_BYTES = 32 * 1024 * 1024  # a history of 5,000 jobs is about 10 MiB
ENDPOINT = "/jsonrpc"


@dataclass(frozen=True, slots=True)
class NzbgetSettings:
    url: str = setting(
        help="the web interface address", default="http://localhost:6789", parse=declare.http_url
    )
    username: str | None = setting(help="ControlUsername in nzbget.conf", default=None)
    password: str | None = setting(help="ControlPassword in nzbget.conf", default=None, secret=True)
    category: str = setting(
        help="category for Outpost's downloads (best one set up in NZBGet)", default="outpost"
    )
    save_path: str | None = setting(
        help="where NZBGet puts that category's downloads (DestDir)", default=None
    )
    path_map: tuple[PathMap, ...] = pathmap.path_map_setting()


class NzbgetClient:
    """A `DownloadClient` for NZBGet 21+. Ids are NZBIDs as text.

    NZBGet has no per-download folder: a job lands in its category's DestDir (DestDir/<category>
    with AppendCategoryDir), so a request's `save_path` is not sent. NZBGet keeps a category it
    does not know as given, without that category's settings; `add` warns once about one."""

    kind = "nzbget"
    category = "client"
    protocols = (Protocol.USENET,)
    Settings = NzbgetSettings
    policy = HttpPolicy(retries=1)
    usual_port = UsualPort(6789, "NZBGet", realms=("NZBGet",))

    @classmethod
    def build(
        cls, name: str, settings: NzbgetSettings, http: HttpService, cache: Cache
    ) -> NzbgetClient:
        return cls(
            name,
            settings.url,
            http,
            username=settings.username,
            password=settings.password,
            path_map=settings.path_map,
        )

    def __init__(
        self,
        name: str,
        url: str,
        http: HttpService,
        *,
        username: str | None = None,
        password: str | None = None,
        path_map: tuple[PathMap, ...] = (),
    ) -> None:
        self.name = name
        base = url.rstrip("/")
        self._endpoint = base if base.endswith(ENDPOINT) else base + ENDPOINT
        self._http = http
        self._headers: dict[str, str] = {}
        if username is not None or password is not None:
            token = base64.b64encode(f"{username or ''}:{password or ''}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"
        http.add_secret(password)
        self._path_map = path_map
        self._reader = JobReader(name)
        self._warned_categories: set[str] = set()

    # --- the port ---------------------------------------------------------------------------

    async def check(self) -> ClientCheck:
        """Version, free space at DestDir, and DestDir then each category's folder."""
        version = await self._rpc("version")
        if not isinstance(version, str) or not version.strip():
            raise errors.BadResponse(f"{self.name}: unreadable version", service=self.name)
        status = await self._rpc("status")
        if not isinstance(status, dict):
            raise errors.BadResponse(f"{self.name}: unreadable status", service=self.name)
        return ClientCheck(version.strip(), free_space(status, self.name), await self._roots())

    async def add(self, request: DownloadRequest) -> str:
        """Append an NZB (its bytes, or a URL NZBGet fetches itself); returns the NZBID."""
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
        category = request.category or ""
        if category:
            await self._warn_unknown_category(category)
        if request.file is not None:
            filename = request.file.name or f"{request.name}.nzb"
            content = base64.b64encode(request.file.data).decode()
        else:
            filename, content = f"{request.name}.nzb", request.url or ""
        # DupeMode FORCE: Outpost decides what is a duplicate; NZBGet's own check would
        # otherwise park a re-grab in its history as DELETED/DUPE.
        params = [filename, content, category, PRIORITY_NORMAL, False, request.paused]
        nzbid = await self._rpc("append", [*params, "", 0, "FORCE", []], retries=0)
        if not isinstance(nzbid, int) or isinstance(nzbid, bool) or nzbid <= 0:
            raise errors.BadResponse(
                f"{self.name}: the NZB was not accepted",
                service=self.name,
                key="error.download_not_confirmed",
            )
        return str(nzbid)

    async def downloads(self, ids: list[str]) -> list[Download]:
        """The asked jobs from the queue, then from the history (where finished jobs stay)."""
        wanted = known_ids(ids)
        if not wanted:
            return []
        queue, history = await self._jobs()
        asked = set(wanted)
        found: dict[int, Download] = {}
        for nzbid, row in queue.items():
            if nzbid in asked:
                found[nzbid] = self._reader.queued(row)
        if any(d.status is ClientStatus.QUEUED for d in found.values()):
            if not await self._has_news_server():
                found = {n: _stalled(d) for n, d in found.items()}
        for nzbid, row in history.items():
            if nzbid in asked and nzbid not in found:
                download = self._reader.finished(row)
                if download is not None:
                    found[nzbid] = download
        return [found[nzbid] for nzbid in wanted if nzbid in found]

    async def pause(self, ids: list[str]) -> None:
        await self._edit("GroupPause", job_ids(ids))

    async def resume(self, ids: list[str]) -> None:
        await self._edit("GroupResume", job_ids(ids))

    async def remove(self, ids: list[str], *, delete_files: bool) -> None:
        """Queued jobs are deleted (parked, keeping their files, when asked to); finished ones
        lose their history row. NZBGet never deletes a finished job's files itself, so with
        `delete_files` Outpost does, inside NZBGet's own folders only."""
        wanted = job_ids(ids)
        if not wanted:
            return
        queue, history = await self._jobs()
        queued = [nzbid for nzbid in wanted if nzbid in queue]
        if queued:
            await self._edit("GroupFinalDelete" if delete_files else "GroupParkDelete", queued)
        if delete_files:
            finished = [self._reader.finished(history[n]) for n in wanted if n in history]
            paths = [d.content_path for d in finished if d is not None and d.content_path]
            await delete_job_files(paths, await self._roots(), self._path_map, self.name)
        await self._edit(
            "HistoryFinalDelete", [n for n in wanted if n not in queue or not delete_files]
        )

    async def aclose(self) -> None:
        """Close the HttpService: the composition root builds one per client."""
        await self._http.aclose()

    # --- calls ------------------------------------------------------------------------------

    async def _rpc(self, method: str, params: list[Any] | None = None, **kwargs: Any) -> Any:
        body = {"version": "1.1", "method": method, "params": params or [], "id": 1}
        response = await self._http.post(self._endpoint, json=body, headers=self._headers, **kwargs)
        if response.status == 401:
            realm = basic_realm(response)  # "NZBGet"; another realm: another program
            raise errors.AuthFailed(
                f"{self.name}: wrong username or password", service=self.name, realm=realm
            )
        raise_for_status(response, self.name)
        return result(response, self.name)

    async def _edit(self, command: str, nzbids: list[int]) -> None:
        """One editqueue command. NZBGet answers false when an id is not where the command
        looks (a paused call on a finished job): that id is simply not there to change."""
        if nzbids and not await self._rpc("editqueue", [command, "", nzbids]):
            log.debug("%s: %s left some of %s unchanged", self.name, command, nzbids)

    async def _jobs(self) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
        queue = rows(await self._rpc("listgroups", [0], max_bytes=LISTING_MAX_BYTES), self.name)
        history = rows(await self._rpc("history", [False], max_bytes=LISTING_MAX_BYTES), self.name)
        return _by_id(queue, self.name), _by_id(history, self.name)

    async def _has_news_server(self) -> bool:
        """With no active news server NZBGet keeps a job QUEUED forever, which Outpost would
        read as waiting its turn; reported as stalled, the monitor says so instead."""
        status = await self._rpc("status")
        servers = status.get("NewsServers") if isinstance(status, dict) else None
        if not isinstance(servers, list):
            raise errors.BadResponse(f"{self.name}: unreadable status", service=self.name)
        return any(isinstance(s, dict) and s.get("Active") is True for s in servers)

    async def _config(self) -> dict[str, str]:
        return options(await self._rpc("config", max_bytes=LISTING_MAX_BYTES), self.name)

    async def _roots(self) -> tuple[str, ...]:
        config = await self._config()
        dest = config.get("DestDir", "")
        append = config.get("AppendCategoryDir", "yes").lower() == "yes"
        roots = [dest] if dest else []
        for name, own in categories(config).items():
            if own:
                roots.append(own)
            elif append and dest:
                roots.append(f"{dest.rstrip('/')}/{name}")
        return tuple(dict.fromkeys(roots))

    async def _warn_unknown_category(self, category: str) -> None:
        """NZBGet matches categories without regard to case and keeps an unknown one as given,
        with none of a category's settings: worth one warning, not a refusal."""
        if category.lower() in self._warned_categories:
            return
        known = {name.lower() for name in categories(await self._config())}
        self._warned_categories.add(category.lower())
        if category.lower() not in known:
            log.warning(
                "%s: category %r is not set up in NZBGet; it keeps it as given", self.name, category
            )


def _stalled(download: Download) -> Download:
    if download.status is not ClientStatus.QUEUED:
        return download
    return dataclasses.replace(download, status=ClientStatus.STALLED)


def _by_id(found: list[dict[str, Any]], service: str) -> dict[int, dict[str, Any]]:
    return {count(row, "NZBID", service): row for row in found}
