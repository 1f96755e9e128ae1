"""Reading what people type and writing sizes back: shared by the CLI and the chat frontends."""

from __future__ import annotations

import re


def split_year(query: str) -> tuple[str, int | None]:
    """'Dune 2021' -> ('Dune', 2021): people type the year, indexers want it apart."""
    match = re.fullmatch(r"(.+?)[\s.(]+((?:19|20)\d\d)\)?", query.strip())
    if match:
        return match.group(1), int(match.group(2))
    return query.strip(), None


def human_size(size: int | None) -> str:
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"  # pragma: no cover
