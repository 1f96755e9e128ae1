"""The same store on a real PostgreSQL (asyncpg): migrations, upgrade, secrets, cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.secrets import SecretBox
from core.store.cache import StoreCache
from core.store.database import Store
from core.store.integrations import add_integration, get_integration, reveal
from core.store.models import Integration, IntegrationCategory, Person
from tests.store.conftest import API_KEY, exists, reset_postgres


async def test_postgres_from_0001_to_latest(
    postgres_url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await reset_postgres(postgres_url)
    monkeypatch.setenv("OUTPOST_DATABASE_URL", postgres_url)
    async with Store(data_dir, target="0001_initial") as old:
        assert not old.is_sqlite and old.db_path is None
        await Person.create(name="ann", language="fr")
    async with Store(data_dir) as store:
        assert store.backups == []  # a server database is backed up with its own tools
        assert (await Person.get(name="ann")).language == "fr"
        box = SecretBox.load(data_dir)
        await add_integration(
            box, name="jackett", category=IntegrationCategory.INDEXER, kind="torznab",
            secrets={"api_key": API_KEY},
        )  # fmt: skip
        row = await get_integration("jackett")
        assert row.priority == 25 and reveal(box, row) == {"api_key": API_KEY}
        assert API_KEY not in (await Integration.get(name="jackett")).secret
        cache = StoreCache()
        await cache.set("k", "v", ttl=60)
        assert await cache.get("k") == "v"
    assert not exists(data_dir / "outpost.db")
    async with Store(data_dir) as again:  # nothing pending the second time
        assert again.backups == [] and await Person.all().count() == 1
