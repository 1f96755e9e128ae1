"""StoreCache: values come back until they expire, expired rows go, answers survive restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.store.cache import StoreCache
from core.store.database import Store
from core.store.models import CacheEntry


class Clock:
    """Time that moves only when a test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
        self.ticks = 0.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.ticks

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.ticks += seconds


def cache_on(clock: Clock) -> StoreCache:
    return StoreCache(clock=clock, monotonic=clock.monotonic)


async def test_values_expire_after_their_ttl(store: Store) -> None:
    clock = Clock()
    cache = cache_on(clock)
    await cache.set("tmdb:movie:550", '{"title": "Fight Club"}', ttl=60)
    assert await cache.get("tmdb:movie:550") == '{"title": "Fight Club"}'
    clock.advance(59)
    assert await cache.get("tmdb:movie:550") == '{"title": "Fight Club"}'
    clock.advance(1)
    assert await cache.get("tmdb:movie:550") is None
    assert not await CacheEntry.exists(key="tmdb:movie:550")  # purged on the read
    assert await cache.get("never-set") is None


async def test_set_overwrites_and_zero_ttl_removes(store: Store) -> None:
    cache = cache_on(Clock())
    await cache.set("k", "one", ttl=10)
    await cache.set("k", "two", ttl=10)
    assert await cache.get("k") == "two"
    assert await CacheEntry.all().count() == 1
    await cache.set("k", "three", ttl=0)
    assert await cache.get("k") is None


async def test_expired_rows_are_swept_lazily(store: Store) -> None:
    clock = Clock()
    cache = cache_on(clock)
    for n in range(5):
        await cache.set(f"old{n}", "v", ttl=10)
    clock.advance(30)
    await cache.set("fresh", "v", ttl=3600)  # too soon after the first sweep
    assert await CacheEntry.all().count() == 6
    clock.advance(300)
    await cache.set("fresher", "v", ttl=3600)
    assert sorted(await CacheEntry.all().values_list("key", flat=True)) == ["fresh", "fresher"]


async def test_answers_survive_a_restart(data_dir: Path) -> None:
    clock = Clock()
    async with Store(data_dir):
        await cache_on(clock).set("k", "kept", ttl=3600)
    async with Store(data_dir):
        assert await cache_on(clock).get("k") == "kept"
