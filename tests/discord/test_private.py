"""Private input on Discord: /addindexer in the household's guild; a secret left out of it is
asked in a modal, and the indexer is added from the modal's values; the answers are
ephemeral and say nothing of deleted messages (that is Telegram's way, not Discord's)."""

from __future__ import annotations

from core.services.household import Household
from core.store.models import Integration, Role
from tests.discord.conftest import Captured, Start
from tests.support.discordapi import DiscordApiServer
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "dc-modal-key-" + "7" * 12


async def test_a_secret_is_asked_in_a_modal_and_the_indexer_added(
    start_bot: Start, discordapi: DiscordApiServer, logs: Captured
) -> None:
    api = discordapi
    home, ada = api.guild("Home"), api.user("Ada")
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await start_bot(frozenset({int(home.id)}))
    with TorznabFeed([FeedItem("X.2024.1080p-GRP", size=1, seeders=1)], api_key=KEY) as feed:
        asked = await api.slash(ada, home, "addindexer", text=f"torznab local {feed.url}")
        await api.until(lambda: asked.callbacks)
        modal = asked.callbacks[0]
        assert modal["type"] == 9, modal  # a modal, only Ada sees it
        [row] = modal["data"]["components"]
        field = row["components"][0]
        assert field["label"] == "api key (- for none)"  # a label, not "Send the …"
        values = {field["custom_id"]: KEY}
        submitted = await api.submit(ada, modal["data"]["custom_id"], values, home)
        done = await api.until(lambda: api.message(submitted.original_id) and submitted)
        await api.until(lambda: (api.message(done.original_id) or {}).get("content"))
        reply = api.message(done.original_id)
        assert reply is not None and reply["content"] == "local is added and works."
        assert done.callbacks[0]["data"]["flags"] & 64  # the answer is ephemeral
        assert await Integration.filter(name="local").exists()
    assert not [m for m in api.state.messages.values() if KEY in str(m)]
    assert not [m for m in api.state.messages.values() if "deleted" in str(m)]
    assert KEY not in logs.text()


async def test_a_secret_typed_into_the_command_in_a_guild_is_refused(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home, ada = api.guild("Home"), api.user("Ada")
    await Household().add_person("Ada", Role.ADMIN, {"discord": ada.id}, "en")
    await start_bot(frozenset({int(home.id)}))
    typed = await api.slash(ada, home, "addindexer", text=f"torznab local http://x.test {KEY}")
    await api.until(lambda: typed.callbacks)
    answer = typed.callbacks[0]
    assert answer["type"] == 4 and answer["data"]["flags"] == 64
    assert "form only you see" in answer["data"]["content"]
    assert not await Integration.filter(name="local").exists()


async def test_a_member_is_refused_without_telegrams_words(
    start_bot: Start, discordapi: DiscordApiServer
) -> None:
    api = discordapi
    home, bob = api.guild("Home"), api.user("Bob")
    await Household().add_person("Bob", Role.MEMBER, {"discord": bob.id}, "en")
    await start_bot(frozenset({int(home.id)}))
    tried = await api.slash(bob, home, "addclient", text="qbittorrent q http://x.test")
    await api.until(lambda: tried.callbacks)
    answer = tried.callbacks[0]["data"]
    assert answer["content"] == "Only an admin may change settings." and answer["flags"] == 64
