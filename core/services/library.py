"""The library's settings: where each media kind's files go, how they are named and moved."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from core import errors, naming
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


async def set_root(kind: MediaKind, text: str) -> Path:
    """The kind's library folder, created if missing."""
    path = await asyncio.to_thread(_prepare, text)
    # an object, not a bare string: Tortoise's JSONField reads a str as JSON text
    await Setting.update_or_create({"value": {"path": str(path)}}, key=setting_key(kind))
    return path


async def roots() -> dict[str, str | None]:
    """Each kind's library folder, None where unset."""
    rows = {s.key: s.value for s in await Setting.filter(key__startswith="library.")}
    return {k.value: (rows.get(setting_key(k)) or {}).get("path") for k in MediaKind}


async def set_naming(kind: MediaKind, template: str) -> None:
    """A file-naming template for a kind; only the template tokens are ever substituted."""
    unknown = sorted(set(TOKEN.findall(template)) - set(naming.TOKENS))
    if unknown or not template.strip():
        raise errors.UserError(
            f"unknown tokens {unknown}",
            key="error.bad_template",
            tokens=", ".join(unknown) or "-",
            known=", ".join(sorted(naming.TOKENS)),
        )
    await Setting.update_or_create({"value": {"template": template}}, key=f"naming.{kind.value}")


async def set_mode(mode: ImportMode) -> None:
    await Setting.update_or_create({"value": {"mode": mode.value}}, key="import.mode")
