"""Add → test → keep: the one way an indexer, client or provider joins, for the CLI and the chat.

Values are validated against the kind's declared `Settings` before anything is stored; the new
integration is then tested against the live service and kept only if it answers.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from core import declare, errors, portcheck, registry
from core.declare import FieldInfo
from core.secrets import SecretBox
from core.services import defaults
from core.services.health import Health, check
from core.store.integrations import (
    add_integration,
    get_integration,
    list_integrations,
    remove_integration,
    rotate_secrets,
    set_enabled,
    unreadable_integrations,
)
from core.store.models import Integration, IntegrationCategory
from core.store.standing import Standing, forget_standing, key_accepted, standings

__all__ = ["Entry", "IntegrationCategory", "Integrations", "fields_for", "stored_values"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One configured integration as frontends show it (no secrets)."""

    name: str
    category: IntegrationCategory
    kind: str
    url: str
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    default: bool = False  # a keyless provider on by default, not stored
    # on, off, needs_secret (the key cannot read it), needs_key (the service refused it),
    # waiting (it asked to wait until `until`, epoch seconds)
    state: str = "on"
    until: float | None = None


def stored_values(row: Integration, secrets: Mapping[str, str]) -> dict[str, Any]:
    """The raw settings of a stored row, ready for `declare.validate`."""
    return {**row.options, "url": row.url, "username": row.username, **secrets}


def fields_for(category: IntegrationCategory, kind: str) -> tuple[FieldInfo, ...]:
    """The declared settings of one kind (imports that kind's module)."""
    return declare.fields_of(registry.load(kind, category).Settings)


