"""OpenLibraryProvider: Open Library search, works and authors, cached; parsing in wire.py."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from adapters.metadata.openlibrary import wire
from core import declare, errors
from core.declare import setting
from core.domain import Credit, Media, MediaDetails, MediaKind
from core.http import HttpPolicy, HttpResponse, HttpService, raise_for_status
from core.ports import Cache

CACHE_TTL = 7 * 24 * 3600.0  # catalogue records change rarely; Open Library asks callers to cache
SEARCH_LIMIT = 20
DEFAULT_URL = "https://openlibrary.org"
DEFAULT_COVERS = "https://covers.openlibrary.org"


def _version() -> str:
    try:
        return metadata.version("outpost")
    except metadata.PackageNotFoundError:
        return "0"


@dataclass(frozen=True, slots=True)
class OpenLibrarySettings:
    url: str = setting(
        help="Open Library's address (for a proxy or a test server)",
        default=DEFAULT_URL,
        parse=declare.http_url,
    )
    covers_url: str = setting(
        help="Open Library's covers address", default=DEFAULT_COVERS, parse=declare.http_url
    )
    contact: str | None = setting(
        help="an e-mail or URL Open Library may reach you at; it goes in the User-Agent",
        default=None,
    )


class OpenLibraryProvider:
    """Books and audiobooks by title from Open Library; no key. Answers are cached a week."""

    name = "openlibrary"
    kinds = frozenset({MediaKind.BOOK, MediaKind.AUDIOBOOK})
    kind = "openlibrary"
    category = "provider"
    protocols = ()
    Settings = OpenLibrarySettings
    # Open Library's API page: 3 requests/s for a User-Agent that names the app and a contact
    # (1/s otherwise); search answers are small, so a tight size cap.
    policy = HttpPolicy(rate=(3, 1.0), max_bytes=2 * 1024 * 1024)

    @classmethod
    def build(
        cls, name: str, settings: OpenLibrarySettings, http: HttpService, cache: Cache
    ) -> OpenLibraryProvider:
        return cls(
            http,
            cache=cache,
            base_url=settings.url,
            covers_url=settings.covers_url,
            contact=settings.contact,
        )

    def __init__(
        self,
        http: HttpService,
        *,
        cache: Cache | None = None,
        base_url: str = DEFAULT_URL,
        covers_url: str = DEFAULT_COVERS,
        contact: str | None = None,
    ) -> None:
        self._http = http
        self._cache = cache
        self._base_url = base_url.rstrip("/")
        self._covers = covers_url.rstrip("/")
        self._contact = (contact or "").strip()

    def __repr__(self) -> str:
        return f"OpenLibraryProvider(base_url={self._base_url!r})"

    @property
    def user_agent(self) -> str:
        """ "Outpost/0.1.0 (you@example.org)", the form Open Library's API page asks for."""
        contact = self._contact or "no contact set"
        return f"Outpost/{_version()} ({contact})"

    # -- public API -------------------------------------------------------------------------

    async def search(self, query: str, kind: MediaKind, *, year: int | None = None) -> list[Media]:
        """Works whose title matches `query`, as books or audiobooks (Open Library has both
        as one work); `year` keeps the works first published that year."""
        self._check_kind(kind)
        params = {"title": query, "fields": wire.SEARCH_FIELDS, "limit": SEARCH_LIMIT}
        body = await self._get("/search.json", params)
        docs = body.get("docs")
        if not isinstance(docs, list):
            raise errors.BadResponse("openlibrary: search answer without docs", service=self.name)
        found = (wire.media(d, kind, self._covers) for d in docs if isinstance(d, dict))
        media = [m for m in found if m is not None]
        return [m for m in media if m.year == year] if year is not None else media

    async def details(self, media: Media) -> MediaDetails:
        """The work with its description, subjects, large cover and its authors' names."""
        ident = wire.work_id(media)
        work = await self._get(f"/works/{ident}.json", {})
        names = await asyncio.gather(*(self.author(a) for a in wire.author_keys(work)))
        credits = tuple(
            Credit("author", n, {self.name: a})
            for a, n in zip(wire.author_keys(work), names, strict=True)
            if n
        )
        cover = wire.cover_url(self._covers, wire.first_cover(work), "L")
        found = dataclasses.replace(
            media,
            title=wire.text(work.get("title")) or media.title,
            overview=wire.description(work) or media.overview,
            poster_url=cover or media.poster_url,
            credits=credits or media.credits,
        )
        return MediaDetails(media=found, genres=wire.subjects(work))

    async def author(self, author_id: str) -> str:
        """An author's name by Open Library id ("OL7234434A"); "" when the record has none."""
        ident = wire.key_id(author_id, wire.AUTHOR_ID)
        if ident is None:
            raise errors.NotFound(f"openlibrary: no author {author_id!r}", service=self.name)
        return wire.author_name(await self._get(f"/authors/{ident}.json", {}))

    async def test(self) -> None:
        """One small live search, uncached: Open Library answers and accepts our User-Agent."""
        await self._get("/search.json", {"q": "dune", "fields": "key", "limit": 1}, cached=False)

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- transport --------------------------------------------------------------------------

    async def _get(
        self, path: str, params: Mapping[str, Any], *, cached: bool = True
    ) -> dict[str, Any]:
        key = wire.cache_key(path, params)
        if cached and self._cache is not None:
            hit = await self._cache.get(key)
            if hit is not None:
                try:
                    return wire.object_of(json.loads(hit))
                except (ValueError, RecursionError, errors.BadResponse):
                    pass  # a damaged entry is fetched again and overwritten
        response = await self._http.get(
            self._base_url + path,
            params=params,
            headers={"User-Agent": self.user_agent, "Accept": "application/json"},
        )
        body = self._checked(response)
        if cached and self._cache is not None:
            await self._cache.set(key, json.dumps(body), CACHE_TTL)
        return body

    def _checked(self, response: HttpResponse) -> dict[str, Any]:
        if response.status == 403:
            # Open Library's front refuses User-Agents without a contact with an nginx page.
            raise errors.AuthFailed(
                f"openlibrary: HTTP 403 from {response.url}",
                key="error.openlibrary_refused",
                service=self.name,
            )
        if response.status == 404:
            raise errors.NotFound(f"openlibrary: nothing at {response.url}", service=self.name)
        raise_for_status(response, self.name)
        if response.content_type == "text/html":
            raise errors.BadResponse(
                f"openlibrary: an HTML page instead of JSON from {response.url}",
                service=self.name,
            )
        try:
            return wire.object_of(response.json())
        except errors.BadResponse as err:
            raise errors.BadResponse(str(err), key=err.key, service=self.name) from None

    def _check_kind(self, kind: MediaKind) -> None:
        if kind not in self.kinds:
            raise errors.UserError(
                f"openlibrary does not serve {kind}",
                key="error.unknown_kind",
                category=self.name,
                kind=kind.value,
                known=", ".join(sorted(k.value for k in self.kinds)),
            )
