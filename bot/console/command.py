"""`outpost chat`: the service of `outpost run`, with the conversation in this terminal."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from bot.cli.output import Output
from bot.console.frontend import ConsoleFrontend
from bot.console.lines import Lines
from bot.conversation import Conversation
from core.app import Outpost
from core.runtime import Timing


async def chat(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    """Run monitor, importer, failover and notices, and talk until /quit, end of input,
    Ctrl+C or SIGTERM; then stop as `outpost run` stops."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    timing = Timing(
        interval=args.poll_interval,
        stall_after=args.stall_after,
        fail_after=args.fail_after,
        sync_indexers=args.sync_every,
    )
    await app.sync_indexers()  # Prowlarr's indexers, as at the start of `outpost run` (logged)
    runtime = await app.runtime(timing)
    # cards refresh as often as the clients are polled: more often would show nothing new
    console = ConsoleFrontend(
        app, Conversation(app), out.stdout, lang=out.lang, card_interval=timing.interval
    )
    await console.start()
    lines = Lines(sys.stdin.fileno())
    lines.open()
    talk = asyncio.create_task(console.talk(lines), name="console")
    talk.add_done_callback(lambda _: stop.set())
    try:
        await runtime.serve(stop)
    finally:
        lines.close()
        talk.cancel()
        await asyncio.gather(talk, return_exceptions=True)
        await console.stop()
    out.say("cli.stopped")
    return 0
