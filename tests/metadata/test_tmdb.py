"""TmdbProvider against a loopback TMDB serving bodies captured from TMDB's API."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import date

import pytest

from adapters.metadata.tmdb import CACHE_TTL, TmdbProvider, wire
from core import errors
from core.domain import Credit, Media, MediaKind
from core.http import HttpPolicy
from core.redact import RedactingFilter
from tests.metadata.conftest import (
    API_KEY,
    JSON,
    TOKEN,
    MakeProvider,
    MemoryCache,
    Tmdb,
    fixture_json,
)
from tests.support.localserver import Response

IMAGES = "https://image.tmdb.org/t/p/"


def _media(kind: MediaKind, tmdb_id: str, title: str = "x") -> Media:
    return Media(kind=kind, title=title, provider="tmdb", provider_id=tmdb_id)


# -- search ------------------------------------------------------------------------------------


async def test_search_movie_maps_fields(tmdb: Tmdb, make_provider: MakeProvider) -> None:
    found = await make_provider().search("omen", MediaKind.MOVIE)
    body = fixture_json("search_movie.json")["results"]
    assert [m.title for m in found] == [item["title"] for item in body]
    first, blank = found
    assert (first.kind, first.provider, first.provider_id) == (MediaKind.MOVIE, "tmdb", "437342")
    assert first.year == 2024 and first.original_title == "The First Omen"
    assert first.overview == body[0]["overview"]
    assert first.poster_url == IMAGES + "w342" + body[0]["poster_path"]
    assert first.ids == {"tmdb": "437342"}
    assert first.popularity == pytest.approx(1080.713)
    # An empty release_date and a null poster are tolerated, not errors.
    assert (blank.year, blank.poster_url, blank.original_title) == (None, None, "Il presagio")
    request = next(r for r in tmdb.server.requests if r.path == "/3/search/movie")
    assert request.arg("query") == "omen" and request.arg("language") == "en-US"
    assert request.arg("region") == "US" and request.arg("api_key") == API_KEY
    assert "primary_release_year" not in request.query


async def test_search_tv_maps_fields(tmdb: Tmdb, make_provider: MakeProvider) -> None:
    (show,) = await make_provider().search("breaking bad", MediaKind.SERIES)
    body = fixture_json("search_tv.json")["results"][0]
    assert (show.kind, show.title, show.provider_id) == (MediaKind.SERIES, body["name"], "1396")
    assert show.year == 2008 and show.original_title == "Breaking Bad"
    assert show.poster_url == IMAGES + "w342" + body["poster_path"]
    assert show.overview.startswith("Walter White")


@pytest.mark.parametrize(
    ("kind", "param", "path"),
    [
        (MediaKind.MOVIE, "primary_release_year", "/3/search/movie"),
        (MediaKind.SERIES, "first_air_date_year", "/3/search/tv"),
    ],
)
async def test_search_sends_year_filter(
    tmdb: Tmdb, make_provider: MakeProvider, kind: MediaKind, param: str, path: str
) -> None:
    await make_provider().search("dune", kind, year=2021)
    request = next(r for r in tmdb.server.requests if r.path == path)
    assert request.arg(param) == "2021"


async def test_search_refuses_kinds_tmdb_does_not_serve(make_provider: MakeProvider) -> None:
    with pytest.raises(errors.UserError):
        await make_provider().search("abbey road", MediaKind.MUSIC)


async def test_hostile_items_are_skipped_or_sanitised(
    tmdb: Tmdb, make_provider: MakeProvider
) -> None:
    body = (
        '{"page":1,"results":[{"id":"550","title":"string id"},{"title":"no id"},7,'
        '{"id":5,"title":"ok","poster_path":"https://evil.example/x.jpg",'
        '"release_date":"not a date","popularity":"high"}]}'
    )
    tmdb.fake.overrides["/3/search/movie"] = Response(200, body, JSON)
    (only,) = await make_provider().search("x", MediaKind.MOVIE)
    assert only.provider_id == "5" and only.poster_url is None
    assert (only.year, only.popularity) == (None, None)


# -- details and seasons -----------------------------------------------------------------------


async def test_movie_details_with_credits_and_certification(
    tmdb: Tmdb, make_provider: MakeProvider
) -> None:
    details = await make_provider().details(_media(MediaKind.MOVIE, "550"))
    assert details.media.title == "Fight Club" and details.media.year == 1999
    assert details.media.ids == {"tmdb": "550", "imdb": "tt0137523"}
    assert (details.runtime, details.genres, details.status) == (139, ("Drama",), "Released")
    # US has an uncertified festival premiere and a theatrical "R"; DE's "18" is not ours.
    assert details.certification == "R"
    assert [(p.name, p.role, p.character) for p in details.cast] == [
        ("Edward Norton", "Actor", "The Narrator")
    ]
    assert [(p.name, p.role) for p in details.crew] == [("David Fincher", "Director")]
    assert details.backdrop_url == IMAGES + "w780/fCayJrkfRaCRCTh8GqN30f8oyQF.jpg"
    assert details.media.poster_url is None  # poster_path is null in this body
    request = next(r for r in tmdb.server.requests if r.path == "/3/movie/550")
    assert request.arg("append_to_response") == "credits,release_dates"


async def test_movie_certification_follows_region(make_provider: MakeProvider) -> None:
    details = await make_provider(region="DE").details(_media(MediaKind.MOVIE, "550"))
    assert details.certification == "18"
    nowhere = await make_provider(region="FR").details(_media(MediaKind.MOVIE, "550"))
    assert nowhere.certification is None


async def test_tv_details_with_seasons_and_external_ids(
    tmdb: Tmdb, make_provider: MakeProvider
) -> None:
    details = await make_provider().details(_media(MediaKind.SERIES, "1396"))
    assert details.media.ids == {"tmdb": "1396", "imdb": "tt0903747", "tvdb": "81189"}
    assert details.media.year == 2008 and details.certification == "TV-MA"
    assert [(s.number, s.name, s.episode_count) for s in details.seasons] == [
        (0, "Specials", 9),
        (1, "Season 1", 7),
        (2, "Season 2", 13),
    ]
    assert details.seasons[2].air_date == date(2009, 3, 8)
    assert details.runtime == 45 and details.status == "Ended"
    assert [p.name for p in details.cast] == ["Bryan Cranston", "Aaron Paul"]
    assert ("Vince Gilligan", "Creator") in [(p.name, p.role) for p in details.crew]
    assert ("Dave Porter", "Original Music Composer") in [(p.name, p.role) for p in details.crew]
    request = next(r for r in tmdb.server.requests if r.path == "/3/tv/1396")
    assert request.arg("append_to_response") == "credits,content_ratings,external_ids"


async def test_details_accepts_media_from_another_provider_by_tmdb_id(
    make_provider: MakeProvider,
) -> None:
    other = Media(
        kind=MediaKind.MOVIE, title="Fight Club", provider="x", provider_id="a", ids={"tmdb": "550"}
    )
    assert (await make_provider().details(other)).media.provider_id == "550"


async def test_season_details_with_episodes(make_provider: MakeProvider) -> None:
    season = await make_provider().season("1396", 2)
    body = fixture_json("tv_1396_season_2.json")
    assert (season.number, season.name, season.air_date) == (2, "Season 2", date(2009, 3, 8))
    assert [(e.season, e.number, e.title) for e in season.episodes] == [
        (2, e["episode_number"], e["name"]) for e in body["episodes"]
    ]
    assert season.episodes[1].air_date == date(2009, 3, 15)
    assert season.episodes[0].overview.startswith("Walt and Jesse")
    assert season.episode_count == len(body["episodes"])


# -- lists and images --------------------------------------------------------------------------


async def test_trending_and_popular(tmdb: Tmdb, make_provider: MakeProvider) -> None:
    provider = make_provider()
    movies = await provider.trending(MediaKind.MOVIE)
    shows = await provider.trending(MediaKind.SERIES, "day")
    popular_movies = await provider.popular(MediaKind.MOVIE)
    popular_shows = await provider.popular(MediaKind.SERIES)
    assert [m.title for m in movies] == ["The First Omen", "Fight Club"]
    assert [m.title for m in shows] == ["CSI: Crime Scene Investigation"]
    assert [m.title for m in popular_movies] == ["Fight Club", "The First Omen"]
    assert [(m.title, m.year) for m in popular_shows] == [
        ("Big Brother", 2000),
        ("CSI: Crime Scene Investigation", 2000),
    ]
    assert {m.kind for m in shows + popular_shows} == {MediaKind.SERIES}
    paths = tmdb.paths()
    for path in ("/3/trending/movie/week", "/3/trending/tv/day", "/3/movie/popular"):
        assert path in paths
    with pytest.raises(errors.UserError):
        await provider.trending(MediaKind.MOVIE, "month")


async def test_image_urls_come_from_configuration(tmdb: Tmdb, make_provider: MakeProvider) -> None:
    config = fixture_json("configuration.json")
    config["images"]["secure_base_url"] = "https://img.example.net/t/p/"
    tmdb.fake.overrides["/3/configuration"] = Response(200, json.dumps(config), JSON)
    provider = make_provider()
    assert await provider.image_base() == "https://img.example.net/t/p/"
    (show,) = await provider.search("breaking bad", MediaKind.SERIES)
    await provider.popular(MediaKind.SERIES)
    assert show.poster_url == "https://img.example.net/t/p/w342/ztkUQFLlC19CCMYHW9o1zWhJRNq.jpg"
    assert tmdb.paths().count("/3/configuration") == 1  # fetched once, then remembered


# -- errors and secrets ------------------------------------------------------------------------


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Everything logged, through the production redacting filter, at DEBUG."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactingFilter())
    root, httpx_log = logging.getLogger(), logging.getLogger("httpx")
    # httpx itself too: a Telegram frontend built earlier in the session quiets it to WARNING
    levels = (root.level, httpx_log.level)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    httpx_log.setLevel(logging.DEBUG)
    yield out
    root.removeHandler(handler)
    root.setLevel(levels[0])
    httpx_log.setLevel(levels[1])


@pytest.mark.parametrize("good", [API_KEY, TOKEN], ids=["v3-key", "v4-token"])
async def test_bad_key_is_auth_failed_without_the_key(
    tmdb: Tmdb, make_provider: MakeProvider, captured_logs: io.StringIO, good: str
) -> None:
    wrong = good[:-6] + "ffffff"  # same shape as a good credential, so it takes the same route
    with pytest.raises(errors.AuthFailed) as caught:
        await make_provider(api_key=wrong).search("dune", MediaKind.MOVIE)
    err = caught.value
    assert err.service == "tmdb" and err.params["status_code"] == 7
    assert err.__cause__ is None
    for text in (str(err), repr(err), repr(err.params), captured_logs.getvalue()):
        assert wrong not in text
    assert "HTTP Request" in captured_logs.getvalue()  # httpx did log the (redacted) URL
    with pytest.raises(errors.AuthFailed):
        await make_provider(api_key=wrong).test()


async def test_v4_token_goes_in_the_header(tmdb: Tmdb, make_provider: MakeProvider) -> None:
    await make_provider(api_key=TOKEN).popular(MediaKind.MOVIE)
    for request in tmdb.server.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert "api_key" not in request.query


async def test_connection_test_passes_with_a_good_key(
    tmdb: Tmdb, make_provider: MakeProvider
) -> None:
    cache = MemoryCache()
    provider = make_provider(cache=cache)
    await provider.test()
    await provider.test()  # a check must reach TMDB every time, never the cache
    assert tmdb.paths() == ["/3/configuration", "/3/configuration"]


async def test_unknown_title_is_not_found(make_provider: MakeProvider) -> None:
    with pytest.raises(errors.NotFound) as caught:
        await make_provider().details(_media(MediaKind.MOVIE, "999999"))
    assert caught.value.params["status_code"] == 34
    with pytest.raises(errors.NotFound):
        await make_provider().details(_media(MediaKind.MOVIE, "../configuration"))


async def test_bad_json_is_bad_response(tmdb: Tmdb, make_provider: MakeProvider) -> None:
    tmdb.fake.overrides["/3/search/movie"] = Response(200, '{"page": 1, "results": [', JSON)
    with pytest.raises(errors.BadResponse):
        await make_provider().search("dune", MediaKind.MOVIE)
    tmdb.fake.overrides["/3/search/movie"] = Response(200, "[1, 2]", JSON)
    with pytest.raises(errors.BadResponse):
        await make_provider().search("dune", MediaKind.MOVIE)


# -- cache and rate ----------------------------------------------------------------------------


async def test_second_identical_call_is_served_from_cache(
    tmdb: Tmdb, make_provider: MakeProvider
) -> None:
    cache = MemoryCache()
    first = await make_provider(cache=cache).search("omen", MediaKind.MOVIE, year=2024)
    again = await make_provider(cache=cache).search("omen", MediaKind.MOVIE, year=2024)
    assert again == first
    assert sorted(tmdb.paths()) == ["/3/configuration", "/3/search/movie"]
    assert set(cache.ttls) == {CACHE_TTL} and CACHE_TTL == 24 * 3600
    assert all(key.startswith("tmdb:/") for key in cache.entries)
    assert not any(API_KEY in key or API_KEY in value for key, value in cache.entries.items())
    await make_provider(cache=cache).search("omen", MediaKind.MOVIE, year=2023)
    assert tmdb.paths().count("/3/search/movie") == 2  # other params, other entry


async def test_expired_entries_are_fetched_again(tmdb: Tmdb, make_provider: MakeProvider) -> None:
    cache = MemoryCache()
    provider = make_provider(cache=cache)
    await provider.season("1396", 2)
    cache.now += CACHE_TTL - 1
    await provider.season("1396", 2)
    assert tmdb.paths().count("/3/tv/1396/season/2") == 1
    cache.now += 2
    await provider.season("1396", 2)
    assert tmdb.paths().count("/3/tv/1396/season/2") == 2


async def test_damaged_cache_entry_is_refetched(tmdb: Tmdb, make_provider: MakeProvider) -> None:
    cache = MemoryCache()
    provider = make_provider(cache=cache)
    await provider.popular(MediaKind.SERIES)
    for key in cache.entries:
        cache.entries[key] = ("{broken", cache.entries[key][1])
    assert len(await make_provider(cache=cache).popular(MediaKind.SERIES)) == 2
    assert tmdb.paths().count("/3/tv/popular") == 2


def test_policy_is_tmdbs_published_budget() -> None:
    assert TmdbProvider.policy.rate == (40, 10.0)


async def test_rate_limit_spreads_calls(tmdb: Tmdb, make_provider: MakeProvider) -> None:
    # The same limiter as TmdbProvider.policy, scaled down to 4 per second so the test stays short.
    provider = make_provider(policy=HttpPolicy(rate=(4, 1.0)))
    for number in range(8):
        await provider.search(f"title {number}", MediaKind.MOVIE)
    times = tmdb.fake.times
    assert len(times) == 9  # configuration once, then eight searches
    # Four go at once; each later one waits for a quarter-second leak of the bucket.
    assert times[-1] - times[0] >= 0.9


def _dates(*entries: tuple[int, str]) -> dict[str, object]:
    listed = [{"certification": c, "type": t, "iso_639_1": "", "note": ""} for t, c in entries]
    return {"results": [{"iso_3166_1": "US", "release_dates": listed}]}


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (_dates((1, "PG-13"), (3, "R")), "R"),  # theatrical wins over an earlier premiere
        (_dates((1, ""), (4, "NR")), "NR"),  # no theatrical: first non-empty
        (_dates((3, ""), (1, "")), None),
        ({"results": "nonsense"}, None),
        (None, None),
    ],
)
def test_movie_certification_choice(block: object, expected: str | None) -> None:
    assert wire.movie_certification(block, "US") == expected


# -- credits -----------------------------------------------------------------------------------


async def test_search_items_carry_no_credits_and_details_do(make_provider: MakeProvider) -> None:
    provider = make_provider()
    assert all(m.credits == () for m in await provider.search("omen", MediaKind.MOVIE))
    movie = await provider.details(_media(MediaKind.MOVIE, "550"))
    show = await provider.details(_media(MediaKind.SERIES, "1396"))
    assert movie.media.credits == (Credit("director", "David Fincher", {"tmdb": "7467"}),)
    # The series' crew lists Vince Gilligan as Executive Producer: only created_by credits him.
    assert show.media.credits == (Credit("creator", "Vince Gilligan", {"tmdb": "66633"}),)


DIRECTOR = {"name": "A", "job": "Director", "id": 1}
ODD_CREDITS = [
    (MediaKind.MOVIE, {"credits": {"crew": "x"}}, ()),
    (
        MediaKind.MOVIE,
        {"credits": {"crew": [1, {"job": "Director"}, {**DIRECTOR, "name": " A ", "id": "7"}]}},
        (Credit("director", "A"),),
    ),
    (
        MediaKind.MOVIE,
        {"credits": {"crew": [DIRECTOR, DIRECTOR]}},
        (Credit("director", "A", {"tmdb": "1"}),),
    ),
    (MediaKind.SERIES, {"created_by": {"name": "A"}}, ()),
    (
        MediaKind.SERIES,
        {"created_by": [None, {"name": ""}, {"name": "B", "id": True}]},
        (Credit("creator", "B"),),
    ),
]


@pytest.mark.parametrize(("kind", "body", "expected"), ODD_CREDITS)
def test_credits_tolerate_odd_shapes(kind: MediaKind, body: dict, expected: tuple) -> None:
    credits = wire.credits(body, kind)
    assert credits == expected and [c.ids for c in credits] == [c.ids for c in expected]
