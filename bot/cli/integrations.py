"""`outpost indexer|client|provider …`: configure the household's services, tested before saved."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.output import Output, table
from bot.wording import checked_url
from core import errors
from core.app import Outpost
from core.registry import spec_for
from core.services.health import Health, check
from core.store.integrations import (
    add_integration,
    get_integration,
    list_integrations,
    remove_integration,
)
from core.store.models import IntegrationCategory

CATEGORY_OF = {
    "indexer": IntegrationCategory.INDEXER,
    "client": IntegrationCategory.CLIENT,
    "provider": IntegrationCategory.PROVIDER,
}


def parse_rate(value: str | None) -> list[float] | None:
    if not value:
        return None
    try:
        count, _, seconds = value.partition("/")
        rate = [float(count), float(seconds or 1)]
    except ValueError:
        raise errors.UserError(f"bad rate {value!r}", key="error.bad_rate", rate=value) from None
    if rate[0] <= 0 or rate[1] <= 0:
        raise errors.UserError(f"bad rate {value!r}", key="error.bad_rate", rate=value)
    return rate


async def add(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    category = CATEGORY_OF[args.group]
    spec = spec_for(args.kind, category)
    secrets = {
        f: getattr(args, f) for f in spec.secret_fields if getattr(args, f, None) is not None
    }
    options: dict[str, Any] = {}
    if category is IntegrationCategory.INDEXER:
        if rate := parse_rate(args.rate):
            options["rate"] = rate
    if category is IntegrationCategory.CLIENT:
        options = {"category": args.category, "save_path": args.save_path}
    url = checked_url(args.url or spec.default_url)
    row = await add_integration(
        app.box,
        name=args.name,
        category=category,
        kind=spec.kind,
        url=url,
        username=getattr(args, "username", None),
        secrets=secrets,
        options=options,
    )
    if not args.no_test:
        health = await check(row.name, category, app.build(row))
        if health.error is not None:
            await remove_integration(row.name, category)
            raise health.error
    out.data({"name": row.name, "kind": row.kind, "url": row.url, "added": True})
    out.say(f"cli.{args.group}_added", name=row.name)
    return 0


async def provider_set(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    """Providers are one per kind: `provider set tmdb` replaces the previous settings."""
    try:
        await remove_integration(args.kind, IntegrationCategory.PROVIDER)
    except errors.NotFound:
        pass
    args.name, args.group = args.kind, "provider"
    return await add(app, args, out)


async def list_(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    rows = await list_integrations(CATEGORY_OF[args.group])
    out.data(
        [
            {"name": r.name, "kind": r.kind, "url": r.url, "enabled": r.enabled, **r.options}
            for r in rows
        ]
    )
    if not rows:
        out.say(f"cli.no_{args.group}s")
        return 0
    out.text(table(["NAME", "KIND", "URL"], [[r.name, r.kind, r.url] for r in rows]))
    return 0


async def test(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    category = CATEGORY_OF[args.group]
    row = await get_integration(args.name, category)
    health = await check(row.name, category, app.build(row))
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
        return dict(health.facts)
    return {"error": health.error.key, "detail": str(health.error)}


def facts_text(facts: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in facts.items()
    )


async def remove(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    await remove_integration(args.name, CATEGORY_OF[args.group])
    out.data({"name": args.name, "removed": True})
    out.say(f"cli.{args.group}_removed", name=args.name)
    return 0
