"""Keyless providers are built with their defaults when nobody set them up (no call is made)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.metadata.coverartarchive import CoverArtArchiveEnricher
from adapters.metadata.musicbrainz import MusicBrainzProvider
from core import declare
from core.app import Outpost
from core.services.defaults import keyless_kinds
from core.services.integrations import IntegrationCategory
from core.store.models import Integration


@pytest_asyncio.fixture(loop_scope="function")
async def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Outpost]:
    for name in ("OUTPOST_SECRET_KEY", "OUTPOST_DATABASE_URL", "OUTPOST_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    async with Outpost(tmp_path / "data") as opened:
        yield opened


def test_keyless_means_every_setting_has_a_default() -> None:
    assert keyless_kinds() == [
        "anilist",
        "audnexus",
        "coverartarchive",
        "musicbrainz",
        "openlibrary",
    ]
    # tmdb needs its key
    assert declare.keyless(MusicBrainzProvider.Settings)


async def test_with_no_setup_the_public_services_are_built(app: Outpost) -> None:
    built = {p.name: p for p in await app.providers()}
    mb, caa = built["musicbrainz"], built["coverartarchive"]
    assert isinstance(mb, MusicBrainzProvider) and isinstance(caa, CoverArtArchiveEnricher)
    assert mb.base_url == "https://musicbrainz.org/ws/2"
    assert caa.base_url == "https://coverartarchive.org"
    search = await app.metadata_search()
    assert [p.name for p in search._providers] == ["anilist", "musicbrainz", "openlibrary"]
    assert [e.name for e in search._enrichers] == ["audnexus", "coverartarchive"]
    assert await Integration.all().count() == 0  # nothing was stored for them


async def test_a_stored_row_replaces_the_defaults_and_off_means_off(app: Outpost) -> None:
    await app.integrations.set_provider(
        "musicbrainz", {"url": "http://mirror.lan/ws/2"}, test=False
    )
    await app.integrations.switch("coverartarchive", enabled=False)
    built = {p.name: p for p in await app.providers()}
    assert list(built) == ["musicbrainz", "anilist", "audnexus", "openlibrary"]
    assert built["musicbrainz"].base_url == "http://mirror.lan/ws/2"  # type: ignore[union-attr]
    entries = {e.name: e for e in await app.integrations.list(IntegrationCategory.PROVIDER)}
    assert (entries["musicbrainz"].default, entries["coverartarchive"].enabled) == (False, False)
