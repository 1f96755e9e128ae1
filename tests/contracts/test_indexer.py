"""The Indexer contract, run against every indexer adapter on a local server speaking its protocol.

A new adapter (Prowlarr, MyAnonamouse ...) joins with one factory that starts its server with
captured answers and says what to expect, and one line naming it in `RIGS`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
)
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.indexers.myanonamouse import MyAnonamouseIndexer
from adapters.indexers.prowlarr import ProwlarrIndexer
from adapters.indexers.torznab import TorznabIndexer
from core import errors
from core.domain import MediaKind, Protocol, SearchQuery
from core.http import HttpPolicy, HttpService
from core.ports import Indexer
from tests.support.localserver import LocalServer, Request, Response
from tests.support.mam_server import MamServer, fixture
from tests.support.torznab_server import DEFAULT_CAPS, error_xml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "indexers"
PROWLARR = FIXTURES.parent / "prowlarr"
KEY = "contract-key-5Jq8Wz"
WRONG = "wrong-key-Pv3nR7"
FAST = HttpPolicy(connect_timeout=2.0, read_timeout=2.0, deadline=5.0, retries=0)
FILE = b"d8:announce0:e"  # the bytes behind a release link: fetch returns them as they are
WEB_PAGE = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>"

MakeIndexer = Callable[[str], AbstractAsyncContextManager[Indexer]]


class CapturedIndexer:
    """Answers `/api` from captured documents and checks the key; records what it was sent."""

    def __init__(self, caps: bytes, feed: bytes, refused: bytes) -> None:
        self.caps, self.feed, self.refused = caps, feed, refused
        self.web_page = False  # answer everything with a sign-in page, as a proxy in front might
        self.server = LocalServer(self._handle)

    def _handle(self, request: Request) -> Response:
        if self.web_page:
            return Response(200, WEB_PAGE, {"Content-Type": "text/html; charset=utf-8"})
        if request.path == "/dl/release":
            return Response(200, FILE, {"Content-Type": "application/x-bittorrent"})
        if not request.path.endswith("/api"):
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        if request.arg("apikey") != KEY:
            return Response(200, self.refused, {"Content-Type": "application/xml"})
        body = self.caps if request.arg("t") == "caps" else self.feed
        return Response(200, body, {"Content-Type": "application/xml; charset=utf-8"})

    def sent(self) -> list[dict[str, str]]:
        """The parameters of every search call, one value per name, without the key."""
        return [
            {k: v[0] for k, v in r.query.items() if k != "apikey"}
            for r in self.server.requests
            if r.path.endswith("/api") and r.arg("t") != "caps"
        ]


@dataclass
class Rig:
    """One adapter on its server, and what the contract expects it to say and send."""

    make: MakeIndexer  # an indexer using the given api key
    server: CapturedIndexer | CapturedProwlarr | MamServer  # `.sent()`, `.web_page`
    protocol: Protocol
    kinds: Mapping[MediaKind, tuple[int, ...]]  # read from its caps
    by_text: tuple[SearchQuery, dict[str, str]]  # a search by words, and the parameters sent
    by_ids: tuple[SearchQuery, dict[str, str]]  # a search by ids, and the parameters sent


def _maker(url: str, protocol: Protocol) -> MakeIndexer:
    @asynccontextmanager
    async def make(api_key: str) -> AsyncIterator[Indexer]:
        async with HttpService("contract", FAST, secrets=[api_key]) as http:
            yield TorznabIndexer("contract", url, http, api_key=api_key, protocol=protocol)

    return make


@contextmanager
def torznab() -> Iterator[Rig]:
    feed = (FIXTURES / "torznab/sonarr/torznab_tpb.xml").read_bytes()
    refused = error_xml(100, "Incorrect user credentials").encode()
    server = CapturedIndexer(DEFAULT_CAPS.encode(), feed, refused)
    with server.server:
        yield Rig(
            make=_maker(server.server.url, Protocol.TORRENT),
            server=server,
            protocol=Protocol.TORRENT,
            kinds={
                MediaKind.MOVIE: (2000,),
                MediaKind.SERIES: (5000,),
                MediaKind.MUSIC: (3000,),
                MediaKind.BOOK: (7000,),
                MediaKind.AUDIOBOOK: (3030,),
                MediaKind.ANIME: (5070,),  # its caps list TV/Anime
            },
            by_text=(
                SearchQuery(text="Series Title", kind=MediaKind.SERIES, season=5),
                {"t": "tvsearch", "q": "Series Title", "season": "5", "cat": "5000"}
                | {"extended": "1"},
            ),
            by_ids=(
                SearchQuery(text="Dune", kind=MediaKind.MOVIE, imdb_id="tt1160419"),
                {"t": "movie", "imdbid": "1160419", "cat": "2000", "extended": "1"},
            ),
        )


@contextmanager
def newznab() -> Iterator[Rig]:
    caps = (FIXTURES / "newznab/nzbhydra2/nzbFinderCapsResponse.xml").read_bytes()
    feed = (FIXTURES / "newznab/sonarr/newznab_nzb_su.xml").read_bytes()
    refused = (FIXTURES / "newznab/sonarr/unauthorized.xml").read_bytes()
    server = CapturedIndexer(caps, feed, refused)
    with server.server:
        yield Rig(
            make=_maker(server.server.url + "/api", Protocol.USENET),
            server=server,
            protocol=Protocol.USENET,
            kinds={
                MediaKind.MOVIE: (2000,),
                MediaKind.SERIES: (5000,),
                MediaKind.MUSIC: (3000,),
                MediaKind.BOOK: (7000,),
                MediaKind.AUDIOBOOK: (3030,),
                MediaKind.ANIME: (5070,),  # its caps list TV/Anime
            },
            by_text=(
                SearchQuery(text="White Collar", kind=MediaKind.SERIES, season=3, episode=5),
                {"t": "tvsearch", "q": "White Collar", "season": "3", "ep": "5", "cat": "5000"}
                | {"extended": "1"},
            ),
            by_ids=(
                SearchQuery(
                    text="White Collar", kind=MediaKind.SERIES, tvdb_id=108611, season=3, episode=5
                ),
                {"t": "tvsearch", "tvdbid": "108611", "season": "3", "ep": "5", "cat": "5000"}
                | {"extended": "1"},
            ),
        )


class CapturedProwlarr:
    """Prowlarr's v1 API from tests/fixtures/prowlarr, behind `X-Api-Key` (401 otherwise)."""

    def __init__(self) -> None:
        self.web_page = False
        self.server = LocalServer(self._handle)

    def _handle(self, request: Request) -> Response:
        if self.web_page:
            return Response(200, WEB_PAGE, {"Content-Type": "text/html; charset=utf-8"})
        if request.path == "/dl/release":
            return Response(200, FILE, {"Content-Type": "application/x-bittorrent"})
        if request.headers.get("x-api-key") != KEY:
            return Response(401, b"", {"Content-Type": "text/plain"})
        name = {"/api/v1/indexer": "indexers.json", "/api/v1/search": "search.json"}
        if request.path not in name:
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        body = (PROWLARR / name[request.path]).read_text().replace("PROWLARR", self.server.url)
        return Response(200, body, {"Content-Type": "application/json; charset=utf-8"})

    def sent(self) -> list[dict[str, str]]:
        return [
            {k: ",".join(v) for k, v in r.query.items()}
            for r in self.server.requests
            if r.path == "/api/v1/search"
        ]


