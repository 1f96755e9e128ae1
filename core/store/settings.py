"""Reads the household's text settings, stored bare or as a one-field object (the CLI's shape)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.store.models import Setting

_FIELDS = ("path", "template", "mode", "value")  # the object fields the CLI writes


async def text_setting(key: str) -> str | None:
    """The text of setting `key` ("/srv/movies" or {"path": "/srv/movies"}); None if unset."""
    row = await Setting.get_or_none(key=key)
    value: Any = row.value if row is not None else None
    if isinstance(value, dict):
        value = next((value[f] for f in _FIELDS if f in value), None)
    return value if isinstance(value, str) and value else None


async def library_root(kind: str) -> Path | None:
    """The library folder of a media kind (a MediaKind value), as configured; None if unset."""
    value = await text_setting(f"library.{kind}")
    return Path(value) if value else None
