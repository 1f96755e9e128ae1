"""Time from a chat command to its first reply, Outpost's frontends against bare bots.

Telegram: Outpost's TelegramFrontend and a bare python-telegram-bot Application (one
CommandHandler that replies), each long-polling its own local Bot API server
(tests/support/botapi: one server answers one bot's getUpdates); the first reply is the first
send* call (sendMessage, sendPhoto, sendChatAction) as the server receives it.
Discord: Outpost's DiscordFrontend and a bare discord.py client (one callback that replies at
once) on the same local Discord REST + gateway server (tests/support/discordapi), each
interaction dispatched to one bot's gateway session; the first reply is the interaction
callback (type 4 message or 5 defer) as the REST side receives it.

The same data dir serves both Outpost frontends: one admin, and a local TMDB for /search.
Rounds are interleaved (every bot answers each command in turn); each command is waited out
(the library's handler tasks done) before the next, so no answer overlaps another.
Run: python -m benchmarks.chat_latency [--n 30] [--warmup 3] [--breakdown] (about 10 s)

Read on 2026-12-04: Outpost answers in 5-16 ms (median) where the bare bots take 1-5 ms; the gap
is its store work before the reply (--breakdown: 6-17 sequential Tortoise queries; the sender's
person is resolved 2-3 times per command, 3 SELECTs each, and /search adds the integrations,
two cache reads and one INSERT per button token), not the chat libraries.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import dataclasses
import os
import statistics
import tempfile
import time
import warnings
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

with warnings.catch_warnings():  # discord.py imports audioop (voice), deprecated in 3.11
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord

import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route
from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes
from tortoise.backends.sqlite.client import SqliteClient

from bot.conversation import Conversation
from bot.discord import DiscordFrontend
from bot.telegram import TelegramFrontend
from bot.telegram.app import TelegramApp
from core.app import Outpost
from core.services.household import Household
from core.store.integrations import add_integration
from core.store.models import IntegrationCategory, Role
from tests.metadata.conftest import API_KEY as TMDB_KEY
from tests.metadata.conftest import FakeTmdb
from tests.support.botapi import BotApiServer
from tests.support.discordapi import DiscordApiServer, FakeGuild, FakeUser
from tests.support.discordapi.gateway import Session
from tests.support.localserver import LocalServer

COMMANDS = (("search", "dune"), ("queue", ""), ("help", ""))
TELEGRAM_ID = 100  # the admin's Telegram user id
WITHIN = 20.0  # seconds a reply may take before the run is called broken
BARE_REPLY = "ok"


@dataclass(frozen=True)
class Sample:
    started: float  # perf_counter when the command left the person
    answered: float  # when the server received the first reply
    kind: str  # what the first reply was: "sendMessage", "sendPhoto", "type 4", "type 5" ...

    @property
    def latency(self) -> float:
        return self.answered - self.started


@dataclass(frozen=True)
class Row:
    frontend: str
    command: str
    n: int
    median: float  # milliseconds
    p95: float
    max: float
    ratio: float  # this median over the bare bot's median for the same command
    first: str  # the kinds of first reply seen, "/"-joined
    queries: float = 0.0  # with --breakdown: median store queries before the first reply
    store: float = 0.0  # and the median milliseconds spent in them


class Target(Protocol):
    name: str
    bare: str  # the name of the bare bot this one is compared with (itself for a bare bot)

    async def once(self, command: str, text: str) -> Sample: ...


async def settled(busy: Callable[[], bool]) -> None:
    """Until the bot's library has no handler running (a reply's tail: follow-ups, cards)."""
    deadline = time.monotonic() + WITHIN
    while busy():
        if time.monotonic() > deadline:
            raise TimeoutError("a handler is still running")
        await asyncio.sleep(0.002)


# ---- Telegram ---------------------------------------------------------------------------------


class TelegramTarget:
    """One bot long-polling one local Bot API server; the admin writes to it in private."""

    def __init__(self, name: str, bare: str, api: BotApiServer, app: TelegramApp):
        self.name, self.bare, self.api, self.app = name, bare, api, app
        self.user = api.user(TELEGRAM_ID, "Ada")

    async def once(self, command: str, text: str) -> Sample:
        seen = len(self.api.log)
        started = time.perf_counter()
        self.api.send_text(self.user, f"/{command} {text}".strip())
        first = await self.api.until(
            lambda: next((c for c in self.api.log[seen:] if c.method.startswith("send")), None),
            WITHIN,
        )
        processor, queue = self.app.update_processor, self.app.update_queue
        await settled(lambda: processor.current_concurrent_updates > 0 or not queue.empty())
        return Sample(started, first.at, first.method)


async def _bare_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(BARE_REPLY)


@contextlib.asynccontextmanager
async def bare_ptb(api: BotApiServer) -> AsyncIterator[TelegramApp]:
    """python-telegram-bot as its examples start it: the default builder, one handler."""
    app = Application.builder().token(api.token).base_url(api.base_url).build()
    app.add_handler(CommandHandler([name for name, _ in COMMANDS], _bare_reply))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


# ---- Discord ----------------------------------------------------------------------------------


def _tree_busy() -> bool:
    """discord.py runs each application command in a task of this name."""
    return any(t.get_name() == "CommandTree-invoker" and not t.done() for t in asyncio.all_tasks())


class DiscordTarget:
    """One bot's gateway session on the shared server; every command in the household guild."""

    def __init__(
        self, name: str, bare: str, api: DiscordApiServer, session: Session, who: FakeUser
    ):
        self.name, self.bare, self.api, self.session, self.user = name, bare, api, session, who
        self.guild: FakeGuild = next(iter(api.state.guilds.values()))

    async def once(self, command: str, text: str) -> Sample:
        options = {"text": text} if text else {}
        started = time.perf_counter()
        pending = await self.api.slash(self.user, self.guild, command, to=self.session, **options)
        ending = f"/{pending.payload['token']}/callback"
        first = await self.api.until(
            lambda: next((c for c in self.api.calls if c.path.endswith(ending)), None), WITHIN
        )
        await settled(_tree_busy)
        answers = [c for c in self.api.calls if c.path.endswith(ending)]
        if len(answers) != 1:  # the other bot's session was sent the interaction too
            raise RuntimeError(f"/{command} was answered {len(answers)} times")
        return Sample(started, first.at, f"type {first.body['type']}")


