"""doctor's path check: what a client reports, mapped as the importer maps it, and a fix."""

from __future__ import annotations

from pathlib import Path

from core.services.pathcheck import PathProblem, path_problems
from core.store.database import Store
from core.store.models import Grab, Setting


async def grab(client: str, content: str, state: str = "completed") -> None:
    await Grab.create(
        release_key=content, title="Dune", indexer="i", client=client, client_id=content,
        protocol="torrent", state=state, content_path=content,
    )  # fmt: skip


async def test_a_moved_download_folder_is_found_next_to_the_library(
    store: Store, tmp_path: Path
) -> None:
    library, moved = tmp_path / "library", tmp_path / "mounted" / "downloads"
    library.mkdir()
    (moved / "complete" / "Dune").mkdir(parents=True)
    await Setting.create(key="library.movie", value={"path": str(library)})
    await grab("q", "/downloads/complete/Dune")
    await grab("q", "/downloads/complete/Old", state="imported")  # done: not a problem
    unseen = PathProblem("q", "/downloads/complete/Dune", "/downloads/complete/Dune", None)
    assert await path_problems("q", {}) == [unseen]  # `moved` is two levels down: not looked in

    (tmp_path / "downloads").symlink_to(moved)  # now a neighbour of the library holds it
    assert await path_problems("q", {"save_path": "/downloads/complete"}) == [
        PathProblem("q", "/downloads/complete", "/downloads", tmp_path / "downloads"),
        PathProblem("q", "/downloads/complete/Dune", "/downloads", tmp_path / "downloads"),
    ]


async def test_a_mapped_path_that_exists_is_no_problem(store: Store, tmp_path: Path) -> None:
    (tmp_path / "Dune").mkdir()
    await grab("q", "/downloads/Dune")
    assert await path_problems("q", {"path_map": [f"/downloads={tmp_path}"]}) == []
    missing = await path_problems("q", {"path_map": [f"/downloads={tmp_path / 'x'}"]})
    assert missing == [PathProblem("q", "/downloads/Dune", "/downloads", tmp_path)]
