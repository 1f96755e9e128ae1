"""The registry reads entry points; the composition root builds any adapter in one call."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.indexers.torznab import NewznabIndexer
from core import errors, registry
from core.app import Outpost
from core.domain import Protocol
from core.registry import AdapterSpec
from core.store.models import Integration, IntegrationCategory

ROOT = Path(__file__).resolve().parents[2]


@pytest_asyncio.fixture(loop_scope="function")
async def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Outpost]:
    for name in ("OUTPOST_SECRET_KEY", "OUTPOST_DATABASE_URL", "OUTPOST_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    async with Outpost(tmp_path / "data") as opened:
        yield opened


def test_kinds_and_frontends_are_listed_without_importing_them() -> None:
    code = (
        "import sys; from core import registry; from core.store.models import IntegrationCategory"
        " as C; print([registry.kinds(c) for c in C], registry.frontend_kinds(),"
        " sorted(m for m in sys.modules if m.split('.')[0] in ('adapters', 'bot')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == (
        "[['myanonamouse', 'newznab', 'prowlarr', 'torznab'],"
        " ['deluge', 'nzbget', 'qbittorrent', 'rtorrent', 'sabnzbd', 'transmission'],"
        " ['anilist', 'audnexus', 'coverartarchive', 'musicbrainz', 'openlibrary', 'tmdb']]"
        " ['discord', 'telegram'] []"
    )


def test_a_kind_loads_its_class_and_a_frontend_loads_too() -> None:
    assert registry.load("NEWZNAB", IntegrationCategory.INDEXER) is NewznabIndexer
    assert registry.load_frontend("telegram").__name__ == "TelegramFrontend"
    with pytest.raises(errors.UserError) as caught:
        registry.load("qbittorrent", IntegrationCategory.INDEXER)
    assert caught.value.key == "error.unknown_kind"
    assert caught.value.params["known"] == "myanonamouse, newznab, prowlarr, torznab"


def test_a_target_that_cannot_load_is_one_user_error() -> None:
    for target in ("no_such_module:X", "core.errors:NoSuchClass", "core.errors:UserError"):
        spec = AdapterSpec("ghost", IntegrationCategory.CLIENT, target)
        with pytest.raises(errors.UserError) as caught:
            spec.load()
        assert caught.value.key == "error.adapter_missing"
        assert caught.value.params["target"] == target


async def test_one_call_builds_every_kind_from_its_row(app: Outpost) -> None:
    entries = [
        ("idx", "indexer", "torznab", "http://i", {"rate": [5, 1], "timeout": 7}),
        ("nzb", "indexer", "newznab", "http://n", {}),
        ("qbit", "client", "qbittorrent", "http://q", {"category": "tv"}),
        ("tmdb", "provider", "tmdb", "", {}),
        ("openlibrary", "provider", "openlibrary", "", {}),  # keyless: every setting defaulted
        ("audnexus", "provider", "audnexus", "", {}),
        ("anilist", "provider", "anilist", "", {}),  # keyless: every setting has a default
    ]
    for name, category, kind, url, options in entries:
        await Integration.create(
            name=name, category=category, kind=kind, url=url, options=options,
            secret=app.box.encrypt({"api_key": "k"}) if kind == "tmdb" else None,
        )  # fmt: skip
    indexers = await app.indexers()
    assert indexers["idx"].http.policy.rate == (5.0, 1.0)  # type: ignore[attr-defined]
    assert indexers["idx"].http.policy.deadline == 7.0  # type: ignore[attr-defined]
    assert indexers["nzb"].protocol is Protocol.USENET
    assert list(await app.clients()) == ["qbit"]
    # tmdb from its row; the keyless ones on by default beside it, each with its declared URL
    shown = sorted(repr(p) for p in await app.providers())
    assert shown == [
        "AniListProvider(url='https://graphql.anilist.co')",
        "AudnexusProvider(base_url='https://api.audnex.us')",
        "CoverArtArchiveEnricher(base_url='https://coverartarchive.org')",
        "MusicBrainzProvider(base_url='https://musicbrainz.org/ws/2')",
        "OpenLibraryProvider(base_url='https://openlibrary.org')",
        "TmdbProvider(base_url='https://api.themoviedb.org/3')",
    ]
    assert app.unavailable == {}


async def test_a_row_that_no_longer_builds_is_unavailable_not_a_crash(app: Outpost) -> None:
    await Integration.create(name="old", category="client", kind="gone", url="http://q")
    await Integration.create(name="bad", category="client", kind="qbittorrent", url="file:///x")
    assert await app.clients() == {}
    assert {n: e.key for n, e in app.unavailable.items()} == {
        "old": "error.unknown_kind",
        "bad": "error.bad_url",
    }
