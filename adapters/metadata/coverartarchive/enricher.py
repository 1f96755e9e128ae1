"""CoverArtArchiveEnricher: the front cover of a release group or release as Media.poster_url.

The archive answers a JSON listing of a release's images with thumbnails (250, 500, 1200 px);
404 means no cover. A 307 points at the Internet Archive, which stores the images; it is
followed only to the hosts allowed, a few hops at most.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from core import declare, errors
from core.declare import setting
from core.domain import Media, MediaKind
from core.http import HttpPolicy, HttpResponse, HttpService, raise_for_status
from core.ports import Cache

CACHE_TTL = 24 * 3600.0
PUBLIC_URL = "https://coverartarchive.org"
SIZES = ("250", "500", "1200")
MAX_HOPS = 3
_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# id scheme → the archive's path for it
_PATHS = {"musicbrainz": "release-group", "musicbrainz_release": "release"}
_HTTPS_HOSTS = ("coverartarchive.org", "archive.org")  # old listings say http://; both do https


def _size(value: Any) -> str:
    text = str(value).strip()
    if text not in SIZES:
        raise ValueError(f"not one of {', '.join(SIZES)}: {value!r}")
    return text


@dataclass(frozen=True, slots=True)
class CoverArtSettings:
    url: str = setting(
        help="API base URL (for a proxy or a test server)",
        default=PUBLIC_URL,
        parse=declare.http_url,
    )
    size: str = setting(
        help="thumbnail width for posters: 250, 500 or 1200", default="500", parse=_size
    )
    redirect_host: tuple[str, ...] = setting(
        help="a host (and its subdomains) the archive may redirect to (repeatable)",
        default=("archive.org",),
        many=True,
    )


class CoverArtArchiveEnricher:
    """Album covers from the Cover Art Archive, for titles that carry a MusicBrainz id."""

    schemes = frozenset(_PATHS)
    kind = "coverartarchive"
    category = "provider"
    protocols = ()
    Settings = CoverArtSettings
    policy = HttpPolicy(retries=2, deadline=20.0, max_bytes=1024 * 1024)

    @classmethod
    def build(
        cls, name: str, settings: CoverArtSettings, http: HttpService, cache: Cache
    ) -> CoverArtArchiveEnricher:
        return cls(
            http,
            cache=cache,
            base_url=settings.url,
            size=settings.size,
            redirect_hosts=settings.redirect_host,
            name=name,
        )

    def __init__(
        self,
        http: HttpService,
        *,
        cache: Cache | None = None,
        base_url: str = PUBLIC_URL,
        size: str = "500",
        redirect_hosts: tuple[str, ...] = ("archive.org",),
        name: str = "coverartarchive",
    ) -> None:
        self.name = name
        self._http = http
        self._cache = cache
        self.base_url = base_url.rstrip("/")
        self._size = size
        own = urlsplit(self.base_url).hostname or ""
        self._hosts = tuple(h.strip().lower().lstrip(".") for h in (own, *redirect_hosts) if h)

    def __repr__(self) -> str:
        return f"CoverArtArchiveEnricher(base_url={self.base_url!r})"

    async def enrich(self, media: Media) -> Media | None:
        """`media` with its front cover as poster; None when the archive has none."""
        if media.kind is not MediaKind.MUSIC:
            return None
        for scheme, path in _PATHS.items():
            mbid = media.ids.get(scheme)
            if isinstance(mbid, str) and _MBID.match(mbid):
                poster = await self.front(path, mbid)
                if poster is not None:
                    return dataclasses.replace(media, poster_url=poster)
        return None

    async def front(self, path: str, mbid: str) -> str | None:
        """The front image's thumbnail URL for a "release-group" or "release", cached a day."""
        key = f"coverartarchive:{path}/{mbid}:{self._size}"
        if self._cache is not None:
            hit = await self._cache.get(key)
            if hit is not None:
                try:
                    value = json.loads(hit).get("front")
                    return value if isinstance(value, str) or value is None else None
                except (ValueError, AttributeError):
                    pass  # a damaged entry is refetched
        found = await self._front(f"{self.base_url}/{path}/{mbid}/")
        if self._cache is not None:
            await self._cache.set(key, json.dumps({"front": found}), CACHE_TTL)
        return found

    async def test(self) -> None:
        """A live call: an unknown release group must answer the archive's 404, not a failure."""
        await self._front(
            f"{self.base_url}/release-group/{'0' * 8}-{'0' * 4}-{'0' * 4}-{'0' * 4}-{'0' * 12}/"
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _front(self, url: str) -> str | None:
        for _ in range(MAX_HOPS + 1):
            response = await self._http.get(url, headers={"Accept": "application/json"})
            if response.status in (301, 302, 303, 307, 308):
                url = self._redirect(response, url)
                continue
            if response.status in (400, 404):  # 400: the archive refuses a malformed MBID
                return None
            raise_for_status(response, self.name)
            return self._pick(response)
        raise errors.BadResponse(
            f"coverartarchive: more than {MAX_HOPS} redirects from {self.base_url}",
            service=self.name,
        )

    def _redirect(self, response: HttpResponse, url: str) -> str:
        target = urljoin(url, str(response.headers.get("location", "")))
        parts = urlsplit(target)
        host = (parts.hostname or "").lower()
        allowed = any(host == h or host.endswith("." + h) for h in self._hosts)
        if parts.scheme not in ("http", "https") or not allowed:
            raise errors.BadResponse(
                f"coverartarchive: redirect to a host not allowed ({host or 'none'})",
                service=self.name,
                key="error.bad_redirect",
                host=host[:100] or "?",
            )
        return target

    def _pick(self, response: HttpResponse) -> str | None:
        try:
            body = response.json()
        except errors.BadResponse as err:  # HttpResponse names no service
            raise errors.BadResponse(str(err), service=self.name, key=err.key) from None
        images = body.get("images") if isinstance(body, dict) else None
        if not isinstance(images, list):
            raise errors.BadResponse("coverartarchive: listing without images", service=self.name)
        fronts = [i for i in images if isinstance(i, dict) and i.get("front") is True]
        fronts.sort(key=lambda i: i.get("approved") is not True)  # approved ones first
        for image in fronts:
            url = self._image_url(image)
            if url is not None:
                return url
        return None

    def _image_url(self, image: dict[str, Any]) -> str | None:
        thumbs = image.get("thumbnails")
        thumbs = thumbs if isinstance(thumbs, dict) else {}
        named = {"250": "small", "500": "large"}.get(self._size, "")
        # the asked width, else the largest thumbnail (old listings name only small/large);
        # the original last: it can be tens of megabytes
        order = [self._size, named, "1200", "500", "large", "250", "small"]
        candidates = [thumbs.get(key) for key in order] + [image.get("image")]
        for value in candidates:
            if isinstance(value, str) and urlsplit(value).scheme in ("http", "https"):
                return _secure(value)
        return None


def _secure(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "http" and any(host == h or host.endswith("." + h) for h in _HTTPS_HOSTS):
        return "https" + url[len("http") :]
    return url
