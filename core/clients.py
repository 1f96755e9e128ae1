"""A configured download client: the port, plus what the composition root knows of it."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain import Protocol
from core.ports import DownloadClient


@dataclass(frozen=True, slots=True)
class ConfiguredClient:
    """`protocol` comes from the adapter's declaration, never from the port; `category` and
    `save_path` say where the client should put Outpost's downloads."""

    name: str
    protocol: Protocol
    client: DownloadClient
    category: str = "outpost"
    save_path: str | None = None
