"""Failure loop against a loopback Torznab feed and the real qbittorrent-nox."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adapters.clients.qbittorrent import QBittorrentClient
from adapters.indexers.torznab import TorznabIndexer
from core.clients import ConfiguredClient
from core.domain import MediaKind, Protocol, Release, SearchQuery
from core.events import DownloadFailed, EventBus
from core.http import HttpPolicy, HttpService
from core.releases import Wanted, rank
from core.services.failover import FailoverService, explain
from core.services.grab import GrabService
from core.services.notify import NotificationService
from core.services.search import ReleaseSearch
from core.store.database import Store
from core.store.models import BlocklistEntry, Grab, MediaRequest, Notice, RequestStatus
from tests.notify.conftest import ChatFrontend, person_with_request
from tests.support.daemons import QBittorrentDaemon
from tests.support.torrents import Torrent, make_torrent
from tests.support.torznab_server import FeedItem, TorznabFeed

GB = 1024**3
BEST = "Sintel.2010.1080p.BluRay.x264-GRP"
NEXT = "Sintel.2010.720p.BluRay.x264-OTHER"
TINY = "Sintel.2010.1080p.WEB-DL.x264-TINY"  # 40 MB for a film: a fake
WRONG_YEAR = "Sintel.1999.1080p.BluRay.x264-OLD"


@dataclass
class Rig:
    bus: EventBus
    grabber: GrabService
    search: ReleaseSearch
    failover: FailoverService
    console: ChatFrontend
    torrents: dict[str, Torrent]


def feed_items(torrents: dict[str, Torrent], sizes: dict[str, int]) -> list[FeedItem]:
    return [
        FeedItem(title, size=sizes[title], seeders=5, link=f"/{i}.torrent", infohash=t.info_hash)
        for i, (title, t) in enumerate(torrents.items())
    ]


@asynccontextmanager
async def rig(
    daemon: QBittorrentDaemon, tmp_path: Path, titles: dict[str, int], **failover: Any
) -> AsyncIterator[Rig]:
    """Feed -> indexer -> search/grab -> qbittorrent-nox, with notices and failover on one bus."""
    torrents = {title: make_torrent(title, os.urandom(16 * 1024)) for title in titles}
    with TorznabFeed(feed_items(torrents, titles), api_key=None) as feed:
        for i, torrent in enumerate(torrents.values()):
            feed.serve_file(f"/{i}.torrent", torrent.data)
        async with (
            HttpService("idx", HttpPolicy(retries=0)) as ih,
            HttpService("qbit", HttpPolicy(retries=0), secrets=[daemon.password]) as qh,
        ):
            indexer = TorznabIndexer("idx", feed.url, ih)
            client = QBittorrentClient(
                "qbit", daemon.url, qh, username=daemon.username, password=daemon.password
            )
            bus = EventBus()
            qbit = ConfiguredClient(
                "qbit", Protocol.TORRENT, client, save_path=str(tmp_path / "dl")
            )
            grabber = GrabService({"qbit": qbit}, {"idx": indexer}, bus=bus)
            search = ReleaseSearch([indexer])
            service = FailoverService(bus, grabber, search, **failover)
            console = ChatFrontend("console")
            NotificationService(bus, {"console": console}).subscribe()
            service.subscribe()
            yield Rig(bus, grabber, search, service, console, torrents)


async def first_grab(r: Rig, request: MediaRequest) -> Grab:
    query = SearchQuery(text="Sintel", kind=MediaKind.MOVIE, year=2010)
    outcome = await r.search.search(query, Wanted(MediaKind.MOVIE, "Sintel", 2010))
    best = next(v.release for v in outcome.verdicts if v.accepted)
    return await r.grabber.grab(best, request=request)


def failed(grab: Grab, request: MediaRequest) -> DownloadFailed:
    return DownloadFailed(
        grab_id=grab.id,
        title=grab.title,
        request_id=request.id,
        person_id=request.person_id,  # type: ignore[attr-defined]
        reason="failure.stalled",
        params={"minutes": 30},
    )


def in_client(daemon: QBittorrentDaemon) -> list[tuple[str, str]]:
    return sorted((t["hash"], t["category"]) for t in json.loads(daemon.api("torrents/info")))


@pytest.fixture
def sizes() -> Iterator[dict[str, int]]:
    yield {BEST: 8 * GB, NEXT: 4 * GB, TINY: 40 * 1024**2, WRONG_YEAR: 6 * GB}


async def test_a_failed_download_is_blocklisted_removed_and_replaced(
    store: Store, daemon: QBittorrentDaemon, tmp_path: Path, sizes: dict[str, int]
) -> None:
    request = await person_with_request()
    async with rig(daemon, tmp_path, sizes) as r:
        grab = await first_grab(r, request)
        assert grab.title == BEST and grab.kind == "movie"
        assert in_client(daemon) == [(r.torrents[BEST].info_hash, "outpost")]

        await r.bus.publish(failed(grab, request))
        await r.bus.publish(failed(grab, request))  # a replay regrabs nothing

    blocked = await BlocklistEntry.get(release_key=r.torrents[BEST].info_hash)
    assert blocked.reason == "failure.stalled"
    assert in_client(daemon) == [(r.torrents[NEXT].info_hash, "outpost")]
    grabs = await Grab.filter(request_id=request.id).order_by("id")
    assert [(g.title, g.state) for g in grabs] == [(BEST, "failed"), (NEXT, "grabbed")]
    assert (await MediaRequest.get(id=request.id)).status is RequestStatus.GRABBED
    # the bus runs listeners side by side: the order of these notices is not fixed
    told = sorted((key, str(p.get("replacement"))) for _, key, p in r.console.sent)
    assert told == [
        ("notice.download_failed", "None"),
        ("notice.grab_sent", "None"),
        ("notice.grab_sent", "None"),
        ("notice.release_replaced", NEXT),
    ]
    replaced = await Notice.get(event="ReleaseReplaced")
    assert replaced.params["reason"] == "failure.stalled" and replaced.params["minutes"] == 30


async def test_nothing_acceptable_left_tells_the_requester_why(
    store: Store, daemon: QBittorrentDaemon, tmp_path: Path, sizes: dict[str, int]
) -> None:
    request = await person_with_request()
    async with rig(daemon, tmp_path, sizes) as r:
        first = await first_grab(r, request)
        await r.bus.publish(failed(first, request))
        second = await Grab.get(request_id=request.id, title=NEXT)
        await r.bus.publish(failed(second, request))

    assert in_client(daemon) == []  # both failed downloads removed, nothing new added
    notice = await Notice.get(event="NoReplacement")
    # the 1999 release never comes back: the indexer is asked for "Sintel 2010"
    assert notice.params["rejections"] == {"blocklisted": 2, "too_small": 1}
    assert notice.params["found"] == 3 and notice.params["title"] == NEXT
    assert notice.chat == "console" and notice.delivered_at is not None
    assert (await MediaRequest.get(id=request.id)).status is RequestStatus.FAILED


async def test_attempts_are_capped_per_request(
    store: Store, daemon: QBittorrentDaemon, tmp_path: Path, sizes: dict[str, int]
) -> None:
    request = await person_with_request()
    async with rig(daemon, tmp_path, sizes, max_attempts=2) as r:
        first = await first_grab(r, request)
        await r.bus.publish(failed(first, request))
        second = await Grab.get(request_id=request.id, title=NEXT)
        await r.bus.publish(failed(second, request))

    assert await Grab.filter(request_id=request.id).count() == 2
    gave_up = await Notice.get(event="RegrabGaveUp")
    assert gave_up.params["attempts"] == 2 and gave_up.person_id == request.person_id  # type: ignore[attr-defined]
    assert await Notice.filter(event="NoReplacement").count() == 0
    assert (await MediaRequest.get(id=request.id)).status is RequestStatus.FAILED


async def test_without_auto_regrab_the_release_is_only_blocklisted_and_removed(
    store: Store, daemon: QBittorrentDaemon, tmp_path: Path, sizes: dict[str, int]
) -> None:
    request = await person_with_request()
    async with rig(daemon, tmp_path, sizes, auto_regrab=False) as r:
        first = await first_grab(r, request)
        await r.bus.publish(failed(first, request))
    assert in_client(daemon) == []
    assert await BlocklistEntry.filter(release_key=first.release_key).exists()
    assert await Grab.filter(request_id=request.id).count() == 1
    assert sorted(e for (e,) in await Notice.all().values_list("event")) == [
        "DownloadFailed",
        "GrabSent",
    ]


def test_explain_counts_each_reason_once_per_release() -> None:
    def rel(title: str, size: int) -> Release:
        return Release(
            title=title, indexer="i", protocol=Protocol.TORRENT, guid=title, size=size, seeders=3
        )

    verdicts = rank(
        [
            rel(TINY, 40 * 1024**2),
            rel("Sintel.1999.720p.WEB-DL-X", 10 * 1024**2),
            rel(BEST, 8 * GB),
        ],
        Wanted(MediaKind.MOVIE, "Sintel", 2010),
    )
    assert explain(verdicts) == {"too_small": 2, "wrong_year": 1}
    assert explain(verdicts, top=1) == {"too_small": 2}
