"""The household's check-up (`outpost doctor`): every integration tested, what is missing, whether
imports can hardlink, and which client paths Outpost cannot see. Data only; frontends word it."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from core import errors
from core.services.diskspace import same_filesystem
from core.services.health import Health
from core.services.integrations import Entry, Integrations
from core.services.library import roots as library_roots
from core.services.pathcheck import PathProblem, path_problems
from core.store.database import integrity_problems
from core.store.integrations import list_integrations
from core.store.models import IntegrationCategory


@dataclass(frozen=True, slots=True)
class Hardlink:
    """Whether a client's downloads and a kind's library share a file system."""

    client: str
    downloads: str
    library: str
    kind: str
    possible: bool


@dataclass(frozen=True, slots=True)
class Checkup:
    checks: list[Health]
    missing: list[IntegrationCategory]  # categories Outpost cannot work without
    hardlinks: list[Hardlink]
    paths: list[PathProblem]
    # keyless providers in use with their public defaults: listed, not called (nobody set
    # them up, so doctor makes no call to a public service; `provider test KIND` does)
    defaults: list[Entry] = dataclasses.field(default_factory=list)
    database: list[str] = dataclasses.field(default_factory=list)  # integrity_check's findings

    @property
    def healthy(self) -> bool:
        sound = not self.missing and not self.paths and not self.database
        return sound and all(h.ok for h in self.checks)


async def checkup(integrations: Integrations) -> Checkup:
    unreadable = set(await integrations.unreadable())
    rows = await list_integrations()
    checks: list[Health] = []
    for row in rows:
        if row.name in unreadable:
            err = errors.SecretUnavailable(integrations=[row.name])
            checks.append(Health(row.name, row.category, err))
        else:
            checks.append(await integrations.check(row))
    needed = (IntegrationCategory.INDEXER, IntegrationCategory.CLIENT)
    missing = [c for c in needed if not any(r.category == c for r in rows)]
    clients = {r.name: r.options for r in rows if r.category == IntegrationCategory.CLIENT}
    paths = [p for name, options in clients.items() for p in await path_problems(name, options)]
    links = await hardlinks({n: o.get("save_path") for n, o in clients.items()})
    defaults = await integrations.defaults()
    return Checkup(checks, missing, links, paths, defaults, await integrity_problems())


async def hardlinks(save_paths: dict[str, str | None]) -> list[Hardlink]:
    """For each client save path and library root: can imports hardlink, or must they copy?"""
    roots = await library_roots()
    found = []
    for client, save_path in save_paths.items():
        for kind, root in sorted(roots.items()):
            if save_path and root:
                possible = await asyncio.to_thread(same_filesystem, Path(save_path), Path(root))
                found.append(Hardlink(client, save_path, root, kind, possible))
    return found
