"""MyAnonamouse: a private ebook and audiobook tracker with its own JSON API and cookie login.

The `mam_id` (Preferences → Security) is sent only as the `mam_id` cookie. `/jsonLoad.php` is
the connection test (it names the user's class and ratio), `/tor/js/loadSearchJSONbasic.php`
the search (100 a page, paged by `tor[startNumber]`), `/tor/download.php?tid=ID` the file.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from adapters.indexers.myanonamouse.wire import AUDIOBOOKS, EBOOKS, releases_from
from core import declare, errors
from core.declare import setting
from core.domain import Capabilities, Category, MediaKind, Protocol, Release, SearchQuery
from core.http import HttpPolicy, HttpResponse, HttpService
from core.ports import Cache

__all__ = ["MyAnonamouseIndexer", "MyAnonamouseSettings"]

log = logging.getLogger(__name__)

PER_PAGE = 100  # the most MAM serves a page
FETCH_MAX_BYTES = 10 * 1024 * 1024
_CATEGORIES = {MediaKind.AUDIOBOOK: (AUDIOBOOKS,), MediaKind.BOOK: (EBOOKS,)}


@dataclass(frozen=True, slots=True)
class MyAnonamouseSettings:
    url: str = setting(
        help="MyAnonamouse's address, https://www.myanonamouse.net", parse=declare.http_url
    )
    mam_id: str = setting(
        help="the mam_id session of MyAnonamouse (Preferences → Security)", secret=True
    )
    seed_hours: float = setting(
        help="hours a grab must seed before Outpost may remove it from the client",
        default=72.0,
        parse=declare.positive,
    )
    pages: float = setting(
        help="pages of 100 results one search reads at most", default=3.0, parse=declare.positive
    )


class MyAnonamouseIndexer:
    """MAM behind an injected `HttpService`; serves audiobooks (13) and ebooks (14) only."""

    kind = "myanonamouse"
    category = "indexer"
    protocols: tuple[Protocol, ...] = (Protocol.TORRENT,)
    Settings = MyAnonamouseSettings
    # MAM asks for restraint: one call a second to its host from the whole process, a 429's
    # Retry-After waited out; a 403 (not logged in) is never retried.
    policy = HttpPolicy(deadline=20.0, retries=1, host_interval=1.0)

    @classmethod
    def build(
        cls, name: str, settings: MyAnonamouseSettings, http: HttpService, cache: Cache
    ) -> MyAnonamouseIndexer:
        return cls(
            name,
            settings.url,
            http,
            mam_id=settings.mam_id,
            seed_hours=settings.seed_hours,
            pages=int(settings.pages),
        )

    def __init__(
        self,
        name: str,
        url: str,
        http: HttpService,
        *,
        mam_id: str,
        seed_hours: float = 72.0,
        pages: int = 3,
    ) -> None:
        self.name = name
        self.protocol = Protocol.TORRENT
        self.http = http
        self.base_url = url.rstrip("/")
        self._mam_id = mam_id
        self.http.add_secret(mam_id)
        self.seed_seconds = seed_hours * 3600.0  # read by core's seed-time guard
        self._pages = max(1, pages)
        self._caps: Capabilities | None = None
        self.account: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"MyAnonamouseIndexer({self.name!r})"

    async def capabilities(self) -> Capabilities:
        """The connection test: `/jsonLoad.php` answers for a live session only."""
        if self._caps is None:
            await self.check()
            self._caps = Capabilities(
                modes={"search": ("q",), "book-search": ("q", "author", "title")},
                categories=(Category(AUDIOBOOKS, "AudioBooks"), Category(EBOOKS, "E-Books")),
                limit_max=PER_PAGE,
                limit_default=PER_PAGE,
                kinds=_CATEGORIES,
            )
        return self._caps

    async def check(self) -> dict[str, Any]:
        """The user's class and ratio, as `/jsonLoad.php` tells them (shown by `doctor`)."""
        response = await self._get("/jsonLoad.php", {})
        body = self._json(response)
        if not isinstance(body, Mapping) or not ({"uid", "username"} & body.keys()):
            raise self._logged_out()
        ratio = body.get("ratio")
        self.account = {
            "class": str(body.get("classname") or body.get("class") or "?")[:40],
            "ratio": ratio if isinstance(ratio, (int, float, str)) else "?",
        }
        return self.account

    async def search(self, query: SearchQuery) -> list[Release]:
        categories = query.categories or _CATEGORIES.get(query.kind or MediaKind.AUDIOBOOK, ())
        if query.kind is not None and query.kind not in _CATEGORIES:
            return []  # movies, series, music and anime are not MAM's
        text = query.text or " ".join(p for p in (query.author, query.title) if p)
        wanted = query.limit or PER_PAGE * self._pages
        releases: list[Release] = []
        start = 0
        for _ in range(self._pages):
            response = await self._get(
                "/tor/js/loadSearchJSONbasic.php", _search_params(text, categories, start)
            )
            body = self._json(response)
            page, found, dropped = releases_from(
                body, self.name, self.base_url, vip_user=self._vip_user
            )
            if dropped:
                log.info("%s: %d malformed items dropped", self.name, dropped)
            releases.extend(page)
            start += PER_PAGE
            if found is None or start >= found or len(releases) >= wanted:
                break
        log.debug("%s: %d releases", self.name, len(releases))
        return releases[:wanted]

    async def fetch(self, url: str) -> bytes:
        """The .torrent of `/tor/download.php?tid=ID`, from MAM's own host only (a link
        elsewhere would carry the session cookie to someone else)."""
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise errors.UserError(
                f"{self.name}: only http(s) links can be fetched, not {parts.scheme[:20]!r}",
                key="error.url_not_allowed",
                service=self.name,
                scheme=parts.scheme[:20],
            )
        own = urlsplit(self.base_url)
        if (parts.hostname, parts.port) != (own.hostname, own.port):
            raise errors.UserError(
                f"{self.name}: a link to another host than MyAnonamouse is not fetched",
                key="error.url_not_allowed",
                service=self.name,
                host=(parts.hostname or "")[:100],
            )
        response = await self.http.get(url, headers=self._cookie, max_bytes=FETCH_MAX_BYTES)
        self._raise_for(response)
        if response.content[:1] != b"d":  # a bencoded dictionary; MAM answers HTML otherwise
            raise self._logged_out()
        return response.content

    async def aclose(self) -> None:
        """Nothing to close: the HttpService belongs to whoever built it."""

    @property
    def _vip_user(self) -> bool:
        """VIP-freeleech torrents cost a VIP (and staff) nothing."""
        rank = str(self.account.get("class", "")).lower()
        return "vip" in rank or rank in (
            "uploader",
            "mouseketeer",
            "supporter",
            "moderator",
            "sysop",
        )

    @property
    def _cookie(self) -> dict[str, str]:
        return {"Cookie": f"mam_id={self._mam_id}"}

    async def _get(self, path: str, params: Mapping[str, Any]) -> HttpResponse:
        response = await self.http.get(self.base_url + path, params=params, headers=self._cookie)
        self._raise_for(response)
        return response

    def _raise_for(self, response: HttpResponse) -> None:
        # an expired session is a redirect to login.php (or a 403 on the JSON endpoints)
        if response.status in (401, 403) or 300 <= response.status < 400:
            raise self._logged_out()
        if response.status >= 400:
            raise errors.ProtocolMismatch(
                f"{self.name}: HTTP {response.status} from {response.url}",
                service=self.name,
                status=response.status,
            )

    def _json(self, response: HttpResponse) -> Any:
        text = response.text
        if "not logged in" in text[:500].lower():
            raise self._logged_out()
        try:
            return response.json()
        except (ValueError, errors.OutpostError):
            # a web page (a proxy's sign-in, a maintenance page): nothing to read, try later
            raise errors.Unavailable(
                f"{self.name}: got a web page instead of MyAnonamouse's JSON", service=self.name
            ) from None

    def _logged_out(self) -> errors.AuthFailed:
        return errors.AuthFailed(
            f"{self.name}: MyAnonamouse says not logged in (mam_id wrong or expired)",
            key="error.mam_logged_out",
            service=self.name,
        )


def _search_params(text: str, categories: tuple[int, ...], start: int) -> dict[str, Any]:
    params: dict[str, Any] = {
        "tor[text]": text,
        "tor[srchIn][title]": "true",
        "tor[srchIn][author]": "true",
        "tor[srchIn][series]": "true",
        "tor[srchIn][narrator]": "true",
        "tor[searchType]": "all",
        "tor[searchIn]": "torrents",
        "tor[sortType]": "default",
        "tor[startNumber]": str(start),
        "tor[main_cat][]": [str(c) for c in categories],
        "perpage": str(PER_PAGE),
    }
    return params
