"""Torznab/Newznab indexer adapter: caps, mode-aware search, hostile-feed-proof parsing, fetch."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.etree.ElementTree import Element

from adapters.indexers.torznab import xmldoc
from adapters.indexers.torznab.caps import audiobook_only, parse_caps
from adapters.indexers.torznab.feed import FeedContext, parse_feed, releases_from
from adapters.indexers.torznab.fetching import FETCH_MAX_BYTES, fetch_file
from adapters.indexers.torznab.query import search_params
from core import declare, errors
from core.declare import setting
from core.domain import Capabilities, MediaKind, Protocol, Release, SearchQuery
from core.http import HttpPolicy, HttpService, raise_for_status
from core.ports import Cache

__all__ = [
    "FETCH_MAX_BYTES",
    "NewznabIndexer",
    "TorznabIndexer",
    "TorznabSettings",
    "parse_feed",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TorznabSettings:
    url: str = setting(help="the indexer's Torznab/Newznab address", parse=declare.http_url)
    api_key: str | None = setting(help="the indexer's API key", default=None, secret=True)
    rate: tuple[float, float] | None = setting(
        help="request budget, e.g. 10/60 for 10 per minute", default=None, parse=declare.rate
    )
    timeout: float = setting(
        help="seconds one search may take", default=20.0, parse=declare.positive
    )


class TorznabIndexer:
    """One Torznab (torrent) or Newznab (usenet) indexer behind an injected `HttpService`."""

    kind = "torznab"
    category = "indexer"
    protocols: tuple[Protocol, ...] = (Protocol.TORRENT,)
    Settings = TorznabSettings
    policy = HttpPolicy(deadline=20.0, retries=1)  # `rate` and `timeout` settings override it

    @classmethod
    def build(
        cls, name: str, settings: TorznabSettings, http: HttpService, cache: Cache
    ) -> TorznabIndexer:
        return cls(name, settings.url, http, api_key=settings.api_key, protocol=cls.protocols[0])

    def __init__(
        self,
        name: str,
        url: str,
        http: HttpService,
        *,
        api_key: str | None = None,
        protocol: Protocol = Protocol.TORRENT,
        categories: Mapping[MediaKind, tuple[int, ...]] | None = None,
        api_path: str = "/api",
    ) -> None:
        self.name = name
        self.protocol = protocol
        self.http = http
        self._url = url
        self._api_key = api_key
        self._categories = categories
        self._api_path = api_path
        self._caps: Capabilities | None = None
        self._secret_told = False

    def __repr__(self) -> str:
        return f"TorznabIndexer({self.name!r})"

    async def capabilities(self) -> Capabilities:
        """t=caps, asked once per instance."""
        if self._caps is None:
            root = await self._call({"t": "caps"})
            if root.tag != "caps":
                raise errors.BadResponse(
                    f"{self.name}: t=caps did not answer with <caps>", service=self.name
                )
            self._caps = parse_caps(root)
        return self._caps

    async def search(self, query: SearchQuery) -> list[Release]:
        caps = await self.capabilities()
        root = await self._call(search_params(query, caps, self._categories))
        releases = releases_from(root, FeedContext(self.name, self.base_url, self.protocol))
        releases = [r for r in releases if not audiobook_only(query.kind, r.categories)]
        releases = [self._keyless(r) for r in releases]
        log.debug("%s: %d releases", self.name, len(releases))
        return releases

    async def fetch(self, url: str) -> bytes:
        """The .torrent/.nzb behind a release's download URL (10 MiB at most)."""
        self._tell_secret()
        host = urlsplit(self.base_url).hostname or ""
        return await fetch_file(self.http, self._keyed(url), trusted_host=host, service=self.name)

    async def aclose(self) -> None:
        """Nothing to close: the HttpService belongs to whoever built it."""

    @property
    def base_url(self) -> str:
        """The indexer URL without its API path, ending in '/' (relative links resolve here)."""
        scheme, netloc, path = _split(self._url)
        api = "/" + self._api_path.strip("/")
        base = path[: -len(api)] if path.endswith(api) else path
        return urlunsplit((scheme, netloc, base + "/", "", ""))

    @property
    def api_url(self) -> str:
        return self.base_url.rstrip("/") + "/" + self._api_path.strip("/")

    async def _call(self, params: Mapping[str, str]) -> Element:
        self._tell_secret()
        query = {**params, "apikey": self._api_key} if self._api_key else dict(params)
        response = await self.http.get(self.api_url, params=query)
        body = xmldoc.clean(response.content)
        # An <error> document explains a 4xx/5xx better than its status does.
        if response.status >= 400 and not xmldoc.is_error_document(body):
            raise_for_status(response, self.name)
        return xmldoc.answer(body, response.content_type, self.name, self.http.redact)

    def _keyless(self, release: Release) -> Release:
        """Prowlarr and Newznab write `apikey=KEY` into their own links: taken out, so that a
        found release (kept in the store) never holds the key; `fetch` puts it back."""
        if not self._api_key:
            return release
        key = self._api_key
        guid = _without_key(release.guid, key) or hashlib.sha256(release.guid.encode()).hexdigest()
        return dataclasses.replace(
            release,
            guid=guid,
            download_url=_without_key(release.download_url, key),
            info_url=_without_key(release.info_url, key),
        )

    def _keyed(self, url: str) -> str:
        """A link to the indexer's own host gets the key back (see `_keyless`)."""
        try:
            parts = urlsplit(url.strip())
            own = urlsplit(self.base_url)
        except ValueError:  # a malformed link: `fetch_file` says so, without the key
            return url
        if not self._api_key or (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
            return url
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if any(k.lower() == "apikey" for k, _ in pairs):
            return url
        return urlunsplit(parts._replace(query=urlencode([*pairs, ("apikey", self._api_key)])))

    def _tell_secret(self) -> None:
        # The composition root registers it too; this keeps a hand-built HttpService safe.
        if self._api_key and not self._secret_told:
            self.http.add_secret(self._api_key)
            self._secret_told = True


def _without_key(url: str | None, key: str) -> str | None:
    if not url or key not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not (k.lower() == "apikey" and v == key)]
    cleaned = urlunsplit(parts._replace(query=urlencode(kept)))
    return cleaned if key not in cleaned else None  # the key elsewhere in it: not kept at all


def _split(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url.strip())
    return parts.scheme or "http", parts.netloc, parts.path.rstrip("/")


class NewznabIndexer(TorznabIndexer):
    """The same protocol for usenet: only the kind and what its releases are differ."""

    kind = "newznab"
    protocols = (Protocol.USENET,)
