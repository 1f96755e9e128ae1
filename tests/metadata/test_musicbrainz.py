"""MusicBrainzProvider against a loopback WS/2 answering with musicbrainz-server's own shapes."""

from __future__ import annotations

import asyncio
import re

import pytest

from adapters.metadata.musicbrainz import CACHE_TTL, MusicBrainzProvider
from core import errors
from core.domain import Credit, Media, MediaKind, Track
from tests.metadata.conftest import MakeMusicBrainz, MemoryCache, MusicBrainz
from tests.support.localserver import Response
from tests.support.musicbrainz_server import JSON, fixture

LOVE_BUG = "153f0a09-fead-3370-9b17-379ebd09446b"
M_FLO = "22dd2db3-88ea-4428-a7a8-5cd3acf23175"
UA = re.compile(r"^Outpost/[0-9][^ ]* \( \S.* \)$")


async def test_search_maps_release_groups_with_credits_type_year_and_ids(
    mb: MusicBrainz, make_mb: MakeMusicBrainz
) -> None:
    found = await make_mb().search("the love bug", MediaKind.MUSIC)
    assert [m.title for m in found] == ["the Love Bug", "Repercussions"]  # the id-less item goes
    bug, rep = found
    assert (bug.kind, bug.provider, bug.provider_id) == (MediaKind.MUSIC, "musicbrainz", LOVE_BUG)
    assert (bug.year, bug.release_type, rep.release_type) == (2004, "Single", "Album")
    assert bug.credits == (Credit("artist", "m-flo", {"musicbrainz": M_FLO}),)
    assert bug.ids == {
        "musicbrainz": LOVE_BUG,
        "musicbrainz_artist": M_FLO,
        "musicbrainz_release": "aff4a693-5970-4e2e-bd46-e2ee49c22de7",
    }
    assert bug.popularity == 100.0 and rep.popularity == 62.0
    [request] = mb.server.requests
    assert request.path == "/ws/2/release-group"
    assert (request.arg("query"), request.arg("fmt")) == ("the love bug", "json")


async def test_every_request_carries_a_real_user_agent_with_version_and_contact(
    mb: MusicBrainz, make_mb: MakeMusicBrainz
) -> None:
    await make_mb(contact="family@example.org").search("x", MediaKind.MUSIC)
    await make_mb().search("y", MediaKind.MUSIC)
    mine, default = mb.fake.agents
    assert UA.match(mine) and mine.endswith("( family@example.org )"), mine
    assert UA.match(default), default  # the project's URL or name when no contact is set
    assert "python-httpx" not in mine + default


async def test_lucene_syntax_in_a_title_is_searched_as_text(
    mb: MusicBrainz, make_mb: MakeMusicBrainz
) -> None:
    await make_mb().search('AC/DC: "Back in Black"!', MediaKind.MUSIC)
    assert mb.server.requests[0].arg("query") == r"AC\/DC\: \"Back in Black\"\!"


async def test_year_keeps_the_albums_of_that_year(make_mb: MakeMusicBrainz) -> None:
    found = await make_mb().search("love", MediaKind.MUSIC, year=2008)
    assert [m.title for m in found] == ["Repercussions"]


async def test_details_has_the_tracks_of_the_official_release_for_naming(
    mb: MusicBrainz, make_mb: MakeMusicBrainz
) -> None:
    album = Media(MediaKind.MUSIC, "the Love Bug", "musicbrainz", LOVE_BUG)
    details = await make_mb().details(album)
    assert details.media.credits == (Credit("artist", "m-flo", {"musicbrainz": M_FLO}),)
    assert details.tracks == (
        Track(1, 1, "the Love Bug", 243.0),
        Track(1, 2, "the Love Bug (Big Bug NYC remix)", 222.0),
        Track(1, 3, "the Love Bug (cover)", 333.0),
    )
    assert details.runtime == 13  # 798 s
    lookups = [(r.path, r.arg("inc")) for r in mb.server.requests]
    assert lookups == [
        (f"/ws/2/release-group/{LOVE_BUG}", "artist-credits+releases"),
        ("/ws/2/release/aff4a693-5970-4e2e-bd46-e2ee49c22de7", "recordings+artist-credits"),
    ]


