"""Composition root: opens the store, builds adapters from the configured integrations."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from core import declare, errors
from core.clients import ConfiguredClient
from core.domain import MediaKind, Track
from core.events import EventBus, EventQueue
from core.http import HttpPolicy, HttpService
from core.messages import Translate
from core.ports import DownloadClient, Enricher, Frontend, Indexer, IndexerManager, TitleSearch
from core.registry import spec_for
from core.runtime import Runtime, Timing
from core.secrets import SecretBox
from core.services import profiles
from core.services.bundle import Services
from core.services.defaults import default_rows
from core.services.diskspace import DiskSpace
from core.services.failover import FailoverService
from core.services.found import seal_stored_links
from core.services.grab import GrabService
from core.services.health import Health
from core.services.household import Household
from core.services.importer import Importer
from core.services.inflight import InFlight
from core.services.integrations import Integrations, stored_values
from core.services.managed import IndexerSync, ManagerStats, SyncReport, managed_by, stats_of
from core.services.metadata import MetadataSearch
from core.services.monitor import Monitor
from core.services.notify import LogFrontend, NotificationService
from core.services.queue import QueueService
from core.services.requests import Requests
from core.services.search import ReleaseSearch
from core.services.standing import Standings
from core.services.throttle import Throttle, grabs_per_hour
from core.store.cache import StoreCache
from core.store.database import Store
from core.store.integrations import list_integrations, reveal, sealed_integrations
from core.store.models import Integration, IntegrationCategory

log = logging.getLogger(__name__)


class Outpost:
    """One running Outpost: `async with Outpost(data_dir) as app:`."""

    def __init__(
        self,
        data_dir: Path,
        *,
        database_url: str | None = None,
        translate: Translate | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.store = Store(data_dir, database_url)
        self.bus = EventBus()
        # the console frontend: notices go to the log, worded by `translate`
        self.notices = NotificationService(self.bus, {"console": LogFrontend(translate=translate)})
        self._box: SecretBox | None = None
        self._https: list[HttpService] = []
        self._adapters: dict[str, Any] = {}
        # integrations that could not be built, e.g. their secret needs re-entering
        self.unavailable: dict[str, errors.OutpostError] = {}
        self.inflight = InFlight()  # identical searches in flight, merged
        self.throttle = Throttle.from_env()  # each person's commands and taps, every frontend
        self.grabs_per_hour = grabs_per_hour()  # the household's, asked from chat

    async def __aenter__(self) -> Outpost:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def open(self) -> None:
        await self.store.open()
        try:  # a bad key must close the store: its connection thread would keep the process
            self._box = SecretBox.load(self.data_dir, sealed=await sealed_integrations())
            await seal_stored_links(self._box)
        except BaseException:
            await self.store.close()
            raise
        self.notices.subscribe()

    async def aclose(self) -> None:
        for adapter in self._adapters.values():
            await adapter.aclose()
        for http in self._https:
            await http.aclose()
        self._adapters.clear()
        self._https.clear()
        await self.store.close()

    def add_frontend(self, frontend: Frontend, *, window: float = 0.0) -> None:
        """Deliver notices for addresses of `frontend.platform` ("telegram:<id>") through it,
        merging what one recipient is told within `window` seconds."""
        self.notices.add_frontend(frontend, window=window)

    @property
    def box(self) -> SecretBox:
        if self._box is None:
            raise errors.StoreError("Outpost is not open")
        return self._box

    @property
    def integrations(self) -> Integrations:
        """Add → test → keep, for the CLI and the chat alike."""
        return Integrations(self.box, self.build, self.forget)

    async def indexers(self) -> dict[str, Indexer]:
        return await self._build_all(IntegrationCategory.INDEXER)

    async def clients(self) -> dict[str, DownloadClient]:
        return await self._build_all(IntegrationCategory.CLIENT)

    async def providers(self) -> list[TitleSearch | Enricher]:
        """Metadata adapters: title searches, enrichers by ids, or both in one."""
        return list((await self._build_all(IntegrationCategory.PROVIDER)).values())

    async def release_search(self) -> ReleaseSearch:
        """Every indexer searched directly; a manager (Prowlarr) only as the fallback of the
        indexers mirrored from it, when none of them can be reached."""
        built = await self.indexers()
        managers = {n: a for n, a in built.items() if isinstance(a, IndexerManager)}
        rows = await list_integrations(IntegrationCategory.INDEXER)
        fallbacks = {
            built[name]: [r.name for r in rows if managed_by(r) == name and r.name in built]
            for name in managers
        }
        direct = [a for n, a in built.items() if n not in managers]
        lost = {r.name: self.unavailable[r.name] for r in rows if r.name in self.unavailable}
        return ReleaseSearch(
            direct,
            fallbacks=fallbacks,
            profiles=profiles.load,
            unavailable=lost,
            standings=Standings(self.bus),
            inflight=self.inflight,
        )

    async def _managers(self) -> list[tuple[Integration, IndexerManager]]:
        built = await self.indexers()
        rows = await list_integrations(IntegrationCategory.INDEXER)
        found: list[tuple[Integration, IndexerManager]] = []
        for row in rows:
            adapter = built.get(row.name)
            if isinstance(adapter, IndexerManager):
                found.append((row, adapter))
        return found

    async def sync_indexers(self) -> list[SyncReport]:
        """Mirror every indexer manager's indexers into the list (added, changed, removed)."""
        reports = []
        for row, manager in await self._managers():
            report = await IndexerSync(self.box).sync(row, manager)
            for name in (*report.changed, *report.disabled, *report.removed):
                await self.forget(name)
            reports.append(report)
        return reports

    async def indexer_stats(self) -> list[ManagerStats]:
        """Each manager's statistics per indexer (queries, grabs, failures, response time)."""
        rows = await list_integrations(IntegrationCategory.INDEXER)
        return [await stats_of(row, manager, rows) for row, manager in await self._managers()]

    async def metadata_search(self) -> MetadataSearch:
        providers = await self.providers()
        return MetadataSearch(
            [p for p in providers if isinstance(p, TitleSearch)],
            [p for p in providers if isinstance(p, Enricher)],
            inflight=self.inflight,
        )

    async def album_tracks(
        self, kind: MediaKind, provider: str, provider_id: str
    ) -> tuple[Track, ...]:
        """An album's tracks as its catalogue lists them, for the importer to name its files."""
        return (await (await self.metadata_search()).details(kind, provider, provider_id)).tracks

    async def queue(self) -> QueueService:
        return QueueService()

    async def grabber(self) -> GrabService:
        clients = await self._configured_clients()
        return GrabService(clients, await self.indexers(), bus=self.bus, space=DiskSpace())

    async def _configured_clients(self) -> dict[str, ConfiguredClient]:
        """Each built client with the protocol its kind declares and where it should save."""
        built = await self.clients()
        configured: dict[str, ConfiguredClient] = {}
        for row in await list_integrations(IntegrationCategory.CLIENT):
            if row.name not in built:  # disabled, or unavailable (said when it was built)
                continue
            declared: type[declare.Declared] = type(built[row.name])  # type: ignore[assignment]
            [protocol, *_] = declared.protocols  # every client declares its protocol
            configured[row.name] = ConfiguredClient(
                row.name,
                protocol,
                built[row.name],
                category=row.options.get("category") or "outpost",
                save_path=row.options.get("save_path"),
            )
        return configured

    def services(self) -> Services:
        """What a frontend's handlers use (they never get the Outpost itself)."""
        household = Household()
        return Services(
            household=household,
            requests=Requests(
                household,
                self.grabber,
                self.clients,
                self.box,
                grabs_per_hour=self.grabs_per_hour,
            ),
            notices=self.notices,
            metadata=self.metadata_search,
            releases=self.release_search,
            queue=self.queue,
            health=self.health,
            integrations=self.integrations,
            indexer_stats=self.indexer_stats,
            throttle=self.throttle,
        )

    async def health(self) -> list[Health]:
        """One real call to every enabled integration; one that cannot be built says why."""
        rows = [row for row in await list_integrations() if row.enabled]
        return [await self.integrations.check(row) for row in rows]

    async def runtime(self, timing: Timing) -> Runtime:
        """The background service: monitor, importer, failover, notice retries."""
        events = EventQueue(self.bus)
        monitor = Monitor(
            await self.clients(),
            events,
            interval=timing.interval,
            stall_after=timing.stall_after,
            fail_after=timing.fail_after,
        )
        failover = FailoverService(self.bus, await self.grabber(), await self.release_search())

        async def sync() -> None:
            """The periodic sync; the replacements then search the indexers as they are now."""
            reports = await self.sync_indexers()
            if any(r.added or r.changed or r.disabled or r.removed for r in reports):
                failover.use(await self.grabber(), await self.release_search())

        importer = Importer(self.bus, tracks=self.album_tracks)
        runtime = Runtime(monitor, importer, failover, self.notices, timing, events, sync)
        runtime.attach(self.bus)
        return runtime

    async def _build_all(self, category: IntegrationCategory) -> dict[str, Any]:
        rows = await list_integrations(category)
        if category is IntegrationCategory.PROVIDER:
            rows += default_rows(rows)  # keyless providers nobody set up: their defaults
        built: dict[str, Any] = {}
        for row in rows:
            if not row.enabled:
                continue
            try:
                built[row.name] = self.build(row)
            except errors.OutpostError as err:
                log.warning("%s %s is unavailable: %s", category.value, row.name, err)
                self.unavailable[row.name] = err
        return built

    def build(self, row: Integration) -> Any:
        """The adapter for one integration row, built once per process from its Settings."""
        if row.name in self._adapters:
            return self._adapters[row.name]
        cls = spec_for(row.kind, row.category).load()
        secrets = reveal(self.box, row) if row.secret else {}
        settings = declare.validate(cls.Settings, stored_values(row, secrets), kind=row.kind)
        http = self._http(row.name, declare.policy_of(cls, settings), secrets)
        adapter = cls.build(row.name, settings, http, StoreCache())
        self._adapters[row.name] = adapter
        return adapter

    async def forget(self, name: str) -> None:
        """Close and drop a built adapter, e.g. one whose settings failed their test."""
        adapter = self._adapters.pop(name, None)
        if adapter is not None:
            await adapter.aclose()

    def _http(self, name: str, policy: HttpPolicy, secrets: dict[str, str]) -> HttpService:
        http = HttpService(name, policy, secrets=secrets.values())
        self._https.append(http)
        return http
