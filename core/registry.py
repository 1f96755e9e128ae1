"""Adapters and frontends by kind, found through entry points and imported only when needed.

`pyproject.toml` (ours, or any installed distribution's) maps a kind to "module:Class" under
`outpost.indexers`, `outpost.clients`, `outpost.providers` and `outpost.frontends`. Listing kinds
reads packaging metadata only; `load` imports the one module a configured kind names.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from core import errors
from core.domain import MediaKind
from core.store.models import IntegrationCategory

GROUPS = {
    IntegrationCategory.INDEXER: "outpost.indexers",
    IntegrationCategory.CLIENT: "outpost.clients",
    IntegrationCategory.PROVIDER: "outpost.providers",
}
FRONTENDS = "outpost.frontends"
# The kind meant when none is given: the chat's older `/addindexer NAME URL KEY` form.
DEFAULT_KINDS = {IntegrationCategory.INDEXER: "torznab", IntegrationCategory.CLIENT: "qbittorrent"}


@dataclass(frozen=True, slots=True)
class AdapterSpec:
    kind: str
    category: IntegrationCategory
    target: str  # "package.module:Class"

    def load(self) -> Any:
        """The class, or one UserError naming the kind and what is missing (never a traceback)."""
        loaded = _load(self.kind, self.category.value, self.target)
        if not dataclasses.is_dataclass(getattr(loaded, "Settings", None)):
            raise errors.UserError(
                f"{self.target} declares no Settings dataclass",
                key="error.adapter_missing",
                kind=self.kind,
                target=self.target,
                reason="no Settings",
            )
        return loaded


def kinds(category: IntegrationCategory) -> list[str]:
    """The kinds of a category, sorted; imports nothing."""
    return sorted(_points(GROUPS[category]))


def spec_for(kind: str, category: IntegrationCategory) -> AdapterSpec:
    point = _points(GROUPS[category]).get(kind.lower())
    if point is None:
        known = ", ".join(kinds(category))
        raise errors.UserError(
            f"unknown {category.value} kind {kind!r}; known: {known}",
            key="error.unknown_kind",
            kind=kind,
            category=category.value,
            known=known,
        )
    return AdapterSpec(point.name, category, point.value)


def load(kind: str, category: IntegrationCategory) -> Any:
    return spec_for(kind, category).load()


def providers_serving(media: MediaKind) -> list[str]:
    """The provider kinds whose class declares it serves `media`, sorted. Imports each
    provider's module: asked only when no configured provider serves the kind."""
    serving = []
    for kind in kinds(IntegrationCategory.PROVIDER):
        try:
            loaded = load(kind, IntegrationCategory.PROVIDER)
        except errors.UserError:
            continue  # a broken plugin serves nothing
        if media in getattr(loaded, "kinds", ()):
            serving.append(kind)
    return serving


def frontend_kinds() -> list[str]:
    return sorted(_points(FRONTENDS))


def load_frontend(kind: str) -> Any:
    point = _points(FRONTENDS).get(kind.lower())
    if point is None:
        known = ", ".join(frontend_kinds())
        raise errors.UserError(
            f"unknown frontend {kind!r}; known: {known}",
            key="error.unknown_kind",
            kind=kind,
            category="frontend",
            known=known,
        )
    return _load(point.name, "frontend", point.value)


def _points(group: str) -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for point in entry_points(group=group):
        found.setdefault(point.name.lower(), point)  # the first on sys.path wins, as imports do
    return found


def _load(kind: str, category: str, target: str) -> Any:
    try:
        loaded = EntryPoint(kind, target, "").load()
    except Exception as err:  # a broken plugin is one line for people, whatever it raised
        raise errors.UserError(
            f"{category} kind {kind!r} names {target!r}, which cannot be loaded: {err!r}",
            key="error.adapter_missing",
            kind=kind,
            target=target,
            reason=type(err).__name__,
        ) from err
    return loaded
