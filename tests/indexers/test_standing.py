"""An indexer that refuses its key (HTTP 401, Newznab 100-102) is marked and not asked again;
one that sends 429 with Retry-After is not asked before then. Both are kept in the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from core import errors
from core.domain import SearchQuery
from core.events import Event, EventBus, IndexerNeedsKey
from core.services.search import ReleaseSearch
from core.services.standing import Standings
from core.store.database import Store
from core.store.standing import key_accepted, standing_of
from tests.support.localserver import Response
from tests.support.torznab_server import DEFAULT_CAPS, error_xml

CAPS = DEFAULT_CAPS.encode()
REFUSALS = {
    "http-401": Response(401, "Unauthorized", {"Content-Type": "text/plain"}),
    "newznab-100": error_xml(100, "Incorrect user credentials").encode(),
    "newznab-101": error_xml(101, "Account suspended").encode(),
    "newznab-102": error_xml(102, "Insufficient privileges").encode(),
}


@pytest_asyncio.fixture(loop_scope="function")
async def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Store]:
    monkeypatch.delenv("OUTPOST_DATABASE_URL", raising=False)
    async with Store(tmp_path / "data") as opened:
        yield opened


@pytest.mark.parametrize("answer", sorted(REFUSALS))
async def test_a_refused_key_is_marked_told_once_and_skipped(
    store: Store, serve, make_indexer, answer: str
) -> None:
    fake = serve({"caps": CAPS, "search": REFUSALS[answer]})
    bus, told = EventBus(), []

    async def hear(event: Event) -> None:
        told.append(event)

    bus.subscribe(IndexerNeedsKey, hear)
    async with make_indexer(fake.url) as indexer:
        search = ReleaseSearch([indexer], standings=Standings(bus))
        first = await search.search(SearchQuery(text="dune"))
        asked = len(fake.requests)
        second = await search.search(SearchQuery(text="dune"))
    assert [type(f.error) for f in first.failures] == [errors.AuthFailed]
    assert [type(f.error) for f in second.failures] == [errors.NeedsKey]
    assert len(fake.requests) == asked
    assert [e.title for e in told] == ["test-indexer"]
    assert (await standing_of("test-indexer")).needs_key
    await key_accepted("test-indexer")
    assert not (await standing_of("test-indexer")).needs_key


async def test_retry_after_holds_the_indexer_until_then(store: Store, serve, make_indexer) -> None:
    limited = Response(429, "slow down", {"Content-Type": "text/plain", "Retry-After": "30"})
    fake = serve({"caps": CAPS, "search": limited})
    now = [1_000_000.0]
    async with make_indexer(fake.url) as indexer:
        search = ReleaseSearch([indexer], standings=Standings(clock=lambda: now[0]))
        first = await search.search(SearchQuery(text="dune"))
        asked = len(fake.requests)
        now[0] += 29
        held = await search.search(SearchQuery(text="dune"))
        assert len(fake.requests) == asked
        now[0] += 2
        await search.search(SearchQuery(text="dune"))
    assert [type(f.error) for f in first.failures] == [errors.RateLimited]
    assert [type(f.error) for f in held.failures] == [errors.BackingOff]
    assert len(fake.requests) > asked, "asked again once the wait is over"
