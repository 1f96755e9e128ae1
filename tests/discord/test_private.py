"""Private input on Discord: a secret left out of /addindexer is asked in a modal, and the
indexer is added from the modal's values; nothing of the secret is in a message."""

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
        asked = await api.slash(ada, None, "addindexer", text=f"torznab local {feed.url}")
        await api.until(lambda: asked.callbacks)
        modal = asked.callbacks[0]
        assert modal["type"] == 9, modal  # a modal, only Ada sees it
        [row] = modal["data"]["components"]
        field = row["components"][0]["custom_id"]
        submitted = await api.submit(ada, modal["data"]["custom_id"], {field: KEY}, None)
        done = await api.until(lambda: api.message(submitted.original_id) and submitted)
        await api.until(lambda: (api.message(done.original_id) or {}).get("content"))
        reply = api.message(done.original_id)
        assert reply is not None and "local" in reply["content"]
        assert done.callbacks[0]["data"]["flags"] & 64  # the answer is ephemeral
        assert await Integration.filter(name="local").exists()
    assert not [m for m in api.state.messages.values() if KEY in str(m)]
    assert KEY not in logs.text()
