"""MusicBrainzProvider: WS/2 search and lookup, its User-Agent, pacing, 503s and the cache;
parsing lives in wire.py."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from adapters.metadata.musicbrainz import wire
from core import declare, errors
from core.declare import setting
from core.domain import Credit, Media, MediaDetails, MediaKind, Track
from core.http import HttpPolicy, HttpResponse, HttpService, raise_for_status
from core.ports import Cache

CACHE_TTL = 24 * 3600.0
PUBLIC_URL = "https://musicbrainz.org/ws/2"
SEARCH_LIMIT = 25
JSON_TYPES = frozenset({"application/json", "text/json", ""})


@dataclass(frozen=True, slots=True)
class MusicBrainzSettings:
    url: str = setting(
        help="WS/2 base URL (for a mirror, a proxy or a test server)",
        default=PUBLIC_URL,
        parse=declare.http_url,
    )
    contact: str | None = setting(
        help="how MusicBrainz can reach you, sent in the User-Agent: an e-mail or a URL "
        "(without one, the project's URL)",
        default=None,
    )


def project_contact() -> str:
    """The project's URL from its packaging metadata, else its name."""
    try:
        urls = metadata.metadata("outpost").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        _, _, url = str(entry).partition(",")
        if url.strip():
            return url.strip()
    return "outpost"


def user_agent(contact: str | None) -> str:
    """ "Outpost/<version> ( <contact> )", the form MusicBrainz asks of every client."""
    try:
        version = metadata.version("outpost")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"Outpost/{version} ( {contact or project_contact()} )"


