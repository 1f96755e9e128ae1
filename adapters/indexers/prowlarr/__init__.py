"""Prowlarr adapter: its v1 API (indexers, aggregate search, stats) behind `X-Api-Key`.

Prowlarr manages the household's indexers. Outpost mirrors each of them (see
`core.services.managed`) and searches it through Prowlarr's own Torznab/Newznab endpoint,
`{prowlarr}/{id}/api`; the aggregate `/api/v1/search` here is the fallback when those cannot be
reached. The key travels only in the `X-Api-Key` header, never in a query string, and the
`apikey` Prowlarr writes into its download links is taken out before a link leaves here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from adapters.indexers.prowlarr import wire
from core import declare, errors
from core.declare import setting
from core.domain import (
    Capabilities,
    IndexerStats,
    ManagedIndexer,
    MediaKind,
    Protocol,
    Release,
    SearchQuery,
)
from core.http import HttpPolicy, HttpResponse, HttpService, raise_for_status
from core.ports import Cache

__all__ = ["ProwlarrIndexer", "ProwlarrSettings"]

log = logging.getLogger(__name__)

# Newznab's standard parents, which Prowlarr's aggregate search takes as `categories`.
_KINDS: dict[MediaKind, tuple[int, ...]] = {
    MediaKind.MOVIE: (2000,),
    MediaKind.SERIES: (5000,),
    MediaKind.MUSIC: (3000,),
    MediaKind.BOOK: (7000,),
    MediaKind.AUDIOBOOK: (3030,),
    MediaKind.ANIME: (5070,),
}
_TYPES = {MediaKind.MOVIE: "movie", MediaKind.SERIES: "tvsearch", MediaKind.ANIME: "tvsearch"}
_FILE_MAX = 10 * 1024 * 1024  # a .torrent or .nzb, as the Torznab adapter allows
_TYPES |= {MediaKind.MUSIC: "music", MediaKind.BOOK: "book", MediaKind.AUDIOBOOK: "book"}


@dataclass(frozen=True, slots=True)
class ProwlarrSettings:
    url: str = setting(help="Prowlarr's address, e.g. http://host:9696", parse=declare.http_url)
    api_key: str = setting(help="Prowlarr's API key (Settings → General)", secret=True)
    timeout: float = setting(
        help="seconds one search may take", default=20.0, parse=declare.positive
    )


class ProwlarrIndexer:
    """Prowlarr itself: the manager of mirrored indexers and their aggregate search."""

    kind = "prowlarr"
    category = "indexer"
    protocols: tuple[Protocol, ...] = (Protocol.TORRENT, Protocol.USENET)
    Settings = ProwlarrSettings
    policy = HttpPolicy(deadline=20.0, retries=1)

    @classmethod
    def build(
        cls, name: str, settings: ProwlarrSettings, http: HttpService, cache: Cache
    ) -> ProwlarrIndexer:
        return cls(name, settings.url, settings.api_key, http)

    def __init__(self, name: str, url: str, api_key: str, http: HttpService) -> None:
        self.name = name
        self.protocol = Protocol.TORRENT  # each release says its own
        self.http = http
        self._base = url.strip().rstrip("/")
        self._key = api_key
        http.add_secret(api_key)

    def __repr__(self) -> str:
        return f"ProwlarrIndexer({self.name!r})"

    async def capabilities(self) -> Capabilities:
        """The connection test too: the indexer list answers only to the right key."""
        listed = await self.managed()
        categories = frozenset(c for i in listed if i.enabled for c in i.categories)
        kinds = {k: ids for k, ids in _KINDS.items() if not categories or _serves(categories, ids)}
        return Capabilities(modes={"search": ("q",)}, kinds=kinds)

    async def managed(self) -> list[ManagedIndexer]:
        """`GET /api/v1/indexer`: the indexers Prowlarr holds; a malformed entry is dropped."""
        answer = await self._json("/api/v1/indexer")
        return wire.indexers(answer, self._base, self.name)

    async def stats(self) -> list[IndexerStats]:
        """`GET /api/v1/indexerstats`: per indexer queries, grabs, failures, response time."""
        return wire.stats(await self._json("/api/v1/indexerstats"), self.name)

    async def search(self, query: SearchQuery) -> list[Release]:
        """`GET /api/v1/search`: every indexer of Prowlarr at once (the fallback)."""
        categories = query.categories or (_KINDS.get(query.kind, ()) if query.kind else ())
        params: dict[str, Any] = {
            "query": wire.text_of(query),
            "type": _TYPES.get(query.kind, "search") if query.kind else "search",
            "categories": [str(c) for c in categories],  # repeated, as Prowlarr's UI sends it
        }
        answer = await self._json("/api/v1/search", params)
        releases = wire.releases(answer, self.name, _strip_key)
        log.debug("%s: %d releases from the aggregate search", self.name, len(releases))
        return releases

    async def fetch(self, url: str) -> bytes:
        """A release file from Prowlarr itself (its download links); another host is refused,
        and Prowlarr's redirect to a magnet is handed back for the client."""
        scheme = _origin(url)[0]
        if scheme not in ("http", "https"):
            raise errors.UserError(
                f"{self.name}: only http(s) links can be fetched, not {scheme[:20]!r}",
                key="error.url_not_allowed",
                service=self.name,
                scheme=scheme[:20],
            )
        if _origin(url) != _origin(self._base):
            raise errors.UserError(
                f"{self.name}: a link to another host is not fetched",
                key="error.link_foreign_host",
                service=self.name,
            )
        response = await self.http.get(url, headers=self._headers(), max_bytes=_FILE_MAX)
        location = str(response.headers.get("location", "")).strip()
        if 300 <= response.status < 400 and location.lower().startswith("magnet:"):
            raise errors.UserError(
                f"{self.name}: a magnet link is handed to the client, not fetched",
                key="error.magnet_not_fetchable",
                magnet=location,
            )
        _raise_for(response, self.name)
        if response.status >= 300:
            raise errors.BadResponse(f"{self.name}: no file behind the link", service=self.name)
        return response.content

    async def aclose(self) -> None:
        """Nothing to close: the HttpService belongs to whoever built it."""

    async def _json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        response = await self.http.get(self._base + path, params=params, headers=self._headers())
        _raise_for(response, self.name)
        if response.content_type == "text/html":  # a sign-in page of a proxy in front of it
            raise errors.Unavailable(
                f"{self.name}: got a web page instead of Prowlarr's API", service=self.name
            )
        return response.json()

    def _headers(self) -> dict[str, str]:
        return {"X-Api-Key": self._key, "Accept": "application/json"}


def _raise_for(response: HttpResponse, service: str) -> None:
    if response.status == 401:  # Prowlarr's answer to a wrong or missing key
        raise errors.AuthFailed(f"{service}: Prowlarr refused the API key", service=service)
    raise_for_status(response, service)


def _serves(listed: frozenset[int], wanted: tuple[int, ...]) -> bool:
    return any(c == w or (c // 1000 == w // 1000 and w % 1000 == 0) for c in listed for w in wanted)


def _origin(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # a malformed link is nobody's origin
        return "", ""
    return parts.scheme.lower(), parts.netloc.lower()


def _strip_key(url: str | None) -> str | None:
    """A Prowlarr download link without the `apikey` it writes into it (the header carries it)."""
    if not url:
        return url
    parts = urlsplit(url)
    kept = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() != "apikey"
    ]
    return urlunsplit(parts._replace(query=urlencode(kept)))
