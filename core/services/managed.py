"""Mirroring an indexer manager's indexers (Prowlarr's) into Outpost's own indexer list.

Each mirrored indexer is a row of its own (kind torznab or newznab, the manager's endpoint for
it as URL, the manager's key sealed as its secret), marked in its options as `managed_by` the
manager and `managed_id` its id there. A sync adds, changes, disables and removes rows so that
the list matches the manager's. Grabs and history name an indexer by text, not by a foreign
key, so a removed row takes nothing with it. A manager that cannot be reached changes nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core import errors
from core.domain import IndexerStats, ManagedIndexer, Protocol
from core.ports import IndexerManager
from core.secrets import SecretBox
from core.store.integrations import (
    add_integration,
    list_integrations,
    remove_integration,
    reveal,
    update_integration,
    update_secrets,
)
from core.store.models import Integration, IntegrationCategory

log = logging.getLogger(__name__)

SYNC_EVERY = 3600.0  # seconds between periodic syncs: hourly, as Prowlarr's own app sync
_KIND = {Protocol.TORRENT: "torznab", Protocol.USENET: "newznab"}
_SLUG = re.compile(r"[^a-z0-9]+")
_NAME_MAX = 64  # Integration.name


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync of one manager changed, by Outpost's names of the indexers."""

    manager: str
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    error: errors.OutpostError | None = None


@dataclass(frozen=True, slots=True)
class ManagerStats:
    """A manager's statistics, each under the name the indexer has in Outpost's list."""

    manager: str
    indexers: tuple[tuple[str, IndexerStats], ...] = ()
    error: errors.OutpostError | None = None


@dataclass
class _Plan:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def managed_by(row: Integration) -> str | None:
    """The manager a row was mirrored from, None for one added by hand."""
    value = row.options.get("managed_by") if isinstance(row.options, dict) else None
    return value if isinstance(value, str) else None


def slug(name: str) -> str:
    """A manager's indexer name as safe text: lower-case letters, digits and dashes."""
    return _SLUG.sub("-", name.lower()).strip("-")[:40].strip("-")


class IndexerSync:
    """Reconciles the mirrored rows of one manager with what the manager lists now."""

    def __init__(self, box: SecretBox) -> None:
        self._box = box

    async def sync(self, manager_row: Integration, manager: IndexerManager) -> SyncReport:
        try:
            listed = await manager.managed()
        except errors.OutpostError as err:
            log.warning("indexer sync with %s failed: %s", manager_row.name, err)
            return SyncReport(manager_row.name, error=err)
        rows = await list_integrations(IntegrationCategory.INDEXER)
        mine = {_managed_id(r): r for r in rows if managed_by(r) == manager_row.name}
        taken = {r.name for r in rows}
        plan = _Plan()
        secrets = reveal(self._box, manager_row)
        for item in _unique(listed):
            row = mine.pop(item.manager_id, None)
            taken.discard(row.name if row else "")
            name = _name_for(manager_row.name, item, taken)
            taken.add(name)
            await self._apply(manager_row.name, item, name, row, secrets, plan)
        for row in mine.values():
            await remove_integration(row.name, IntegrationCategory.INDEXER)
            plan.removed.append(row.name)
        report = SyncReport(
            manager_row.name,
            tuple(plan.added),
            tuple(plan.changed),
            tuple(plan.disabled),
            tuple(plan.removed),
        )
        log.info("indexer sync with %s: %s", manager_row.name, _summary(report))
        return report

    async def _apply(
        self,
        manager: str,
        item: ManagedIndexer,
        name: str,
        row: Integration | None,
        secrets: dict[str, str],
        plan: _Plan,
    ) -> None:
        wanted = _wanted(manager, item, name)
        if row is None:
            await add_integration(
                self._box,
                name=name,
                category=IntegrationCategory.INDEXER,
                kind=wanted["kind"],
                url=wanted["url"],
                secrets=secrets,
                options=wanted["options"],
            )
            if not item.enabled:
                await update_integration(name, enabled=False)
            plan.added.append(name)
            return
        if _secrets_of(self._box, row) != secrets:  # Prowlarr's key was entered again
            await update_secrets(self._box, row.name, secrets)
        now: dict[str, Any] = {"name": row.name, "kind": row.kind, "url": row.url}
        now |= {"options": row.options, "enabled": row.enabled}
        if now == wanted:
            return
        await update_integration(row.name, **wanted)
        if row.enabled and not item.enabled:
            plan.disabled.append(name)
        else:
            plan.changed.append(name)


async def stats_of(
    manager_row: Integration, manager: IndexerManager, rows: Sequence[Integration]
) -> ManagerStats:
    """The manager's statistics; an indexer it counts that is mirrored keeps Outpost's name."""
    try:
        counted = await manager.stats()
    except errors.OutpostError as err:
        return ManagerStats(manager_row.name, error=err)
    names = {_managed_id(r): r.name for r in rows if managed_by(r) == manager_row.name}
    shown = tuple(
        (names.get(s.manager_id) or f"{manager_row.name}-{slug(s.name) or s.manager_id}", s)
        for s in counted
    )
    return ManagerStats(manager_row.name, shown)


def _wanted(manager: str, item: ManagedIndexer, name: str) -> dict[str, Any]:
    options = {
        "rate": None,
        "timeout": 20.0,
        "managed_by": manager,
        "managed_id": item.manager_id,
        "protocol": item.protocol.value,
        "categories": list(item.categories),
        "private": item.private,
    }
    kind = _KIND[item.protocol]
    return {
        "name": name,
        "kind": kind,
        "url": item.url,
        "options": options,
        "enabled": item.enabled,
    }


def _name_for(manager: str, item: ManagedIndexer, taken: set[str]) -> str:
    """`{manager}-{slug}`; the manager's id is added when that is taken or the name is empty."""
    base = f"{manager}-{slug(item.name)}"[:_NAME_MAX] if slug(item.name) else ""
    if base and base not in taken:
        return base
    return f"{base or manager}-{item.manager_id}"[-_NAME_MAX:]


def _unique(listed: Sequence[ManagedIndexer]) -> list[ManagedIndexer]:
    """One per manager id, in the manager's order (a repeated id is the manager's mistake)."""
    seen: dict[int, ManagedIndexer] = {}
    for item in listed:
        seen.setdefault(item.manager_id, item)
    return list(seen.values())


def _secrets_of(box: SecretBox, row: Integration) -> dict[str, str] | None:
    try:
        return reveal(box, row)
    except errors.SecretUnavailable:  # sealed under a lost key: sealed again now
        return None


def _managed_id(row: Integration) -> int:
    value = row.options.get("managed_id")
    return value if isinstance(value, int) else -1


def _summary(report: SyncReport) -> str:
    parts = zip(("added", "changed", "disabled", "removed"), _fields_of(report), strict=True)
    return ", ".join(f"{len(names)} {what}" for what, names in parts)


def _fields_of(report: SyncReport) -> list[tuple[str, ...]]:
    return [report.added, report.changed, report.disabled, report.removed]