class Integrations:
    """Configured integrations; `build` and `forget` are the composition root's adapter cache."""

    def __init__(
        self,
        box: SecretBox,
        build: Callable[[Integration], Any],
        forget: Callable[[str], Awaitable[None]],
    ) -> None:
        self._box = box
        self._build = build
        self._forget = forget

    @property
    def box(self) -> SecretBox:
        return self._box

    async def unreadable(self) -> list[str]:
        """Names of the integrations whose secret the current key cannot read."""
        return await unreadable_integrations(self._box)

    async def rotate(self, box: SecretBox) -> int:
        """Re-encrypt every secret with `box`'s newest key; returns how many rows."""
        return await rotate_secrets(box)

    async def add(
        self,
        category: IntegrationCategory,
        name: str,
        kind: str | None,
        values: Mapping[str, Any],
        *,
        test: bool = True,
    ) -> Entry:
        """Validate, store, test; a failed test removes it again and raises why."""
        spec = registry.spec_for(kind or registry.DEFAULT_KINDS[category], category)
        settings = declare.validate(spec.load().Settings, values, kind=spec.kind, entered=True)
        plain, secrets = declare.split(settings)
        await forget_standing(name)  # added afresh: the old answers do not apply
        row = await add_integration(
            self._box,
            name=name,
            category=category,
            kind=spec.kind,
            url=plain.pop("url", "") or "",
            username=plain.pop("username", None),
            secrets=secrets,
            options=plain,
        )
        if test:
            health = await self.check(row)
            if health.error is not None:
                await remove_integration(row.name, category)
                await self._forget(row.name)
                raise health.error
        return _entry(row)

    async def set_provider(
        self, kind: str, values: Mapping[str, Any], *, test: bool = True
    ) -> Entry:
        """Providers are one per kind: the new settings replace the previous ones."""
        category = IntegrationCategory.PROVIDER
        registry.spec_for(kind, category)  # an unknown kind leaves the old settings in place
        try:
            await remove_integration(kind, category)
        except errors.NotFound:
            pass
        await self._forget(kind)
        return await self.add(category, kind, kind, values, test=test)

    async def test(self, name: str, category: IntegrationCategory | None = None) -> Health:
        """Health of one named integration; one that cannot be built raises why (a user asked)."""
        row = await self._row(name, category)
        health = _diagnosed(row, await check(row.name, row.category, self._build(row)))
        if health.ok:
            await key_accepted(row.name)  # re-tested: a refused key is fixed
        return health

    async def switch(self, kind: str, *, enabled: bool) -> Entry:
        """Turn a provider off or on, keeping its settings. A keyless one without a row gets a
        stored row of its defaults, switched off; switching it on again keeps that row."""
        category = IntegrationCategory.PROVIDER
        spec = registry.spec_for(kind, category)
        try:
            await set_enabled(spec.kind, category, enabled)
        except errors.NotFound:
            row = await self._row(spec.kind, category)  # NotFound when it needs setting up
            if enabled:
                return _entry(row)  # on by default already
            await add_integration(
                self._box,
                name=row.name,
                category=category,
                kind=row.kind,
                url=row.url,
                options=row.options,
            )
            await set_enabled(spec.kind, category, False)
        await self._forget(spec.kind)
        return _entry(await get_integration(spec.kind, category))

    async def defaults(self) -> list[Entry]:
        """The keyless providers in use with their defaults (no row of their own)."""
        stored = await list_integrations()
        return [_entry(row) for row in defaults.default_rows(stored)]

    async def _row(self, name: str, category: IntegrationCategory | None) -> Integration:
        """The stored row called `name`, else the default row of a keyless provider kind."""
        try:
            return await get_integration(name, category)
        except errors.NotFound:
            if category not in (None, IntegrationCategory.PROVIDER):
                raise
            stored = await list_integrations()
            for row in defaults.default_rows(stored):
                if row.name == name:
                    return row
            raise

    async def check(self, row: Integration) -> Health:
        """Health of one row; one that cannot be built is a failed check (doctor goes on)."""
        try:
            adapter = self._build(row)
        except errors.OutpostError as err:
            return Health(row.name, row.category, err)
        return _diagnosed(row, await check(row.name, row.category, adapter))

    async def list(self, category: IntegrationCategory | None = None) -> list[Entry]:
        """Stored integrations with their state, then the keyless providers on by default."""
        lost = set(await self.unreadable())
        kept = await standings()
        stored = [
            _stated(_entry(row), row.name in lost, kept.get(row.name), time.time())
            for row in await list_integrations(category)
        ]
        if category not in (None, IntegrationCategory.PROVIDER):
            return stored
        return stored + await self.defaults()

    async def remove(self, name: str, category: IntegrationCategory | None = None) -> None:
        """Remove one; a manager (Prowlarr) takes the indexers mirrored from it along."""
        await remove_integration(name, category)
        await forget_standing(name)
        await self._forget(name)
        for row in await list_integrations(IntegrationCategory.INDEXER):
            if row.options.get("managed_by") == name:
                await remove_integration(row.name, IntegrationCategory.INDEXER)
                await self._forget(row.name)


def _stated(entry: Entry, lost: bool, standing: Standing | None, now: float) -> Entry:
    """`entry` with the state a person must act on first."""
    if not entry.enabled:
        return replace(entry, state="off")
    if lost:
        return replace(entry, state="needs_secret")
    if standing is not None and standing.needs_key:
        return replace(entry, state="needs_key")
    if standing is not None and (standing.wait_until or 0.0) > now:
        return replace(entry, state="waiting", until=standing.wait_until)
    return entry


def _diagnosed(row: Integration, health: Health) -> Health:
    """A failed check in words about the port, when the kind declares its `usual_port` and the
    failure shows another program (or none) at the URL's host:port (core.portcheck)."""
    usual = getattr(registry.load(row.kind, row.category), "usual_port", None)
    if health.error is None or not isinstance(usual, portcheck.UsualPort):
        return health
    return replace(health, error=portcheck.diagnose(health.error, row.url, usual))


def _entry(row: Integration) -> Entry:
    return Entry(
        row.name,
        row.category,
        row.kind,
        row.url,
        row.enabled,
        dict(row.options),
        default=defaults.is_default(row),
    )
