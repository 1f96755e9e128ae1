"""/addindexer and /addclient take the kind first and its declared settings in order."""

from __future__ import annotations

from bot.conversation.settings import usage
from core.services.integrations import IntegrationCategory
from core.store.models import ButtonToken, Integration
from tests.conversation.conftest import ADMIN, World, keys, text
from tests.support.torznab_server import TorznabFeed


async def test_the_kind_comes_first_and_the_fields_follow_in_order(world: World) -> None:
    with TorznabFeed([], api_key="k-canary") as feed:
        added = await world.conv.command(
            ADMIN, "addindexer", f"newznab usenet {feed.url} k-canary 5/1"
        )
    assert keys(added) == ["secret.added"] and added[0].delete_trigger
    row = await Integration.get(name="usenet")
    assert (row.kind, row.url, row.options["rate"]) == ("newznab", feed.url, [5.0, 1.0])
    assert "k-canary" not in (row.secret or "")


async def test_bad_fields_are_one_clear_line_and_nothing_is_kept(world: World) -> None:
    bad = await world.conv.command(ADMIN, "addindexer", "torznab x notaurl key")
    assert keys(bad) == ["error.bad_url"] and bad[0].delete_trigger
    rate = await world.conv.command(ADMIN, "addindexer", "torznab x http://127.0.0.1:9 k 0/0")
    assert keys(rate) == ["error.bad_rate"] and rate[0].delete_trigger
    extra = await world.conv.command(ADMIN, "addindexer", "torznab x http://i k 1/1 5 more")
    assert keys(extra) == ["secret.usage_addindexer"]
    assert await Integration.all().count() == 0


async def test_the_usage_is_generated_from_the_settings(world: World) -> None:
    reply = await world.conv.command(ADMIN, "addclient", "nonsense")
    assert keys(reply) == ["secret.usage_addclient"] and reply[0].delete_trigger
    assert "/addclient qbittorrent NAME [URL] [USERNAME] [PASSWORD]" in text(reply[0])
    indexers = usage("addindexer", IntegrationCategory.INDEXER)
    assert indexers.split(" | ") == [
        "/addindexer myanonamouse NAME URL MAM_ID [SEED_HOURS] [PAGES]",
        "/addindexer newznab NAME URL [API_KEY] [RATE] [TIMEOUT]",
        "/addindexer prowlarr NAME URL API_KEY [TIMEOUT]",
        "/addindexer torznab NAME URL [API_KEY] [RATE] [TIMEOUT]",
    ]


async def test_the_older_forms_without_a_kind_still_mean_torznab_and_qbittorrent(
    world: World,
) -> None:
    client = await world.conv.command(ADMIN, "addclient", "qbit http://127.0.0.1:1 ada pw")
    assert keys(client)[:2] == ["secret.failed", "error.port_closed"]  # parsed, tested, refused
    assert client[0].delete_trigger
    with TorznabFeed([], api_key="k") as feed:
        old = await world.conv.command(ADMIN, "addindexer", f"home {feed.url} k")
    assert keys(old) == ["secret.added"]
    assert [(i.name, i.kind) for i in await Integration.all()] == [("home", "torznab")]


async def test_a_secret_left_out_of_the_command_is_asked_for_privately(world: World) -> None:
    with TorznabFeed([], api_key="k-canary") as feed:
        asked = await world.conv.command(ADMIN, "addindexer", f"torznab home {feed.url}")
        [reply] = asked
        assert keys(asked) == ["secret.ask"] and reply.ask is not None
        assert [f.name for f in reply.ask.fields] == ["api_key"] and reply.ask.fields[0].secret
        assert await Integration.all().count() == 0  # nothing is kept before the secret came
        done = await world.conv.private_answer(ADMIN, reply.ask.token, {"api_key": "k-canary"})
        assert keys(done) == ["secret.added"]
        again = await world.conv.private_answer(ADMIN, reply.ask.token, {"api_key": "k-canary"})
    assert keys(again) != ["secret.added"]  # the token was good for one answer
    row = await Integration.get(name="home")
    assert row.kind == "torznab" and "k-canary" not in (row.secret or "")
    tokens = [t.payload for t in await ButtonToken.all()]
    assert "k-canary" not in repr(tokens)  # only what the command said rides in the token


async def test_a_dash_leaves_an_asked_secret_unset(world: World) -> None:
    asked = await world.conv.command(ADMIN, "addclient", "qbittorrent qbit http://127.0.0.1:1 ada")
    [reply] = asked
    assert reply.ask is not None and [f.name for f in reply.ask.fields] == ["password"]
    done = await world.conv.private_answer(ADMIN, reply.ask.token, {"password": "-"})
    assert keys(done)[:2] == ["secret.failed", "error.port_closed"]  # tested without one, refused
