"""A MusicBrainz that is down, slow or answers garbage is named in MetadataSearch's failures,
and another provider's albums still come back."""

from __future__ import annotations

import dataclasses

import pytest

from adapters.metadata.musicbrainz import MusicBrainzProvider
from core import errors
from core.domain import MediaKind
from core.services.metadata import MetadataSearch
from tests.metadata.conftest import MakeMusicBrainz, MusicBrainz
from tests.support.localserver import Response
from tests.support.musicbrainz_server import JSON, fixture

MB = 1024 * 1024
HTML = {"Content-Type": "text/html; charset=utf-8"}
PORTAL = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
)
CASES = {
    "503 forever": (
        [Response(503, fixture("musicbrainz", "error_503.json"), {**JSON, "Retry-After": "0"})] * 5,
        errors.RateLimited,
    ),
    "a 10 MB body": ([Response(200, b"", JSON, chunks=[b" " * MB] * 10)], errors.ResponseTooLarge),
    "a 10 MB body, declared": ([Response(200, b"{" * (10 * MB), JSON)], errors.ResponseTooLarge),
    "invalid JSON": ([Response(200, b'{"release-groups": [{"id": ', JSON)], errors.BadResponse),
    "an HTML error page": ([Response(200, PORTAL, HTML)], errors.Unavailable),
    "a slow drip": (
        [Response(200, b"", JSON, chunks=[b" "] * 50, chunk_delay=0.2)],
        errors.Timeout,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_a_failing_musicbrainz_is_named_and_the_other_results_come_back(
    case: str, mb: MusicBrainz, mirror: MusicBrainz, make_mb: MakeMusicBrainz
) -> None:
    script, error = CASES[case]
    mb.fake.script = list(script)
    policy = MusicBrainzProvider.policy
    if case == "a slow drip":  # the deadline bounds a drip; the production one is a minute
        policy = dataclasses.replace(policy, deadline=2.0)
    broken = make_mb(policy=policy)
    other = make_mb(name="mirror", base_url=mirror.base_url)
    results = await MetadataSearch([broken, other]).search("the love bug", [MediaKind.MUSIC])
    assert [m.title for m in results.media] == ["the Love Bug", "Repercussions"]
    assert list(results.failures) == ["musicbrainz"]
    failure = results.failures["musicbrainz"]
    assert isinstance(failure, error), repr(failure)
    assert failure.params.get("service") == "musicbrainz"
    assert "Traceback" not in str(failure)
