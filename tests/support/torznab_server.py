"""A small Torznab indexer speaking the real protocol on loopback, for tests that need one.

    with TorznabFeed([FeedItem("Dune 2021 1080p", size=..., seeders=9, link="/f/dune.torrent")],
                     api_key="k") as feed:
        feed.serve_file("/f/dune.torrent", torrent_bytes)
        indexer = TorznabIndexer("fake", feed.url, http, api_key="k")

`/api` answers t=caps and the search modes (search, tvsearch, movie, music, book), filtering
items by the words of `q` and by `cat`; a wrong api key gets `<error code="100"/>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from tests.support.localserver import LocalServer, Request, Response

SEARCH_MODES = frozenset({"search", "tvsearch", "movie", "music", "book"})

DEFAULT_CAPS = """<?xml version="1.0" encoding="UTF-8"?>
<caps>
  <server version="1.0" title="Outpost test indexer"/>
  <limits max="100" default="50"/>
  <searching>
    <search available="yes" supportedParams="q"/>
    <tv-search available="yes" supportedParams="q,season,ep,tvdbid,imdbid"/>
    <movie-search available="yes" supportedParams="q,imdbid,tmdbid"/>
    <music-search available="yes" supportedParams="q,artist,album"/>
    <book-search available="yes" supportedParams="q,author,title"/>
  </searching>
  <categories>
    <category id="2000" name="Movies"><subcat id="2040" name="Movies/HD"/>
      <subcat id="2045" name="Movies/UHD"/></category>
    <category id="3000" name="Audio"><subcat id="3030" name="Audio/Audiobook"/>
      <subcat id="3040" name="Audio/Lossless"/></category>
    <category id="5000" name="TV"><subcat id="5040" name="TV/HD"/>
      <subcat id="5070" name="TV/Anime"/></category>
    <category id="7000" name="Books"><subcat id="7020" name="Books/EBook"/></category>
  </categories>
