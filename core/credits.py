"""Credits and series as plain JSON, for the request's column and a button's payload."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.domain import Credit, Media

MAX_CREDITS = 20  # a hostile or generous provider must not bloat a payload or a row
MAX_TEXT = 255


def credits_json(credits: Iterable[Credit]) -> list[dict[str, Any]]:
    return [
        {"role": c.role, "name": c.name, "ids": dict(c.ids)} for c in list(credits)[:MAX_CREDITS]
    ]


def credits_of(value: Any) -> tuple[Credit, ...]:
    """Credits back from JSON; anything not shaped like one is skipped, never an error."""
    found: list[Credit] = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, Mapping):
            continue
        role, name, ids = item.get("role"), item.get("name"), item.get("ids")
        if isinstance(role, str) and isinstance(name, str) and role.strip() and name.strip():
            ids = ids if isinstance(ids, Mapping) else {}
            clean = {str(k): str(v) for k, v in ids.items() if isinstance(v, str | int)}
            found.append(Credit(role.strip()[:32], name.strip()[:MAX_TEXT], clean))
    return tuple(found[:MAX_CREDITS])


def about_json(media: Media) -> dict[str, Any]:
    """What a request needs of a chosen title besides its name: credits, series, position."""
    return {
        "credits": credits_json(media.credits),
        "series": media.series,
        "series_position": media.series_position,
    }


def text_or_none(value: Any, limit: int) -> str | None:
    return (value.strip()[:limit] or None) if isinstance(value, str) else None
