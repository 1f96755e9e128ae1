"""`outpost doctor|run|secrets`: health in words, the long-running service, key rotation."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import signal
from collections.abc import Mapping
from typing import Any

from bot.cli.integrations import health_json, say_synced
from bot.cli.output import Output, table
from core import errors, redact
from core.app import Outpost
from core.registry import frontend_kinds, load_frontend
from core.runtime import Timing
from core.secrets import ENV_KEY, SecretBox
from core.services.doctor import checkup
from core.services.health import Health
from core.services.household import Household
from core.services.notify import history_json
from core.services.pathcheck import PathProblem
from core.shutdown import within

log = logging.getLogger(__name__)

FRONTEND_STOP = 4.0  # seconds a frontend's stop may take, after the runtime's (core/runtime.py)
FIX_HINTS = {
    "error.auth_failed": "doctor.fix_auth",
    "error.unreachable": "doctor.fix_unreachable",
    "error.timeout": "doctor.fix_unreachable",
    "error.secret_unavailable": "doctor.fix_secret",
    "error.rate_limited": "doctor.fix_rate",
    "error.deluge_no_daemon": "doctor.fix_deluge_daemon",
    "error.wrong_port": "doctor.fix_port",
    "error.port_closed": "doctor.fix_port",
}


async def doctor(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    found = await checkup(app.integrations)
    out.data(
        {
            "checks": [
                {"name": h.name, "category": h.category.value, "ok": h.ok, **health_json(h)}
                for h in found.checks
            ],
            "missing": [c.value for c in found.missing],
            "hardlinks": [dataclasses.asdict(link) for link in found.hardlinks],
            "paths": [_path_json(p) for p in found.paths],
            "defaults": [{"name": e.name, "kind": e.kind, "url": e.url} for e in found.defaults],
            "database": found.database,
        }
    )
    if found.database:
        out.say("doctor.database_damaged", problem=found.database[0], count=len(found.database))
    for health in found.checks:
        _say_health(health, out)
    for entry in found.defaults:
        out.say("doctor.default_provider", name=entry.name, url=entry.url)
    for category in found.missing:
        out.say(f"doctor.no_{category.value}")
    for link in found.hardlinks:
        key = "doctor.hardlinks" if link.possible else "doctor.no_hardlinks"
        out.say(key, client=link.client, downloads=link.downloads, library=link.library)
    for problem in found.paths:
        _say_path(problem, out)
    out.say("doctor.all_good" if found.healthy else "doctor.some_problems")
    return 0 if found.healthy else 1


def _path_json(problem: PathProblem) -> dict[str, Any]:
    local = str(problem.local) if problem.local is not None else None
    return {
        "client": problem.client,
        "path": problem.path,
        "remote": problem.remote,
        "local": local,
    }


def _say_path(problem: PathProblem, out: Output) -> None:
    """Which path a client reports that Outpost cannot see, and the `--path-map` that fixes it."""
    key = "doctor.path_missing" if problem.local is None else "doctor.path_suggest"
    out.say(key, **_path_json(problem))


def _say_health(health: Health, out: Output) -> None:
    if health.error is None:
        out.say("doctor.ok", name=health.name, category=out.t(f"category.{health.category.value}"))
        if "class" in health.facts:  # a private tracker's account (MyAnonamouse)
            out.say(
                "doctor.account",
                name=health.name,
                rank=health.facts["class"],
                ratio=health.facts.get("ratio", "?"),
            )
        for note in health.notes:
            out.say(note, name=health.name)
        return
    err = health.error
    out.say(
        "doctor.problem",
        name=health.name,
        category=out.t(f"category.{health.category.value}"),
        reason=out.t(err.key, **err.params),
    )
    hint = FIX_HINTS.get(err.key)
    if hint:
        out.say(hint, name=health.name, group=health.category.value)


async def rotate(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    """With a key file: add a new key, re-encrypt everything, then drop the old keys. With
    OUTPOST_SECRET_KEY the operator has put the new key first; we re-encrypt with it."""
    if app.box.source == ENV_KEY:
        count = await app.integrations.rotate(app.box)
    else:
        count = await app.integrations.rotate(SecretBox.add_key(app.data_dir))
        SecretBox.retire_old_keys(app.data_dir)
    out.data({"rotated": count})
    out.say("cli.secrets_rotated", count=count)
    return 0


async def run(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    """Keep the service up until SIGTERM or SIGINT, with the Telegram bot when a token is set."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    unreadable = await app.integrations.unreadable()
    if unreadable:
        log.warning("these integrations need their secret again: %s", ", ".join(unreadable))
    timing = Timing(
        interval=args.poll_interval,
        stall_after=args.stall_after,
        fail_after=args.fail_after,
        sync_indexers=args.sync_every,
    )
    for report in await app.sync_indexers():  # at start, before the searches are built
        say_synced(report, out)
    runtime = await app.runtime(timing)
    frontends = await start_frontends(app, out)
    log.info("Outpost is running with data in %s", app.data_dir)
    out.say("cli.running", data_dir=str(app.data_dir))
    if not frontends:
        out.say("cli.no_chat_token")
    try:
        await runtime.serve(stop)
    finally:
        await stop_frontends(frontends)
    log.info("Outpost stopped")
    out.say("cli.stopped")
    return 0


async def stop_frontends(frontends: list[Any]) -> None:
    """All at once, each within FRONTEND_STOP seconds: a chat API that has gone away costs
    its own frontend's stop, named in the log, never the process's exit."""
    await asyncio.gather(
        *(within(f"the {_kind(f)} frontend", FRONTEND_STOP, f.stop()) for f in frontends)
    )


def _kind(frontend: Any) -> str:
    return str(getattr(frontend, "kind", type(frontend).__name__))


def token_variable(kind: str) -> str:
    """The variable whose presence starts a frontend: OUTPOST_TELEGRAM_TOKEN for "telegram"."""
    return f"OUTPOST_{kind.upper()}_TOKEN"


async def start_frontends(
    app: Outpost, out: Output, env: Mapping[str, str] = os.environ
) -> list[Any]:
    """The chat frontends (the `outpost.frontends` entry points) whose token is set, started;
    one without a token is never imported. Until someone claims the household, each start
    prints a fresh one-time claim code for the operator."""
    configured = [kind for kind in frontend_kinds() if env.get(token_variable(kind))]
    if not configured:
        return []
    from bot.conversation import Conversation

    conversation = Conversation(app)
    started = []
    for kind in configured:
        redact.register(env[token_variable(kind)])
        try:
            frontend = load_frontend(kind).from_env(app, conversation, env)
        except errors.OutpostError as err:
            log.warning("the %s frontend cannot start: %s", kind, err)
            continue
        try:
            await frontend.start()
        except errors.OutpostError as err:  # a refused token: one line, the rest runs on
            log.warning("the %s frontend did not start: %s", kind, err)
            continue
        started.append(frontend)
    code = await Household().ensure_claim_code() if started else None
    if code is not None:
        out.say("telegram.claim_code", code=code)
    return started


async def history(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    notices = await app.notices.history(args.limit)
    out.data(history_json(notices))
    if not notices:
        out.say("cli.no_history")
        return 0
    rows = [
        [
            n.created_at.strftime("%Y-%m-%d %H:%M"),
            out.t(f"history.{n.event}"),
            n.title,
            n.person.name if n.person is not None else "",
        ]
        for n in notices
    ]
    out.text(table(["WHEN", "WHAT", "TITLE", "FOR"], rows))
    return 0