@contextmanager
def prowlarr() -> Iterator[Rig]:
    server = CapturedProwlarr()

    @asynccontextmanager
    async def make(api_key: str) -> AsyncIterator[Indexer]:
        async with HttpService("contract", FAST, secrets=[api_key]) as http:
            yield ProwlarrIndexer("contract", server.server.url, api_key, http)

    with server.server:
        yield Rig(
            make=make,
            server=server,
            protocol=Protocol.TORRENT,  # each release says its own
            kinds={  # the categories its indexers list (tests/fixtures/prowlarr/indexers.json)
                MediaKind.MOVIE: (2000,),
                MediaKind.SERIES: (5000,),
                MediaKind.BOOK: (7000,),
                MediaKind.ANIME: (5070,),
            },
            by_text=(
                SearchQuery(text="Series Title", kind=MediaKind.SERIES, season=5),
                {"query": "Series Title S05", "type": "tvsearch", "categories": "5000"},
            ),
            by_ids=(  # the aggregate search is the fallback: it takes words, not ids
                SearchQuery(text="Dune", kind=MediaKind.MOVIE, imdb_id="tt1160419"),
                {"query": "Dune", "type": "movie", "categories": "2000"},
            ),
        )


def _mam_search(text: str, category: str) -> dict[str, str]:
    return {
        "tor[text]": text,
        "tor[srchIn][title]": "true",
        "tor[srchIn][author]": "true",
        "tor[srchIn][series]": "true",
        "tor[srchIn][narrator]": "true",
        "tor[searchType]": "all",
        "tor[searchIn]": "torrents",
        "tor[sortType]": "default",
        "tor[startNumber]": "0",
        "tor[main_cat][]": category,
        "perpage": "100",
    }


