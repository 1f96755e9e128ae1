"""TmdbProvider: TMDB v3 calls, auth, caching and error mapping; parsing lives in wire.py."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.metadata.tmdb import wire
from core import declare, errors
from core.declare import setting
from core.domain import Media, MediaDetails, MediaKind, Season
from core.http import HttpPolicy, HttpResponse, HttpService, raise_for_status
from core.ports import Cache

CACHE_TTL = 24 * 3600.0
WINDOWS = frozenset({"day", "week"})
_PATH_KIND = {MediaKind.MOVIE: "movie", MediaKind.SERIES: "tv"}
_APPEND = {
    MediaKind.MOVIE: "credits,release_dates",
    MediaKind.SERIES: "credits,content_ratings,external_ids",
}


@dataclass(frozen=True, slots=True)
class TmdbSettings:
    api_key: str = setting(help="your TMDB API key (v3)", secret=True)
    url: str = setting(
        help="API base URL (for a proxy or a test server)",
        default="https://api.themoviedb.org/3",
        parse=declare.http_url,
    )


class TmdbProvider:
    """The Movie Database, v3 API. Answers are cached for a day when a cache is injected."""

    name = "tmdb"
    kinds = frozenset({MediaKind.MOVIE, MediaKind.SERIES})
    kind = "tmdb"
    category = "provider"
    protocols = ()
    Settings = TmdbSettings
    policy = HttpPolicy(rate=(40, 10.0))  # the budget TMDB publishes

    @classmethod
    def build(
        cls, name: str, settings: TmdbSettings, http: HttpService, cache: Cache
    ) -> TmdbProvider:
        return cls(http, api_key=settings.api_key, cache=cache, base_url=settings.url)

    def __init__(
        self,
        http: HttpService,
        *,
        api_key: str,
        cache: Cache | None = None,
        language: str = "en-US",
        region: str = "US",
        base_url: str = "https://api.themoviedb.org/3",
    ) -> None:
        self._http = http
        self._api_key = api_key
        self._cache = cache
        self._language = language
        self._region = region
        self._base_url = base_url.rstrip("/")
        self._image_base: str | None = None

    def __repr__(self) -> str:
        return f"TmdbProvider(base_url={self._base_url!r})"

    # -- public API -------------------------------------------------------------------------

    async def search(self, query: str, kind: MediaKind, *, year: int | None = None) -> list[Media]:
        """Titles matching `query`; `year` narrows to the release (movie) or first-air year."""
        path_kind = self._path_kind(kind)
        params: dict[str, Any] = {"query": query, "include_adult": "false", "page": 1}
        if kind is MediaKind.MOVIE:
            params["region"] = self._region
        if year is not None:
            movie = kind is MediaKind.MOVIE
            params["primary_release_year" if movie else "first_air_date_year"] = year
        body = await self._get(f"/search/{path_kind}", params)
        return await self._media_list(body, kind)

    async def details(self, media: Media) -> MediaDetails:
        """Everything for one title, with credits and the region's certification."""
        path_kind = self._path_kind(media.kind)
        tmdb_id = wire.tmdb_id(media)
        body = await self._get(
            f"/{path_kind}/{tmdb_id}", {"append_to_response": _APPEND[media.kind]}
        )
        base = await self.image_base()
        found = wire.media(body, media.kind, base)
        if found is None:
            raise errors.BadResponse("tmdb: details without id or title", service=self.name)
        return MediaDetails(
            media=found,
            genres=wire.genres(body),
            runtime=wire.runtime(body),
            certification=self._certification(body, media.kind),
            cast=wire.cast(body),
            crew=wire.crew(body),
            seasons=wire.seasons(body) if media.kind is MediaKind.SERIES else (),
            status=wire.text(body.get("status")) or None,
            backdrop_url=wire.image_url(base, wire.BACKDROP_SIZE, body.get("backdrop_path")),
        )

    async def season(self, tv_id: str, number: int) -> Season:
        """One season of a series with its episodes."""
        if not wire.ID.match(tv_id) or number < 0:
            raise errors.NotFound(f"tmdb: no season {number} of {tv_id!r}", service=self.name)
        body = await self._get(f"/tv/{tv_id}/season/{number}", {})
        season = wire.season(body)
        if season is None:
            raise errors.BadResponse("tmdb: season without a number", service=self.name)
        episodes = wire.episodes(body.get("episodes"), season.number)
        return Season(
            number=season.number,
            name=season.name,
            episodes=episodes,
            air_date=season.air_date,
            episode_count=len(episodes),
        )

    async def trending(self, kind: MediaKind, window: str = "week") -> list[Media]:
        """What TMDB sees trending over the last day or week."""
        if window not in WINDOWS:
            raise errors.UserError(f"tmdb: unknown trending window {window!r}", window=window)
        body = await self._get(f"/trending/{self._path_kind(kind)}/{window}", {})
        return await self._media_list(body, kind)

    async def popular(self, kind: MediaKind) -> list[Media]:
        """TMDB's popular list for the kind (movies for the configured region)."""
        params = {"region": self._region} if kind is MediaKind.MOVIE else {}
        body = await self._get(f"/{self._path_kind(kind)}/popular", params)
        return await self._media_list(body, kind)

    async def image_base(self) -> str:
        """The secure image base URL from /configuration, fetched once (and cached a day)."""
        if self._image_base is None:
            body = await self._get("/configuration", {}, localized=False)
            self._image_base = wire.image_base(body)
        return self._image_base

    async def test(self) -> None:
        """Check the key with a live, uncached call; AuthFailed when TMDB refuses it."""
        body = await self._get("/configuration", {}, localized=False, cached=False)
        self._image_base = wire.image_base(body)

    async def aclose(self) -> None:
        """Close the HttpService: the composition root builds one per provider."""
        await self._http.aclose()

    # -- transport --------------------------------------------------------------------------

    async def _get(
        self,
        path: str,
        params: Mapping[str, Any],
        *,
        localized: bool = True,
        cached: bool = True,
    ) -> dict[str, Any]:
        """GET a TMDB path as a JSON object, through the cache when there is one."""
        query = {"language": self._language, **params} if localized else dict(params)
        key = wire.cache_key(path, query)
        if cached and self._cache is not None:
            hit = await self._cache.get(key)
            if hit is not None:
                try:
                    return wire.object_of(json.loads(hit, parse_constant=wire.reject), self.name)
                except (ValueError, RecursionError, errors.BadResponse):
                    pass  # a damaged entry is refetched and overwritten below
        response = await self._http.get(
            self._base_url + path, params=self._auth_params(query), headers=self._auth_headers()
        )
        body = self._checked(response)
        if self._cache is not None:
            await self._cache.set(key, response.text, CACHE_TTL)
        return body

    def _auth_params(self, query: dict[str, Any]) -> dict[str, Any]:
        return query if self._bearer else {**query, "api_key": self._api_key}

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"} if self._bearer else {}

    @property
    def _bearer(self) -> bool:
        # v4 read access tokens are JWTs (base64 of '{"alg"...' starts "eyJ"); v3 keys are hex.
        return self._api_key.startswith("eyJ")

    def _checked(self, response: HttpResponse) -> dict[str, Any]:
        """Map TMDB's refusals to our errors; return the parsed body of a success."""
        if response.status == 401:
            raise errors.AuthFailed(
                f"tmdb: key refused (HTTP 401) by {response.url}",
                service=self.name,
                status_code=wire.status_code(response),
            )
        if response.status == 404:
            raise errors.NotFound(
                f"tmdb: nothing at {response.url}",
                service=self.name,
                status_code=wire.status_code(response),
            )
        raise_for_status(response, self.name)
        return wire.object_of(response.json(), self.name)

    # -- mapping helpers that need configuration --------------------------------------------

    def _path_kind(self, kind: MediaKind) -> str:
        path_kind = _PATH_KIND.get(kind)
        if path_kind is None:
            raise errors.UserError(
                f"tmdb does not serve {kind}",
                key="error.unknown_kind",
                category=self.name,
                kind=kind.value,
                known=", ".join(sorted(k.value for k in self.kinds)),
            )
        return path_kind

    async def _media_list(self, body: Mapping[str, Any], kind: MediaKind) -> list[Media]:
        base = await self.image_base()
        results = body.get("results")
        if not isinstance(results, list):
            raise errors.BadResponse("tmdb: answer without results", service=self.name)
        found = (wire.media(item, kind, base) for item in results if isinstance(item, dict))
        return [media for media in found if media is not None]

    def _certification(self, body: Mapping[str, Any], kind: MediaKind) -> str | None:
        if kind is MediaKind.MOVIE:
            return wire.movie_certification(body.get("release_dates"), self._region)
        return wire.tv_rating(body.get("content_ratings"), self._region)
