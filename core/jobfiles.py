"""Deleting a finished usenet job's files, which NZBGet and SABnzbd never do themselves; only
inside the client's own folders."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Sequence
from pathlib import Path

from core import errors, pathmap
from core.pathmap import PathMap


async def delete_job_files(
    paths: Sequence[str], roots: Sequence[str], maps: Sequence[PathMap], service: str
) -> None:
    """Delete each job folder (as the client reports it, mapped to here). The paths come from the
    daemon's answer, so each must lie strictly inside one of its download folders."""
    local_roots = [Path(pathmap.apply(root, maps)) for root in roots]
    targets = [Path(pathmap.apply(path, maps)) for path in paths]
    await asyncio.to_thread(_delete, targets, local_roots, service)


def _delete(targets: list[Path], roots: list[Path], service: str) -> None:
    resolved = [root.resolve() for root in roots]
    for target in targets:
        real = target.resolve()
        if not any(real != root and real.is_relative_to(root) for root in resolved):
            raise errors.BadResponse(
                f"{service}: will not delete {target}, outside the client's folders",
                service=service,
                key="error.client_path_outside",
                path=str(target),
            )
    for target in targets:
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
