"""The dependency rule, on the source: bot -> core <- adapters; adapters never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def adapter_of(path: Path) -> str:
    """`adapters/indexers/torznab/feed.py` -> `adapters.indexers.torznab`."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:3])


@pytest.mark.parametrize("path", modules("core"), ids=str)
def test_core_imports_neither_bot_nor_adapters(path: Path) -> None:
    bad = {m for m in imports(path) if m.split(".")[0] in ("bot", "adapters")}
    assert bad == set()


@pytest.mark.parametrize("path", modules("bot"), ids=str)
def test_bot_never_imports_adapters(path: Path) -> None:
    assert {m for m in imports(path) if m.split(".")[0] == "adapters"} == set()


@pytest.mark.parametrize("path", modules("adapters"), ids=str)
def test_adapters_import_only_core_and_themselves(path: Path) -> None:
    own = adapter_of(path)
    bad = {
        m
        for m in imports(path)
        if m.split(".")[0] == "bot"
        or (m.startswith("adapters.") and not (m == own or m.startswith(own + ".")))
    }
    assert bad == set()


def test_the_scan_sees_imports() -> None:
    assert "core.http" in imports(ROOT / "adapters" / "clients" / "qbittorrent" / "client.py")
