"""The in-process bus and the queue that keeps slow listeners off the monitor's back."""

from __future__ import annotations

import asyncio

from core.events import DownloadCompleted, DownloadStalled, Event, EventBus, EventQueue


async def test_every_listener_hears_it_and_one_failing_does_not_stop_the_others() -> None:
    bus, heard = EventBus(), []

    async def broken(event: Event) -> None:
        raise RuntimeError("listener bug")

    async def listening(event: Event) -> None:
        heard.append(event.name)

    bus.subscribe(Event, broken)  # every event, through the base class
    bus.subscribe(DownloadCompleted, listening)
    await bus.publish(DownloadCompleted(grab_id=1, title="x"))
    await bus.publish(DownloadStalled(grab_id=1, title="x"))
    assert heard == ["DownloadCompleted"]


async def test_the_queue_returns_at_once_and_publishes_in_order() -> None:
    bus, heard = EventBus(), []
    release = asyncio.Event()

    async def slow(event: Event) -> None:
        await release.wait()  # a listener that takes as long as the test wants
        heard.append(event.name)

    bus.subscribe(Event, slow)
    queue = EventQueue(bus)
    pump = asyncio.create_task(queue.run())
    await queue.publish(DownloadStalled(grab_id=1, title="x"))
    await queue.publish(DownloadCompleted(grab_id=1, title="x"))
    assert heard == []  # the publisher was not held up by the listener
    release.set()
    await queue.drain(5.0)
    pump.cancel()
    assert heard == ["DownloadStalled", "DownloadCompleted"]
