"""The runtime's periodic indexer sync: asked again every interval, a failure does not end it."""

from __future__ import annotations

import asyncio

from core.runtime import Timing, _periodic


async def test_periodic_work_repeats_and_survives_a_failure() -> None:
    calls = 0
    done = asyncio.Event()

    async def work() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("Prowlarr went away")
        if calls == 3:
            done.set()

    task = asyncio.create_task(_periodic(0.0, work, "the indexer sync"))
    await done.wait()
    task.cancel()
    assert calls == 3
    assert Timing().sync_indexers == 3600.0  # hourly by default
