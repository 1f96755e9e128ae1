"""`outpost doctor|run|secrets`: health in words, the long-running service, key rotation."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.cli.integrations import health_json
from bot.cli.output import Output, table
from core import errors, redact
from core.app import Outpost
from core.runtime import Timing
from core.secrets import ENV_KEY, SecretBox
from core.services.diskspace import same_filesystem
from core.services.health import Health
from core.services.notify import history_json
from core.services.pathcheck import PathProblem, path_problems
from core.store.integrations import list_integrations, rotate_secrets, unreadable_integrations
from core.store.models import Integration, IntegrationCategory, Setting

log = logging.getLogger(__name__)

FIX_HINTS = {
    "error.auth_failed": "doctor.fix_auth",
    "error.unreachable": "doctor.fix_unreachable",
    "error.timeout": "doctor.fix_unreachable",
    "error.secret_unavailable": "doctor.fix_secret",
    "error.rate_limited": "doctor.fix_rate",
}


async def doctor(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    unreadable = set(await unreadable_integrations(app.box))
    rows = await list_integrations()
    results: list[Health] = []
    for row in rows:
        if row.name in unreadable:
            err = errors.SecretUnavailable(integrations=[row.name])
            results.append(Health(row.name, row.category, err))
            continue
        results.append(await app.integrations.check(row))
    missing = [
        c.value
        for c in (IntegrationCategory.INDEXER, IntegrationCategory.CLIENT)
        if not any(r.category == c for r in rows)
    ]
    links = await hardlink_report(rows)
    paths = [
        problem
        for row in rows
        if row.category == IntegrationCategory.CLIENT
        for problem in await path_problems(row.name, row.options)
    ]
    out.data(
        {
            "checks": [
                {"name": h.name, "category": h.category.value, "ok": h.ok, **health_json(h)}
                for h in results
            ],
            "missing": missing,
            "hardlinks": links,
            "paths": [_path_json(p) for p in paths],
        }
    )
    for health in results:
        _say_health(health, out)
    for category in missing:
        out.say(f"doctor.no_{category}")
    for link in links:
        key = "doctor.hardlinks" if link["possible"] else "doctor.no_hardlinks"
        out.say(key, client=link["client"], downloads=link["downloads"], library=link["library"])
    for problem in paths:
        _say_path(problem, out)
    healthy = all(h.ok for h in results) and not missing and not paths
    out.say("doctor.all_good" if healthy else "doctor.some_problems")
    return 0 if healthy else 1


async def hardlink_report(rows: list[Integration]) -> list[dict[str, Any]]:
    """For each client save path and library root: can imports hardlink, or must they copy?"""
    roots = {
        s.key: (s.value or {}).get("path") for s in await Setting.filter(key__startswith="library.")
    }
    report = []
    for row in rows:
        save_path = (
            row.options.get("save_path") if row.category == IntegrationCategory.CLIENT else None
        )
        for key, root in sorted(roots.items()):
            if save_path and root:
                possible = await asyncio.to_thread(same_filesystem, Path(save_path), Path(root))
                report.append(
                    {
                        "client": row.name,
                        "downloads": save_path,
                        "library": root,
                        "kind": key.removeprefix("library."),
                        "possible": possible,
                    }
                )
    return report


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
        count = await rotate_secrets(app.box)
    else:
        count = await rotate_secrets(SecretBox.add_key(app.data_dir))
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
    unreadable = await unreadable_integrations(app.box)
    if unreadable:
        log.warning("these integrations need their secret again: %s", ", ".join(unreadable))
    timing = Timing(
        interval=args.poll_interval, stall_after=args.stall_after, fail_after=args.fail_after
    )
    runtime = await app.runtime(timing)
    frontends = await start_frontends(app, out)
    log.info("Outpost is running with data in %s", app.data_dir)
    out.say("cli.running", data_dir=str(app.data_dir))
    try:
        await runtime.serve(stop)
    finally:
        for frontend in reversed(frontends):
            await frontend.stop()
    log.info("Outpost stopped")
    out.say("cli.stopped")
    return 0


async def start_frontends(
    app: Outpost, out: Output, env: Mapping[str, str] = os.environ
) -> list[Any]:
    """The chat frontends configured in the environment, started; a household without a
    token never imports python-telegram-bot. Until someone claims the household, each start
    prints a fresh one-time claim code for the operator."""
    token = env.get("OUTPOST_TELEGRAM_TOKEN")
    if not token:
        return []
    redact.register(token)
    from bot.conversation import Conversation
    from bot.conversation.household import ensure_claim_code
    from bot.telegram import TelegramFrontend, webhook_from_env

    telegram = TelegramFrontend(
        app,
        Conversation(app),
        token=token,
        base_url=env.get("OUTPOST_TELEGRAM_API_URL") or None,
        webhook=webhook_from_env(env),
    )
    await telegram.start()
    code = await ensure_claim_code()
    if code is not None:
        out.say("telegram.claim_code", code=code)
    return [telegram]


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
