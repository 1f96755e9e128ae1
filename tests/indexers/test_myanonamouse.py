"""MyAnonamouse against a local server speaking its JSON API (tests/support/mam_server.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from adapters.indexers.myanonamouse import MyAnonamouseIndexer
from core import errors
from core.domain import MediaKind, SearchQuery
from core.http import HttpPolicy, HttpService
from core.releases import Wanted, rank
from core.services.search import ReleaseSearch
from tests.support.mam_server import MamServer, fixture, mam_item

MAM_ID = "mam-canary-Zx81Qp0wLk3vB7nR"  # must never show in an error text or a log line
FAST = HttpPolicy(connect_timeout=2.0, read_timeout=2.0, deadline=5.0, retries=1)


@pytest.fixture
def mam() -> Iterator[MamServer]:
    with MamServer(mam_id=MAM_ID) as server:
        yield server


def indexer(server: MamServer, http: HttpService, mam_id: str = MAM_ID) -> MyAnonamouseIndexer:
    return MyAnonamouseIndexer("mam", server.url, http, mam_id=mam_id, seed_hours=72)


async def test_documented_answer_reads_authors_narrators_series_and_freeleech(
    mam: MamServer,
) -> None:
    mam.raw_search = fixture("search.json")
    async with HttpService("mam", FAST) as http:
        found = await indexer(mam, http).search(SearchQuery("love at stake", MediaKind.AUDIOBOOK))
    first, second = found
    assert first.title == "Kerrelyn Sparks - Love at Stake series (narrated by Abby Craden) [MP3]"
    assert first.authors == ("Kerrelyn Sparks",) and first.narrators == ("Abby Craden",)
    assert (first.series, first.series_position) == ("Love at Stake", "01-16")
    assert first.size == 6324306932 and first.seeders == 15 and first.peers == 18
    assert first.freeleech and first.flags == ("freeleech",) and first.categories == (13,)
    assert first.download_url == f"{mam.url}/tor/download.php?tid=273200"
    assert first.info_url == f"{mam.url}/t/273200" and first.grabs == 42
    assert second.authors == ("Patrick Rothfuss",) and second.narrators == ()
    assert second.series is None and not second.freeleech and second.categories == (14,)


async def test_search_asks_the_four_fields_and_pages_by_100(mam: MamServer) -> None:
    mam.items = [mam_item(n, f"Hail Mary part {n}") for n in range(1, 251)]
    async with HttpService("mam", FAST) as http:
        found = await indexer(mam, http).search(SearchQuery("hail mary", MediaKind.AUDIOBOOK))
    assert len(found) == 250 and len({r.guid for r in found}) == 250
    asked = mam.searches()
    assert [r.arg("tor[startNumber]") for r in asked] == ["0", "100", "200"]
    for request in asked:
        assert request.arg("perpage") == "100" and request.arg("tor[text]") == "hail mary"
        assert request.query["tor[main_cat][]"] == ["13"]
        for field in ("title", "author", "series", "narrator"):
            assert request.arg(f"tor[srchIn][{field}]") == "true"
        assert request.headers["cookie"] == f"mam_id={MAM_ID}"
        assert MAM_ID not in request.path + str(request.query)  # the cookie only


async def test_ebooks_ask_category_14_and_a_stop_after_the_last_page(mam: MamServer) -> None:
    mam.items = [mam_item(1, "Project Hail Mary", main_cat=14, filetype="epub")]
    async with HttpService("mam", FAST) as http:
        found = await indexer(mam, http).search(SearchQuery("project hail mary", MediaKind.BOOK))
    assert [r.title for r in found] == [
        "Andy Weir - Project Hail Mary (narrated by Ray Porter) [EPUB]"
    ]
    assert [r.query["tor[main_cat][]"] for r in mam.searches()] == [["14"]]


async def test_items_with_wrong_types_or_missing_fields_are_dropped_alone(
    mam: MamServer, caplog: pytest.LogCaptureFixture
) -> None:
    good = mam_item(7, "Project Hail Mary")
    mam.raw_search = {
        "data": [
            good,
            {**good, "id": "x7"},  # not a number
            {**good, "id": "8", "title": 42},  # title not text
            {k: v for k, v in good.items() if k != "size"} | {"id": "9"},  # no size
            {**good, "id": "10", "size": {"bytes": 1}},  # size of the wrong type
            {**good, "id": "11", "main_cat": "15", "catname": "Musicology"},  # not a book
            {**good, "id": "12", "author_info": "{not json", "narrator_info": 5},  # kept, no names
            "a string",
            None,
        ],
        "total": 9,
        "total_found": 9,
    }
    caplog.set_level(logging.INFO)
    async with HttpService("mam", FAST) as http:
        found = await indexer(mam, http).search(SearchQuery("hail", MediaKind.AUDIOBOOK))
    assert [r.guid.rsplit("/", 1)[1] for r in found] == ["7", "12"]
    assert found[1].authors == () and found[1].title == "Project Hail Mary [M4B]"
    assert "7 malformed items dropped" in caplog.text


async def test_a_429_is_waited_out_once_then_said_naming_the_indexer(mam: MamServer) -> None:
    mam.items = [mam_item(1, "Project Hail Mary")]
    mam.busy = 1
    async with HttpService("mam", FAST) as http:
        found = await indexer(mam, http).search(SearchQuery("hail", MediaKind.AUDIOBOOK))
        assert len(found) == 1 and len(mam.searches()) == 2  # asked again after Retry-After
        mam.busy = 5
        with pytest.raises(errors.RateLimited) as caught:
            await indexer(mam, http).search(SearchQuery("hail", MediaKind.AUDIOBOOK))
    assert caught.value.params["service"] == "mam"
    assert len(mam.searches()) == 4  # one retry, no loop


async def test_nothing_found_is_an_empty_list(mam: MamServer) -> None:
    async with HttpService("mam", FAST) as http:
        assert await indexer(mam, http).search(SearchQuery("nothing", MediaKind.BOOK)) == []


async def test_the_connection_test_reads_class_and_ratio(mam: MamServer) -> None:
    async with HttpService("mam", FAST) as http:
        mine = indexer(mam, http)
        caps = await mine.capabilities()
    assert set(caps.kinds) == {MediaKind.AUDIOBOOK, MediaKind.BOOK}
    assert caps.kinds[MediaKind.AUDIOBOOK] == (13,) and caps.kinds[MediaKind.BOOK] == (14,)
    assert mine.account == {"class": "Power User", "ratio": 3.42}
    assert [r.path for r in mam.requests] == ["/jsonLoad.php"]


@pytest.mark.parametrize("path", ["/jsonLoad.php", "search", "download"])
async def test_a_dead_session_is_one_clear_error_without_retries(
    mam: MamServer, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-mam-id-Qk29xLpV0"
    async with HttpService("mam", FAST, secrets=[wrong]) as http:
        mine = indexer(mam, http, mam_id=wrong)
        with pytest.raises(errors.AuthFailed) as caught:
            if path == "/jsonLoad.php":
                await mine.capabilities()
            elif path == "search":
                await mine.search(SearchQuery("x", MediaKind.AUDIOBOOK))
            else:
                await mine.fetch(f"{mam.url}/tor/download.php?tid=1")
    assert caught.value.key == "error.mam_logged_out" and caught.value.params["service"] == "mam"
    assert "mam" in str(caught.value) and wrong not in str(caught.value)
    assert len(mam.requests) == 1  # no retry loop
    assert wrong not in caplog.text


async def test_download_hands_over_the_torrent_bytes_from_mam_only(mam: MamServer) -> None:
    mam.serve_torrent(5, b"d4:infod4:name4:testee")
    async with HttpService("mam", FAST) as http:
        mine = indexer(mam, http)
        assert await mine.fetch(f"{mam.url}/tor/download.php?tid=5") == b"d4:infod4:name4:testee"
        with pytest.raises(errors.UserError):
            await mine.fetch("http://127.0.0.2:9/tor/download.php?tid=5")
    assert [r.path for r in mam.requests] == ["/tor/download.php"]


async def test_freeleech_ranks_first_when_the_quality_is_equal(mam: MamServer) -> None:
    mam.items = [
        mam_item(1, "Project Hail Mary", seeders=50),
        mam_item(2, "Project Hail Mary", seeders=5, free=True),
        mam_item(3, "Project Hail Mary", seeders=9, personal=True, vip=True),
    ]
    async with HttpService("mam", FAST) as http:
        found = await indexer(mam, http).search(SearchQuery("hail mary", MediaKind.AUDIOBOOK))
    wanted = Wanted(kind=MediaKind.AUDIOBOOK, title="Project Hail Mary")
    verdicts = rank(found, wanted)
    assert all(v.accepted for v in verdicts)
    assert len({v.quality for v in verdicts}) == 1
    assert [v.release.guid.rsplit("/", 1)[1] for v in verdicts] == ["3", "2", "1"]
    assert verdicts[0].release.flags == ("personal-freeleech", "vip")


async def test_movie_and_tv_searches_never_reach_mam(mam: MamServer) -> None:
    mam.items = [mam_item(1, "Dune")]
    async with HttpService("mam", FAST) as http:
        search = ReleaseSearch([indexer(mam, http)])
        for kind in (MediaKind.MOVIE, MediaKind.SERIES, MediaKind.ANIME, MediaKind.MUSIC):
            outcome = await search.search(SearchQuery("dune", kind))
            assert outcome.skipped == ["mam"] and not outcome.verdicts
        assert mam.searches() == []
        outcome = await search.search(SearchQuery("dune", MediaKind.AUDIOBOOK))
    assert len(outcome.verdicts) == 1 and len(mam.searches()) == 1


async def test_vip_freeleech_is_free_only_for_a_vip_class(mam: MamServer) -> None:
    mam.items = [{**mam_item(1, "Project Hail Mary"), "fl_vip": "1", "vip": "1"}]
    async with HttpService("mam", FAST) as http:
        plain = indexer(mam, http)
        await plain.capabilities()  # a Power User
        [as_user] = await plain.search(SearchQuery("hail", MediaKind.AUDIOBOOK))
        mam.account = {**mam.account, "classname": "VIP"}
        vip = indexer(mam, http)
        await vip.capabilities()
        [as_vip] = await vip.search(SearchQuery("hail", MediaKind.AUDIOBOOK))
    assert as_user.flags == as_vip.flags == ("vip-freeleech", "vip")
    assert not as_user.freeleech and as_vip.freeleech
