"""Abuse limits and chat-side trust, at the conversation every frontend shares: a token bucket
per person, identical searches merged, a grab cap per hour, taps that come too late, groups
nobody registered, and invisible characters from feeds."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.conversation import Conversation, tokens
from bot.conversation.render_text import render
from bot.discord.render import line_text as discord_line
from bot.telegram.render import text_of as telegram_text
from bot.views import Sender, Text, View
from core import errors
from core.services.household import Household
from core.services.throttle import Throttle, grabs_per_hour, stale_after
from core.store.models import AccessRequest, Grab, MediaRequest, Role, Subscription
from core.visible import invisible
from tests.conversation.conftest import ADMIN, MEMBER, STRANGER, World, in_group, keys, text
from tests.support.localserver import LocalServer, Request, Response
from tests.support.torznab_server import SEARCH_MODES, FeedItem, TorznabFeed

MEDIA = {"kind": "movie", "title": "The First Omen", "year": 2024, "provider": None, "id": None}
BIDI = "\u202e\u200b\u2066\u2069\u200f\ufeff"


class FrozenClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def frozen(world: World, **limits: float) -> FrozenClock:
    """The household's bucket on a clock that moves only when the test says."""
    clock = FrozenClock()
    throttle = world.conv.services.throttle
    throttle.clock = clock
    for name, value in limits.items():
        setattr(throttle, name, value)
    return clock


# --- the token bucket -------------------------------------------------------------------


async def test_a_flood_of_searches_gets_slow_down_once_then_silence(world: World) -> None:
    clock = frozen(world)
    answers = [await world.conv.command(ADMIN, "search", "dune") for _ in range(100)]
    answered = [a for a in answers if a]
    burst = world.conv.services.throttle.burst
    assert len(answered) == burst + 1  # not 100 replies
    assert all(keys(a) != ["limit.slow_down"] for a in answered[:burst])
    assert keys(answered[burst]) == ["limit.slow_down"]
    assert "3 s" in text(answered[burst][0])  # a token comes back every 3 s (20 a minute)
    assert all(a == [] for a in answers[burst + 1 :])
    clock.now += 3.0  # one token back: answered again, and a new flood is warned again
    assert keys(await world.conv.command(ADMIN, "search", "dune")) != ["limit.slow_down"]
    assert keys(await world.conv.command(ADMIN, "search", "dune")) == ["limit.slow_down"]
    assert await world.conv.command(ADMIN, "search", "dune") == []
    assert await world.conv.command(MEMBER, "help", "") != []  # another person's own bucket


async def test_the_bucket_is_the_persons_on_every_frontend(world: World) -> None:
    """Telegram, Discord and the console share one bucket per person, not per account."""
    frozen(world, burst=4)
    household = Household()
    zoe = await household.add_person("Zoe", Role.ADMIN, {"telegram": "400", "discord": "4000"})
    assert zoe is not None
    on_telegram = Sender("telegram", "400", "400", True, "en", "Zoe")
    on_discord = Sender("discord", "4000", "4000", True, "en", "Zoe", "form")
    answers = []
    for n in range(6):
        sender = on_telegram if n % 2 else on_discord
        answers.append(await world.conv.command(sender, "help", ""))
    assert [keys(a)[:1] for a in answers] == [["help.header"]] * 4 + [["limit.slow_down"], []]


async def test_taps_share_the_bucket_and_a_refused_tap_changes_nothing(world: World) -> None:
    frozen(world, burst=2)
    media = {**MEDIA, "provider": "tmdb", "id": "437342"}
    taps = [await tokens.issue(world.admin, ADMIN.chat, "follow", {"media": media}) for _ in "abc"]
    assert (await world.conv.tap(ADMIN, taps[0])).alert is None
    assert keys(await world.conv.command(ADMIN, "help", ""))[0] == "help.header"
    slow = await world.conv.tap(ADMIN, taps[1])
    assert slow.alert is not None and slow.alert.key == "limit.slow_down" and not slow.replies
    quiet = await world.conv.tap(ADMIN, taps[2])
    assert quiet.alert is None and not quiet.replies
    assert await Subscription.filter(scope="title").count() == 1  # only the first tap counted


