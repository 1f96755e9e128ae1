"""Long lists as select menus: more than five choices (a long search result, the releases to
choose from) are one string select whose option values are the same opaque tokens buttons
carry, and a pick still works after a restart (a DynamicItem, like the buttons)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest

from core.app import Outpost
from core.messages import Button, Text, View
from core.recipients import Channel
from core.services.household import Household
from core.store.integrations import add_integration
from core.store.models import IntegrationCategory, Role
from tests.discord.conftest import Start
from tests.metadata.conftest import API_KEY as TMDB_KEY
from tests.metadata.conftest import JSON as JSON_HEADERS
from tests.metadata.conftest import FakeTmdb, fixture_bytes
from tests.support.discordapi import DiscordApiServer
from tests.support.localserver import LocalServer, Response

TITLES = [f"Omen Part {n}" for n in range(1, 8)]


def many_results() -> bytes:
    """TMDB's /search/movie answer (the captured fixture's shape) with seven titles."""
    found = json.loads(fixture_bytes("search_movie.json"))
    model = found["results"][0]
    found["results"] = [
        {**copy.deepcopy(model), "id": 9000 + n, "title": title, "original_title": title}
        for n, title in enumerate(TITLES)
    ]
    found["total_results"] = len(TITLES)
    return json.dumps(found).encode()


@pytest.fixture
def tmdb() -> Iterator[LocalServer]:
    fake = FakeTmdb(overrides={"/3/search/movie": Response(200, many_results(), JSON_HEADERS)})
    with LocalServer(fake) as server:
        yield server


async def test_a_long_search_is_a_menu_and_a_pick_after_a_restart_shows_that_title(
    outpost: Outpost, start_bot: Start, discordapi: DiscordApiServer, tmdb: LocalServer
) -> None:
    api = discordapi
    home, ada = api.guild("Home"), api.user("Ada")
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await add_integration(
        outpost.box,
        name="tmdb",
        category=IntegrationCategory.PROVIDER,
        kind="tmdb",
        url=tmdb.url + "/3",
        secrets={"api_key": TMDB_KEY},
    )
    first = await start_bot(frozenset({int(home.id)}))
    asked = await api.slash(ada, home, "movie", text="omen")
    shown = await api.until(lambda: (m := api.message(asked.original_id)) and m["embeds"] and m)
    [menu] = api.menus(shown)
    assert [o["label"] for o in menu["options"]] == [f"{t} (2024)" for t in TITLES]
    values = [o["value"] for o in menu["options"]]
    assert menu["custom_id"] == f"pick:{values[0]}" and len(set(values)) == len(TITLES)
    assert all(len(v) <= 32 for v in values)  # the conversation's opaque tokens, nothing else
    assert shown["components"][0]["components"] == [menu]  # a menu fills its own row
    assert {b["custom_id"] for b in api.buttons(shown)}.isdisjoint(values)
    await first.stop()
    await start_bot(frozenset({int(home.id)}))  # a new process: no view of the old one
    picked = await api.pick(ada, shown, menu["custom_id"], values[5], home)
    await api.until(lambda: picked.callbacks)
    assert picked.callbacks[0]["type"] == 6  # acknowledged as a deferred update
    now = await api.until(
        lambda: (m := api.message(shown["id"])) and TITLES[5] in api.text(m) and m
    )
    assert "6 of 7" in api.text(now)  # the same message now shows the sixth title


async def test_five_choices_or_fewer_are_buttons(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home = api.guild("Home")
    frontend = await start_bot(frozenset({int(home.id)}))
    assert frontend.port is not None
    few = tuple(Button(Text("button.grab_n", {"n": n}), f"tok{n}") for n in range(1, 6))
    sent = await frontend.port.send(Channel("discord", home.channel_id), View((), choices=few))
    message = api.message(sent)
    assert message is not None and api.menus(message) == []
    assert [b["custom_id"] for b in api.buttons(message)] == [f"tok{n}" for n in range(1, 6)]
    many = tuple(Button(Text("button.grab_n", {"n": n}), f"tok{n}") for n in range(1, 31))
    more = await frontend.port.send(Channel("discord", home.channel_id), View((), choices=many))
    [menu] = api.menus(api.message(more) or {})
    assert len(menu["options"]) == 25  # Discord's cap on a menu's options
