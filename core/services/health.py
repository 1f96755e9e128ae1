"""Health checks: one cheap real call per integration, answered as data the frontends phrase."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from core import errors
from core.domain import ClientCheck
from core.services.diskspace import human_bytes
from core.store.models import IntegrationCategory


@dataclass(frozen=True, slots=True)
class Health:
    name: str
    category: IntegrationCategory
    error: errors.OutpostError | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # version, categories ...
    notes: tuple[str, ...] = ()  # message keys for what works but not fully (a plugin off)

    @property
    def ok(self) -> bool:
        return self.error is None


async def check(
    name: str, category: IntegrationCategory, adapter: Any, limit: float = 20.0
) -> Health:
    try:
        async with asyncio.timeout(limit):
            facts, notes = await _probe(category, adapter)
    except TimeoutError:
        return Health(name, category, errors.Timeout(f"{name}: no answer", service=name))
    except errors.OutpostError as err:
        return Health(name, category, err)
    return Health(name, category, None, facts, notes)


async def _probe(
    category: IntegrationCategory, adapter: Any
) -> tuple[dict[str, Any], tuple[str, ...]]:
    if category is IntegrationCategory.INDEXER:
        caps = await adapter.capabilities()
        facts: dict[str, Any] = {"categories": len(caps.categories), "modes": sorted(caps.modes)}
        # a private tracker's account (MyAnonamouse: class and ratio), when its adapter reads one
        account = getattr(adapter, "account", None)
        if isinstance(account, dict):
            facts |= {k: account[k] for k in ("class", "ratio") if k in account}
        return facts, ()
    if category is IntegrationCategory.CLIENT:
        client_check = await adapter.check()
        return _client_facts(client_check), tuple(client_check.notes)
    await adapter.test()
    return {}, ()


def _client_facts(check: ClientCheck) -> dict[str, Any]:
    facts: dict[str, Any] = {"version": check.version}
    if check.free_space is not None:
        facts["free_space"] = human_bytes(check.free_space)
    if check.roots:
        facts["roots"] = list(check.roots)
    return facts
