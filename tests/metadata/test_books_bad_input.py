"""Open Library or Audnexus down, slow or answering garbage: named in the failures, while the
other providers' results still come back (issue 10, "Bad input")."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core import errors
from core.domain import MediaKind
from core.http import HttpPolicy
from core.services.metadata import MetadataSearch
from tests.metadata.books import HTML, JSON
from tests.metadata.conftest import MakeAudnexus, MakeOpenLibrary, MakeProvider, Served
from tests.support.localserver import Response

MIB = 1024 * 1024
# Quick retries and a short deadline, so a drip of ten seconds outlives it many times over.
FAST = HttpPolicy(retries=1, backoff=0.01, max_backoff=0.02, deadline=1.0, max_bytes=2 * MIB)

HOSTILE: dict[str, tuple[Callable[[], Response], type[errors.OutpostError]]] = {
    "503": (lambda: Response(503, "Service Unavailable", {}), errors.Unavailable),
    "10 MB body": (
        lambda: Response(200, b"", JSON, chunks=[b" " * MIB] * 10),
        errors.ResponseTooLarge,
    ),
    "invalid JSON": (lambda: Response(200, b'{"docs": [{"key": ', JSON), errors.BadResponse),
    "HTML error page": (
        lambda: Response(200, "<html><body><h1>Oops</h1>Something broke</body></html>", HTML),
        errors.BadResponse,
    ),
    "slow drip": (
        lambda: Response(200, b"", JSON, chunks=[b" "] * 50, chunk_delay=0.2),
        errors.Timeout,
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
async def test_open_library_failing_is_named_and_tmdb_still_answers(
    case: str,
    openlibrary: Served,
    make_openlibrary: MakeOpenLibrary,
    make_provider: MakeProvider,
) -> None:
    answer, expected = HOSTILE[case]
    openlibrary.fake.overrides["/search.json"] = answer()
    search = MetadataSearch([make_provider(), make_openlibrary(policy=FAST)])
    results = await search.search("omen", [MediaKind.MOVIE, MediaKind.BOOK])
    assert [m.title for m in results.media] == ["The First Omen", "The Omen"]
    assert list(results.failures) == ["openlibrary"]
    failure = results.failures["openlibrary"]
    assert isinstance(failure, expected), repr(failure)
    assert failure.params["service"] == "openlibrary"


@pytest.mark.parametrize("case", list(HOSTILE))
async def test_audnexus_failing_is_named_and_the_open_library_title_still_comes_back(
    case: str,
    audnexus: Served,
    make_openlibrary: MakeOpenLibrary,
    make_audnexus: MakeAudnexus,
) -> None:
    answer, expected = HOSTILE[case]
    audnexus.fake.overrides["/books/B079LRSMNN"] = answer()
    search = MetadataSearch([make_openlibrary()], [make_audnexus(policy=FAST)])
    results = await search.search("galaxy's edge", [MediaKind.AUDIOBOOK])
    (book,) = results.media
    assert (book.title, book.provider, book.ids["asin"]) == (
        "Galaxy's Edge",
        "openlibrary",
        "B079LRSMNN",
    )
    assert book.series is None and all(c.role == "author" for c in book.credits)
    assert list(results.failures) == ["audnexus"]
    failure = results.failures["audnexus"]
    assert isinstance(failure, expected), repr(failure)
    assert failure.params["service"] == "audnexus"


async def test_with_both_well_the_audiobook_has_its_narrator_and_series(
    make_openlibrary: MakeOpenLibrary, make_audnexus: MakeAudnexus
) -> None:
    search = MetadataSearch([make_openlibrary()], [make_audnexus()])
    results = await search.search("galaxy's edge", [MediaKind.AUDIOBOOK])
    (book,) = results.media
    assert results.failures == {}
    assert ("narrator", "R.C. Bray") in [(c.role, c.name) for c in book.credits]
    assert (book.series, book.series_position) == ("Galaxy's Edge Series", "1-2")
