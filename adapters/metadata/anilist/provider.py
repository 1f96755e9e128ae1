"""AniListProvider: AniList GraphQL calls, its rate limit, caching and error mapping;
parsing lives in wire.py, the documents in queries.py."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.metadata.anilist import queries, wire
from core import declare, errors
from core.declare import setting
from core.domain import Media, MediaDetails, MediaKind
from core.http import HttpPolicy, HttpResponse, HttpService, raise_for_status
from core.ports import Cache

CACHE_TTL = 24 * 3600.0
PER_PAGE = 20
TIMEOUT = 60.0  # AniList's documented penalty after its limit is passed: a one-minute timeout
_HTML = (b"<!doctype", b"<html", b"<head", b"<body", b"<!--")


@dataclass(frozen=True, slots=True)
class AniListSettings:
    url: str = setting(
        help="GraphQL endpoint (for a proxy or a test server)",
        default="https://graphql.anilist.co",
        parse=declare.http_url,
    )


class AniListProvider:
    """AniList, anime only. Keyless: public queries need no token. Answers are cached a day."""

    name = "anilist"
    kinds = frozenset({MediaKind.ANIME})
    kind = "anilist"
    category = "provider"
    protocols = ()
    Settings = AniListSettings
    # AniList documents 90 requests a minute but serves 30 while "in a degraded state", and its
    # X-RateLimit headers still say 90 then: the budget is the 30 it serves.
    policy = HttpPolicy(rate=(30, 60.0), max_retry_after=TIMEOUT)

    @classmethod
    def build(
        cls, name: str, settings: AniListSettings, http: HttpService, cache: Cache
    ) -> AniListProvider:
        return cls(http, cache=cache, url=settings.url, name=name)

    def __init__(
        self,
        http: HttpService,
        *,
        cache: Cache | None = None,
        url: str = "https://graphql.anilist.co",
        name: str = "anilist",
    ) -> None:
        self._http = http
        self._cache = cache
        self._url = url
        self.name = name
        self._held_until = 0.0  # monotonic time before which AniList would refuse us

    def __repr__(self) -> str:
        return f"AniListProvider(url={self._url!r})"

    # -- public API -------------------------------------------------------------------------

    async def search(self, query: str, kind: MediaKind, *, year: int | None = None) -> list[Media]:
        """Anime titles matching `query`, best match first; `year` is the season's year."""
        self._serves(kind)
        variables = {"search": query.strip()[:200], "year": year, "perPage": PER_PAGE}
        return wire.media_list(await self._ask(queries.SEARCH, variables))

    async def details(self, media: Media) -> MediaDetails:
        """One title: format, season, status, studios, episodes with their air dates."""
        variables = {"id": wire.anilist_id(media)}
        return wire.details(await self._ask(queries.DETAILS, variables))

    async def test(self) -> None:
        """One live, uncached search: AniList (or the proxy at `url`) answers GraphQL."""
        variables = {"search": "Frieren", "year": None, "perPage": 1}
        wire.media_list(await self._ask(queries.SEARCH, variables, cached=False))

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- transport --------------------------------------------------------------------------

    async def _ask(
        self, document: str, variables: Mapping[str, Any], *, cached: bool = True
    ) -> dict[str, Any]:
        """POST one GraphQL document, through the cache when there is one."""
        key = wire.cache_key(document, variables)
        if cached and self._cache is not None:
            hit = await self._cache.get(key)
            if hit is not None:
                try:
                    return self._data(wire.body_of(hit.encode()), 200)
                except errors.AdapterError:
                    pass  # a damaged entry is refetched and overwritten below
        response = await self._post(document, variables)
        body = self._checked(response)
        if self._cache is not None:
            await self._cache.set(key, response.text, CACHE_TTL)
        return body

    async def _post(self, document: str, variables: Mapping[str, Any]) -> HttpResponse:
        self._wait_out()
        try:
            response = await self._http.post(
                self._url,
                json={"query": document, "variables": dict(variables)},
                headers={"Accept": "application/json"},
            )
        except errors.RateLimited as err:
            self._hold(err.retry_after if err.retry_after is not None else TIMEOUT)
            raise
        self._read_limits(response)
        return response

    def _wait_out(self) -> None:
        """Inside AniList's timeout every request is refused and prolongs nothing useful:
        say so at once, without asking."""
        left = self._held_until - time.monotonic()
        if left > 0:
            raise errors.RateLimited(
                f"anilist: rate limited, waiting {left:.0f} s more as AniList asked",
                service=self.name,
                retry_after=round(left, 1),
            )

    def _hold(self, seconds: float) -> None:
        self._held_until = max(self._held_until, time.monotonic() + min(seconds, TIMEOUT))

    def _read_limits(self, response: HttpResponse) -> None:
        """X-RateLimit-Remaining 0 means the next request starts the timeout; X-RateLimit-Reset
        (a Unix time, documented on 429s) says when it ends."""
        if response.headers.get("x-ratelimit-remaining", "").strip() != "0":
            return
        reset = response.headers.get("x-ratelimit-reset", "").strip()
        wait = float(reset) - time.time() if reset.isdigit() else TIMEOUT
        self._hold(max(wait, 0.0))

    def _checked(self, response: HttpResponse) -> dict[str, Any]:
        """Map AniList's refusals (HTTP status and the GraphQL `errors` array) to our errors."""
        head = response.content[:64].lstrip().lower()
        if response.content_type == "text/html" or head.startswith(_HTML):
            raise errors.Unavailable(
                f"anilist: a web page instead of JSON (HTTP {response.status}) from {response.url}",
                service=self.name,
                status=response.status,
            )
        try:
            body = wire.body_of(response.content)
        except errors.BadResponse:
            raise_for_status(response, self.name)
            raise
        return self._data(body, response.status)

    def _data(self, body: dict[str, Any], status: int) -> dict[str, Any]:
        problems = wire.graphql_errors(body)
        data = body.get("data")
        if status == 404 or any(code == 404 for code, _ in problems):
            raise errors.NotFound(f"anilist: no such title ({status})", service=self.name)
        if problems and (status >= 400 or not isinstance(data, dict) or None in data.values()):
            code, message = problems[0]
            raise errors.BadResponse(
                f"anilist: GraphQL error {code or status}: {message}",
                service=self.name,
                key="error.graphql",
                reason=message,
            )
        if status >= 400:
            raise errors.BadResponse(f"anilist: HTTP {status}", service=self.name, status=status)
        return body

    def _serves(self, kind: MediaKind) -> None:
        if kind not in self.kinds:
            raise errors.UserError(
                f"anilist does not serve {kind}",
                key="error.unknown_kind",
                category=self.name,
                kind=kind.value,
                known=MediaKind.ANIME.value,
            )
