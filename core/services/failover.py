"""Failure loop: a failed download is blocklisted, removed, and replaced by the next best release.

The outcome is published as its own event (ReleaseReplaced, NoReplacement, RegrabGaveUp), so the
requester hears what was done and why through the same notices as every other event.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core import errors
from core.domain import SearchQuery
from core.events import DownloadFailed, Event, EventBus
from core.lifecycle import GrabState
from core.releases import QualityProfile, Verdict, Wanted, release_key
from core.services import seeding
from core.services.grab import GrabService
from core.services.requests import wanted_for
from core.services.search import ReleaseSearch
from core.store.models import BlocklistEntry, Grab, MediaRequest, RequestStatus

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 5  # grabs per request, the first one included


@dataclass(frozen=True, slots=True)
class ReleaseReplaced(Event):
    """The failed grab (grab_id, title) was replaced by `replacement`."""

    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    replacement: str = ""
    replacement_grab_id: int = 0


@dataclass(frozen=True, slots=True)
class NoReplacement(Event):
    """Nothing acceptable was found; `rejections` counts why the rest did not fit."""

    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    rejections: dict[str, int] = field(default_factory=dict)
    found: int = 0


@dataclass(frozen=True, slots=True)
class RegrabGaveUp(Event):
    """The request has used up its attempts."""

    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0


def explain(verdicts: Iterable[Verdict], top: int | None = None) -> dict[str, int]:
    """Rejection code -> how many releases it ruled out, most common first."""
    counts: Counter[str] = Counter()
    for verdict in verdicts:
        counts.update({r.code for r in verdict.rejections})
    return dict(counts.most_common(top))


def wanted_of(request: MediaRequest) -> tuple[SearchQuery, Wanted]:
    """The search a request stands for, rebuilt from what the person asked."""
    fields = ("kind", "title", "year", "season", "episode", "credits")
    return wanted_for({name: getattr(request, name) for name in fields})


class FailoverService:
    """Listens for DownloadFailed; `subscribe()` attaches it to the bus."""

    def __init__(
        self,
        bus: EventBus,
        grabber: GrabService,
        search: ReleaseSearch,
        *,
        auto_regrab: bool = True,
        delete_files: bool = True,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        profile: QualityProfile | None = None,  # None: the household's, per kind
    ) -> None:
        self._bus = bus
        self._grabber = grabber
        self._search = search
        self._auto_regrab = auto_regrab
        self._delete_files = delete_files  # what Sonarr does with a failed torrent's data
        self._max_attempts = max_attempts
        self._profile = profile

    def use(self, grabber: GrabService, search: ReleaseSearch) -> None:
        """Search and grab through these from now on: the indexer list changed (a sync)."""
        self._grabber = grabber
        self._search = search

    def subscribe(self) -> None:
        self._bus.subscribe(DownloadFailed, self.on_failed)

    async def on_failed(self, event: Event) -> None:
        if not isinstance(event, DownloadFailed):
            return
        grab = await Grab.get_or_none(id=event.grab_id)
        if grab is None:
            log.warning("failure of unknown grab %s ignored", event.grab_id)
            return
        await self._retire(grab, event.reason or "failure.unknown")
        request = await MediaRequest.get_or_none(id=grab.request_id)  # type: ignore[attr-defined]
        if request is None or not self._auto_regrab:
            return
        if await Grab.filter(request_id=request.id, id__gt=grab.id).exists():
            return  # a replay of a failure already replaced (e.g. after a restart)
        outcome = await self.replace(grab, request, event)
        await self._bus.publish(outcome)

    async def _retire(self, grab: Grab, reason: str) -> None:
        """Mark failed, blocklist the release, and take it out of its client."""
        grab.state, grab.failure = GrabState.FAILED.value, reason[:255]
        await grab.save(update_fields=["state", "failure", "updated_at"])
        await BlocklistEntry.get_or_create(
            release_key=grab.release_key, defaults={"title": grab.title, "reason": reason[:255]}
        )
        client = self._grabber.client(grab.client)
        if client is None:
            return
        try:
            seeding.guard(grab)
        except errors.Conflict:
            log.info(
                "%s stays in %s: it must seed for %s first", grab.title, grab.client, grab.indexer
            )
            return
        try:
            await client.remove([grab.client_id], delete_files=self._delete_files)
        except errors.AdapterError as err:
            # the blocklist is what matters; the client can be tidied by hand
            log.warning("could not remove %s from %s: %s", grab.title, grab.client, err)

    async def replace(self, failed: Grab, request: MediaRequest, cause: DownloadFailed) -> Event:
        """Grab the next best release for the request; returns the outcome event."""
        base: dict[str, Any] = {
            "grab_id": failed.id,
            "title": failed.title,
            "request_id": request.id,
            "person_id": request.person_id,  # type: ignore[attr-defined]
            "reason": cause.reason or "failure.unknown",
            "params": dict(cause.params),
        }
        tried = {g.release_key for g in await Grab.filter(request_id=request.id)}
        if len(tried) >= self._max_attempts:
            await _set_status(request, RequestStatus.FAILED)
            return RegrabGaveUp(**base, attempts=len(tried))
        verdicts = await self._candidates(request, tried)
        refused: Counter[str] = Counter()
        replacement = await self._grab_best(verdicts, request, tried, refused)
        if replacement is None:
            await _set_status(request, RequestStatus.FAILED)
            counts = Counter(explain(verdicts)) + refused
            return NoReplacement(**base, rejections=dict(counts.most_common()), found=len(verdicts))
        await _set_status(request, RequestStatus.GRABBED)
        return ReleaseReplaced(
            **base, replacement=replacement.title, replacement_grab_id=replacement.id
        )

    async def _candidates(self, request: MediaRequest, tried: set[str]) -> list[Verdict]:
        query, wanted = wanted_of(request)
        blocklist = {b.release_key for b in await BlocklistEntry.all()} | tried
        try:
            outcome = await self._search.search(
                query, wanted, profile=self._profile, blocklist=blocklist
            )
        except errors.OutpostError as err:
            log.warning("search for a replacement of %s failed: %s", request.title, err)
            return []
        return outcome.verdicts

    async def _grab_best(
        self, verdicts: list[Verdict], request: MediaRequest, tried: set[str], refused: Counter[str]
    ) -> Grab | None:
        """The first accepted release that grabs; a refused one (no space, taken) is skipped
        and counted in `refused` under its error key's last part ("no_space")."""
        for verdict in verdicts:
            if verdict.rejections or release_key(verdict.release) in tried:
                continue
            try:
                return await self._grabber.grab(verdict.release, request=request)
            except errors.UserError as err:
                log.warning("replacement %s refused: %s", verdict.release.title, err)
                refused[err.key.removeprefix("error.")] += 1
        return None


async def _set_status(request: MediaRequest, status: RequestStatus) -> None:
    request.status = status
    await request.save(update_fields=["status", "updated_at"])