class MusicBrainzProvider:
    """MusicBrainz WS/2 (JSON). No key; one request per second per process, as it asks."""

    kinds = frozenset({MediaKind.MUSIC})
    kind = "musicbrainz"
    category = "provider"
    protocols = ()
    Settings = MusicBrainzSettings
    # 1 call a second to the host from the whole process; 503 ("slow down") is retried after
    # its Retry-After; answers are small JSON, and a queue of callers needs a longer deadline.
    policy = HttpPolicy(
        host_interval=1.0, retries=4, backoff=1.0, deadline=60.0, max_bytes=2 * 1024 * 1024
    )

    @classmethod
    def build(
        cls, name: str, settings: MusicBrainzSettings, http: HttpService, cache: Cache
    ) -> MusicBrainzProvider:
        return cls(http, cache=cache, base_url=settings.url, contact=settings.contact, name=name)

    def __init__(
        self,
        http: HttpService,
        *,
        cache: Cache | None = None,
        base_url: str = PUBLIC_URL,
        contact: str | None = None,
        name: str = "musicbrainz",
    ) -> None:
        self.name = name
        self._http = http
        self._cache = cache
        self.base_url = base_url.rstrip("/")
        self.user_agent = user_agent(contact)

    def __repr__(self) -> str:
        return f"MusicBrainzProvider(base_url={self.base_url!r})"

    # -- public API -------------------------------------------------------------------------

    async def search(self, query: str, kind: MediaKind, *, year: int | None = None) -> list[Media]:
        """Albums (release groups) matching `query`, best first; `year` keeps that year's."""
        self._serves(kind)
        if not query.strip():
            return []
        params = {"query": wire.escaped(query), "limit": SEARCH_LIMIT}
        found = wire.groups(await self._get("/release-group", params), self.name)
        return [m for m in found if year is None or m.year == year]

    async def details(self, media: Media) -> MediaDetails:
        """The album with its credits and the tracks of its earliest official release."""
        group_id = self._mbid(media)
        group = await self._get(f"/release-group/{group_id}", {"inc": "artist-credits+releases"})
        found = wire.release_group(group)
        if found is None:
            raise errors.BadResponse("musicbrainz: release group without id", service=self.name)
        release_id = wire.best_release(group)
        tracks = wire.tracks(await self.release(release_id)) if release_id else ()
        return MediaDetails(media=found, tracks=tracks, runtime=_minutes(tracks))

    async def release(self, release_id: str) -> dict[str, Any]:
        """One release with its media and tracks (the wire shape stays in this package)."""
        if wire.mbid(release_id) is None:
            raise errors.NotFound(f"musicbrainz: not an MBID {release_id!r}", service=self.name)
        return await self._get(f"/release/{release_id}", {"inc": "recordings+artist-credits"})

    async def artists(self, query: str) -> list[Credit]:
        """Artists matching `query`, as credits carrying their MBID."""
        body = await self._get("/artist", {"query": wire.escaped(query), "limit": SEARCH_LIMIT})
        items = body.get("artists")
        if not isinstance(items, list):
            raise errors.BadResponse("musicbrainz: answer without artists", service=self.name)
        return list(wire.artist_credits([{"artist": a} for a in items if isinstance(a, dict)]))

    async def discography(self, artist_id: str) -> list[Media]:
        """The release groups of one artist (by MBID), credited to that artist."""
        if wire.mbid(artist_id) is None:
            raise errors.NotFound(f"musicbrainz: not an MBID {artist_id!r}", service=self.name)
        body = await self._get(f"/artist/{artist_id}", {"inc": "release-groups"})
        return wire.discography(body)

    async def albums_with(self, song: str) -> list[Media]:
        """The albums a song (a recording) appears on: for someone who knows only a title."""
        params = {"query": wire.escaped(song), "limit": SEARCH_LIMIT}
        body = await self._get("/recording", params)
        items = body.get("recordings")
        if not isinstance(items, list):
            raise errors.BadResponse("musicbrainz: answer without recordings", service=self.name)
        return wire.recording_groups(items)

    async def test(self) -> None:
        """One live, uncached search: the server answers WS/2 JSON."""
        await self._get("/release-group", {"query": "test", "limit": 1}, cached=False)

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- transport --------------------------------------------------------------------------

    async def _get(
        self, path: str, params: Mapping[str, Any], *, cached: bool = True
    ) -> dict[str, Any]:
        """GET a WS/2 path as a JSON object, through the cache when there is one."""
        query = {**params, "fmt": "json"}
        key = wire.cache_key(path, query)
        if cached and self._cache is not None:
            hit = await self._cache.get(key)
            if hit is not None:
                try:
                    return wire.object_of(json.loads(hit), self.name)
                except (ValueError, RecursionError, errors.BadResponse):
                    pass  # a damaged entry is refetched and overwritten below
        response = await self._call(path, query)
        body = self._checked(response)
        if self._cache is not None:
            await self._cache.set(key, response.text, CACHE_TTL)
        return body

    async def _call(self, path: str, query: Mapping[str, Any]) -> HttpResponse:
        headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
        try:
            return await self._http.get(self.base_url + path, params=query, headers=headers)
        except errors.Unavailable as err:
            if err.params.get("status") != 503:
                raise
            # MusicBrainz's 503 is its rate limiter: still "slow down" after every retry.
            raise errors.RateLimited(
                f"musicbrainz: still asked to slow down (HTTP 503) by {self.base_url}",
                service=self.name,
            ) from None

    def _checked(self, response: HttpResponse) -> dict[str, Any]:
        if response.status == 404:
            raise errors.NotFound(f"musicbrainz: nothing at {response.url}", service=self.name)
        raise_for_status(response, self.name)
        if response.content_type not in JSON_TYPES:
            raise errors.Unavailable(
                f"musicbrainz: a {response.content_type} page instead of JSON from {response.url}",
                service=self.name,
            )
        try:
            return wire.object_of(response.json(), self.name)
        except errors.BadResponse as err:  # HttpResponse names no service
            raise errors.BadResponse(str(err), service=self.name, key=err.key) from None

    def _serves(self, kind: MediaKind) -> None:
        if kind not in self.kinds:
            raise errors.UserError(
                f"musicbrainz does not serve {kind}",
                key="error.unknown_kind",
                category=self.name,
                kind=kind.value,
                known=", ".join(sorted(k.value for k in self.kinds)),
            )

    def _mbid(self, media: Media) -> str:
        own = media.provider_id if media.provider == "musicbrainz" else None
        found = wire.mbid(media.ids.get("musicbrainz") or own)
        if found is None:
            raise errors.NotFound(f"no MusicBrainz id for {media.title!r}", service=self.name)
        return found


def _minutes(tracks: tuple[Track, ...]) -> int | None:
    lengths = [t.length for t in tracks if t.length is not None]
    return round(sum(lengths) / 60) if lengths else None