async def test_artist_search_lookup_and_recording_search(
    mb: MusicBrainz, make_mb: MakeMusicBrainz
) -> None:
    provider = make_mb()
    assert await provider.artists("m-flo") == [Credit("artist", "m-flo", {"musicbrainz": M_FLO})]
    [single] = await provider.discography(M_FLO)
    assert (single.provider_id, single.year, single.release_type) == (LOVE_BUG, 2004, "Single")
    assert single.credits == (Credit("artist", "m-flo", {"musicbrainz": M_FLO}),)
    [album] = await provider.albums_with("the love bug")
    assert (album.provider_id, album.release_type) == (LOVE_BUG, "Single")
    assert [c.name for c in album.credits] == ["m-flo", "BoA"]  # "m-flo♥BoA": two artists
    assert [r.path for r in mb.server.requests] == [
        "/ws/2/artist",
        f"/ws/2/artist/{M_FLO}",
        "/ws/2/recording",
    ]
    assert mb.server.requests[1].arg("inc") == "release-groups"


async def test_answers_are_cached_a_day(mb: MusicBrainz, make_mb: MakeMusicBrainz) -> None:
    cache = MemoryCache()
    provider = make_mb(cache=cache)
    first = await provider.search("the love bug", MediaKind.MUSIC)
    again = await provider.search("the love bug", MediaKind.MUSIC)
    assert first == again and len(mb.server.requests) == 1
    assert cache.ttls == [CACHE_TTL] and CACHE_TTL >= 24 * 3600
    cache.now += CACHE_TTL + 1
    await provider.search("the love bug", MediaKind.MUSIC)
    assert len(mb.server.requests) == 2


async def test_a_burst_of_20_lookups_from_two_providers_is_never_faster_than_1_per_second(
    mb: MusicBrainz, make_mb: MakeMusicBrainz
) -> None:
    """Two built instances (two HttpServices, as the composition root makes) share one pacer:
    counted at the server, no two requests arrive less than a second apart."""
    one, two = make_mb(), make_mb(name="musicbrainz-again")
    lookups = [(one if i % 2 else two).search(f"album {i}", MediaKind.MUSIC) for i in range(20)]
    answers = await asyncio.gather(*lookups)
    assert all(len(found) == 2 for found in answers)
    assert len(mb.fake.times) == 20
    assert min(mb.fake.gaps()) >= 1.0, mb.fake.gaps()


async def test_503_is_slow_down_then_the_answer(mb: MusicBrainz, make_mb: MakeMusicBrainz) -> None:
    slow_down = Response(
        503, fixture("musicbrainz", "error_503.json"), {**JSON, "Retry-After": "2"}
    )
    mb.fake.script = [slow_down]
    found = await make_mb().search("the love bug", MediaKind.MUSIC)
    assert [m.title for m in found] == ["the Love Bug", "Repercussions"]
    assert len(mb.fake.times) == 2
    assert mb.fake.gaps()[0] >= 2.0  # its Retry-After was honoured


async def test_503_forever_is_a_typed_rate_limit_after_bounded_tries(
    mb: MusicBrainz, make_mb: MakeMusicBrainz
) -> None:
    mb.fake.script = [
        Response(503, fixture("musicbrainz", "error_503.json"), {**JSON, "Retry-After": "0"})
        for _ in range(10)
    ]
    with pytest.raises(errors.RateLimited) as caught:
        await make_mb().search("x", MediaKind.MUSIC)
    assert caught.value.service == "musicbrainz"
    assert len(mb.fake.times) == 1 + MusicBrainzProvider.policy.retries
    assert min(mb.fake.gaps()) >= 1.0  # retries are paced like everything else


async def test_unknown_ids_and_kinds_are_typed(make_mb: MakeMusicBrainz) -> None:
    provider = make_mb()
    with pytest.raises(errors.NotFound):
        await provider.details(Media(MediaKind.MUSIC, "x", "musicbrainz", "not-an-mbid"))
    with pytest.raises(errors.NotFound):  # a well-formed MBID MusicBrainz does not know: 404
        await provider.details(
            Media(MediaKind.MUSIC, "x", "musicbrainz", "0" * 8 + "-0000" * 3 + "-" + "0" * 12)
        )
    with pytest.raises(errors.UserError) as caught:
        await provider.search("dune", MediaKind.MOVIE)
    assert caught.value.key == "error.unknown_kind"
