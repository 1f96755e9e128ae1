"""Loopback TMDB, Open Library, Audnexus and MusicBrainz servers answering captured JSON."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from adapters.metadata.audnexus import AudnexusProvider
from adapters.metadata.musicbrainz import MusicBrainzProvider
from adapters.metadata.openlibrary import OpenLibraryProvider
from adapters.metadata.tmdb import TmdbProvider
from core.http import HttpPolicy, HttpService
from tests.metadata import books
from tests.support.localserver import LocalServer, Request, Response
from tests.support.musicbrainz_server import FakeMusicBrainz

FIXTURES = Path(__file__).parent.parent / "fixtures" / "tmdb"
API_KEY = "5f0c1d2e3a4b5c6d7e8f90a1b2c3d4e5"  # shaped like a v3 key (32 hex); not a real key
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiI1ZjBjIn0.bm90LWEtcmVhbC1zaWduYXR1cmU"  # v4-shaped
JSON = {"Content-Type": "application/json;charset=utf-8"}

ROUTES = {
    "/3/configuration": "configuration.json",
    "/3/search/movie": "search_movie.json",
    "/3/search/tv": "search_tv.json",
    "/3/movie/550": "movie_550.json",
    "/3/tv/1396": "tv_1396.json",
    "/3/tv/1396/season/2": "tv_1396_season_2.json",
    "/3/trending/movie/week": "trending_movie_week.json",
    "/3/trending/tv/day": "trending_tv_day.json",
    "/3/movie/popular": "movie_popular.json",
    "/3/tv/popular": "tv_popular.json",
}


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


@dataclass
class FakeTmdb:
    """Routes on path like api.themoviedb.org/3; refuses a wrong key with TMDB's 401 body."""

    overrides: dict[str, Response] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        self.times.append(time.monotonic())
        if not _authorised(request):
            return Response(401, fixture_bytes("error_401.json"), JSON)
        if request.path in self.overrides:
            return self.overrides[request.path]
        name = ROUTES.get(request.path)
        if name is None:
            return Response(404, fixture_bytes("error_404.json"), JSON)
        return Response(200, fixture_bytes(name), JSON)


def _authorised(request: Request) -> bool:
    if "authorization" in request.headers:
        return request.headers["authorization"] == f"Bearer {TOKEN}"
    return request.arg("api_key") == API_KEY


class MemoryCache:
    """core.ports.Cache in memory, with a clock the test can move."""

    def __init__(self) -> None:
        self.now = 0.0
        self.entries: dict[str, tuple[str, float]] = {}
        self.ttls: list[float] = []

    async def get(self, key: str) -> str | None:
        entry = self.entries.get(key)
        if entry is None or entry[1] <= self.now:
            return None
        return entry[0]

    async def set(self, key: str, value: str, ttl: float) -> None:
        self.ttls.append(ttl)
        self.entries[key] = (value, self.now + ttl)


@dataclass
class Tmdb:
    server: LocalServer
    fake: FakeTmdb

    @property
    def base_url(self) -> str:
        return self.server.url + "/3"

    def paths(self) -> list[str]:
        return [r.path for r in self.server.requests]


@dataclass
class _Switch:
    """One server per module (its shutdown costs half a second); a fresh fake per test."""

    fake: FakeTmdb = field(default_factory=FakeTmdb)

    def __call__(self, request: Request) -> Response:
        return self.fake(request)


@pytest.fixture(scope="module")
def _tmdb_server() -> Iterator[tuple[LocalServer, _Switch]]:
    switch = _Switch()
    with LocalServer(switch) as server:
        yield server, switch


@pytest.fixture
def tmdb(_tmdb_server: tuple[LocalServer, _Switch]) -> Tmdb:
    server, switch = _tmdb_server
    switch.fake = FakeTmdb()
    server.requests.clear()
    return Tmdb(server, switch.fake)


MakeProvider = Callable[..., TmdbProvider]


@pytest_asyncio.fixture(loop_scope="function")
async def make_provider(tmdb: Tmdb) -> AsyncIterator[MakeProvider]:
    """Builds providers wired as the composition root does; closes them after the test."""
    made: list[TmdbProvider] = []

    def make(
        api_key: str = API_KEY, policy: HttpPolicy = TmdbProvider.policy, **kwargs: Any
    ) -> TmdbProvider:
        http = HttpService("tmdb", policy, secrets=[api_key])
        provider = TmdbProvider(http, api_key=api_key, base_url=tmdb.base_url, **kwargs)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()


# -- Open Library and Audnexus ------------------------------------------------------------------


@dataclass
class Served:
    """A loopback service and the fake answering it for the current test."""

    server: LocalServer
    fake: Any

    @property
    def url(self) -> str:
        return self.server.url

    def paths(self) -> list[str]:
        return [r.path for r in self.server.requests]


