"""AniListProvider against a loopback AniList GraphQL server answering in AniList's shapes."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import pytest
import pytest_asyncio

from adapters.metadata.anilist import CACHE_TTL, AniListProvider
from core import errors
from core.domain import Credit, Media, MediaKind
from core.http import HttpPolicy, HttpService
from tests.metadata.conftest import MemoryCache
from tests.support.anilist import (
    FRIEREN_ID,
    JSON,
    FakeAniList,
    fixture_bytes,
    fixture_json,
    too_many,
)
from tests.support.localserver import LocalServer, Request, Response

COVER = "https://s4.anilist.co/file/anilistcdn/media/anime/cover/medium/bx154587-qQTzQnEJJ3oB.jpg"
FRIEREN = Media(MediaKind.ANIME, "Sousou no Frieren", "anilist", str(FRIEREN_ID))


@dataclasses.dataclass
class _Switch:
    fake: FakeAniList = dataclasses.field(default_factory=FakeAniList)

    def __call__(self, request: Request) -> Response:
        return self.fake(request)


@pytest.fixture(scope="module")
def _server() -> Iterator[tuple[LocalServer, _Switch]]:
    switch = _Switch()
    with LocalServer(switch) as server:
        yield server, switch


@pytest.fixture
def anilist(_server: tuple[LocalServer, _Switch]) -> tuple[str, FakeAniList]:
    server, switch = _server
    switch.fake = FakeAniList()
    server.requests.clear()
    return server.url + "/", switch.fake


@pytest_asyncio.fixture(loop_scope="function")
async def make(anilist: tuple[str, FakeAniList]) -> AsyncIterator[Any]:
    made: list[AniListProvider] = []

    def build(policy: HttpPolicy = AniListProvider.policy, **kwargs: Any) -> AniListProvider:
        provider = AniListProvider(HttpService("anilist", policy), url=anilist[0], **kwargs)
        made.append(provider)
        return provider

    yield build
    for provider in made:
        await provider.aclose()


async def test_search_sends_one_graphql_document_for_anime(make, anilist) -> None:
    _, fake = anilist
    await make().search("Frieren", MediaKind.ANIME, year=2023)
    (body,) = fake.bodies
    assert "type: ANIME" in body["query"] and "isAdult: false" in body["query"]
    assert body["variables"] == {"search": "Frieren", "year": 2023, "perPage": 20}


async def test_search_maps_titles_covers_ids_and_studios(make) -> None:
    first, sequel, short = await make().search("frieren", MediaKind.ANIME)
    assert first == Media(
        kind=MediaKind.ANIME,
        title="Sousou no Frieren",  # romaji: what fansub and tracker release names carry
        provider="anilist",
        provider_id="154587",
        year=2023,
        original_title="葬送のフリーレン",
        overview=first.overview,
        poster_url=COVER,
        ids={"anilist": "154587", "mal": "52991"},
        popularity=420110.0,
        credits=(Credit("studio", "Madhouse", {"anilist": "11"}),),
    )
    assert "<br>" not in first.overview and "<i>" not in first.overview
    assert "~1 hour & 29 minutes" in first.overview
    assert (sequel.year, sequel.overview, sequel.ids["anilist"]) == (2026, "", "182255")
    assert (short.year, short.poster_url, short.credits) == (2023, None, ())  # from startDate


async def test_no_match_is_an_empty_list(make) -> None:
    assert await make().search("no such anime", MediaKind.ANIME) == []


async def test_other_kinds_are_refused(make, anilist) -> None:
    with pytest.raises(errors.UserError) as caught:
        await make().search("Dune", MediaKind.MOVIE)
    assert (caught.value.key, caught.value.params["known"]) == ("error.unknown_kind", "anime")
    assert anilist[1].bodies == []


async def test_details_give_format_season_status_and_dated_episodes(make) -> None:
    details = await make().details(FRIEREN)
    assert (details.format, details.status, details.runtime) == ("TV", "finished", 24)
    assert details.genres == ("Adventure", "Drama", "Fantasy")
    assert details.backdrop_url and details.backdrop_url.endswith("154587-ivXNJ23SM1xB.jpg")
    (season,) = details.seasons
    assert (season.number, season.name, season.episode_count) == (1, "Fall 2023", 28)
    assert season.air_date == date(2023, 9, 29)
    assert [(e.season, e.number, e.air_date) for e in season.episodes] == [
        (1, 1, date(2023, 9, 29)),
        (1, 2, date(2023, 9, 29)),
        (1, 3, date(2023, 9, 29)),
        (1, 4, date(2023, 9, 29)),
        (1, 5, date(2023, 10, 6)),
    ]


async def test_a_title_still_airing_has_its_next_episode_once(make) -> None:
    media = dataclasses.replace(FRIEREN, provider="tmdb", ids={"anilist": "182255"})
    details = await make().details(media)  # found by its AniList id from another provider
    (season,) = details.seasons
    assert details.status == "releasing" and season.episode_count is None
    assert [(e.number, e.air_date) for e in season.episodes] == [
        (1, date(2026, 1, 16)),
        (2, date(2026, 1, 23)),
        (3, date(2026, 1, 30)),
    ]


async def test_unknown_id_is_not_found(make) -> None:
    with pytest.raises(errors.NotFound):
        await make().details(dataclasses.replace(FRIEREN, provider_id="999999999"))
    with pytest.raises(errors.NotFound):
        await make().details(dataclasses.replace(FRIEREN, provider_id="../1"))


@pytest.mark.parametrize("status", [400, 200])
async def test_graphql_errors_are_a_typed_error_with_the_reason(make, anilist, status) -> None:
    """AniList's docs: even with a status code of 200 there may be an error."""
    anilist[1].queued.append(Response(status, fixture_bytes("error_400.json"), JSON))
    with pytest.raises(errors.BadResponse) as caught:
        await make().search("frieren", MediaKind.ANIME)
    assert caught.value.key == "error.graphql"
    assert caught.value.params["service"] == "anilist"
    assert caught.value.params["reason"].startswith('Cannot query field "nonexistentField"')


