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
    header = ["NAME", "KIND", "URL", "STATE"]
    lines = [[r.name, r.kind, r.url, _state(r, args.group, out)] for r in rows]
    out.text(table(header, lines))
    return 0


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
