"""Wishes: who asked for what. The console is a person too, so CLI grabs have a requester."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from core import errors
from core.credits import credits_json, credits_of, text_or_none
from core.domain import Credit, MediaKind, Release, SearchQuery
from core.ports import DownloadClient
from core.recipients import CONSOLE
from core.releases import Verdict, Wanted, parse
from core.secrets import SecretBox
from core.services.control import DownloadControl
from core.services.found import recall, remember
from core.services.grab import GrabService
from core.services.household import Household, Person
from core.services.throttle import GRABS_PER_HOUR
from core.store.models import BlocklistEntry, Grab, Identity, MediaRequest, RequestStatus, Role
from core.store.models import Person as PersonRow


async def console_person() -> PersonRow:
    """The person behind the command line: the household's first admin, made on first use."""
    identity = await Identity.get_or_none(platform=CONSOLE, external_id=CONSOLE)
    if identity is not None:
        return await PersonRow.get(id=identity.person_id)  # type: ignore[attr-defined]
    person, _ = await PersonRow.get_or_create(name=CONSOLE, defaults={"role": Role.ADMIN})
    await Identity.get_or_create(person=person, platform=CONSOLE, external_id=CONSOLE)
    return person


async def record_request(person: PersonRow | int, query: dict[str, Any]) -> MediaRequest:
    """A request from what a search asked for: kind, title, year, season, episode, and who
    the chosen title is by (credits), its series and position when the title said."""
    person_id = person if isinstance(person, int) else person.id
    credits = credits_of(query.get("credits"))
    return await MediaRequest.create(
        person_id=person_id,
        kind=query.get("kind") or MediaKind.MOVIE.value,
        title=str(query.get("title") or "")[:500],
        year=query.get("year"),
        season=query.get("season"),
        episode=query.get("episode"),
        credits=credits_json(credits) if credits else None,
        series=text_or_none(query.get("series"), 255),
        series_position=text_or_none(query.get("series_position"), 32),
        provider=text_or_none(query.get("provider"), 32),
        provider_id=text_or_none(query.get("id"), 64),
        status=RequestStatus.GRABBED,
    )


def wanted_for(asked: Mapping[str, Any]) -> tuple[SearchQuery, Wanted]:
    """The release search and the match for what was asked (a chosen title or a request's
    fields). The credits judge the releases found, and the first artist or author goes
    with the title as the search's fields (`search_query`)."""
    kind = MediaKind(asked.get("kind") or MediaKind.MOVIE)
    title = str(asked.get("title") or "")
    year, season, episode = asked.get("year"), asked.get("season"), asked.get("episode")
    credits = credits_of(asked.get("credits"))
    query = search_query(kind, title, year, credits, season=season, episode=episode)
    runtime = asked.get("runtime")  # minutes, when metadata gave them: for the size sanity
    wanted = Wanted(
        kind,
        title,
        year=year,
        season=season,
        episode=episode,
        credits=credits,
        runtime=runtime if isinstance(runtime, int) and runtime > 0 else None,
    )
    return query, wanted


def search_query(
    kind: MediaKind | None,
    title: str,
    year: int | None,
    credits: tuple[Credit, ...] = (),
    *,
    season: int | None = None,
    episode: int | None = None,
) -> SearchQuery:
    """The release search for a title: an album by its artist and an ebook or audiobook by
    its author go as fields (music-search, book-search) when the title says who; indexers
    without those modes get the same words in q."""
    query = SearchQuery(text=title, kind=kind, year=year, season=season, episode=episode)
    if kind is MediaKind.MUSIC and (artist := _first(credits, "artist")):
        return dataclasses.replace(query, text="", artist=artist, album=title)
    if kind in (MediaKind.BOOK, MediaKind.AUDIOBOOK) and (author := _first(credits, "author")):
        return dataclasses.replace(query, text="", author=author, title=title)
    return query


def _first(credits: tuple[Credit, ...], role: str) -> str | None:
    return next((c.name for c in credits if c.role == role and c.name.strip()), None)


def kind_of_name(name: str) -> MediaKind:
    """What a release name alone says it is: episodes numbered only from the first
    ("[SubsPlease] Frieren - 05") are anime, a season or episode a series, else a film."""
    parsed = parse(name)
    if parsed is None:
        return MediaKind.MOVIE
    if parsed.absolute_episodes and parsed.season is None and not parsed.episodes:
        return MediaKind.ANIME
    episodic = parsed.season is not None or parsed.episodes
    return MediaKind.SERIES if episodic else MediaKind.MOVIE


async def grab_requested(
    grabber: GrabService, release: Release, request: MediaRequest, client: str | None = None
) -> Grab:
    """Grab a release for a just-recorded request; if nothing reached a client, the request
    goes too, so no wish is left standing that nobody acted on."""
    try:
        return await grabber.grab(release, client=client, request=request)
    except BaseException:
        await request.delete()
        raise


@dataclass(frozen=True, slots=True)
class Asked:
    """A request just recorded: grabbed at once, or `awaiting` an admin's approval."""

    request_id: int
    title: str
    awaiting: bool


@dataclass(frozen=True, slots=True)
class Decision:
    """An admin's answer carried out: "already" decided, "declined", "approved" or "failed"."""

    outcome: str
    title: str = ""
    error: errors.OutpostError | None = None