async def _bare_command(interaction: discord.Interaction, text: str | None = None) -> None:
    await interaction.response.send_message(BARE_REPLY)


class BareDiscord(discord.Client):
    """discord.py as its examples start it: a CommandTree, one callback that replies."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.5)
        self.tree: app_commands.CommandTree[BareDiscord] = app_commands.CommandTree(self)
        for name, _ in COMMANDS:
            made: app_commands.Command[Any, ..., None] = app_commands.Command(
                name=name, description="bare", callback=_bare_command
            )
            # Not synced: Outpost's own sync of the guild's commands stands.
            self.tree.add_command(made, guild=discord.Object(guild_id))


@contextlib.asynccontextmanager
async def connected(client: discord.Client, token: str) -> AsyncIterator[discord.Client]:
    await client.login(token)
    runner = asyncio.create_task(client.connect(), name="bench-discord-gateway")
    try:
        await asyncio.wait_for(client.wait_until_ready(), WITHIN)
        yield client
    finally:
        await client.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(runner, WITHIN)


async def new_session(api: DiscordApiServer, known: list[Session]) -> Session:
    found = await api.until(
        lambda: [s for s in api.gateway.sessions if s.identified.is_set() and s not in known]
    )
    return found[0]


# ---- the household, the bots, the rounds -------------------------------------------------------


@contextlib.asynccontextmanager
async def household(data_dir: Path, discord_id: str) -> AsyncIterator[Outpost]:
    """An Outpost with one admin (in both chats) and TMDB on loopback."""
    async with Outpost(data_dir) as app:
        app.throttle.burst = 1_000_000  # the rounds measure answers, not Ada's token bucket
        with LocalServer(FakeTmdb()) as tmdb:
            await add_integration(
                app.box,
                name="tmdb",
                category=IntegrationCategory.PROVIDER,
                kind="tmdb",
                url=tmdb.url + "/3",
                secrets={"api_key": TMDB_KEY},
            )
            identities = {"telegram": str(TELEGRAM_ID), "discord": discord_id}
            await Household().add_person("Ada", Role.ADMIN, identities, "en")
            yield app


@contextlib.asynccontextmanager
async def targets(data_dir: Path) -> AsyncIterator[list[Target]]:
    """The four bots, started; Outpost's two share one Outpost and one Conversation."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # PTB 22 warns on durations otherwise
    gateway_before, rest_before = DiscordWebSocket.DEFAULT_GATEWAY, Route.BASE
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(setattr, Route, "BASE", rest_before)
        stack.callback(setattr, DiscordWebSocket, "DEFAULT_GATEWAY", gateway_before)
        ours_tg = stack.enter_context(BotApiServer(max_poll=0.5))
        bare_tg = stack.enter_context(BotApiServer(max_poll=0.5))
        dc = await stack.enter_async_context(DiscordApiServer())
        home, ada = dc.guild("Home"), dc.user("Ada")
        app = await stack.enter_async_context(household(data_dir, ada.id))
        conversation = Conversation(app)
        telegram = TelegramFrontend(
            app, conversation, token=ours_tg.token, base_url=ours_tg.base_url, poll_timeout=1
        )
        await telegram.start()
        stack.push_async_callback(telegram.stop)
        ptb = await stack.enter_async_context(bare_ptb(bare_tg))
        ours_dc = DiscordFrontend(
            app, conversation, token=dc.token, guilds=frozenset({int(home.id)}), api_url=dc.base_url
        )
        await ours_dc.start()
        stack.push_async_callback(ours_dc.stop)
        ours_session = await new_session(dc, [])
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(dc.gateway_url)
        await stack.enter_async_context(connected(BareDiscord(int(home.id)), dc.token))
        bare_session = await new_session(dc, [ours_session])
        assert telegram.application is not None
        yield [
            TelegramTarget("telegram Outpost", "telegram bare PTB", ours_tg, telegram.application),
            TelegramTarget("telegram bare PTB", "telegram bare PTB", bare_tg, ptb),
            DiscordTarget("discord Outpost", "discord bare d.py", dc, ours_session, ada),
            DiscordTarget("discord bare d.py", "discord bare d.py", dc, bare_session, ada),
        ]


