"""Private input: the conversation asks for fields with a one-time token bound to the person
and chat; the frontend hands the values back through `Conversation.private_answer`."""

from __future__ import annotations

import pytest

from bot.conversation import entry
from bot.conversation.context import Ctx, line, say
from bot.conversation.household import member_of
from bot.conversation.tokens import Tap
from bot.views import Field, Reply, Text
from tests.conversation.conftest import ADMIN, MEMBER, World, in_group, keys

FIELDS = (Field("api_key", Text("secret.usage_addindexer")),)


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, str], dict[str, object]]]:
    seen: list[tuple[str, dict[str, str], dict[str, object]]] = []

    async def keep(ctx: Ctx, tap: Tap, values: dict[str, str]) -> list[Reply]:
        seen.append((ctx.person.name, values, tap.payload))
        return say(line("secret.added", name="idx"))

    monkeypatch.setitem(entry.PRIVATE, "private.test", keep)
    return seen


async def ctx_of(world: World, sender: object) -> Ctx:
    member = await member_of(world.conv.services.household, sender)  # type: ignore[arg-type]
    assert member is not None
    return Ctx(world.conv.services, sender, member)  # type: ignore[arg-type]


async def test_asked_values_reach_the_handler_once_for_that_person_only(
    world: World, heard: list[tuple[str, dict[str, str], dict[str, object]]]
) -> None:
    ctx = await ctx_of(world, ADMIN)
    [asking] = await ctx.ask("private.test", FIELDS, Text("start.next"), payload={"n": 1})
    assert asking.ask is not None and asking.ask.fields == FIELDS
    token = asking.ask.token

    foreign = await world.conv.private_answer(MEMBER, token, {"api_key": "stolen"})
    assert keys(foreign) == ["tap.foreign"] and heard == []

    done = await world.conv.private_answer(ADMIN, token, {"api_key": "s3cret"})
    assert keys(done) == ["secret.added"]
    assert heard == [("Ada", {"api_key": "s3cret"}, {"n": 1})]

    again = await world.conv.private_answer(ADMIN, token, {"api_key": "twice"})
    assert keys(again) == ["tap.used"] and len(heard) == 1


async def test_nothing_is_asked_outside_a_private_chat(world: World) -> None:
    ctx = await ctx_of(world, in_group(ADMIN))
    replies = await ctx.ask("private.test", FIELDS, Text("start.next"))
    assert keys(replies) == ["secret.private_only"] and replies[0].ask is None


async def test_an_unknown_token_changes_nothing(world: World) -> None:
    assert keys(await world.conv.private_answer(ADMIN, "nope", {"x": "y"})) == ["tap.unknown"]