@dataclass(frozen=True, slots=True)
class Controlled:
    """What came of pause, resume or remove."""

    title: str = ""
    gone: bool = False
    refused: bool = False


@dataclass(frozen=True, slots=True)
class Grabbed:
    ref: str  # "g12", as the queue shows it
    title: str
    client: str
    client_id: str


class Requests:
    """Who may grab, approve and cancel, and what each does to the request and its grab."""

    def __init__(
        self,
        household: Household,
        grabber: Callable[[], Awaitable[GrabService]],
        clients: Callable[[], Awaitable[Mapping[str, DownloadClient]]],
        box: SecretBox,
        *,
        grabs_per_hour: int = GRABS_PER_HOUR,
    ) -> None:
        self._box = box  # seals and opens the links of found releases
        self._household = household
        self._grabber = grabber
        self._clients = clients
        self._grabs_per_hour = grabs_per_hour

    async def within_cap(self) -> None:
        """Raise `UserError` "limit.grabs" when the household made its grabs of the last hour
        (every grab counts, the CLI's and failover's too; only chat's are refused)."""
        since = datetime.now(UTC) - timedelta(hours=1)
        recent = await Grab.filter(created_at__gte=since).order_by("created_at")
        if len(recent) < self._grabs_per_hour:
            return
        oldest = recent[-self._grabs_per_hour].created_at
        left = (oldest + timedelta(hours=1) - datetime.now(UTC)).total_seconds()
        minutes = max(1, math.ceil(left / 60))
        raise errors.UserError(
            f"{len(recent)} grabs in the last hour, the cap is {self._grabs_per_hour}",
            key="limit.grabs",
            cap=self._grabs_per_hour,
            minutes=minutes,
        )

    async def remember(self, verdicts: list[Verdict], asked: dict[str, Any]) -> list[str]:
        """Keep what a search found under refs, its links sealed (core.services.found)."""
        return await remember(verdicts, asked, box=self._box)

    async def blocklist(self) -> set[str]:
        """Release keys never to offer again."""
        return {b.release_key for b in await BlocklistEntry.all()}

    async def ask(self, person: Person, ref: str, media: Mapping[str, Any]) -> Asked:
        """A person wants the release `ref`: a member's waits for approval, else it is grabbed.
        Past the household's grabs of an hour, neither: `UserError` "limit.grabs"."""
        await self.within_cap()
        release, asked = await recall(ref, box=self._box)
        request = await record_request(person.id, asked)
        request.provider, request.provider_id = media.get("provider"), media.get("id")
        if await self._household.needs_approval(person):
            request.status, request.awaiting_approval = RequestStatus.WANTED, True
            request.release_ref = ref
            await request.save()
            return Asked(request.id, request.title, awaiting=True)
        await request.save()
        await grab_requested(await self._grabber(), release, request)
        return Asked(request.id, request.title, awaiting=False)

    async def decide(self, request_id: int, approve: bool) -> Decision:
        """An admin's answer to a member's grab: run it, or cancel the request."""
        request = await MediaRequest.get_or_none(id=request_id)
        if request is None or not request.awaiting_approval:
            return Decision("already")
        request.awaiting_approval = False
        if not approve:
            request.status = RequestStatus.CANCELLED
            await request.save()
            return Decision("declined", request.title)
        try:
            await self.within_cap()
            release, _ = await recall(request.release_ref or "", box=self._box)
            await (await self._grabber()).grab(release, request=request)
        except errors.OutpostError as err:
            request.status = RequestStatus.FAILED
            await request.save()
            return Decision("failed", request.title, err)
        request.status, request.release_ref = RequestStatus.GRABBED, None
        await request.save()
        return Decision("approved", request.title)

    async def may_remove(self, person: Person, grab_id: int) -> bool:
        """Admins, and the person who asked for it."""
        if person.admin:
            return True
        grab = await Grab.get_or_none(id=grab_id)
        request_id = grab.request_id if grab is not None else None  # type: ignore[attr-defined]
        if request_id is None:
            return False
        return await MediaRequest.exists(id=request_id, person_id=person.id)

    async def control(self, person: Person, action: str, grab_id: int) -> Controlled:
        """Pause, resume or remove one download through its client. Removing is refused to
        anyone but admins and the requester."""
        grab = await Grab.get_or_none(id=grab_id)
        if grab is None:
            return Controlled(gone=True)
        if action == "remove" and not await self.may_remove(person, grab_id):
            return Controlled(grab.title, refused=True)
        act = DownloadControl(await self._clients())
        if action == "pause":
            await act.pause(grab.id)
        elif action == "resume":
            await act.resume(grab.id)
        else:
            await act.remove(grab.id)
        return Controlled(grab.title)

    async def console_grab(self, ref: str, client: str | None = None) -> Grabbed:
        """`outpost grab REF`: the console person's request, grabbed now."""
        release, asked = await recall(ref, box=self._box)
        if not asked.get("kind"):  # a free-text search: read the kind from the release name
            asked = {**asked, "kind": kind_of_name(release.title).value}
        request = await record_request((await console_person()).id, asked)
        row = await grab_requested(await self._grabber(), release, request, client)
        return Grabbed(f"g{row.id}", row.title, row.client, row.client_id)
