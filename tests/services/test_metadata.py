"""MetadataSearch: title searches first, then the enrichers whose id scheme a result carries."""

from __future__ import annotations

import dataclasses

import pytest

from bot.i18n import t
from core import errors
from core.domain import Credit, Media, MediaKind
from core.ports import Enricher, TitleSearch
from core.registry import providers_serving
from core.services.metadata import MetadataSearch, merged

DUNE = Media(
    MediaKind.AUDIOBOOK,
    "Dune",
    provider="books",
    provider_id="1",
    ids={"asin": "B002V1OF70"},
    credits=(Credit("author", "Frank Herbert"),),
)
OTHER = Media(MediaKind.AUDIOBOOK, "Dune Messiah", provider="books", provider_id="2")


class Books:
    """A title search with fixed answers: no metadata service for books runs here yet."""

    name = "books"
    kinds = frozenset({MediaKind.AUDIOBOOK})

    async def search(self, query: str, kind: MediaKind, *, year: int | None = None) -> list[Media]:
        return [DUNE, OTHER]

    async def details(self, media: Media):  # pragma: no cover - not asked here
        raise NotImplementedError

    async def aclose(self) -> None:
        pass


class Narrators:
    """An enricher by ASIN, in the shape of Audnexus: narrator and series."""

    name = "narrators"
    schemes = frozenset({"asin"})

    def __init__(self, fail: bool = False) -> None:
        self.asked: list[str] = []
        self.fail = fail

    async def enrich(self, media: Media) -> Media | None:
        self.asked.append(media.title)
        if self.fail:
            raise errors.Unreachable("narrators: down", service=self.name)
        return dataclasses.replace(
            media,
            title="Renamed",  # an enricher cannot rename what the title search found
            credits=(Credit("author", "frank herbert"), Credit("narrator", "Scott Brick")),
            series="Dune Chronicles",
            series_position="1",
            ids={"asin": "B002V1OF70", "audible": "x"},
        )

    async def aclose(self) -> None:
        pass


def test_the_fakes_are_the_ports() -> None:
    assert isinstance(Books(), TitleSearch) and not isinstance(Books(), Enricher)
    assert isinstance(Narrators(), Enricher) and not isinstance(Narrators(), TitleSearch)


async def test_enrichers_run_on_results_that_carry_their_scheme() -> None:
    enricher = Narrators()
    found = await MetadataSearch([Books()], [enricher]).search("dune", [MediaKind.AUDIOBOOK])
    assert enricher.asked == ["Dune"]  # "Dune Messiah" has no ASIN
    dune = found.media[0]
    assert dune.title == "Dune"
    assert [(c.role, c.name) for c in dune.credits] == [
        ("author", "Frank Herbert"),
        ("narrator", "Scott Brick"),
    ]
    assert (dune.series, dune.series_position) == ("Dune Chronicles", "1")
    assert dune.ids == {"asin": "B002V1OF70", "audible": "x"}
    assert found.media[1] == OTHER and found.failures == {}


async def test_a_failing_enricher_costs_only_its_additions() -> None:
    found = await MetadataSearch([Books()], [Narrators(fail=True)]).search(
        "dune", [MediaKind.AUDIOBOOK]
    )
    assert found.media == [DUNE, OTHER]
    assert list(found.failures) == ["narrators"]


def test_merged_keeps_the_base_and_fills_gaps() -> None:
    extra = dataclasses.replace(DUNE, overview="Spice.", year=1965, title="x")
    assert merged(DUNE, extra) == dataclasses.replace(DUNE, overview="Spice.", year=1965)
    assert merged(DUNE, DUNE) is DUNE


async def test_no_catalogue_names_a_provider_that_serves_the_kind_or_none() -> None:
    search = MetadataSearch([], serving=lambda kind: ["books"] if kind is MediaKind.BOOK else [])
    with pytest.raises(errors.UserError) as offered:
        await search.search("dune", [MediaKind.BOOK])
    assert (offered.value.key, offered.value.params["provider"]) == ("error.no_provider", "books")
    with pytest.raises(errors.UserError) as none:
        await search.search("omen", [MediaKind.MUSIC])
    assert none.value.key == "error.no_catalogue"
    assert "provider" not in none.value.params


def test_the_registry_knows_which_provider_serves_a_kind() -> None:
    assert providers_serving(MediaKind.MOVIE) == ["tmdb"]
    assert providers_serving(MediaKind.BOOK) == ["openlibrary"]
    assert providers_serving(MediaKind.MUSIC) == ["musicbrainz"]


@pytest.mark.parametrize(
    ("lang", "movie"), [("en", "no movie catalogue"), ("de", "keinen Katalog für Filme")]
)
def test_the_chat_says_which_catalogue_is_missing(lang: str, movie: str) -> None:
    assert movie in t("search.no_provider", lang, kind=t("kind.movie", lang), title="Dune")
    for key in ("error.no_provider", "error.no_catalogue"):
        worded = t(key, lang, kinds="book", provider="books")
        assert "TMDB" not in worded and "--api-key" not in worded


def test_the_command_line_quotes_the_kind_it_was_given_in_german() -> None:
    # the CLI names the kind as typed after --kind; German quotes it rather than inflect it
    assert "keinen Katalog für „book“" in t("error.no_catalogue", "de", kinds="book")
    assert "no book catalogue" in t("error.no_catalogue", "en", kinds="book")
