"""OpenLibraryProvider against a loopback Open Library answering in its documented shapes."""

from __future__ import annotations

import asyncio

import pytest

from adapters.metadata.openlibrary import CACHE_TTL, OpenLibraryProvider
from core import errors
from core.domain import Credit, Media, MediaKind
from core.ports import TitleSearch
from tests.metadata.books import CONTACT, JSON
from tests.metadata.conftest import MakeOpenLibrary, MemoryCache, Served
from tests.support.localserver import Response

COVERS = "https://covers.openlibrary.org/b/id/"


async def test_search_maps_title_year_authors_ids_and_cover(
    openlibrary: Served, make_openlibrary: MakeOpenLibrary
) -> None:
    found = await make_openlibrary().search("Project Hail Mary", MediaKind.BOOK)
    assert [m.title for m in found] == ["Project Hail Mary", "Study Guide: Project Hail Mary"]
    book, guide = found
    assert (book.kind, book.provider, book.provider_id) == (
        MediaKind.BOOK,
        "openlibrary",
        "OL21745884W",
    )
    assert book.year == 2021
    assert book.credits == (Credit("author", "Andy Weir", {"openlibrary": "OL7234434A"}),)
    # ISBN-13 preferred; the Audible ASIN ("B0…") over the print book's ISBN-10 ASIN
    assert book.ids == {"openlibrary": "OL21745884W", "isbn": "9780593135204", "asin": "B08G9PRS1K"}
    assert book.poster_url == COVERS + "11200092-M.jpg"  # a thumbnail for the list
    assert (guide.poster_url, guide.ids) == (None, {"openlibrary": "OL27479795W"})
    (search,) = [r for r in openlibrary.server.requests if r.path == "/search.json"]
    assert search.arg("title") == "Project Hail Mary" and search.arg("limit") == "20"
    fields = set((search.arg("fields") or "").split(","))
    assert {"key", "title", "author_key", "first_publish_year", "cover_i", "id_amazon"} <= fields


async def test_an_audiobook_search_is_the_same_search_giving_audiobooks(
    openlibrary: Served, make_openlibrary: MakeOpenLibrary
) -> None:
    provider = make_openlibrary()
    assert isinstance(provider, TitleSearch)
    assert provider.kinds == {MediaKind.BOOK, MediaKind.AUDIOBOOK}
    (book, _) = await provider.search("project hail mary", MediaKind.AUDIOBOOK)
    assert book.kind is MediaKind.AUDIOBOOK and book.ids["asin"] == "B08G9PRS1K"


async def test_year_keeps_the_works_first_published_that_year(
    make_openlibrary: MakeOpenLibrary,
) -> None:
    found = await make_openlibrary().search("project hail mary", MediaKind.BOOK, year=2022)
    assert [m.title for m in found] == ["Study Guide: Project Hail Mary"]


async def test_the_older_bare_work_key_of_the_docs_is_read(
    make_openlibrary: MakeOpenLibrary,
) -> None:
    (lotr,) = await make_openlibrary().search("The Lord of the Rings", MediaKind.BOOK)
    assert (lotr.provider_id, lotr.year) == ("OL27448W", 1954)
    assert lotr.credits == (Credit("author", "J. R. R. Tolkien", {"openlibrary": "OL26320A"}),)
    assert lotr.popularity == 120.0  # editions: the most printed work first


async def test_details_read_the_work_and_its_authors(
    openlibrary: Served, make_openlibrary: MakeOpenLibrary
) -> None:
    (book, _) = await make_openlibrary().search("project hail mary", MediaKind.BOOK)
    details = await make_openlibrary().details(book)
    assert details.media.overview.startswith("Ryland Grace is the sole survivor")
    assert details.media.poster_url == COVERS + "11200092-L.jpg"  # the large cover
    assert details.genres == ("Science fiction", "Space flight", "Astronauts", "Amnesia")
    assert details.media.credits == (Credit("author", "Andy Weir", {"openlibrary": "OL7234434A"}),)
    assert details.media.series is None  # a work has no series field (see the fixtures README)
    assert "/works/OL21745884W.json" in openlibrary.paths()
    assert "/authors/OL7234434A.json" in openlibrary.paths()


async def test_an_author_is_read_by_id(make_openlibrary: MakeOpenLibrary) -> None:
    assert await make_openlibrary().author("OL7234434A") == "Andy Weir"
    with pytest.raises(errors.NotFound):
        await make_openlibrary().author("../../etc/passwd")