async def test_the_limits_are_configurable_and_a_bad_one_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OUTPOST_CHAT_BURST", "3")
    monkeypatch.setenv("OUTPOST_CHAT_PER_MINUTE", "6")
    monkeypatch.setenv("OUTPOST_GRABS_PER_HOUR", "5")
    monkeypatch.setenv("OUTPOST_STALE_MINUTES", "2")
    throttle = Throttle.from_env()
    assert (throttle.burst, throttle.per_minute) == (3, 6.0)
    assert grabs_per_hour() == 5 and stale_after() == timedelta(minutes=2)
    for bad in ("0", "-1", "many"):
        monkeypatch.setenv("OUTPOST_CHAT_BURST", bad)
        with pytest.raises(errors.UserError) as refused:
            Throttle.from_env()
        assert refused.value.key == "error.bad_limit"
        assert refused.value.params == {"name": "OUTPOST_CHAT_BURST"}


# --- identical searches in flight ---------------------------------------------------------


class GatedFeed(TorznabFeed):
    """The Torznab server, holding every search answer until the test opens the gate."""

    def __init__(self, items: list[FeedItem]) -> None:
        super().__init__(items, api_key=None)
        self.gate = threading.Event()

    def _handle(self, request: Request) -> Response:
        if request.arg("t") in SEARCH_MODES:
            self.gate.wait(60)
        return super()._handle(request)


async def until_waiting(world: World, callers: int) -> None:
    inflight = world.app.inflight
    for _ in range(3000):  # a bound, not a timing claim
        if sum(inflight.waiting(k) for k in inflight.keys()) >= callers:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{callers} searches never met in flight")


async def test_fifty_taps_on_search_releases_are_one_indexer_search(world: World) -> None:
    from core.store.integrations import add_integration
    from core.store.models import IntegrationCategory

    frozen(world, burst=100)
    name = "The.First.Omen.2024.1080p.WEB-DL.DDP5.1.H.264-OUTPOST"
    items = [FeedItem(name, size=5 * 1024**3, seeders=10, link="/dl/a.torrent")]
    with GatedFeed(items) as feed:
        for name in ("one", "two"):
            await add_integration(
                world.app.box,
                name=name,
                category=IntegrationCategory.INDEXER,
                kind="torznab",
                url=feed.url,
            )
        people = [ADMIN, MEMBER]
        owners = [world.admin, world.member]
        chosen = []
        for n in range(50):
            who = n % 2
            token = await tokens.issue(owners[who], people[who].chat, "choose", {"media": MEDIA})
            chosen.append(asyncio.ensure_future(world.conv.tap(people[who], token)))
        await until_waiting(world, 100)  # 50 taps, each asking both indexers
        feed.gate.set()
        answers = await asyncio.gather(*chosen)
        searches = feed.searches
    assert len(searches) == 2  # one per indexer, not 100
    views = [answer.replies[0].view for answer in answers]
    shown = {render(view, "en") for view in views}
    assert len(shown) == 1, shown  # every tap got the same answer
    assert "OUTPOST" in shown.pop()


async def test_identical_title_searches_in_flight_are_one_provider_search(
    world: World,
) -> None:
    """Twenty /movie of the same title at once: one TMDB search, twenty answers."""
    from core.store.integrations import add_integration
    from core.store.models import IntegrationCategory
    from tests.metadata.conftest import API_KEY, FakeTmdb

    frozen(world, burst=100)
    gate, tmdb = threading.Event(), FakeTmdb()

    def gated(request: Request) -> Response:
        if request.path.startswith("/3/search/"):
            gate.wait(60)
        return tmdb(request)

    with LocalServer(gated) as server:
        await add_integration(
            world.app.box,
            name="tmdb",
            category=IntegrationCategory.PROVIDER,
            kind="tmdb",
            url=server.url + "/3",
            secrets={"api_key": API_KEY},
        )
        asked = [
            asyncio.ensure_future(world.conv.command(ADMIN if n % 2 else MEMBER, "movie", "omen"))
            for n in range(20)
        ]
        await until_waiting(world, 20)
        gate.set()
        answers = await asyncio.gather(*asked)
        searches = [r for r in server.requests if r.path.startswith("/3/search/")]
    assert len(searches) == 1
    assert all(keys(a)[0] == "search.title_year" for a in answers), answers[0]


