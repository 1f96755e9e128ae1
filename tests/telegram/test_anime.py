"""/anime through Telegram: the command is in the menu, AniList answers with a cover card, and
its releases come from the indexer's anime category (5070) with the absolute episode."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.i18n import t
from core.app import Outpost
from core.services.household import Household
from core.store.integrations import add_integration
from core.store.models import IntegrationCategory, Role
from tests.support.anilist import FakeAniList
from tests.support.botapi import BotApiServer
from tests.support.localserver import LocalServer, Response
from tests.support.torznab_server import FeedItem, TorznabFeed
from tests.telegram.conftest import Start

KEY = "tg-anime-" + "7" * 10
EPISODE = "[SubsPlease] Sousou no Frieren - 05 (1080p) [8A3B5C7D].mkv"
ADA = 100


@pytest.fixture
def fake() -> FakeAniList:
    return FakeAniList()


@pytest_asyncio.fixture(loop_scope="function")
async def anime(outpost: Outpost, fake: FakeAniList) -> AsyncIterator[TorznabFeed]:
    item = FeedItem(EPISODE, size=1_400_000_000, seeders=9, category=5070, link="/t/1")
    with LocalServer(fake) as anilist, TorznabFeed([item], api_key=KEY) as feed:
        await add_integration(
            outpost.box,
            name="anilist",
            category=IntegrationCategory.PROVIDER,
            kind="anilist",
            url=anilist.url + "/",
        )
        await add_integration(
            outpost.box,
            name="nyaa",
            category=IntegrationCategory.INDEXER,
            kind="torznab",
            url=feed.url,
            secrets={"api_key": KEY},
        )
        await Household().add_person("Ada", Role.ADMIN, {"telegram": str(ADA)}, "en")
        yield feed


async def test_anime_command_card_and_releases(
    anime: TorznabFeed, botapi: BotApiServer, start_bot: Start
) -> None:
    ada = botapi.user(ADA, "Ada", started=True)
    await start_bot()
    menu = [c["command"] for c in botapi.commands()]
    assert "anime" in menu
    botapi.send_text(ada, "/anime frieren")
    await botapi.until(
        lambda: any("🔎 Choose release" in m.button_texts for m in botapi.messages(ADA))
    )
    card = next(m for m in botapi.messages(ADA) if "🔎 Choose release" in m.button_texts)
    assert "Sousou no Frieren" in (card.caption or "") and card.photo  # the AniList cover
    botapi.tap(ada, card, "🔎 Choose release")
    await botapi.until(lambda: any(EPISODE in (m.text or "") for m in botapi.messages(ADA)))
    (asked,) = anime.searches
    assert (asked.arg("t"), asked.arg("cat")) == ("tvsearch", "5070")


async def test_anilist_down_is_one_short_line(
    anime: TorznabFeed, fake: FakeAniList, botapi: BotApiServer, start_bot: Start
) -> None:
    fake.queued.extend([Response(503, b"Service Unavailable")] * 3)  # every attempt
    ada = botapi.user(ADA, "Ada", started=True)
    await start_bot()
    botapi.send_text(ada, "/anime frieren")
    said = t("search.provider_failed", "en", name="anilist")
    await botapi.until(lambda: any(said in (m.text or "") for m in botapi.messages(ADA)))
    assert len(fake.bodies) == 3 and anime.searches == []