async def test_details_of_a_work_open_library_lost_is_not_found(
    make_openlibrary: MakeOpenLibrary,
) -> None:
    media = Media(MediaKind.BOOK, "Gone", "openlibrary", "OL1W", ids={"openlibrary": "OL1W"})
    with pytest.raises(errors.NotFound):
        await make_openlibrary().details(media)


async def test_the_user_agent_names_outpost_and_the_contact(
    openlibrary: Served, make_openlibrary: MakeOpenLibrary
) -> None:
    await make_openlibrary().search("project hail mary", MediaKind.BOOK)
    agent = openlibrary.server.requests[0].headers["user-agent"]
    assert agent.startswith("Outpost/") and agent.endswith(f"({CONTACT})")


async def test_without_a_contact_open_library_refuses_and_we_say_what_to_do(
    make_openlibrary: MakeOpenLibrary,
) -> None:
    with pytest.raises(errors.AuthFailed) as caught:
        await make_openlibrary(contact=None).search("project hail mary", MediaKind.BOOK)
    assert caught.value.key == "error.openlibrary_refused"
    assert caught.value.params["service"] == "openlibrary"


async def test_answers_are_cached_for_a_week(
    openlibrary: Served, make_openlibrary: MakeOpenLibrary
) -> None:
    cache = MemoryCache()
    provider = make_openlibrary(cache=cache)
    first = await provider.search("project hail mary", MediaKind.BOOK)
    again = await make_openlibrary(cache=cache).search("project hail mary", MediaKind.BOOK)
    assert again == first and openlibrary.paths().count("/search.json") == 1
    assert CACHE_TTL >= 24 * 3600 and cache.ttls == [CACHE_TTL]
    cache.now += CACHE_TTL + 1
    await provider.search("project hail mary", MediaKind.BOOK)
    assert openlibrary.paths().count("/search.json") == 2


async def test_a_burst_keeps_open_library_s_published_rate(
    openlibrary: Served, make_openlibrary: MakeOpenLibrary
) -> None:
    """3 requests a second. Three first fill the budget (and open the connections), so each
    of the nine that follow waits its third of a second: their arrivals span at least 8/3 s
    (a lower bound, which load can only widen)."""
    assert OpenLibraryProvider.policy.rate == (3, 1.0)
    provider = make_openlibrary()
    await asyncio.gather(*(provider.author("OL7234434A") for _ in range(3)))
    await asyncio.gather(*(provider.author("OL7234434A") for _ in range(9)))
    times = sorted(openlibrary.fake.times)
    assert len(times) == 12
    assert times[-1] - times[3] >= 8 / 3 - 0.3


async def test_hostile_documents_are_skipped_or_sanitised(
    openlibrary: Served, make_openlibrary: MakeOpenLibrary
) -> None:
    body = (
        '{"docs": [{"key": "/works/../../x", "title": "bad key"}, {"key": "/works/OL1W"}, 7,'
        '{"key": "/works/OL2W", "title": "ok", "cover_i": "12", "first_publish_year": "1999",'
        '"author_name": ["A", 3], "author_key": "OL1A", "id_amazon": ["<script>"],'
        '"isbn": ["not-an-isbn"]}]}'
    )
    openlibrary.fake.overrides["/search.json"] = Response(200, body, JSON)
    (only,) = await make_openlibrary().search("x", MediaKind.BOOK)
    assert (only.provider_id, only.poster_url, only.year) == ("OL2W", None, None)
    assert only.ids == {"openlibrary": "OL2W"}
    assert only.credits == (Credit("author", "A"),)


async def test_open_library_does_not_serve_films(make_openlibrary: MakeOpenLibrary) -> None:
    with pytest.raises(errors.UserError) as caught:
        await make_openlibrary().search("dune", MediaKind.MOVIE)
    assert caught.value.key == "error.unknown_kind"


async def test_the_live_check_is_one_small_uncached_search(
    openlibrary: Served, make_openlibrary: MakeOpenLibrary
) -> None:
    cache = MemoryCache()
    provider = make_openlibrary(cache=cache)
    await provider.test()
    await provider.test()
    assert openlibrary.paths() == ["/search.json", "/search.json"] and cache.entries == {}
    assert openlibrary.server.requests[0].arg("limit") == "1"