@pytest.fixture(scope="module")
def _books_servers() -> Iterator[dict[str, tuple[LocalServer, books.Switch]]]:
    switches = {"openlibrary": books.Switch(None), "audnexus": books.Switch(None)}
    with LocalServer(switches["openlibrary"]) as ol, LocalServer(switches["audnexus"]) as ax:
        yield {"openlibrary": (ol, switches["openlibrary"]), "audnexus": (ax, switches["audnexus"])}


@pytest.fixture
def openlibrary(_books_servers: dict[str, tuple[LocalServer, books.Switch]]) -> Served:
    server, switch = _books_servers["openlibrary"]
    switch.fake = books.FakeOpenLibrary()
    server.requests.clear()
    return Served(server, switch.fake)


@pytest.fixture
def audnexus(_books_servers: dict[str, tuple[LocalServer, books.Switch]]) -> Served:
    server, switch = _books_servers["audnexus"]
    switch.fake = books.FakeAudnexus()
    server.requests.clear()
    return Served(server, switch.fake)


MakeOpenLibrary = Callable[..., OpenLibraryProvider]
MakeAudnexus = Callable[..., AudnexusProvider]


@pytest_asyncio.fixture(loop_scope="function")
async def make_openlibrary(openlibrary: Served) -> AsyncIterator[MakeOpenLibrary]:
    """Open Library providers wired as the composition root does; closed after the test."""
    made: list[OpenLibraryProvider] = []

    def make(
        policy: HttpPolicy = OpenLibraryProvider.policy,
        contact: str | None = books.CONTACT,
        **kw: Any,
    ) -> OpenLibraryProvider:
        provider = OpenLibraryProvider(
            HttpService("openlibrary", policy),
            base_url=openlibrary.url,
            covers_url="https://covers.openlibrary.org",
            contact=contact,
            **kw,
        )
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()


@pytest_asyncio.fixture(loop_scope="function")
async def make_audnexus(audnexus: Served) -> AsyncIterator[MakeAudnexus]:
    made: list[AudnexusProvider] = []

    def make(policy: HttpPolicy = AudnexusProvider.policy, **kw: Any) -> AudnexusProvider:
        provider = AudnexusProvider(HttpService("audnexus", policy), base_url=audnexus.url, **kw)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()


# -- MusicBrainz and the Cover Art Archive ---------------------------------------------------


@dataclass
class _Routed:
    """A handler that can be swapped per test while the module's server keeps running."""

    handler: Callable[[Request], Response]

    def __call__(self, request: Request) -> Response:
        return self.handler(request)


@dataclass
class MusicBrainz:
    server: LocalServer
    fake: FakeMusicBrainz

    @property
    def base_url(self) -> str:
        return self.server.url + "/ws/2"


@pytest.fixture(scope="module")
def _mb_servers() -> Iterator[tuple[LocalServer, _Routed, LocalServer, _Routed]]:
    first, second = _Routed(FakeMusicBrainz()), _Routed(FakeMusicBrainz())
    with LocalServer(first) as one, LocalServer(second) as two:
        yield one, first, two, second


@pytest.fixture
def mb(_mb_servers: tuple[LocalServer, _Routed, LocalServer, _Routed]) -> MusicBrainz:
    server, routed, _, _ = _mb_servers
    routed.handler = fake = FakeMusicBrainz()
    server.requests.clear()
    return MusicBrainz(server, fake)


@pytest.fixture
def mirror(_mb_servers: tuple[LocalServer, _Routed, LocalServer, _Routed]) -> MusicBrainz:
    """A second MusicBrainz (another host:port): another provider whose results come back."""
    _, _, server, routed = _mb_servers
    routed.handler = fake = FakeMusicBrainz()
    server.requests.clear()
    return MusicBrainz(server, fake)


MakeMusicBrainz = Callable[..., MusicBrainzProvider]


@pytest_asyncio.fixture(loop_scope="function")
async def make_mb(mb: MusicBrainz) -> AsyncIterator[MakeMusicBrainz]:
    """Providers built as the composition root builds them (one HttpService each)."""
    made: list[MusicBrainzProvider] = []

    def make(
        name: str = "musicbrainz",
        policy: HttpPolicy = MusicBrainzProvider.policy,
        base_url: str | None = None,
        cache: MemoryCache | None = None,
        **kwargs: Any,
    ) -> MusicBrainzProvider:
        settings = MusicBrainzProvider.Settings(url=base_url or mb.base_url, **kwargs)
        http = HttpService(name, policy)
        provider = MusicBrainzProvider.build(name, settings, http, cache)  # type: ignore[arg-type]
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()
