"""AudnexusProvider: audiobook details by ASIN from Audnexus, cached; parsing lives in wire.py.

Audnexus has no title search: a TitleSearch (Open Library) finds the work, and this enricher
adds narrators, series and length when the work carries an ASIN.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from adapters.metadata.audnexus import wire
from core import declare, errors
from core.declare import setting
from core.domain import Media, MediaDetails, MediaKind
from core.http import HttpPolicy, HttpResponse, HttpService, raise_for_status
from core.ports import Cache

CACHE_TTL = 7 * 24 * 3600.0  # Audnexus itself refreshes a book from Audible every 30 days
DEFAULT_URL = "https://api.audnex.us"
REGIONS = frozenset({"au", "ca", "de", "es", "fr", "in", "it", "jp", "us", "uk"})
PROBE_ASIN = "B08G9PRS1K"  # the example of Audnexus' API description (Project Hail Mary)


def _region(value: Any) -> str:
    region = str(value).strip().lower()
    if region not in REGIONS:
        raise ValueError(f"not an Audible region: {value!r}")
    return region


@dataclass(frozen=True, slots=True)
class AudnexusSettings:
    url: str = setting(
        help="Audnexus' address (for a proxy, your own instance or a test server)",
        default=DEFAULT_URL,
        parse=declare.http_url,
    )
    region: str = setting(
        help="the Audible store to read: " + ", ".join(sorted(REGIONS)),
        default="us",
        parse=_region,
    )


@dataclass(frozen=True, slots=True)
class Found:
    """One book as Audnexus knows it: a Media to merge, and what only a card shows."""

    details: MediaDetails
    series: tuple[wire.Series, ...]


class AudnexusProvider:
    """Audible's audiobook data through Audnexus, looked up by ASIN; no key."""

    name = "audnexus"
    schemes = frozenset({"asin"})
    enriches = frozenset({MediaKind.AUDIOBOOK})  # not `kinds`: it cannot search by title
    kind = "audnexus"
    category = "provider"
    protocols = ()
    Settings = AudnexusSettings
    # Audnexus' default budget is 100 requests a minute per client (NODE_MAX_REQUESTS)
    policy = HttpPolicy(rate=(100, 60.0), max_bytes=2 * 1024 * 1024)

    @classmethod
    def build(
        cls, name: str, settings: AudnexusSettings, http: HttpService, cache: Cache
    ) -> AudnexusProvider:
        return cls(http, cache=cache, base_url=settings.url, region=settings.region)

    def __init__(
        self,
        http: HttpService,
        *,
        cache: Cache | None = None,
        base_url: str = DEFAULT_URL,
        region: str = "us",
    ) -> None:
        self._http = http
        self._cache = cache
        self._base_url = base_url.rstrip("/")
        self._region = region

    def __repr__(self) -> str:
        return f"AudnexusProvider(base_url={self._base_url!r})"

    # -- public API -------------------------------------------------------------------------

    async def enrich(self, media: Media) -> Media | None:
        """Narrators, series and position, authors and cover of an audiobook with an ASIN;
        None for other kinds, a missing or malformed ASIN, or one Audnexus does not know."""
        asin = wire.asin_of(media)
        if media.kind not in self.enriches or asin is None:
            return None
        found = await self.book(asin, media.kind)
        return found.details.media if found is not None else None

    async def book(self, asin: str, kind: MediaKind = MediaKind.AUDIOBOOK) -> Found | None:
        """Everything Audnexus has on one ASIN, with the length in minutes; None if unknown."""
        if not wire.ASIN.match(asin):
            return None
        body = await self._get(f"/books/{asin}")
        if body is None:
            return None
        title = wire.text(body.get("title"))
        if not title:
            raise errors.BadResponse("audnexus: a book without a title", service=self.name)
        series = wire.all_series(body)
        media = Media(
            kind=kind,
            title=title,
            provider=self.name,
            provider_id=asin,
            year=wire.year(body),
            overview=wire.plain(body.get("summary")) or wire.text(body.get("description")),
            poster_url=wire.image(body.get("image")),
            ids={"asin": asin},
            credits=wire.people(body, "authors", "author")
            + wire.people(body, "narrators", "narrator"),
            series=series[0].name if series else None,
            series_position=series[0].position if series else None,
        )
        runtime = wire.number(body.get("runtimeLengthMin"))
        details = MediaDetails(media=media, genres=wire.genres(body), runtime=runtime or None)
        return Found(details, series)

    async def chapters(self, asin: str) -> tuple[wire.Chapter, ...]:
        """The chapters of one ASIN; () when Audnexus has none for it."""
        if not wire.ASIN.match(asin):
            return ()
        body = await self._get(f"/books/{asin}/chapters")
        return wire.chapters(body) if body is not None else ()

    async def author(self, asin: str) -> wire.Author | None:
        """An author by their Audible ASIN; None if unknown."""
        if not wire.ASIN.match(asin):
            return None
        body = await self._get(f"/authors/{asin}")
        if body is None:
            return None
        name = wire.text(body.get("name"))
        if not name:
            return None
        return wire.Author(
            asin, name, wire.plain(body.get("description")), wire.image(body.get("image"))
        )

    async def test(self) -> None:
        """One live lookup, uncached: Audnexus answers JSON (a 404 still proves it is there)."""
        await self._get(f"/books/{PROBE_ASIN}", cached=False)

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- transport --------------------------------------------------------------------------

    async def _get(self, path: str, *, cached: bool = True) -> dict[str, Any] | None:
        """A JSON object, or None when Audnexus says the ASIN is unknown (404)."""
        params = {"region": self._region}
        key = f"{self.name}:{self._region}:{path}"
        if cached and self._cache is not None:
            hit = await self._cache.get(key)
            if hit is not None:
                try:
                    value = json.loads(hit)
                    return None if value is None else wire.object_of(value)
                except (ValueError, RecursionError, errors.BadResponse):
                    pass  # a damaged entry is fetched again and overwritten
        response = await self._http.get(
            self._base_url + path, params=params, headers={"Accept": "application/json"}
        )
        body = self._checked(response)
        # "unknown" is cached too: an audiobook without one is asked about on every search
        if cached and self._cache is not None:
            await self._cache.set(key, json.dumps(body), CACHE_TTL)
        return body

    def _checked(self, response: HttpResponse) -> dict[str, Any] | None:
        if response.status in (400, 404):  # 400 "Bad ASIN": not one Audible has
            return None
        raise_for_status(response, self.name)
        if response.content_type == "text/html":
            raise errors.BadResponse(
                f"audnexus: an HTML page instead of JSON from {response.url}", service=self.name
            )
        try:
            return wire.object_of(response.json())
        except errors.BadResponse as err:
            raise errors.BadResponse(str(err), key=err.key, service=self.name) from None
