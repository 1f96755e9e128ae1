"""Forged, foreign, expired and reused button tokens change nothing and get a polite alert."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.conversation import tokens
from core.store.models import ButtonToken, Subscription
from tests.conversation.conftest import ADMIN, MEMBER, World, in_group

MEDIA = {"provider": "tmdb", "id": "437342", "title": "The First Omen"}


async def snapshot() -> list[tuple[Any, ...]]:
    rows = await ButtonToken.all().order_by("token")
    subs = await Subscription.all().order_by("id")
    return [(r.token, r.person_id, r.chat, r.used_at) for r in rows] + [  # type: ignore[attr-defined]
        (s.chat, s.media_key) for s in subs
    ]


async def test_issued_tokens_are_short_random_and_url_safe(world: World) -> None:
    made = {
        await tokens.issue(world.admin, ADMIN.chat, "follow", {"media": MEDIA}) for _ in range(50)
    }
    assert len(made) == 50
    assert all(len(t) <= 16 and t.replace("-", "").replace("_", "").isalnum() for t in made)


@pytest.mark.parametrize(
    "forged",
    ["", "nope", "x" * 64, "../../etc", "' OR 1=1 --", "\u202egnp.exe", "A" * 16],
)
async def test_a_forged_token_changes_nothing(world: World, forged: str) -> None:
    await tokens.issue(world.admin, ADMIN.chat, "follow", {"media": MEDIA})
    before = await snapshot()
    answer = await world.conv.tap(ADMIN, forged)
    assert answer.alert is not None and answer.alert.key == "tap.unknown"
    assert answer.replies == ()
    assert await snapshot() == before


async def test_a_foreign_token_changes_nothing(world: World) -> None:
    token = await tokens.issue(world.admin, ADMIN.chat, "follow", {"media": MEDIA})
    before = await snapshot()
    for sender in (MEMBER, in_group(ADMIN)):  # another person; the same person elsewhere
        answer = await world.conv.tap(sender, token)
        assert answer.alert is not None and answer.alert.key == "tap.foreign"
    assert await snapshot() == before
    assert (await world.conv.tap(ADMIN, token)).alert is None  # still good for its owner
    assert await Subscription.filter(media_key="tmdb:437342").count() == 1


async def test_an_expired_token_changes_nothing(world: World) -> None:
    token = await tokens.issue(world.admin, ADMIN.chat, "follow", {"media": MEDIA})
    await ButtonToken.filter(token=token).update(expires_at=tokens.now() - timedelta(seconds=1))
    before = await snapshot()
    answer = await world.conv.tap(ADMIN, token)
    assert answer.alert is not None and answer.alert.key == "tap.expired"
    assert await snapshot() == before
    assert await tokens.purge() == 1


async def test_a_single_use_token_works_once(world: World) -> None:
    token = await tokens.issue(world.admin, ADMIN.chat, "remove", {"grab": 999})
    first = await world.conv.tap(ADMIN, token)
    assert first.alert is None and [line.key for r in first.replies for line in r.view.lines] == [
        "queue.gone"
    ]
    before = await snapshot()
    second = await world.conv.tap(ADMIN, token)
    assert second.alert is not None and second.alert.key == "tap.used"
    assert await snapshot() == before
