"""Adapter kinds by name, as "module:Class" strings imported only when a kind is configured."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from core import errors
from core.domain import Protocol
from core.store.models import IntegrationCategory


@dataclass(frozen=True, slots=True)
class AdapterSpec:
    kind: str
    category: IntegrationCategory
    target: str  # "package.module:Class"
    protocol: Protocol | None = None
    secret_fields: tuple[str, ...] = ()
    default_url: str = ""

    def load(self) -> Any:
        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)


REGISTRY: dict[str, AdapterSpec] = {
    spec.kind: spec
    for spec in (
        AdapterSpec(
            "torznab",
            IntegrationCategory.INDEXER,
            "adapters.indexers.torznab:TorznabIndexer",
            Protocol.TORRENT,
            ("api_key",),
        ),
        AdapterSpec(
            "newznab",
            IntegrationCategory.INDEXER,
            "adapters.indexers.torznab:TorznabIndexer",
            Protocol.USENET,
            ("api_key",),
        ),
        AdapterSpec(
            "qbittorrent",
            IntegrationCategory.CLIENT,
            "adapters.clients.qbittorrent:QBittorrentClient",
            Protocol.TORRENT,
            ("password",),
        ),
        AdapterSpec(
            "tmdb",
            IntegrationCategory.PROVIDER,
            "adapters.metadata.tmdb:TmdbProvider",
            None,
            ("api_key",),
            "https://api.themoviedb.org/3",
        ),
    )
}


def spec_for(kind: str, category: IntegrationCategory) -> AdapterSpec:
    spec = REGISTRY.get(kind.lower())
    if spec is None or spec.category != category:
        known = ", ".join(sorted(k for k, s in REGISTRY.items() if s.category == category))
        raise errors.UserError(
            f"unknown {category.value} kind {kind!r}; known: {known}",
            key="error.unknown_kind",
            kind=kind,
            category=category.value,
            known=known,
        )
    return spec
