"""Remote path mapping: how Outpost sees the files of a client that runs in another container.

A client reports paths as it sees them (`/downloads/Dune`); `--path-map /downloads=/srv/dl` says
where that tree is here. Pure functions: the importer maps, `doctor` suggests, `add` checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from core import errors
from core.declare import setting


@dataclass(frozen=True, slots=True)
class PathMap:
    remote: PurePosixPath  # as the client reports it
    local: Path  # where the same tree is for Outpost

    def __str__(self) -> str:
        return f"{self.remote}={self.local}"


def parse(value: Any) -> PathMap:
    """'REMOTE=LOCAL', both absolute and free of '..'. The stored form is the same text."""
    remote, sep, local = str(value).partition("=")
    remote, local = remote.strip(), local.strip()
    mapping = PathMap(PurePosixPath(remote), Path(local))
    if (
        not sep
        or not mapping.remote.is_absolute()
        or not mapping.local.is_absolute()
        or ".." in mapping.remote.parts + mapping.local.parts
    ):
        raise errors.UserError(
            f"not a path map: {value!r}", key="error.bad_path_map", value=str(value)
        )
    return mapping


def parse_stored(texts: Iterable[Any]) -> tuple[PathMap, ...]:
    """The maps stored with a client; `add` refused bad ones, so an unreadable one is skipped."""
    maps = []
    for text in texts:
        try:
            maps.append(parse(text))
        except errors.UserError:
            continue
    return tuple(maps)


def local_exists(mapping: PathMap) -> None:
    """The check at `add`: a map to a folder Outpost cannot see is a typo, refused early."""
    if not mapping.local.is_dir():
        raise errors.UserError(
            f"{mapping.local} is not a folder here",
            key="error.path_map_missing",
            local=str(mapping.local),
            value=str(mapping),
        )


def apply(path: str, maps: Iterable[PathMap]) -> str:
    """`path` seen from here: the longest remote prefix that matches whole components wins."""
    reported = PurePosixPath(path)
    best: PathMap | None = None
    for mapping in maps:
        if _under(reported, mapping.remote) and (
            best is None or len(mapping.remote.parts) > len(best.remote.parts)
        ):
            best = mapping
    if best is None:
        return path
    tail = reported.parts[len(best.remote.parts) :]
    return str(best.local.joinpath(*tail))


def suggest(reported: str, candidates: Sequence[Path]) -> PathMap | None:
    """A map under which `reported` exists here: the longest tail found under a candidate folder.

    For /downloads/complete/Dune and a candidate /srv/dl holding complete/Dune, that is
    /downloads=/srv/dl.
    """
    parts = PurePosixPath(reported).parts
    for cut in range(2, len(parts)):  # the longest tail first; never a map of "/" itself
        remote, tail = PurePosixPath(*parts[:cut]), parts[cut:]
        for base in candidates:
            if base.joinpath(*tail).exists():
                return PathMap(remote, base)
    return None


def _under(path: PurePosixPath, root: PurePosixPath) -> bool:
    return path.parts[: len(root.parts)] == root.parts


def path_map_setting() -> Any:
    """The `path_map` field every download client's Settings declares (`--path-map`)."""
    return setting(
        help="REMOTE=LOCAL: the client's folder REMOTE is LOCAL here (repeatable)",
        many=True,
        parse=parse,
        check=local_exists,
    )
