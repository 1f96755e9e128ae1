"""CoverArtArchiveEnricher against a loopback archive answering with the archive's listings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import pytest_asyncio

from adapters.metadata.coverartarchive import CACHE_TTL, CoverArtArchiveEnricher
from core import errors
from core.domain import Media, MediaKind
from core.http import HttpService
from core.services.metadata import MetadataSearch
from tests.metadata.conftest import MakeMusicBrainz, MemoryCache, MusicBrainz
from tests.support.localserver import LocalServer, Response
from tests.support.musicbrainz_server import FakeCoverArt

GROUP = "153f0a09-fead-3370-9b17-379ebd09446b"
RELEASE = "8745795a-190f-4be5-84fd-a8cfe5365cc6"
OLD = "037263c9-36f3-44e1-b019-278a035a7e91"
CAA = "https://coverartarchive.org/release/"


def album(**ids: str) -> Media:
    return Media(MediaKind.MUSIC, "the Love Bug", "musicbrainz", GROUP, ids=ids)


@pytest.fixture
def archive() -> Iterator[tuple[FakeCoverArt, LocalServer]]:
    fake = FakeCoverArt(
        listings={
            f"/release-group/{GROUP}/": "release_8745795a.json",
            f"/release/{OLD}/": "release_037263c9.json",
        }
    )
    with LocalServer(fake) as server:
        yield fake, server


@pytest.fixture
def storage() -> Iterator[tuple[FakeCoverArt, LocalServer]]:
    """Where the archive redirects to (archive.org in life), reached by another host name."""
    fake = FakeCoverArt(listings={f"/download/mbid-{RELEASE}/index.json": "release_8745795a.json"})
    with LocalServer(fake) as server:
        yield fake, server


MakeCaa = Callable[..., CoverArtArchiveEnricher]


@pytest_asyncio.fixture(loop_scope="function")
async def make_caa(archive: tuple[FakeCoverArt, LocalServer]) -> AsyncIterator[MakeCaa]:
    made: list[CoverArtArchiveEnricher] = []

    def make(cache: MemoryCache | None = None, **values: Any) -> CoverArtArchiveEnricher:
        settings = CoverArtArchiveEnricher.Settings(**{"url": archive[1].url, **values})
        http = HttpService("coverartarchive", CoverArtArchiveEnricher.policy)
        enricher = CoverArtArchiveEnricher.build("coverartarchive", settings, http, cache)  # type: ignore[arg-type]
        made.append(enricher)
        return enricher

    yield make
    for enricher in made:
        await enricher.aclose()


async def test_the_front_500_thumbnail_of_the_release_group_becomes_the_poster(
    make_caa: MakeCaa,
) -> None:
    enriched = await make_caa().enrich(album(musicbrainz=GROUP))
    assert enriched is not None
    assert (
        enriched.poster_url == CAA + f"{RELEASE}/31935858269-500.jpg"
    )  # https, not the listing's http


async def test_sizes_and_an_old_listing_with_only_small_and_large(make_caa: MakeCaa) -> None:
    caa = make_caa(size="250")
    assert await caa.front("release-group", GROUP) == CAA + f"{RELEASE}/31935858269-250.jpg"
    # 037263c9 lists small/large only, and a back cover that must not be chosen
    assert await make_caa().front("release", OLD) == CAA + f"{OLD}/12977018883-500.jpg"
    assert await make_caa(size="1200").front("release", OLD) == CAA + f"{OLD}/12977018883-500.jpg"


async def test_a_release_id_is_used_when_the_group_has_no_cover(
    make_caa: MakeCaa, archive: tuple[FakeCoverArt, LocalServer]
) -> None:
    other_group = "56683a0b-45b8-3664-a231-5b68efe2e7e2"
    enriched = await make_caa().enrich(album(musicbrainz=other_group, musicbrainz_release=OLD))
    assert enriched is not None and enriched.poster_url == CAA + f"{OLD}/12977018883-500.jpg"
    assert archive[0].paths == [f"/release-group/{other_group}/", f"/release/{OLD}/"]


async def test_404_is_no_cover_and_is_cached_a_day(
    make_caa: MakeCaa, archive: tuple[FakeCoverArt, LocalServer]
) -> None:
    cache = MemoryCache()
    caa = make_caa(cache=cache)
    missing = "56683a0b-45b8-3664-a231-5b68efe2e7e2"
    assert await caa.enrich(album(musicbrainz=missing)) is None
    assert await caa.enrich(album(musicbrainz=missing)) is None
    assert archive[0].paths == [f"/release-group/{missing}/"]
    assert cache.ttls == [CACHE_TTL] and CACHE_TTL >= 24 * 3600


async def test_other_titles_are_not_asked_about(
    make_caa: MakeCaa, archive: tuple[FakeCoverArt, LocalServer]
) -> None:
    caa = make_caa()
    film = Media(MediaKind.MOVIE, "Dune", "tmdb", "438631", ids={"musicbrainz": GROUP})
    assert await caa.enrich(film) is None
    assert await caa.enrich(album(musicbrainz="not-an-mbid")) is None
    assert archive[0].paths == []


async def test_a_307_to_an_allowed_host_is_followed(
    make_caa: MakeCaa,
    archive: tuple[FakeCoverArt, LocalServer],
    storage: tuple[FakeCoverArt, LocalServer],
) -> None:
    port = storage[1].url.rsplit(":", 1)[1]
    location = f"http://localhost:{port}/download/mbid-{RELEASE}/index.json"
    archive[0].redirects[f"/release/{RELEASE}/"] = location
    caa = make_caa(redirect_host=("archive.org", "localhost"))
    assert await caa.front("release", RELEASE) == CAA + f"{RELEASE}/31935858269-500.jpg"
    assert storage[0].paths == [f"/download/mbid-{RELEASE}/index.json"]


async def test_a_redirect_elsewhere_is_refused_not_followed(
    make_caa: MakeCaa,
    archive: tuple[FakeCoverArt, LocalServer],
    storage: tuple[FakeCoverArt, LocalServer],
) -> None:
    port = storage[1].url.rsplit(":", 1)[1]
    archive[0].redirects[f"/release/{RELEASE}/"] = f"http://localhost:{port}/steal"
    with pytest.raises(errors.BadResponse) as caught:
        await make_caa().front("release", RELEASE)  # only archive.org may be redirected to
    assert (caught.value.key, caught.value.params["host"]) == ("error.bad_redirect", "localhost")
    assert storage[0].paths == []


async def test_search_brings_covers_and_a_failing_archive_costs_only_the_covers(
    mb: MusicBrainz,
    make_mb: MakeMusicBrainz,
    make_caa: MakeCaa,
    archive: tuple[FakeCoverArt, LocalServer],
) -> None:
    search = MetadataSearch([make_mb()], [make_caa()])
    found = await search.search("the love bug", [MediaKind.MUSIC])
    assert [m.poster_url for m in found.media] == [CAA + f"{RELEASE}/31935858269-500.jpg", None]
    assert found.failures == {}
    archive[1].handler = lambda request: Response(503, "down", {"Content-Type": "text/plain"})
    found = await MetadataSearch([make_mb()], [make_caa()]).search("other", [MediaKind.MUSIC])
    assert [m.title for m in found.media] == ["the Love Bug", "Repercussions"]
    assert [m.poster_url for m in found.media] == [None, None]
    assert isinstance(found.failures["coverartarchive"], errors.Unavailable)
