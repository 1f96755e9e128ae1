"""Delivery in core: notices to one recipient within a frontend's window are one message, and
in the household's quiet hours the frontend is told to send silently."""

from __future__ import annotations

import asyncio
from datetime import time

import pytest

from core import errors
from core.events import EventBus, GrabSent, ImportCompleted
from core.messages import Text
from core.services.notify import QUIET_HOURS, NotificationService, Outbox
from core.store.database import Store
from core.store.models import Setting
from tests.notify.conftest import ChatFrontend, person_with_request


async def loud() -> bool:
    return False


async def test_lines_to_one_address_within_the_window_are_one_message(store: Store) -> None:
    telegram = ChatFrontend("telegram")
    outbox = Outbox(telegram, 0.3, loud)
    episodes = [GrabSent(grab_id=i, title=f"Show S01E0{i}").name for i in range(1, 5)]

    await asyncio.gather(
        *(outbox.send("telegram:1001", Text("notice.grab_sent", {"title": e})) for e in episodes),
        outbox.send("telegram:1002", Text("notice.grab_sent", {"title": "Dune"})),
    )
    by_address = {address: view for address, view in telegram.views}
    assert len(telegram.views) == 2
    assert len(by_address["telegram:1001"].lines) == 4
    assert len(by_address["telegram:1002"].lines) == 1
    assert not any(view.silent for _, view in telegram.views)


async def test_a_failed_batch_fails_every_notice_in_it(store: Store) -> None:
    telegram = ChatFrontend("telegram")
    telegram.down = True
    outbox = Outbox(telegram, 0.1, loud)

    results = await asyncio.gather(
        outbox.send("telegram:1", Text("notice.grab_sent")),
        outbox.send("telegram:1", Text("notice.grab_sent")),
        return_exceptions=True,
    )
    assert all(isinstance(r, errors.Unreachable) for r in results)


@pytest.mark.parametrize(("spec", "silent"), [("22:00-07:00", True), ("08:00-09:00", False)])
async def test_quiet_hours_tell_the_frontend_to_send_silently(
    store: Store, spec: str, silent: bool
) -> None:
    await Setting.create(key=QUIET_HOURS, value={"hours": spec})
    request = await person_with_request(platforms=(("telegram", "111"),))
    telegram = ChatFrontend("telegram")
    bus = EventBus()
    service = NotificationService(bus, {}, clock=lambda: time(23, 30))
    service.add_frontend(telegram, window=0.05)
    service.subscribe()
    await bus.publish(ImportCompleted(grab_id=1, title="Sintel", request_id=request.id))
    [(address, view)] = telegram.views
    assert address == "telegram:111" and view.silent is silent
