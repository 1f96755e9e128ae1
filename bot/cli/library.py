"""`outpost library set|list|naming|mode`: where each media kind's library lives."""

from __future__ import annotations

import argparse

from bot.cli.output import Output, table
from core.app import Outpost
from core.domain import MediaKind
from core.services import library
from core.services.importer import ImportMode


async def set_root(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    kind = MediaKind(args.kind)
    path = await library.set_root(kind, args.path)
    out.data({"kind": kind.value, "path": str(path)})
    out.say("cli.library_set", kind=out.t(f"kind.{kind.value}"), path=str(path))
    return 0


async def list_roots(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    roots = await library.roots()
    out.data(roots)
    out.text(table(["KIND", "PATH"], [[k, v or "-"] for k, v in roots.items()]))
    if not any(roots.values()):
        out.say("cli.no_library")
    return 0


async def set_naming(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    """A file-naming template for a kind; only the template tokens are ever substituted."""
    kind = MediaKind(args.kind)
    await library.set_naming(kind, args.template)
    out.data({"kind": kind.value, "template": args.template})
    out.say("cli.naming_set", kind=out.t(f"kind.{kind.value}"), template=args.template)
    return 0


async def set_mode(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    """hardlink-or-copy (default), hardlink-only (refuse rather than copy), or copy."""
    mode = ImportMode(args.mode)
    await library.set_mode(mode)
    out.data({"mode": mode.value})
    out.say(f"cli.mode_{mode.name.lower()}")
    return 0
