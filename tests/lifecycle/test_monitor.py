"""The monitor against the real qbittorrent-nox: completion once, stall then failure, removal,
a client that goes down and comes back, and a queue that reads the store only."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from adapters.clients.qbittorrent import QBittorrentClient
from core.domain import ClientCheck, ClientStatus, Download, DownloadRequest, Protocol
from core.events import DownloadCompleted, DownloadFailed, DownloadStalled, EventBus
from core.ports import DownloadClient
from core.services.monitor import Monitor
from core.services.queue import QueueService
from core.store.models import Grab
from tests.clients.conftest import eventually
from tests.lifecycle.conftest import Clock, Recorder, client_at, record_grab
from tests.support.daemons import QBittorrentDaemon, free_port
from tests.support.localserver import LocalServer, Request, Response
from tests.support.torrents import make_torrent

STALL, FAIL = 60.0, 300.0


def monitor(clients: dict[str, DownloadClient], bus: EventBus, clock: Clock) -> Monitor:
    return Monitor(clients, bus, interval=1.0, stall_after=STALL, fail_after=FAIL, clock=clock)


async def state_of(grab: Grab) -> Grab:
    return await Grab.get(id=grab.id)


async def poll_until(
    mon: Monitor, grab: Grab, accept: Callable[[Grab], bool], within: float = 15.0
) -> Grab:
    async def probe() -> Grab:
        await mon.poll_once()
        return await state_of(grab)

    return await eventually(probe, accept, within)


async def test_data_in_place_completes_once_across_restarts(
    store: object,
    qbt: QBittorrentClient,
    daemon: QBittorrentDaemon,
    bus: EventBus,
    recorder: Recorder,
    clock: Clock,
    tmp_path: Path,
) -> None:
    torrent = make_torrent("Sintel.2010.1080p", os.urandom(64 * 1024))
    torrent.write_payload(tmp_path / "dl")
    grab = await record_grab(torrent.info_hash)
    await qbt.add(torrent.request(save_path=str(tmp_path / "dl")))

    first = monitor({"qbt": qbt}, bus, clock)
    done = await poll_until(first, grab, lambda g: g.state == "completed")
    assert recorder.names() == ["DownloadCompleted"]
    [event] = recorder.events
    assert isinstance(event, DownloadCompleted) and event.grab_id == grab.id
    assert event.content_path == str(tmp_path / "dl" / torrent.name) == done.content_path
    assert event.person_id is not None and event.request_id is not None
    assert done.progress == 1.0 and done.raw_status in ("stalledUP", "uploading", "pausedUP")

    # A restart: a new adapter (full resync) and a new monitor over the same store.
    fresh = client_at(daemon.url, daemon)
    try:
        second = monitor({"qbt": fresh}, bus, clock)
        for _ in range(3):
            await second.poll_once()
            await first.poll_once()
    finally:
        await fresh.aclose()
    assert recorder.names() == ["DownloadCompleted"]
    assert (await state_of(grab)).state == "completed"


class Asked:
    """The real client, noting which ids the monitor asks it about and when it is checked."""

    def __init__(self, client: QBittorrentClient) -> None:
        self._client = client
        self.asked: list[list[str]] = []
        self.checks = 0

    async def check(self) -> ClientCheck:
        self.checks += 1
        return await self._client.check()

    async def downloads(self, ids: list[str]) -> list[Download]:
        self.asked.append(list(ids))
        return await self._client.downloads(ids)


async def test_the_monitor_asks_for_exactly_the_ids_it_tracks(
    store: object, qbt: QBittorrentClient, bus: EventBus, clock: Clock
) -> None:
    asked = Asked(qbt)
    mon = monitor({"qbt": asked}, bus, clock)  # type: ignore[dict-item]
    await mon.poll_once()
    assert (asked.asked, asked.checks) == ([], 1)  # nothing tracked: only whether it is up
    one, two, done = "a1" * 20, "b2" * 20, "c3" * 20
    await record_grab(one)
    await record_grab(two)
    await record_grab(done, state="imported")
    await record_grab("d4" * 20, client="other")
    await mon.poll_once()
    assert asked.asked == [[one, two]] and asked.checks == 1
    assert mon.health == {"qbt": True}


@pytest.mark.parametrize("listing", ["sync", "listed"])
async def test_completion_while_outpost_was_down_fires_on_the_next_start(
    listing: str,
    store: object,
    qbt: QBittorrentClient,
    bus: EventBus,
    recorder: Recorder,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if listing == "sync":  # one tracked id rides on sync/maindata too
        monkeypatch.setattr("adapters.clients.qbittorrent.client.SYNC_FROM", 1)
    torrent = make_torrent("Tears.of.Steel.2012", os.urandom(32 * 1024))
    torrent.write_payload(tmp_path)
    grab = await record_grab(torrent.info_hash)
    await qbt.add(torrent.request(save_path=str(tmp_path)))
    await eventually(
        lambda: qbt.downloads([torrent.info_hash]),
        lambda d: bool(d) and d[0].status is ClientStatus.COMPLETED,
    )
    assert recorder.events == []  # nobody polled: the row still says grabbed
    assert (await state_of(grab)).state == "grabbed"
    await monitor({"qbt": qbt}, bus, clock).poll_once()
    await monitor({"qbt": qbt}, bus, clock).poll_once()
    assert (qbt.last_sync is not None) is (listing == "sync")
    assert recorder.names() == ["DownloadCompleted"]
    assert (await state_of(grab)).content_path == str(tmp_path / torrent.name)


@pytest.mark.parametrize("kind", ["magnet-without-peers", "paused-torrent"])
async def test_no_progress_goes_stalled_then_failed(
    kind: str,
    store: object,
    qbt: QBittorrentClient,
    bus: EventBus,
    recorder: Recorder,
    clock: Clock,
) -> None:
    if kind == "magnet-without-peers":
        info_hash = os.urandom(20).hex()
        await qbt.add(
            DownloadRequest("m", Protocol.TORRENT, magnet=f"magnet:?xt=urn:btih:{info_hash}")
        )
    else:
        torrent = make_torrent("Paused.Thing", os.urandom(4096))
        info_hash = await qbt.add(torrent.request(paused=True))
    # A new torrent checks its resume data first, which is work, not a stall: wait it out.
    await eventually(
        lambda: qbt.downloads([info_hash]),
        lambda d: bool(d) and d[0].status in (ClientStatus.METADATA, ClientStatus.PAUSED),
    )
    grab = await record_grab(info_hash)
    mon = monitor({"qbt": qbt}, bus, clock)

    await mon.poll_once()
    seen = await state_of(grab)
    assert seen.state == "grabbed" and seen.last_progress_at is not None  # the clock started
    clock.advance(STALL - 1)
    await mon.poll_once()
    assert (await state_of(grab)).state == "grabbed" and recorder.events == []

    clock.advance(2)
    await mon.poll_once()
    await mon.poll_once()
    assert (await state_of(grab)).state == "stalled"
    assert recorder.names() == ["DownloadStalled"]
    assert isinstance(recorder.events[0], DownloadStalled) and recorder.events[0].minutes == 1

    clock.advance(FAIL - STALL)
    await mon.poll_once()
    failed = await state_of(grab)
    assert (failed.state, failed.failure) == ("failed", "failure.stalled")
    for _ in range(2):
        clock.advance(FAIL)
        await mon.poll_once()
    assert recorder.names() == ["DownloadStalled", "DownloadFailed"]
    event = recorder.events[1]
    assert isinstance(event, DownloadFailed) and event.reason == "failure.stalled"


async def test_a_torrent_deleted_in_the_client_is_removed(
    store: object,
    qbt: QBittorrentClient,
    daemon: QBittorrentDaemon,
    bus: EventBus,
    recorder: Recorder,
    clock: Clock,
) -> None:
    torrent = make_torrent("Gone.Soon", os.urandom(4096))
    await qbt.add(torrent.request(paused=True))
    grab = await record_grab(torrent.info_hash)
    keep = make_torrent("Stays", os.urandom(4096))
    await qbt.add(keep.request(paused=True))
    kept = await record_grab(keep.info_hash, title="Stays")
    mon = monitor({"qbt": qbt}, bus, clock)
    await poll_until(mon, grab, lambda g: g.raw_status is not None)
    daemon.api("torrents/delete", {"hashes": torrent.info_hash, "deleteFiles": "true"})
    gone = await poll_until(mon, grab, lambda g: g.state == "removed")
    assert gone.state == "removed"
    assert (await state_of(kept)).state == "grabbed"
    assert recorder.events == []  # removal has no event of its own


class Flaky:
    """A WebAPI stand-in that answers 503 and remembers when (by the test's clock) it was asked."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.asked: list[float] = []

    def __call__(self, request: Request) -> Response:
        self.asked.append(self.clock.now)
        return Response(503, b"busy")


async def test_a_down_client_is_reported_once_backs_off_and_is_reported_back_once(
    store: object,
    qbt: QBittorrentClient,
    bus: EventBus,
    recorder: Recorder,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="core.services.monitor")
    torrent = make_torrent("Waits", os.urandom(4096))
    await qbt.add(torrent.request(paused=True))
    grab = await record_grab(torrent.info_hash, state="downloading", progress=0.25)
    start = clock.now
    flaky = Flaky(clock)
    with LocalServer(flaky) as server:
        down = client_at(server.url)
        clients: dict[str, DownloadClient] = {"qbt": down}
        mon = Monitor(clients, bus, interval=1.0, max_backoff=10.0, clock=clock)
        try:
            for _ in range(40):  # forty seconds of one poll a second
                await mon.poll_once()
                assert mon.health == {"qbt": False}
                clock.advance(1.0)
        finally:
            await down.aclose()
    # doubling waits from the interval, capped: asked at 0, 2, 6, 14, 24, 34 s
    assert [round(t - start) for t in flaky.asked] == [0, 2, 6, 14, 24, 34]
    assert _lines(caplog, "is down") == 1
    kept = await state_of(grab)
    assert (kept.state, kept.progress) == ("downloading", 0.25)  # a down client moves nothing

    clients["qbt"] = qbt  # it answers again
    clock.advance(10.0)
    for _ in range(3):
        await mon.poll_once()
    assert mon.health == {"qbt": True}
    assert (_lines(caplog, "is down"), _lines(caplog, "is back")) == (1, 1)
    assert (await state_of(grab)).raw_status is not None
    assert recorder.events == []


async def test_a_closed_port_is_down(store: object, bus: EventBus, clock: Clock) -> None:
    closed = client_at(f"http://127.0.0.1:{free_port()}")
    try:
        mon = Monitor({"qbt": closed}, bus, clock=clock)
        await mon.poll_once()
    finally:
        await closed.aclose()
    assert mon.health == {"qbt": False}


async def test_the_queue_reads_the_last_poll_not_the_client(
    store: object, qbt: QBittorrentClient, bus: EventBus, clock: Clock
) -> None:
    torrent = make_torrent("Queued.Thing", os.urandom(4096))
    await qbt.add(torrent.request(paused=True))
    grab = await record_grab(torrent.info_hash, title="Queued.Thing.2024")
    await poll_until(monitor({"qbt": qbt}, bus, clock), grab, lambda g: g.raw_status == "pausedDL")

    view = await QueueService().view()  # takes no client: it can only read the stored poll
    [item] = view.items
    assert (item.ref, item.name, item.client) == (f"g{grab.id}", "Queued.Thing.2024", "qbt")
    assert (item.state, item.status, item.progress) == ("grabbed", "pausedDL", 0.0)
    assert view.failures == {}


async def test_the_queue_names_clients_the_monitor_saw_down(store: object) -> None:
    await record_grab("cd" * 20)
    view = await QueueService(health={"qbt": False, "other": True}).view()
    assert list(view.failures) == ["qbt"] and view.failures["qbt"].key == "error.unreachable"
    assert [(i.state, i.status) for i in view.items] == [("grabbed", "unknown")]


def _lines(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return sum(text in record.getMessage() for record in caplog.records)


async def test_run_polls_until_cancelled_and_survives_a_down_client(
    store: object, bus: EventBus, clock: Clock
) -> None:
    closed = client_at(f"http://127.0.0.1:{free_port()}")
    mon = Monitor({"qbt": closed}, bus, interval=0.01, clock=clock)
    task = asyncio.create_task(mon.run())
    try:
        await eventually(_async(lambda: mon.health), lambda h: h == {"qbt": False})
        assert not task.done()
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await closed.aclose()
    assert mon.health == {"qbt": False}


def _async(func: Callable[[], dict[str, bool]]) -> Callable[[], Awaitable[dict[str, bool]]]:
    async def probe() -> dict[str, bool]:
        return func()

    return probe


def test_the_clients_estimate_is_kept_apart_and_updated() -> None:
    from core.lifecycle import GrabState, Transition
    from core.services.monitor import _client_view

    grab = Grab(state="downloading", raw_status="downloading", progress=0.5, eta=None)
    seen = Download(
        "h" * 40, "x", "qbit", ClientStatus.DOWNLOADING, "downloading", 0.6, 10, eta=120
    )
    changes = _client_view(grab, seen, Transition(GrabState.DOWNLOADING, progressed=True))
    assert changes == {"progress": 0.6, "eta": 120}
