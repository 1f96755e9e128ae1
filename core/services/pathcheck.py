"""Can Outpost see what a client reports? The `doctor` check behind `--path-map`.

A client in another container reports paths of its own file system. For each client, the save
path and the newest unimported downloads are mapped as the importer would map them; a path that
still does not exist here is a problem, with the mapping that would fix it when one can be found.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from core import pathmap
from core.pathmap import PathMap
from core.store.models import Grab, Setting
from core.store.settings import text_setting

PENDING_STATES = ("completed", "importing", "failed")  # reported, not (yet) imported
NEWEST = 3


@dataclass(frozen=True, slots=True)
class PathProblem:
    client: str
    path: str  # as the client reports it
    remote: str  # the prefix to map
    local: Path | None  # where the same files are here, if found


async def path_problems(client: str, options: Mapping[str, Any]) -> list[PathProblem]:
    maps = pathmap.parse_stored(options.get("path_map") or [])
    reported = [str(options["save_path"])] if options.get("save_path") else []
    grabs = Grab.filter(client=client, state__in=PENDING_STATES, content_path__isnull=False)
    reported += [g.content_path or "" for g in await grabs.order_by("-id").limit(NEWEST)]
    candidates = await asyncio.to_thread(_candidates, await _library_roots(), maps)
    problems = []
    for path in dict.fromkeys(reported):  # once each, in order
        if not await asyncio.to_thread(Path(pathmap.apply(path, maps)).exists):
            problems.append(await asyncio.to_thread(_problem, client, path, candidates))
    return problems


def _problem(client: str, path: str, candidates: Sequence[Path]) -> PathProblem:
    found = pathmap.suggest(path, candidates)
    if found is not None:
        return PathProblem(client, path, str(found.remote), found.local)
    return PathProblem(client, path, path, None)


def _candidates(roots: Sequence[Path], maps: Sequence[PathMap]) -> list[Path]:
    """Folders worth looking in: the mapped folders, the library roots, their neighbours."""
    near = [m.local for m in maps] + list(roots)
    found = list(near)
    for root in near:
        parent = root.parent
        found.append(parent)
        try:
            found += sorted(p for p in parent.iterdir() if p.is_dir() and p != root)
        except OSError:
            continue
    return list(dict.fromkeys(found))


async def _library_roots() -> list[Path]:
    keys = [s.key for s in await Setting.filter(key__startswith="library.")]
    paths = [await text_setting(key) for key in keys]
    return [Path(p) for p in paths if p and PurePosixPath(p).is_absolute()]
