"""Command-line options generated from the adapters' declared Settings (`core.declare`).

One option per setting over all kinds of a group, its help naming the kinds that take it; the
values a person gave come back as a plain mapping for `Integrations.add`.
"""

from __future__ import annotations

import argparse
from typing import Any

from core import errors
from core.declare import FieldInfo
from core.registry import kinds
from core.services.integrations import IntegrationCategory, fields_for

PREFIX = "setting_"  # dest prefix: a setting can never clash with `name`, `kind` or `--json`


def union(category: IntegrationCategory) -> dict[str, list[tuple[str, FieldInfo]]]:
    """Each setting name of the group's kinds, with each kind's declaration (loadable kinds)."""
    found: dict[str, list[tuple[str, FieldInfo]]] = {}
    for kind in kinds(category):
        try:
            declared = fields_for(category, kind)
        except errors.OutpostError:
            continue  # a broken plugin is refused at `add` and reported by `doctor`
        for f in declared:
            found.setdefault(f.name, []).append((kind, f))
    return found


def add_options(parser: argparse.ArgumentParser, category: IntegrationCategory) -> None:
    for name, takers in union(category).items():
        f = takers[0][1]
        parser.add_argument(f.flag, dest=PREFIX + name, help=option_help(takers), **_shape(f))


def option_help(takers: list[tuple[str, FieldInfo]]) -> str:
    """'the API key (newznab, torznab; stored encrypted)'; kinds that differ get their own part."""
    kinds_by_text: dict[tuple[str, str], list[str]] = {}
    for kind, f in takers:
        kinds_by_text.setdefault((f.help, _notes(f)), []).append(kind)
    parts = [
        f"{help_} ({'; '.join([', '.join(names), *([notes] if notes else [])])})"
        for (help_, notes), names in kinds_by_text.items()
    ]
    return "; ".join(parts)


def _notes(f: FieldInfo) -> str:
    notes = []
    if f.required:
        notes.append("required")
    elif f.many and f.default:
        notes.append(f"default: {', '.join(map(str, f.default))}")
    elif f.default not in (None, ()):
        notes.append(f"default: {f.default}")
    if f.secret:
        notes.append("stored encrypted")
    return "; ".join(notes)


def values(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line; those left out take their declared default."""
    return {
        key.removeprefix(PREFIX): value
        for key, value in vars(args).items()
        if key.startswith(PREFIX) and value is not None
    }


def _shape(f: FieldInfo) -> dict[str, Any]:
    metavar = f.name.upper()
    if f.many:
        return {"action": "append", "metavar": metavar}
    return {"metavar": metavar}
