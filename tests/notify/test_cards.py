"""The card keeper is frontend-neutral: it edits recorded cards through the Frontend port,
only when the card's view changed, and leaves other platforms' cards alone."""

from __future__ import annotations

from core.events import DownloadStalled, EventBus
from core.recipients import Account, Channel, parse
from core.services.cards import CardKeeper, card_view, remember
from core.store.database import Store
from core.store.models import ChatCard, MediaRequest
from tests.notify.conftest import ChatFrontend


async def test_cards_are_edited_through_their_frontend_when_the_request_moves(
    store: Store,
) -> None:
    request = await MediaRequest.create(kind="movie", title="Sintel", year=2010)
    shown = await card_view(request.id)
    assert shown is not None
    await remember(request.id, "discord:#home", "m1", shown)
    await remember(request.id, "telegram:1001", "m2", shown)
    bus = EventBus()
    discord = ChatFrontend("discord")
    keeper = CardKeeper(bus)
    keeper.add_frontend(discord)

    await bus.publish(DownloadStalled(grab_id=1, title="Sintel", request_id=request.id))
    assert discord.edits == []  # unchanged: nothing to edit

    await MediaRequest.filter(id=request.id).update(awaiting_approval=True)
    await bus.publish(DownloadStalled(grab_id=1, title="Sintel", request_id=request.id))
    [(address, message_id, view)] = discord.edits
    assert (address, message_id) == ("discord:#home", "m1")
    assert [line.key for line in view.lines][-1] == "card.awaiting_approval"
    assert (await ChatCard.get(chat="discord:#home")).text == view.fingerprint()
    assert (await ChatCard.get(chat="telegram:1001")).text == shown.fingerprint()

    keeper.remove_frontend("discord")
    await MediaRequest.filter(id=request.id).update(awaiting_approval=False, status="failed")
    await bus.publish(DownloadStalled(grab_id=1, title="Sintel", request_id=request.id))
    assert len(discord.edits) == 1  # a stopped frontend is not edited through


def test_addresses_name_accounts_and_channels() -> None:
    assert Account("telegram", "1001").address == "telegram:1001"
    assert Channel("telegram", "-1009").address == "telegram:#-1009"
    assert Account("console", "console").address == "console"
    assert parse("telegram:1001") == Account("telegram", "1001")
    assert parse("telegram:#-1009") == Channel("telegram", "-1009")
    assert parse("discord:#home") == Channel("discord", "home")
    assert parse("console") == Account("console", "console")
    assert parse("telegram:-1009") == Account("telegram", "-1009")  # a row from before channels