class StoreMeter:
    """With --breakdown: each query Outpost's store (Tortoise on aiosqlite) makes, timed, so
    a sample can say how many ran, and for how long, before its first reply."""

    METHODS = ("execute_insert", "execute_many", "execute_query", "execute_query_dict")

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []
        self._depth: contextvars.ContextVar[int] = contextvars.ContextVar("depth", default=0)
        self._saved: dict[str, Any] = {}

    def __enter__(self) -> StoreMeter:
        for name in self.METHODS:
            self._saved[name] = getattr(SqliteClient, name)
            setattr(SqliteClient, name, self._timed(self._saved[name]))
        return self

    def __exit__(self, *exc: object) -> None:
        for name, method in self._saved.items():
            setattr(SqliteClient, name, method)

    def _timed(self, method: Any) -> Any:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            depth = self._depth.get()
            token = self._depth.set(depth + 1)
            started = time.perf_counter()
            try:
                return await method(*args, **kwargs)
            finally:
                self._depth.reset(token)
                if depth == 0:  # one query, even when one method calls another
                    self.spans.append((started, time.perf_counter()))

        return timed

    def before_reply(self, sample: Sample) -> tuple[int, float]:
        """Queries begun between the command and its first reply, and their time in that span."""
        inside = [(a, b) for a, b in self.spans if sample.started <= a < sample.answered]
        return len(inside), sum(min(b, sample.answered) - a for a, b in inside)


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


Samples = dict[tuple[str, str], list[Sample]]


def row_of(name: str, command: str, samples: list[Sample], bare: list[Sample]) -> Row:
    ms = [s.latency * 1000 for s in samples]
    median = statistics.median(ms)
    bare_median = statistics.median(s.latency for s in bare) * 1000
    ratio = median / bare_median if bare_median > 0 else float("nan")
    kinds = "/".join(sorted({s.kind for s in samples}))
    return Row(name, command, len(ms), median, percentile(ms, 95), max(ms), ratio, kinds)


def rows_of(samples: Samples, bots: list[Target], meter: StoreMeter | None) -> list[Row]:
    bare_of = {bot.name: bot.bare for bot in bots}
    rows = []
    for (name, command), taken in samples.items():
        row = row_of(name, command, taken, samples[(bare_of[name], command)])
        if meter is not None:
            counts, spent = zip(*(meter.before_reply(s) for s in taken), strict=True)
            queries, store = statistics.median(counts), statistics.median(spent) * 1000
            row = dataclasses.replace(row, queries=queries, store=store)
        rows.append(row)
    return rows


async def rounds(bots: list[Target], n: int) -> Samples:
    samples: Samples = {}
    for _ in range(n):
        for command, text in COMMANDS:
            for bot in bots:
                label = f"/{command} {text}".strip()
                samples.setdefault((bot.name, label), []).append(await bot.once(command, text))
    return samples


async def measure(
    n: int, warmup: int = 3, data_dir: Path | None = None, *, breakdown: bool = False
) -> list[Row]:
    """Start the four bots, warm them up, then `n` interleaved rounds of every command."""
    with contextlib.ExitStack() as stack:
        if data_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "data"
        meter = stack.enter_context(StoreMeter()) if breakdown else None
        async with targets(data_dir) as bots:
            await rounds(bots, warmup)
            return rows_of(await rounds(bots, n), bots, meter)


def table(rows: list[Row], *, breakdown: bool = False) -> str:
    head = (
        f"{'frontend':<18} {'command':<13} {'n':>3} {'median':>7} {'p95':>7} {'max':>7} "
        f"{'× bare':>6}  {'first reply':<12}"
    )
    if breakdown:
        head += f" {'queries':>7} {'in store':>8}"
    lines = [head.rstrip(), "-" * len(head.rstrip())]
    for row in sorted(rows, key=lambda r: (r.frontend.split()[0], r.command, r.frontend)):
        line = (
            f"{row.frontend:<18} {row.command:<13} {row.n:>3} {row.median:>7.1f} "
            f"{row.p95:>7.1f} {row.max:>7.1f} {row.ratio:>6.2f}  {row.first:<12}"
        )
        if breakdown:
            line += f" {row.queries:>7.0f} {row.store:>8.1f}"
        lines.append(line.rstrip())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chat_latency")
    parser.add_argument("--n", type=int, default=30, help="measured rounds per command")
    parser.add_argument("--warmup", type=int, default=3, help="rounds run first, not counted")
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also time Outpost's store queries before each first reply (adds their overhead)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = asyncio.run(measure(args.n, args.warmup, breakdown=args.breakdown))
    print(f"time from command to first reply (ms), {args.n} rounds after {args.warmup} warm-up")
    print(table(rows, breakdown=args.breakdown))
    print(f"(run took {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