@contextmanager
def myanonamouse() -> Iterator[Rig]:
    """MAM's JSON API; its "key" is the mam_id cookie, its ids are none: a book is asked for
    by author and title."""
    server = MamServer(mam_id=KEY)
    server.raw_search = fixture("search.json")
    server.files["/dl/release"] = (FILE, "application/x-bittorrent")

    @asynccontextmanager
    async def make(mam_id: str) -> AsyncIterator[Indexer]:
        async with HttpService("contract", FAST, secrets=[mam_id]) as http:
            yield MyAnonamouseIndexer("contract", server.url, http, mam_id=mam_id)

    with server:
        yield Rig(
            make=make,
            server=server,
            protocol=Protocol.TORRENT,
            kinds={MediaKind.AUDIOBOOK: (13,), MediaKind.BOOK: (14,)},
            by_text=(
                SearchQuery(text="Love at Stake", kind=MediaKind.AUDIOBOOK),
                _mam_search("Love at Stake", "13"),
            ),
            by_ids=(
                SearchQuery(
                    kind=MediaKind.BOOK, author="Patrick Rothfuss", title="Name of the Wind"
                ),
                _mam_search("Patrick Rothfuss Name of the Wind", "14"),
            ),
        )


RIGS: dict[str, Callable[[], AbstractContextManager[Rig]]] = {
    "torznab": torznab,
    "newznab": newznab,
    "prowlarr": prowlarr,
    "myanonamouse": myanonamouse,
}


@pytest.fixture(params=list(RIGS))
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    with RIGS[request.param]() as built:
        yield built


async def test_caps_name_the_kinds_served_and_their_categories(rig: Rig) -> None:
    async with rig.make(KEY) as indexer:
        caps = await indexer.capabilities()
    assert dict(caps.kinds) == dict(rig.kinds)
    assert indexer.protocol is rig.protocol


@pytest.mark.parametrize("way", ["by_text", "by_ids"])
async def test_search_sends_the_mode_and_parameters_and_returns_releases(
    rig: Rig, way: str
) -> None:
    query, expected = getattr(rig, way)
    async with rig.make(KEY) as indexer:
        releases = await indexer.search(query)
    assert rig.server.sent() == [expected]
    assert releases, "the captured feed has items"
    for release in releases:
        assert (release.indexer, release.protocol) == (indexer.name, rig.protocol)
        assert release.title and release.guid
        assert release.download_url or release.magnet_url


async def test_a_refused_key_is_auth_failed_and_the_text_keeps_no_key(rig: Rig) -> None:
    async with rig.make(WRONG) as indexer:
        with pytest.raises(errors.AuthFailed) as caught:
            await indexer.capabilities()
    assert WRONG not in str(caught.value) and WRONG not in repr(caught.value.params)
    assert caught.value.key.startswith("error.")


async def test_a_web_page_instead_of_xml_is_unavailable(rig: Rig) -> None:
    rig.server.web_page = True
    async with rig.make(KEY) as indexer:
        with pytest.raises(errors.Unavailable):
            await indexer.capabilities()


async def test_fetch_gets_the_file_and_refuses_other_schemes(rig: Rig) -> None:
    async with rig.make(KEY) as indexer:
        assert await indexer.fetch(rig.server.server.url + "/dl/release") == FILE
        for url in ("file:///etc/passwd", "gopher://127.0.0.1:70/_x", "ftp://127.0.0.1/x"):
            with pytest.raises(errors.UserError) as caught:
                await indexer.fetch(url)
            assert caught.value.key == "error.url_not_allowed"