# --- the grab cap -------------------------------------------------------------------------


async def recent_grabs(count: int, *, hours_ago: float = 0.0) -> None:
    for n in range(count):
        grab = await Grab.create(
            release_key=f"k{hours_ago}-{n}",
            title=f"Some.Film.{n}.2024.1080p",
            indexer="local",
            client="qbit",
            client_id=f"id{hours_ago}-{n}",
            protocol="torrent",
        )
        if hours_ago:
            when = datetime.now(UTC) - timedelta(hours=hours_ago)
            await Grab.filter(id=grab.id).update(created_at=when)


async def test_the_household_cap_on_grabs_an_hour_is_said_in_the_persons_language(
    world: World,
) -> None:
    world.app.grabs_per_hour = 3
    conv = Conversation(world.app)
    await recent_grabs(5, hours_ago=2)  # older than an hour: they do not count
    await recent_grabs(3)
    grab = await tokens.issue(world.admin, ADMIN.chat, "grab", {"ref": "r1", "media": MEDIA})
    refused = await conv.tap(ADMIN, grab)
    assert refused.alert is not None and refused.alert.key == "limit.grabs"
    assert refused.alert.params["cap"] == 3 and 1 <= refused.alert.params["minutes"] <= 60
    german = await tokens.issue(world.member, MEMBER.chat, "grab", {"ref": "r1", "media": MEDIA})
    said = await conv.tap(MEMBER, german)
    assert said.alert is not None
    assert "in der letzten Stunde 3 Downloads" in render(View((said.alert,)), "de")
    assert await MediaRequest.all().count() == 0  # nothing recorded, nothing sent


async def test_an_approval_past_the_cap_grabs_nothing(world: World) -> None:
    world.app.grabs_per_hour = 1
    conv = Conversation(world.app)
    waiting = await MediaRequest.create(
        person_id=world.member.id, kind="movie", title="The First Omen", awaiting_approval=True
    )
    await recent_grabs(1)
    decided = await conv.services.requests.decide(waiting.id, True)
    assert decided.outcome == "failed" and decided.error is not None
    assert decided.error.key == "limit.grabs"
    assert await Grab.all().count() == 1


async def test_below_the_cap_a_grab_goes_on(world: World) -> None:
    world.app.grabs_per_hour = 3
    conv = Conversation(world.app)
    await recent_grabs(2)
    grab = await tokens.issue(world.admin, ADMIN.chat, "grab", {"ref": "r9", "media": MEDIA})
    answer = await conv.tap(ADMIN, grab)
    assert answer.alert is not None and answer.alert.key != "limit.grabs"  # on to the ref


# --- taps that come too late --------------------------------------------------------------


async def test_a_grab_tap_older_than_n_minutes_is_ignored_with_a_word(world: World) -> None:
    grab = await tokens.issue(world.admin, ADMIN.chat, "grab", {"ref": "r1", "media": MEDIA})
    late = datetime.now(UTC) - timedelta(minutes=40)
    answer = await world.conv.tap(ADMIN, grab, late)
    assert answer.alert is not None and answer.alert.key == "limit.stale"
    assert answer.alert.params == {"minutes": 40}
    assert await MediaRequest.all().count() == 0
    media = {**MEDIA, "provider": "tmdb", "id": "1"}
    follow = await tokens.issue(world.admin, ADMIN.chat, "follow", {"media": media})
    assert (await world.conv.tap(ADMIN, follow, late)).alert is None  # no grab: not judged
    fresh = await tokens.issue(world.admin, ADMIN.chat, "grab", {"ref": "r1", "media": MEDIA})
    now = await world.conv.tap(ADMIN, fresh, datetime.now(UTC) - timedelta(minutes=1))
    assert now.alert is not None and now.alert.key != "limit.stale"


