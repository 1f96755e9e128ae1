"""Wishes: who asked for what. The console is a person too, so CLI grabs have a requester."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.credits import credits_json, credits_of, text_or_none
from core.domain import MediaKind, Release, SearchQuery
from core.releases import Wanted
from core.services.grab import GrabService
from core.services.notify import CONSOLE
from core.store.models import Grab, Identity, MediaRequest, Person, RequestStatus, Role


async def console_person() -> Person:
    """The person behind the command line: the household's first admin, made on first use."""
    identity = await Identity.get_or_none(platform=CONSOLE, external_id=CONSOLE)
    if identity is not None:
        return await Person.get(id=identity.person_id)  # type: ignore[attr-defined]
    person, _ = await Person.get_or_create(name=CONSOLE, defaults={"role": Role.ADMIN})
    await Identity.get_or_create(person=person, platform=CONSOLE, external_id=CONSOLE)
    return person


async def record_request(person: Person, query: dict[str, Any]) -> MediaRequest:
    """A request from what a search asked for: kind, title, year, season, episode, and who
    the chosen title is by (credits), its series and position when the title said."""
    credits = credits_of(query.get("credits"))
    return await MediaRequest.create(
        person=person,
        kind=query.get("kind") or MediaKind.MOVIE.value,
        title=str(query.get("title") or "")[:500],
        year=query.get("year"),
        season=query.get("season"),
        episode=query.get("episode"),
        credits=credits_json(credits) if credits else None,
        series=text_or_none(query.get("series"), 255),
        series_position=text_or_none(query.get("series_position"), 32),
        status=RequestStatus.GRABBED,
    )


def wanted_for(asked: Mapping[str, Any]) -> tuple[SearchQuery, Wanted]:
    """The release search and the match for what was asked (a chosen title or a request's
    fields). The credits judge the releases found; they do not narrow the search, since
    many release names carry no artist or author."""
    kind = MediaKind(asked.get("kind") or MediaKind.MOVIE)
    title = str(asked.get("title") or "")
    year, season, episode = asked.get("year"), asked.get("season"), asked.get("episode")
    query = SearchQuery(text=title, kind=kind, year=year, season=season, episode=episode)
    credits = credits_of(asked.get("credits"))
    wanted = Wanted(kind, title, year=year, season=season, episode=episode, credits=credits)
    return query, wanted


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