</caps>
"""

_RSS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:torznab="http://torznab.com/schemas/2015/feed">\n<channel>\n'
    "<title>Outpost test indexer</title>\n"
)


@dataclass(frozen=True)
class FeedItem:
    title: str
    size: int | None = None
    seeders: int | None = None
    link: str | None = None  # absolute, or a path on this server ("/files/x.torrent")
    infohash: str | None = None
    magnet: str | None = None
    category: int | tuple[int, ...] = 2000
    peers: int | None = None
    grabs: int | None = None
    pubdate: str = "Sat, 14 Mar 2015 17:10:42 +0000"
    downloadvolumefactor: float | None = None
    uploadvolumefactor: float | None = None
    imdbid: str | None = None
    guid: str | None = None
    enclosure: str = "application/x-bittorrent"  # "application/x-nzb" for a Newznab feed

    @property
    def categories(self) -> tuple[int, ...]:
        return (self.category,) if isinstance(self.category, int) else self.category


def error_xml(code: int, description: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<error code={quoteattr(str(code))} description={quoteattr(description)}/>\n"
    )


class TorznabFeed:
    """The fake indexer; `requests` records every request the server saw."""

    def __init__(
        self,
        items: Iterable[FeedItem] = (),
        caps: str | None = None,
        api_key: str | None = "test-api-key",
        *,
        delay: float = 0.0,
    ) -> None:
        self.items = list(items)
        self.caps = caps or DEFAULT_CAPS
        self.api_key = api_key
        self.delay = delay  # seconds before every answer
        self.retry_after: int | None = None  # set: searches get 429 with this Retry-After
        self.files: dict[str, tuple[bytes, str]] = {}
        self._server = LocalServer(self._handle)

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def api_url(self) -> str:
        return self._server.url + "/api"

    @property
    def requests(self) -> list[Request]:
        return self._server.requests

    @property
    def searches(self) -> list[Request]:
        return [r for r in self.requests if r.arg("t") in SEARCH_MODES]

    def serve_file(
        self, path: str, content: bytes, content_type: str = "application/x-bittorrent"
    ) -> str:
        """Serve `content` at `path`; returns its absolute URL."""
        self.files["/" + path.lstrip("/")] = (content, content_type)
        return self.url + "/" + path.lstrip("/")

    def start(self) -> TorznabFeed:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> TorznabFeed:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, request: Request) -> Response:
        answer = self._answer(request)
        answer.delay = self.delay
        return answer

    def _answer(self, request: Request) -> Response:
        if request.path in self.files:
            content, content_type = self.files[request.path]
            return Response(body=content, headers={"Content-Type": content_type})
        if request.path.rstrip("/") != "/api":
            return Response(404, "not found", {"Content-Type": "text/plain"})
        if self.api_key is not None and request.arg("apikey") != self.api_key:
            return _xml(error_xml(100, "Incorrect user credentials"))
        mode = request.arg("t")
        if mode in SEARCH_MODES and self.retry_after is not None:
            headers = {"Content-Type": "text/plain", "Retry-After": str(self.retry_after)}
            return Response(429, "Too Many Requests", headers)
        if mode == "caps":
            return _xml(self.caps)
        if mode in SEARCH_MODES:
            return _xml(self.rss(self._matching(request)), "application/rss+xml")
        return _xml(error_xml(202, "No such function"))

    def _matching(self, request: Request) -> list[FeedItem]:
        words = _words(request.arg("q") or "")
        cats = {int(c) for c in (request.arg("cat") or "").split(",") if c.strip().isdigit()}
        found = [
            item
            for item in self.items
            if words <= _words(item.title) and (not cats or _in_categories(item, cats))
        ]
        limit = request.arg("limit")
        return found[: int(limit)] if limit and limit.isdigit() else found

    def rss(self, items: Iterable[FeedItem]) -> str:
        body = "".join(self._item_xml(item) for item in items)
        return f"{_RSS_HEAD}{body}</channel>\n</rss>\n"

    def _item_xml(self, item: FeedItem) -> str:
        link = item.link or item.magnet or ""
        if link.startswith("/"):
            link = self.url + link
        guid = item.guid or link or item.title
        parts = [
            f"<item>\n<title>{escape(item.title)}</title>\n<guid>{escape(guid)}</guid>\n",
            f"<link>{escape(link)}</link>\n<pubDate>{escape(item.pubdate)}</pubDate>\n",
        ]
        if item.size is not None:
            parts.append(f"<size>{item.size}</size>\n")
        length = quoteattr(str(item.size or 0))
        parts.append(
            f"<enclosure url={quoteattr(link)} length={length} type={quoteattr(item.enclosure)}/>\n"
        )
        parts.extend(_attr("category", str(c)) for c in item.categories)
        parts.extend(_attr(name, value) for name, value in _optional_attrs(item))
        parts.append("</item>\n")
        return "".join(parts)


def _optional_attrs(item: FeedItem) -> list[tuple[str, str]]:
    pairs = [
        ("size", item.size),
        ("seeders", item.seeders),
        ("peers", item.peers),
        ("grabs", item.grabs),
        ("infohash", item.infohash),
        ("magneturl", item.magnet),
        ("downloadvolumefactor", item.downloadvolumefactor),
        ("uploadvolumefactor", item.uploadvolumefactor),
        ("imdbid", item.imdbid),
    ]
    return [(name, str(value)) for name, value in pairs if value is not None]


def _attr(name: str, value: str) -> str:
    return f"<torznab:attr name={quoteattr(name)} value={quoteattr(value)}/>\n"


def _xml(text: str, content_type: str = "application/xml") -> Response:
    return Response(body=text.encode(), headers={"Content-Type": f"{content_type}; charset=utf-8"})


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _in_categories(item: FeedItem, cats: set[int]) -> bool:
    return any(c in cats or (c // 1000) * 1000 in cats for c in item.categories)
