"""A failing AniList is named in the search's errors, and TMDB's results still come back."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from adapters.metadata.anilist import AniListProvider
from core import errors
from core.domain import MediaKind
from core.http import HttpService
from core.services.metadata import MetadataSearch
from tests.metadata.conftest import MakeProvider
from tests.support.anilist import JSON
from tests.support.localserver import LocalServer, Response

# Fast but the same mechanism: one retry after a short backoff, a short deadline for the drip.
POLICY = dataclasses.replace(
    AniListProvider.policy, retries=1, backoff=0.05, deadline=2.0, read_timeout=2.0
)
TEN_MB = 10 * 1024 * 1024
HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>...</body></html>"

CASES = [
    pytest.param(
        Response(503, b"Service Unavailable", {"Content-Type": "text/plain"}),
        errors.Unavailable,
        "error.unavailable",
        id="503",
    ),
    pytest.param(
        Response(200, b'{"data": {"Page": {"media": ["' + b"a" * (TEN_MB + 10) + b'"]}}}', JSON),
        errors.ResponseTooLarge,
        "error.too_large",
        id="10MB",
    ),
    pytest.param(
        Response(200, b'{"data": {"Page": {"media": [{"id": 1,', JSON),
        errors.BadResponse,
        "error.bad_json",
        id="invalid-json",
    ),
    pytest.param(
        Response(200, HTML, {"Content-Type": "text/html; charset=utf-8"}),
        errors.Unavailable,
        "error.unavailable",
        id="html-page",
    ),
    pytest.param(
        Response(200, headers=JSON, chunks=[b'{"data": '] + [b" "] * 40, chunk_delay=0.25),
        errors.Timeout,
        "error.timeout",
        id="slow-drip",
    ),
]


@pytest.fixture
def hostile() -> Iterator[tuple[LocalServer, list[Response]]]:
    answer: list[Response] = []
    with LocalServer(lambda request: answer[0]) as server:
        yield server, answer


@pytest.mark.parametrize(("response", "kind", "key"), CASES)
async def test_a_failing_anilist_is_named_and_tmdb_still_answers(
    hostile, make_provider: MakeProvider, response, kind, key
) -> None:
    server, answer = hostile
    answer.append(response)
    anilist = AniListProvider(HttpService("anilist", POLICY), url=server.url + "/")
    try:
        search = MetadataSearch([make_provider(), anilist])
        found = await search.search("breaking bad", [MediaKind.SERIES, MediaKind.ANIME])
    finally:
        await anilist.aclose()
    assert [m.title for m in found.media] == ["Breaking Bad"]  # TMDB's answer
    failure = found.failures["anilist"]
    assert type(failure) is kind and failure.key == key
    assert failure.params["service"] == "anilist" and "anilist" in str(failure)
