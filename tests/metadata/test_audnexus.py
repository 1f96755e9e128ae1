"""AudnexusProvider against a loopback Audnexus answering in its documented shapes."""

from __future__ import annotations

import dataclasses

from adapters.metadata.audnexus import CACHE_TTL, AudnexusProvider, Chapter, Series
from core.domain import Credit, Media, MediaKind
from core.ports import Enricher, TitleSearch
from core.services.metadata import merged
from tests.metadata.books import JSON
from tests.metadata.conftest import MakeAudnexus, MemoryCache, Served
from tests.support.localserver import Response


def _audiobook(asin: str | None, kind: MediaKind = MediaKind.AUDIOBOOK) -> Media:
    ids = {"openlibrary": "OL20688637W", **({"asin": asin} if asin else {})}
    return Media(kind, "Galaxy's Edge", "openlibrary", "OL20688637W", ids=ids)


async def test_it_is_an_enricher_by_asin_and_not_a_title_search(
    make_audnexus: MakeAudnexus,
) -> None:
    provider = make_audnexus()
    assert isinstance(provider, Enricher) and not isinstance(provider, TitleSearch)
    assert provider.schemes == {"asin"}
    assert not hasattr(provider, "kinds")  # so no one is told "audnexus serves audiobooks"


async def test_enrich_adds_narrators_series_and_position(
    audnexus: Served, make_audnexus: MakeAudnexus
) -> None:
    extra = await make_audnexus().enrich(_audiobook("B079LRSMNN"))
    assert extra is not None
    assert (extra.series, extra.series_position) == ("Galaxy's Edge Series", "1-2")
    assert extra.credits == (
        Credit("author", "Jason Anspach", {"asin": "B012DQ3BCM"}),
        Credit("author", "Nick Cole", {"asin": "B004W47QXE"}),
        Credit("narrator", "R.C. Bray", {}),
    )
    assert extra.year == 2018 and extra.poster_url == (
        "https://m.media-amazon.com/images/I/91spdScZuIL.jpg"
    )
    assert extra.overview.startswith("Galaxy's Edge contains Legionnaire")  # HTML made text
    (request,) = audnexus.server.requests
    assert request.path == "/books/B079LRSMNN" and request.arg("region") == "us"


async def test_merged_into_the_open_library_title_it_keeps_the_title_and_adds_the_rest(
    make_audnexus: MakeAudnexus,
) -> None:
    base = dataclasses.replace(
        _audiobook("B079LRSMNN"),
        credits=(Credit("author", "Jason Anspach", {"openlibrary": "OL7523113A"}),),
    )
    extra = await make_audnexus().enrich(base)
    assert extra is not None
    both = merged(base, extra)
    assert both.title == "Galaxy's Edge" and both.provider == "openlibrary"
    assert [(c.role, c.name) for c in both.credits] == [
        ("author", "Jason Anspach"),
        ("author", "Nick Cole"),
        ("narrator", "R.C. Bray"),
    ]
    assert both.series == "Galaxy's Edge Series" and both.series_position == "1-2"


async def test_the_book_has_its_length_genres_and_every_series(
    audnexus: Served, make_audnexus: MakeAudnexus
) -> None:
    book = await make_audnexus().book("B08G9PRS1K")
    assert book is not None
    assert book.details.runtime == 970
    assert book.details.media.credits == (
        Credit("author", "Andy Weir", {"asin": "B00G0WYW92"}),
        Credit("narrator", "Ray Porter", {}),
    )
    assert book.series == () and book.details.media.series is None  # a standalone novel
    assert book.details.genres[:2] == ("Science Fiction & Fantasy", "Science Fiction")
    body = (
        '{"asin": "B0000000X1", "title": "T", "image": "https://169.254.169.254/latest/x.jpg",'
        '"seriesPrimary": {"name": "Main", "position": "2"},'
        '"seriesSecondary": [{"name": "Universe", "position": "7.5"},'
        '{"name": "Odd", "position": "Book Two; DROP TABLE"}, {"position": "1"}]}'
    )
    audnexus.fake.overrides["/books/B0000000X1"] = Response(200, body, JSON)
    odd = await make_audnexus().book("B0000000X1")
    assert odd is not None and odd.series == (
        Series("Main", "2"),
        Series("Universe", "7.5"),
        Series("Odd", None),
    )
    assert odd.details.media.poster_url is None  # not an Amazon image host


async def test_chapters_and_authors_are_read(make_audnexus: MakeAudnexus) -> None:
    provider = make_audnexus()
    chapters = await provider.chapters("B079LRSMNN")
    assert chapters[:2] == (Chapter("Legionnaire", 0, 21073), Chapter("Part One", 21073, 1591))
    assert len(chapters) == 5
    author = await provider.author("B012DQ3BCM")
    assert author is not None and author.name == "Jason Anspach"
    assert author.description.startswith("JASON ANSPACH (1979- )")
    assert author.image_url is not None and author.image_url.startswith("https://")


async def test_a_404_is_an_unknown_asin_not_an_error(
    audnexus: Served, make_audnexus: MakeAudnexus
) -> None:
    provider = make_audnexus()
    assert await provider.enrich(_audiobook("B000000000")) is None
    assert await provider.chapters("B000000000") == ()
    assert await provider.author("B000000000") is None
    assert audnexus.paths() == [
        "/books/B000000000",
        "/books/B000000000/chapters",
        "/authors/B000000000",
    ]


async def test_no_asin_a_malformed_one_or_another_kind_asks_nothing(
    audnexus: Served, make_audnexus: MakeAudnexus
) -> None:
    provider = make_audnexus()
    assert await provider.enrich(_audiobook(None)) is None
    assert await provider.enrich(_audiobook("../../x")) is None
    assert await provider.enrich(_audiobook("B079LRSMNN", MediaKind.BOOK)) is None
    assert await provider.book("b079lrsmnn") is None
    assert audnexus.paths() == []


async def test_answers_and_unknowns_are_cached(
    audnexus: Served, make_audnexus: MakeAudnexus
) -> None:
    cache = MemoryCache()
    for _ in range(2):
        assert await make_audnexus(cache=cache).enrich(_audiobook("B079LRSMNN")) is not None
        assert await make_audnexus(cache=cache).enrich(_audiobook("B000000000")) is None
    assert audnexus.paths() == ["/books/B079LRSMNN", "/books/B000000000"]
    assert CACHE_TTL >= 24 * 3600 and set(cache.ttls) == {CACHE_TTL}


async def test_the_region_is_sent_and_keys_the_cache(
    audnexus: Served, make_audnexus: MakeAudnexus
) -> None:
    cache = MemoryCache()
    await make_audnexus(cache=cache).enrich(_audiobook("B079LRSMNN"))
    await make_audnexus(cache=cache, region="uk").enrich(_audiobook("B079LRSMNN"))
    assert [r.arg("region") for r in audnexus.server.requests] == ["us", "uk"]


async def test_the_policy_keeps_audnexus_budget_and_the_check_is_live(
    audnexus: Served, make_audnexus: MakeAudnexus
) -> None:
    assert AudnexusProvider.policy.rate == (100, 60.0)
    provider = make_audnexus(cache=MemoryCache())
    await provider.test()
    await provider.test()
    assert audnexus.paths() == ["/books/B08G9PRS1K", "/books/B08G9PRS1K"]
