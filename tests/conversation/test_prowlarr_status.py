"""/status shows Prowlarr's statistics per mirrored indexer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.runtime import Timing
from core.store.models import IntegrationCategory
from tests.cli.test_prowlarr_cli import KEY, FakeProwlarr
from tests.conversation.conftest import ADMIN, World, text


@pytest.fixture
def prowlarr() -> Iterator[FakeProwlarr]:
    fake = FakeProwlarr()
    fake.server.start()
    yield fake
    fake.server.stop()


async def test_status_shows_prowlarr_stats(world: World, prowlarr: FakeProwlarr) -> None:
    values = {"url": prowlarr.url, "api_key": KEY}
    await world.app.integrations.add(IntegrationCategory.INDEXER, "prowlarr", "prowlarr", values)
    [report] = await world.app.sync_indexers()
    assert report.added == ("prowlarr-1337x", "prowlarr-nzbgeek")
    status = text((await world.conv.command(ADMIN, "status", ""))[0])
    assert "prowlarr-1337x: 120 queries, 7 grabs, 4 failures, 812 ms on average" in status
    assert "prowlarr-nzbgeek: 64 queries, 12 grabs, 0 failures, 355 ms on average" in status
    assert KEY not in status


async def test_the_periodic_sync_gives_the_replacements_the_new_list(
    world: World, prowlarr: FakeProwlarr
) -> None:
    values = {"url": prowlarr.url, "api_key": KEY}
    await world.app.integrations.add(IntegrationCategory.INDEXER, "prowlarr", "prowlarr", values)
    runtime = await world.app.runtime(Timing())
    assert runtime.sync is not None

    def searched() -> set[str]:
        return {i.name for i in runtime.failover._search._indexers}

    assert searched() == set()  # nothing mirrored yet: Prowlarr itself is only the fallback
    await runtime.sync()
    assert searched() == {"prowlarr-1337x", "prowlarr-nzbgeek"}
    prowlarr.indexers = prowlarr.indexers[:1]
    await runtime.sync()
    assert searched() == {"prowlarr-1337x"}
