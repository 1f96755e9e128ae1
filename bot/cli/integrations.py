"""`outpost indexer|client|provider …`: configure the household's services, tested before saved."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from bot.cli import fields
from bot.cli.output import Output, table
from core.app import Outpost
from core.services.health import Health
from core.services.integrations import Entry, IntegrationCategory
from core.services.managed import ManagerStats, SyncReport

CATEGORY_OF = {
    "indexer": IntegrationCategory.INDEXER,
    "client": IntegrationCategory.CLIENT,
    "provider": IntegrationCategory.PROVIDER,
}


async def add(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    entry = await app.integrations.add(
        CATEGORY_OF[args.group], args.name, args.kind, fields.values(args), test=not args.no_test
    )
    return _added(entry, args.group, out)


async def provider_set(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    """Providers are one per kind: `provider set tmdb` replaces the previous settings."""
    entry = await app.integrations.set_provider(
        args.kind, fields.values(args), test=not args.no_test
    )
    return _added(entry, "provider", out)


def _added(entry: Entry, group: str, out: Output) -> int:
    out.data({"name": entry.name, "kind": entry.kind, "url": entry.url, "added": True})
    out.say(f"cli.{group}_added", name=entry.name)
    return 0


async def list_(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    rows = await app.integrations.list(CATEGORY_OF[args.group])
    out.data(
        [
            {
                "name": r.name,
                "kind": r.kind,
                "url": r.url,
                "enabled": r.enabled,
                "state": r.state,
                **({"until": r.until} if r.until is not None else {}),
                **({"default": True} if r.default else {}),
                **r.options,
            }
            for r in rows
        ]
    )
    if not rows:
        out.say(f"cli.no_{args.group}s")
        return 0
    header = ["NAME", "KIND", "URL", "STATE"] + (["FROM"] if args.group == "indexer" else [])
    lines = [[r.name, r.kind, r.url, _state(r, args.group, out), *_source(r, out)] for r in rows]
    out.text(table(header, lines))
    return 0


def _source(entry: Entry, out: Output) -> list[str]:
    """Indexers only: where a mirrored one came from (Prowlarr, its id there), else by hand."""
    if entry.category is not IntegrationCategory.INDEXER:
        return []
    manager = entry.options.get("managed_by")
    if not isinstance(manager, str):
        return [out.t("cli.indexer_by_hand")]
    state = "" if entry.enabled else " " + out.t("cli.indexer_disabled")
    return [out.t("cli.indexer_from", manager=manager, id=entry.options.get("managed_id")) + state]


async def sync(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    """`indexer sync`: mirror every Prowlarr's indexers now."""
    reports = await app.sync_indexers()
    out.data([_report_json(r) for r in reports])
    if not reports:
        out.say("cli.no_indexer_managers")
    for report in reports:
        say_synced(report, out)
    return 1 if any(r.error for r in reports) else 0


def say_synced(report: SyncReport, out: Output) -> None:
    if report.error is not None:
        reason = out.t(report.error.key, **report.error.params)
        out.say("cli.indexer_sync_failed", manager=report.manager, reason=reason)
        return
    out.say(
        "cli.indexer_synced",
        manager=report.manager,
        added=len(report.added),
        changed=len(report.changed),
        disabled=len(report.disabled),
        removed=len(report.removed),
    )


def _report_json(report: SyncReport) -> dict[str, Any]:
    shown: dict[str, Any] = {"manager": report.manager}
    for what in ("added", "changed", "disabled", "removed"):
        shown[what] = list(getattr(report, what))
    if report.error is not None:
        shown["error"] = report.error.key
    return shown


async def stats(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    """`indexer stats`: each Prowlarr's counts per indexer."""
    found = await app.indexer_stats()
    out.data([_stats_json(s) for s in found])
    if not found:
        out.say("cli.no_indexer_managers")
    header = ["INDEXER", "QUERIES", "GRABS", "FAILURES", "AVG MS"]
    for manager in found:
        if manager.error is not None:
            reason = out.t(manager.error.key, **manager.error.params)
            out.say("cli.indexer_stats_failed", manager=manager.manager, reason=reason)
            continue
        out.say("cli.indexer_stats_header", manager=manager.manager)
        rows = [
            [name, str(s.queries), str(s.grabs), str(s.failures), str(s.average_ms)]
            for name, s in manager.indexers
        ]
        out.text(table(header, rows))
    return 1 if any(s.error for s in found) else 0


def _stats_json(found: ManagerStats) -> dict[str, Any]:
    shown: dict[str, Any] = {"manager": found.manager}
    shown["indexers"] = [
        {
            "name": name,
            "id": s.manager_id,
            "queries": s.queries,
            "grabs": s.grabs,
            "failures": s.failures,
            "average_ms": s.average_ms,
        }
        for name, s in found.indexers
    ]
    if found.error is not None:
        shown["error"] = found.error.key
    return shown


def _state(entry: Entry, group: str, out: Output) -> str:
    if entry.state == "waiting" and entry.until is not None:
        until = datetime.fromtimestamp(entry.until, UTC).strftime("%H:%M:%S")
        return out.t("cli.state_waiting", until=until)
    if entry.state == "needs_secret":
        return out.t("cli.state_needs_secret")
    if entry.state == "needs_key":
        return out.t("cli.state_needs_key")
    state = "default" if entry.default else entry.state
    return out.t(f"cli.provider_state_{state}")


async def provider_switch(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    """`provider disable|enable KIND`: a keyless provider is on by default until disabled."""
    enabled = args.action == "enable"
    entry = await app.integrations.switch(args.kind, enabled=enabled)
    out.data({"name": entry.name, "kind": entry.kind, "enabled": entry.enabled})
    out.say("cli.provider_enabled" if enabled else "cli.provider_disabled", name=entry.name)
    return 0


async def test(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    health = await app.integrations.test(args.name, CATEGORY_OF[args.group])
    report(health, out)
    return 0 if health.ok else 1


def report(health: Health, out: Output) -> None:
    out.data({"name": health.name, "ok": health.ok, **health_json(health)})
    if health.error is None:
        out.say("health.ok", name=health.name, facts=facts_text(health.facts))
    else:
        out.say(
            "health.failed", name=health.name, reason=out.t(health.error.key, **health.error.params)
        )


def health_json(health: Health) -> dict[str, Any]:
    if health.error is None:
        return dict(health.facts) | ({"notes": list(health.notes)} if health.notes else {})
    return {"error": health.error.key, "detail": str(health.error)}


def facts_text(facts: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in facts.items()
    )


async def remove(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    await app.integrations.remove(args.name, CATEGORY_OF[args.group])
    out.data({"name": args.name, "removed": True})
    out.say(f"cli.{args.group}_removed", name=args.name)
    return 0