# --- groups nobody registered ---------------------------------------------------------------


async def test_nobody_is_served_in_a_group_nobody_registered(world: World) -> None:
    conv = world.conv
    group = in_group(ADMIN)
    assert keys(await conv.command(group, "status", "")) == ["group.unregistered"]
    assert keys(await conv.command(in_group(MEMBER), "search", "dune")) == ["group.unregistered"]
    assert await conv.command(in_group(STRANGER), "search", "dune") == []  # no knock either
    assert await conv.message(in_group(STRANGER), "hello") == []
    assert not await AccessRequest.exists(external_id=STRANGER.user_id)
    token = await tokens.issue(world.admin, group.chat, "follow", {"media": MEDIA})
    tapped = await conv.tap(group, token)
    assert tapped.alert is not None and tapped.alert.key == "group.unregistered"
    assert await conv.stays(group) and not await conv.stays(in_group(MEMBER))
    assert not await conv.stays(in_group(STRANGER))

    assert keys(await conv.command(group, "household", "")) == ["household.on"]
    assert keys(await conv.command(group, "status", "")) != ["group.unregistered"]
    assert await conv.stays(in_group(STRANGER))  # a registered group is kept


async def test_a_group_the_frontend_vouches_for_is_served(world: World) -> None:
    """Discord: a channel of the household's servers (its tree refuses all others)."""
    guild = dataclasses.replace(in_group(ADMIN), platform="telegram", vouched=True)
    assert keys(await world.conv.command(guild, "status", "")) != ["group.unregistered"]


# --- invisible characters ---------------------------------------------------------------


async def test_no_bidi_or_invisible_character_from_a_feed_reaches_a_chat(world: World) -> None:
    frozen(world, burst=100)
    from core.store.integrations import add_integration
    from core.store.models import IntegrationCategory

    hostile = f"The.First.Omen.2024.1080p.WEB-DL{BIDI}.H.264-GRP\u202ekvm.exe"
    item = FeedItem(hostile, size=5 * 1024**3, seeders=10, link="/dl/a.torrent")
    with TorznabFeed([item], api_key=None) as feed:
        await add_integration(
            world.app.box,
            name="local",
            category=IntegrationCategory.INDEXER,
            kind="torznab",
            url=feed.url,
        )
        token = await tokens.issue(world.admin, ADMIN.chat, "choose", {"media": MEDIA})
        answer = await world.conv.tap(ADMIN, token)
    [reply] = answer.replies
    assert any(invisible(str(v)) for line in reply.view.lines for v in line.params.values())
    console = render(reply.view, "en")
    telegram = telegram_text(reply.view, "de")
    discord = "\n".join(discord_line(line, "en") for line in reply.view.lines)
    for shown in (console, telegram, discord):
        assert "GRPkvm.exe" in shown.replace("\\", "")
        assert not invisible(shown), repr(shown)


def test_the_sanitiser_drops_every_format_and_control_character() -> None:
    import sys
    import unicodedata

    from core.visible import visible

    for code in range(sys.maxunicode + 1):
        c = chr(code)
        dropped = unicodedata.category(c) in ("Cf", "Cc", "Zl", "Zp") and c not in "\n\t"
        assert (visible(c) == "") == dropped, hex(code)
    assert visible("Movie\u202ekvm.exe") == "Moviekvm.exe"
    assert visible("a\u200bb\nc\td") == "ab\nc\td"
    assert visible(Text("x").key) == "x"


def test_refilled_buckets_are_forgotten() -> None:
    from core.services import throttle as limits

    clock = FrozenClock()
    bucket = Throttle(burst=2, per_minute=60, clock=clock)
    for n in range(limits.KEPT):
        bucket.take(f"account:{n}")
    clock.now += 2.0  # every bucket has refilled
    assert bucket.take("account:new") is limits.Verdict.ALLOWED
    assert len(bucket._buckets) == 1
