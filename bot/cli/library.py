"""`outpost library set|list`: where each media kind's library lives."""

from __future__ import annotations

import argparse
import asyncio
import re
from pathlib import Path

from bot.cli.output import Output, table
from core import errors, naming
from core.app import Outpost
from core.domain import MediaKind
from core.services.importer import ImportMode
from core.store.models import Setting

TOKEN = re.compile(r"\{([^{}:]*)(?::[^{}]*)?\}")


def setting_key(kind: MediaKind) -> str:
    return f"library.{kind.value}"


def _prepare(text: str) -> Path:
    """The absolute folder, created if missing; refuses a path that is a file."""
    path = Path(text).expanduser().absolute()
    if path.exists() and not path.is_dir():
        raise errors.UserError(f"{path} is not a folder", key="error.not_a_folder", path=str(path))
    path.mkdir(parents=True, exist_ok=True)
    return path


async def set_root(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    kind = MediaKind(args.kind)
    path = await asyncio.to_thread(_prepare, args.path)
    # an object, not a bare string: Tortoise's JSONField reads a str as JSON text
    await Setting.update_or_create({"value": {"path": str(path)}}, key=setting_key(kind))
    out.data({"kind": kind.value, "path": str(path)})
    out.say("cli.library_set", kind=out.t(f"kind.{kind.value}"), path=str(path))
    return 0


async def list_roots(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    rows = {s.key: s.value for s in await Setting.filter(key__startswith="library.")}
    roots = {k.value: (rows.get(setting_key(k)) or {}).get("path") for k in MediaKind}
    out.data(roots)
    out.text(table(["KIND", "PATH"], [[k, v or "-"] for k, v in roots.items()]))
    if not any(roots.values()):
        out.say("cli.no_library")
    return 0


async def set_naming(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    """A file-naming template for a kind; only the template tokens are ever substituted."""
    kind = MediaKind(args.kind)
    unknown = sorted(set(TOKEN.findall(args.template)) - set(naming.TOKENS))
    if unknown or not args.template.strip():
        raise errors.UserError(
            f"unknown tokens {unknown}",
            key="error.bad_template",
            tokens=", ".join(unknown) or "-",
            known=", ".join(sorted(naming.TOKENS)),
        )
    await Setting.update_or_create(
        {"value": {"template": args.template}}, key=f"naming.{kind.value}"
    )
    out.data({"kind": kind.value, "template": args.template})
    out.say("cli.naming_set", kind=out.t(f"kind.{kind.value}"), template=args.template)
    return 0


async def set_mode(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    """hardlink-or-copy (default), hardlink-only (refuse rather than copy), or copy."""
    mode = ImportMode(args.mode)
    await Setting.update_or_create({"value": {"mode": mode.value}}, key="import.mode")
    out.data({"mode": mode.value})
    out.say(f"cli.mode_{mode.name.lower()}")
    return 0
