"""Notices: who hears of an event, once; delivery waits out a frontend that is down; history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.i18n import t
from core.events import DownloadFailed, EventBus, GrabSent, ImportCompleted
from core.messages import View
from core.recipients import Account, Channel
from core.services.notify import (
    LogFrontend,
    NotificationService,
    history_json,
    notice_key,
    notice_text,
    render,
)
from core.store.database import Store
from core.store.models import Grab, MediaRequest, Notice, Person, Subscription
from tests.notify.conftest import ChatFrontend, person_with_request


async def a_grab(request: MediaRequest | None, key: str = "hash-1") -> Grab:
    return await Grab.create(
        release_key=key,
        title="Sintel.2010.1080p.BluRay.x264-GRP",
        indexer="idx",
        client="qbit",
        client_id=key,
        protocol="torrent",
        request=request,
    )


def wired(*frontends: ChatFrontend) -> tuple[EventBus, NotificationService]:
    bus = EventBus()
    service = NotificationService(bus, {f.name: f for f in frontends})
    service.subscribe()
    return bus, service


def completed(grab: Grab, request: MediaRequest) -> ImportCompleted:
    return ImportCompleted(
        grab_id=grab.id,
        title="Sintel",
        request_id=request.id,
        paths=("/library/Sintel (2010)/Sintel (2010).mkv",),
    )


async def test_requester_title_follower_and_household_each_hear_once(store: Store) -> None:
    request = await person_with_request(platforms=(("console", "ana"), ("telegram", "111")))
    bo = await Person.create(name="bo")
    await Subscription.create(person=bo, chat="telegram:222", scope="title", media_key="tmdb:45745")
    await Subscription.create(chat="telegram:333", scope="title", media_key="tmdb:1")  # other film
    await Subscription.create(chat="discord:home", scope="household")
    console, telegram, discord = (
        ChatFrontend("console"),
        ChatFrontend("telegram"),
        ChatFrontend("discord"),
    )
    bus, _ = wired(console, telegram, discord)
    grab = await a_grab(request)

    await bus.publish(completed(grab, request))

    rows = await Notice.all().order_by("id")
    assert [(n.chat, n.person_id, n.event) for n in rows] == [
        ("console", request.person_id, "ImportCompleted"),  # type: ignore[attr-defined]
        ("telegram:111", request.person_id, "ImportCompleted"),  # type: ignore[attr-defined]
        ("discord:home", None, "ImportCompleted"),
        ("telegram:222", bo.id, "ImportCompleted"),
    ]
    assert all(n.delivered_at is not None and n.grab_id == grab.id for n in rows)  # type: ignore[attr-defined]
    assert [c for c, _, _ in telegram.sent] == ["telegram:111", "telegram:222"]
    assert console.sent == [
        (
            "console",
            "notice.import_completed",
            {"title": "Sintel", "paths": ["/library/Sintel (2010)/Sintel (2010).mkv"]},
        )
    ]
    assert [c for c, _, _ in discord.sent] == ["discord:home"]


async def test_a_person_without_identities_hears_on_the_console(store: Store) -> None:
    request = await person_with_request(platforms=())
    console = ChatFrontend("console")
    bus, _ = wired(console)
    await bus.publish(
        GrabSent(
            grab_id=(await a_grab(request)).id, title="Sintel", request_id=request.id, client="qbit"
        )
    )
    assert [(c, k) for c, k, _ in console.sent] == [("console", "notice.grab_sent")]


async def test_replaying_an_event_records_and_sends_nothing_new(store: Store) -> None:
    request = await person_with_request()
    await Subscription.create(chat="console", scope="household")  # same chat: told once
    console = ChatFrontend("console")
    bus, _ = wired(console)
    event = completed(await a_grab(request), request)

    await bus.publish(event)
    await bus.publish(event)  # a restart replays what it had not marked done
    await wired(console)[0].publish(event)  # a fresh service in a new process

    assert await Notice.all().count() == 1
    assert len(console.sent) == 1


async def test_an_unreachable_frontend_leaves_the_notice_pending_until_retried(
    store: Store,
) -> None:
    request = await person_with_request()
    console = ChatFrontend("console")
    console.down = True
    bus, service = wired(console)
    await bus.publish(completed(await a_grab(request), request))

    pending = await Notice.get()
    assert (pending.delivered_at, pending.attempts, console.sent) == (None, 1, [])
    assert await service.retry_pending() == 0  # still down
    assert (await Notice.get()).attempts == 2

    console.down = False
    assert await service.retry_pending() == 1
    assert await service.retry_pending() == 0  # delivered: never again
    assert len(console.sent) == 1
    done = await Notice.get()
    assert done.delivered_at is not None and done.attempts == 2


async def test_a_notice_for_a_frontend_not_configured_waits_without_using_attempts(
    store: Store,
) -> None:
    request = await person_with_request(platforms=(("matrix", "@ana"),))
    bus, service = wired(ChatFrontend("console"))
    await bus.publish(completed(await a_grab(request), request))
    notice = await Notice.get()
    assert (notice.chat, notice.delivered_at, notice.attempts) == ("matrix:@ana", None, 0)
    assert await service.retry_pending() == 0


async def test_history_is_newest_first_in_the_cli_shape(store: Store) -> None:
    request = await person_with_request()
    bus, service = wired(ChatFrontend("console"))
    first, second = await a_grab(request, "h1"), await a_grab(request, "h2")
    await bus.publish(GrabSent(grab_id=first.id, title="First", request_id=request.id))
    await bus.publish(completed(second, request))
    # created_at decides the order, not the id: make the first notice the newest
    await Notice.filter(title="First").update(created_at=datetime.now(UTC) + timedelta(hours=1))

    shaped = history_json(await service.history(limit=10))
    json.dumps(shaped)  # printable as is
    assert [(n["event"], n["title"], n["person"]) for n in shaped["notices"]] == [
        ("GrabSent", "First", "ana"),
        ("ImportCompleted", "Sintel", "ana"),
    ]
    assert all(datetime.fromisoformat(n["at"]).tzinfo is not None for n in shaped["notices"])
    assert len(await service.history(limit=1)) == 1


async def test_failure_notices_read_well_in_every_language(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    failed = DownloadFailed(grab_id=1, title="Sintel", reason="notice.nothing_found")
    assert notice_key(failed.name) == "notice.download_failed"
    params = {
        "title": "Sintel",
        "reason": "failure.unknown",
        "rejections": {"too_small": 3, "wrong_year": 2},
    }
    english = render("notice.no_replacement", params, lambda k, **p: t(k, "en", **p))
    assert (
        english
        == "Sintel failed (it failed), and no other release fits: 3 too small, 2 wrong year."
    )
    german = render("notice.no_replacement", params, lambda k, **p: t(k, "de", **p))
    assert "3 zu klein, 2 falsches Jahr" in german
    nothing = render(
        "notice.no_replacement", {**params, "rejections": {}}, lambda k, **p: t(k, "en", **p)
    )
    assert nothing.endswith("fits: nothing found.")
    caplog.set_level("INFO", logger="core.services.notify")
    await LogFrontend(translate=lambda k, **p: t(k, "en", **p)).send(
        Account("console", "console"), View((notice_text("notice.no_replacement", params),))
    )
    assert "notice to console: Sintel failed (it failed)" in caplog.text


async def test_a_requester_is_told_at_their_account_never_at_an_assumed_chat(
    store: Store,
) -> None:
    """The frontend gets "person P's discord account" and finds the DM itself."""
    request = await person_with_request(platforms=(("discord", "4242"),))
    await Subscription.create(chat="discord:#home", scope="household")
    discord = ChatFrontend("discord")
    bus, _ = wired(discord)
    await bus.publish(completed(await a_grab(request), request))
    assert discord.recipients == [Account("discord", "4242"), Channel("discord", "home")]
