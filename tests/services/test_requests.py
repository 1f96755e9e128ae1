"""Requests keep who the chosen title is by; the search and match a request stands for use it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from core.domain import Credit, MediaKind
from core.services.failover import wanted_of
from core.services.requests import console_person, kind_of_name, record_request, wanted_for
from core.store.database import Store
from core.store.models import MediaRequest

CHOSEN = {
    "kind": "audiobook",
    "title": "Dune",
    "year": 2007,
    "credits": [
        {"role": "author", "name": "Frank Herbert", "ids": {"openlibrary": "OL79034A"}},
        {"role": "narrator", "name": "Scott Brick", "ids": {}},
        {"role": "", "name": "nobody"},  # not a credit: skipped
        "Frank Herbert",  # not a credit either
    ],
    "series": "Dune Chronicles",
    "series_position": "1",
}


@pytest_asyncio.fixture(loop_scope="function")
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "data") as opened:
        yield opened


async def test_a_request_stores_credits_series_and_position(store: Store) -> None:
    request = await record_request(await console_person(), CHOSEN)
    stored = await MediaRequest.get(id=request.id)
    assert stored.credits == [
        {"role": "author", "name": "Frank Herbert", "ids": {"openlibrary": "OL79034A"}},
        {"role": "narrator", "name": "Scott Brick", "ids": {}},
    ]
    assert (stored.series, stored.series_position) == ("Dune Chronicles", "1")
    query, wanted = wanted_of(stored)  # failover searches again with the same credits
    assert wanted.credits == (
        Credit("author", "Frank Herbert", {"openlibrary": "OL79034A"}),
        Credit("narrator", "Scott Brick"),
    )
    assert (query.kind, query.text, query.year, query.author, query.title) == (
        MediaKind.AUDIOBOOK,
        "",  # book-search by its fields; an indexer without it gets "Frank Herbert Dune" in q
        2007,
        "Frank Herbert",
        "Dune",
    )


async def test_a_request_without_credits_stores_none(store: Store) -> None:
    request = await record_request(await console_person(), {"kind": "movie", "title": "Dune"})
    stored = await MediaRequest.get(id=request.id)
    assert (stored.credits, stored.series, stored.series_position) == (None, None, None)
    assert wanted_of(stored)[1].credits == ()


def test_a_music_match_knows_its_artist() -> None:
    query, wanted = wanted_for(
        {
            "kind": "music",
            "title": "Kind of Blue",
            "credits": [{"role": "artist", "name": "Miles Davis"}],
        }
    )
    assert (query.text, query.artist, query.album) == ("", "Miles Davis", "Kind of Blue")
    assert wanted.credited("artist") == ("Miles Davis",)


def test_a_title_without_credits_is_searched_by_its_words() -> None:
    query, _ = wanted_for({"kind": "book", "title": "Dune", "credits": []})
    assert (query.text, query.author, query.title) == ("Dune", None, None)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("[SubsPlease] Sousou no Frieren - 05 (1080p) [8A3B5C7D].mkv", MediaKind.ANIME),
        ("[Erai-raws] Sousou no Frieren - 01 ~ 28 [1080p][Multiple Subtitle]", MediaKind.ANIME),
        ("Sousou.no.Frieren.S01E05.1080p.WEB.H264-VARYG", MediaKind.SERIES),
        ("Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.H.265-FLUX", MediaKind.MOVIE),
    ],
)
def test_a_free_text_grab_reads_its_kind_from_the_name(name: str, kind: MediaKind) -> None:
    assert kind_of_name(name) is kind
