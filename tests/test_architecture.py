"""The dependency rule, read from the source with `ast`: bot -> core <- adapters; frontends
touch no ORM; handlers never get the composition root; ports stay small."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

import core.ports
from bot.conversation.context import Ctx

ROOT = Path(__file__).resolve().parent.parent
MAX_PORT_MEMBERS = 7


def modules(package: str) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text("utf-8"))


def imported(tree: ast.Module) -> set[str]:
    """Every module an import statement names, lazy imports inside functions included."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def reaching(package: str, *prefixes: str) -> dict[str, list[str]]:
    """Modules of `package` importing anything under `prefixes`, with what they import."""
    hits = {}
    for name, tree in modules(package):
        bad = sorted(m for m in imported(tree) if any(_under(m, p) for p in prefixes))
        if bad:
            hits[name] = bad
    return hits


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_bot_imports_no_orm_model() -> None:
    hits = reaching("bot", "core.store.models", "tortoise")
    assert not hits, hits


def test_bot_imports_no_adapter() -> None:
    assert reaching("bot", "adapters") == {}


def test_no_handler_reaches_the_composition_root() -> None:
    assert "app" not in {f.name for f in dataclasses.fields(Ctx)}
    assert reaching("bot/conversation", "core.app") == {}


def test_core_imports_no_bot_and_no_concrete_adapter() -> None:
    assert reaching("core", "bot", "adapters") == {}


def test_adapters_import_no_bot_and_no_other_adapter() -> None:
    assert reaching("adapters", "bot") == {}
    for name, tree in modules("adapters"):
        parts = name.split("/")
        if len(parts) < 4:  # adapters/<category>/__init__.py
            continue
        own = ".".join(parts[:3]).removesuffix(".py")
        others = [m for m in imported(tree) if _under(m, "adapters") and not _under(m, own)]
        assert others == [], (name, others)


def port_members(cls: type) -> set[str]:
    tree = ast.parse(Path(core.ports.__file__).read_text("utf-8"))
    [node] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls.__name__]
    members = set()
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            members.add(item.name)
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            members.add(item.target.id)
    return members


PORTS = [
    obj
    for obj in vars(core.ports).values()
    if isinstance(obj, type)
    and getattr(obj, "_is_protocol", False)
    and obj.__module__ == "core.ports"
]


@pytest.mark.parametrize("port", PORTS, ids=lambda p: p.__name__)
def test_every_port_is_small(port: type) -> None:
    members = port_members(port)
    assert 0 < len(members) <= MAX_PORT_MEMBERS, (port.__name__, sorted(members))


def test_the_download_client_port_is_the_seven_members_every_client_can_offer() -> None:
    assert port_members(core.ports.DownloadClient) == {
        "check",
        "add",
        "downloads",
        "pause",
        "resume",
        "remove",
        "aclose",
    }


def test_the_frontend_port_sends_edits_deletes_answers_and_asks_privately() -> None:
    assert port_members(core.ports.Frontend) == {
        "platform",
        "send",
        "edit",
        "delete",
        "answer",
        "ask_private",
    }


def test_the_scan_sees_imports() -> None:
    tree = ast.parse((ROOT / "adapters/clients/qbittorrent/client.py").read_text("utf-8"))
    assert "core.http" in imported(tree)
    assert reaching("bot/conversation", "core.services") != {}  # lazy and from-imports too
