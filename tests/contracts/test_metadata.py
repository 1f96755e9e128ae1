"""The metadata contract, run against every metadata adapter on a local server serving captures.

A title search (TMDB, MusicBrainz; next Open Library, AniList) and an enricher by ids (Cover
Art Archive; next Audnexus) join with one factory that starts its server and says what to
expect, and one line naming it in `RIGS`. An adapter is a TitleSearch, an Enricher, or both:
the rig's `searches` and `enriches` say which, and the tests hold it to that.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio

from adapters.metadata.anilist import AniListProvider
from adapters.metadata.coverartarchive import CoverArtArchiveEnricher
from adapters.metadata.musicbrainz import MusicBrainzProvider
from adapters.metadata.tmdb import TmdbProvider
from core import errors
from core.domain import Credit, Media, MediaKind
from core.http import HttpService
from core.ports import Cache, Enricher, TitleSearch
from tests.metadata.conftest import API_KEY, FakeTmdb, MemoryCache
from tests.support.anilist import FRIEREN_ID, FakeAniList
from tests.support.localserver import LocalServer
from tests.support.musicbrainz_server import FakeCoverArt, FakeMusicBrainz

WRONG = "0123456789abcdef0123456789abcdef"  # shaped like a key, and refused


@dataclass
class Rig:
    """One adapter on its server, and what the contract expects of it."""

    build: Callable[[str | None, Cache | None], Any]  # (api key, cache) -> adapter
    key: str | None  # None: a keyless service, which has no key to refuse
    server: LocalServer
    # Title search: a query each kind it serves answers, and a title whose details carry a credit.
    searches: Mapping[MediaKind, str] = field(default_factory=dict)
    details: tuple[tuple[Media, Credit], ...] = ()
    # Enricher: a title carrying an id it knows, and a credit its answer adds (or the name of
    # a field it fills, "poster_url").
    enriches: tuple[tuple[Media, Credit | str], ...] = ()


@contextmanager
def tmdb() -> Iterator[Rig]:
    def build(key: str, cache: Cache | None) -> TmdbProvider:
        http = HttpService("tmdb", TmdbProvider.policy, secrets=[key])
        return TmdbProvider(http, api_key=key, cache=cache, base_url=server.url + "/3")

    with LocalServer(FakeTmdb()) as server:
        yield Rig(
            build=build,
            key=API_KEY,
            server=server,
            searches={MediaKind.MOVIE: "omen", MediaKind.SERIES: "breaking bad"},
            details=(
                (
                    Media(MediaKind.MOVIE, "Fight Club", provider="tmdb", provider_id="550"),
                    Credit("director", "David Fincher", {"tmdb": "7467"}),
                ),
                (
                    Media(MediaKind.SERIES, "Breaking Bad", provider="tmdb", provider_id="1396"),
                    Credit("creator", "Vince Gilligan", {"tmdb": "66633"}),
                ),
            ),
        )


LOVE_BUG = "153f0a09-fead-3370-9b17-379ebd09446b"


@contextmanager
def musicbrainz() -> Iterator[Rig]:
    def build(key: str | None, cache: Cache | None) -> MusicBrainzProvider:
        http = HttpService("musicbrainz", MusicBrainzProvider.policy)
        return MusicBrainzProvider(http, cache=cache, base_url=server.url + "/ws/2")

    with LocalServer(FakeMusicBrainz()) as server:
        yield Rig(
            build=build,
            key=None,
            server=server,
            searches={MediaKind.MUSIC: "the love bug"},
            details=(
                (
                    Media(MediaKind.MUSIC, "the Love Bug", "musicbrainz", LOVE_BUG),
                    Credit(
                        "artist", "m-flo", {"musicbrainz": "22dd2db3-88ea-4428-a7a8-5cd3acf23175"}
                    ),
                ),
            ),
        )


@contextmanager
def anilist() -> Iterator[Rig]:
    def build(key: str | None, cache: Cache | None) -> AniListProvider:
        http = HttpService("anilist", AniListProvider.policy)
        return AniListProvider(http, cache=cache, url=server.url + "/")

    with LocalServer(FakeAniList()) as server:
        yield Rig(
            build=build,
            key=None,
            server=server,
            searches={MediaKind.ANIME: "frieren"},
            details=(
                (
                    Media(MediaKind.ANIME, "Sousou no Frieren", "anilist", str(FRIEREN_ID)),
                    Credit("studio", "Madhouse", {"anilist": "11"}),
                ),
            ),
        )


@contextmanager
def coverartarchive() -> Iterator[Rig]:
    def build(key: str | None, cache: Cache | None) -> CoverArtArchiveEnricher:
        http = HttpService("coverartarchive", CoverArtArchiveEnricher.policy)
        return CoverArtArchiveEnricher(http, cache=cache, base_url=server.url)

    listings = {f"/release-group/{LOVE_BUG}/": "release_8745795a.json"}
    with LocalServer(FakeCoverArt(listings=listings)) as server:
        album = Media(
            MediaKind.MUSIC, "the Love Bug", "musicbrainz", LOVE_BUG, ids={"musicbrainz": LOVE_BUG}
        )
        yield Rig(build=build, key=None, server=server, enriches=((album, "poster_url"),))


RIGS: dict[str, Callable[[], AbstractContextManager[Rig]]] = {
    "tmdb": tmdb,
    "musicbrainz": musicbrainz,
    "coverartarchive": coverartarchive,
    "anilist": anilist,
}


@pytest.fixture(params=list(RIGS))
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    with RIGS[request.param]() as built:
        yield built


@pytest_asyncio.fixture(loop_scope="function")
async def adapter(rig: Rig) -> AsyncIterator[Any]:
    built = rig.build(rig.key, None)
    yield built
    await built.aclose()


def test_the_adapter_is_the_ports_its_rig_says(rig: Rig, adapter: Any) -> None:
    assert isinstance(adapter, TitleSearch) == bool(rig.searches)
    assert isinstance(adapter, Enricher) == bool(rig.enriches)
    if rig.searches:
        assert set(rig.searches) == adapter.kinds


async def test_title_search_answers_each_kind_it_serves(rig: Rig, adapter: Any) -> None:
    for kind, query in rig.searches.items():
        found = await adapter.search(query, kind)
        assert found, f"{adapter.name} found nothing for {query!r} ({kind})"
        for media in found:
            assert (media.kind, media.provider) == (kind, adapter.name)
            assert media.title and media.provider_id
            assert media.ids, "ids are what enrichers and indexers look titles up by"


async def test_details_fill_the_credits(rig: Rig, adapter: Any) -> None:
    for media, credit in rig.details:
        details = await adapter.details(media)
        assert details.media.provider_id == media.provider_id
        assert credit in details.media.credits
        assert details.media.credits[details.media.credits.index(credit)].ids == credit.ids


async def test_enrichers_add_to_titles_they_know_by_id(rig: Rig, adapter: Any) -> None:
    for media, adds in rig.enriches:
        assert adapter.schemes & media.ids.keys()
        extra = await adapter.enrich(media)
        assert extra is not None
        assert adds in extra.credits if isinstance(adds, Credit) else getattr(extra, adds)
        unknown = Media(media.kind, "Nobody Knows", provider="x", provider_id="0")
        assert await adapter.enrich(unknown) is None


async def test_a_refused_key_is_auth_failed_and_the_text_keeps_no_key(rig: Rig) -> None:
    if rig.key is None:
        pytest.skip("a keyless service has no key to refuse")
    adapter = rig.build(WRONG, None)
    try:
        with pytest.raises(errors.AuthFailed) as caught:
            await _any_call(rig, adapter)
    finally:
        await adapter.aclose()
    assert WRONG not in str(caught.value) and WRONG not in repr(caught.value.params)
    assert caught.value.key.startswith("error.")


async def test_the_cache_answers_a_second_call(rig: Rig) -> None:
    cache = MemoryCache()
    first, again = rig.build(rig.key, cache), rig.build(rig.key, cache)
    try:
        answer = await _any_call(rig, first)
        asked = len(rig.server.requests)
        assert await _any_call(rig, first) == answer
        assert await _any_call(rig, again) == answer  # a new instance: after a restart
    finally:
        await first.aclose()
        await again.aclose()
    assert len(rig.server.requests) == asked


async def _any_call(rig: Rig, adapter: Any) -> Any:
    """The adapter's first search, else its first enrichment."""
    if rig.searches:
        kind, query = next(iter(rig.searches.items()))
        return await adapter.search(query, kind)
    media, _ = rig.enriches[0]
    return await adapter.enrich(media)