async def test_partial_data_with_errors_keeps_the_data(make, anilist) -> None:
    body = fixture_json("search_frieren.json") | {
        "errors": [{"message": "studios: internal error", "status": 500}]
    }
    anilist[1].queued.append(Response(200, json.dumps(body), JSON))
    found = await make().search("frieren", MediaKind.ANIME)
    assert [m.provider_id for m in found] == ["154587", "182255", "170068"]


async def test_answers_are_cached_a_day(make, anilist) -> None:
    cache = MemoryCache()
    provider = make(cache=cache)
    await provider.search("frieren", MediaKind.ANIME)
    again = await provider.search("frieren", MediaKind.ANIME)
    assert len(anilist[1].bodies) == 1 and again[0].title == "Sousou no Frieren"
    assert cache.ttls == [CACHE_TTL] and CACHE_TTL >= 24 * 3600
    cache.now += CACHE_TTL + 1
    await provider.search("frieren", MediaKind.ANIME)
    assert len(anilist[1].bodies) == 2


async def test_a_damaged_cache_entry_is_refetched(make, anilist) -> None:
    cache = MemoryCache()
    provider = make(cache=cache)
    await provider.search("frieren", MediaKind.ANIME)
    (key,) = cache.entries
    cache.entries[key] = ("{not json", cache.now + CACHE_TTL)
    assert len(await provider.search("frieren", MediaKind.ANIME)) == 3
    assert len(anilist[1].bodies) == 2


def test_policy_is_the_30_a_minute_anilist_serves() -> None:
    assert AniListProvider.policy.rate == (30, 60.0)
    assert AniListProvider.policy.max_retry_after == 60.0


async def test_429_waits_the_retry_after_then_succeeds(make, anilist) -> None:
    _, fake = anilist
    fake.queued.append(too_many(1))
    found = await make().search("frieren", MediaKind.ANIME)
    assert len(found) == 3
    first, second = fake.times
    assert second - first >= 1.0  # AniList's Retry-After, not our shorter backoff


async def test_a_long_timeout_is_said_and_kept_without_asking_again(make, anilist) -> None:
    """Retry-After beyond the call's deadline: RateLimited at once, and the next call within
    AniList's timeout is refused here instead of being sent."""
    _, fake = anilist
    fake.queued.append(too_many(120))
    provider = make()
    with pytest.raises(errors.RateLimited) as caught:
        await provider.search("frieren", MediaKind.ANIME)
    assert caught.value.params["service"] == "anilist"
    assert caught.value.retry_after == 60.0  # clamped to AniList's one-minute timeout
    with pytest.raises(errors.RateLimited) as again:
        await provider.details(FRIEREN)
    assert 0 < (again.value.retry_after or 0) <= 60.0
    assert len(fake.bodies) == 1


async def test_no_requests_left_holds_the_next_call(make, anilist) -> None:
    _, fake = anilist
    headers = {**JSON, "X-RateLimit-Limit": "90", "X-RateLimit-Remaining": "0"}
    fake.queued.append(Response(200, fixture_bytes("search_frieren.json"), headers))
    provider = make()
    assert len(await provider.search("frieren", MediaKind.ANIME)) == 3
    with pytest.raises(errors.RateLimited):
        await provider.search("frieren 2", MediaKind.ANIME)
    assert len(fake.bodies) == 1


async def test_connection_test_is_a_live_search(make, anilist) -> None:
    provider = make(cache=MemoryCache())
    await provider.test()
    await provider.test()  # never answered from the cache
    assert [b["variables"]["perPage"] for b in anilist[1].bodies] == [1, 1]


async def test_an_anime_film_is_handed_on_as_a_movie(make) -> None:
    """Searched, matched and named as a film: a series' rules would reject every film release."""
    (film,) = await make().search("kimi no na wa", MediaKind.ANIME)
    assert (film.kind, film.title, film.year) == (MediaKind.MOVIE, "Kimi no Na wa.", 2016)
    assert film.ids == {"anilist": "21519", "mal": "32281"}


async def test_a_burst_keeps_to_30_a_minute(make, anilist) -> None:
    """31 searches in a row: 30 go out, the 31st waits for the budget to drain (2 s a request).
    One after another, so the test server's small listen backlog is no part of it."""
    provider = make()
    started = time.monotonic()  # the server thread stamps arrivals on the same clock
    for n in range(31):
        await provider.search(f"frieren {n}", MediaKind.ANIME)
    times = sorted(anilist[1].times)
    assert len(times) == 31
    assert times[30] - started >= 1.9
