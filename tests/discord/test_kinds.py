"""/music, /book and /audiobook on Discord: slash commands in the guild's menu, a card whose
embed carries the catalogue's cover, and the releases of the kind's category."""

from __future__ import annotations

from core.services.household import Household
from core.store.models import Role
from tests.discord.conftest import Start
from tests.discord.test_whole_path import press
from tests.support.discordapi import DiscordApiServer
from tests.support.torznab_server import TorznabFeed
from tests.telegram.test_kinds import CASES, feed, servers

__all__ = ["feed", "servers"]  # the fixtures, shared with the Telegram test


@CASES
async def test_kind_slash_command_card_with_cover_and_releases(
    feed: TorznabFeed,
    discordapi: DiscordApiServer,
    start_bot: Start,
    command: str,
    title: str,
    release: str,
    asked: dict[str, str],
) -> None:
    api = discordapi
    home, ada = api.guild("Home"), api.user("Ada")
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await start_bot(frozenset({int(home.id)}))
    name, text = command.lstrip("/").split(" ", 1)
    await api.until(lambda: api.state.guild_commands.get(home.id))
    assert name in {c["name"] for c in api.state.guild_commands[home.id]}
    await api.slash(ada, home, name, text=text)
    card, _ = await press(api, ada, home, "Choose release")
    embed = card["embeds"][0]
    assert title in embed["title"] and embed["image"]["url"].startswith("http")  # the cover
    listing = await api.until(
        lambda: next((m for m in api.in_channel(home.channel_id) if release in api.text(m)), None)
    )
    assert listing is not None
    (search,) = feed.searches
    assert {k: search.arg(k) for k in asked} == asked
