"""/status shows Prowlarr's statistics per mirrored indexer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
