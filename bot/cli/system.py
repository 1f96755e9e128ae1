"""`outpost doctor|run|secrets`: health in words, the long-running service, key rotation."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from bot.cli.integrations import health_json
from bot.cli.output import Output, table
from core import errors
from core.app import Outpost
from core.runtime import Timing
from core.secrets import ENV_KEY, SecretBox
from core.services.health import Health, check
from core.services.notify import history_json
from core.store.integrations import list_integrations, rotate_secrets, unreadable_integrations
from core.store.models import IntegrationCategory

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
        results.append(await check(row.name, row.category, app.build(row)))
    missing = [
        c.value
        for c in (IntegrationCategory.INDEXER, IntegrationCategory.CLIENT)
        if not any(r.category == c for r in rows)
    ]
    out.data(
        {
            "checks": [
                {"name": h.name, "category": h.category.value, "ok": h.ok, **health_json(h)}
                for h in results
            ],
            "missing": missing,
        }
    )
    for health in results:
        _say_health(health, out)
    for category in missing:
        out.say(f"doctor.no_{category}")
    healthy = all(h.ok for h in results) and not missing
    out.say("doctor.all_good" if healthy else "doctor.some_problems")
    return 0 if healthy else 1


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
    """Keep the service up until SIGTERM or SIGINT; frontends and the monitor join here later."""
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
    log.info("Outpost is running with data in %s", app.data_dir)
    out.say("cli.running", data_dir=str(app.data_dir))
    await runtime.serve(stop)
    log.info("Outpost stopped")
    out.say("cli.stopped")
    return 0


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
