"""Wishes: who asked for what. The console is a person too, so CLI grabs have a requester."""

from __future__ import annotations

from typing import Any

from core.domain import MediaKind, Release
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
    """A request from what a search asked for: kind, title, year, season, episode."""
    return await MediaRequest.create(
        person=person,
        kind=query.get("kind") or MediaKind.MOVIE.value,
        title=str(query.get("title") or "")[:500],
        year=query.get("year"),
        season=query.get("season"),
        episode=query.get("episode"),
        status=RequestStatus.GRABBED,
    )


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
