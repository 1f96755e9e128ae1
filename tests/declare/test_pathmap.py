"""Remote path mapping: parsing, the longest prefix on component boundaries, suggestions."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from core import errors, pathmap
from core.pathmap import PathMap


def pm(text: str) -> PathMap:
    return pathmap.parse(text)


def test_parse_reads_remote_equals_local() -> None:
    assert pm(" /downloads = /srv/dl ") == PathMap(PurePosixPath("/downloads"), Path("/srv/dl"))
    assert str(pm("/downloads=/srv/dl")) == "/downloads=/srv/dl"


@pytest.mark.parametrize(
    "text", ["/downloads", "downloads=/srv", "/downloads=srv", "=/srv", "/a/../b=/srv", "/a=/s/.."]
)
def test_a_map_that_does_not_parse_is_refused(text: str) -> None:
    with pytest.raises(errors.UserError) as caught:
        pathmap.parse(text)
    assert caught.value.key == "error.bad_path_map" and caught.value.params["value"] == text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/downloads/Dune/Dune.mkv", "/srv/dl/Dune/Dune.mkv"),
        ("/downloads/tv/Show/e1.mkv", "/mnt/tv/Show/e1.mkv"),  # the longer prefix wins
        ("/downloads", "/srv/dl"),
        ("/downloads-old/Dune", "/downloads-old/Dune"),  # not a component boundary
        ("/elsewhere/Dune", "/elsewhere/Dune"),  # no map: unchanged
    ],
)
def test_apply_maps_the_longest_matching_remote_prefix(path: str, expected: str) -> None:
    maps = [pm("/downloads=/srv/dl"), pm("/downloads/tv=/mnt/tv")]
    assert pathmap.apply(path, maps) == expected


def test_suggest_finds_the_folder_that_holds_the_same_tail(tmp_path: Path) -> None:
    moved = tmp_path / "moved"
    (moved / "complete" / "Dune").mkdir(parents=True)
    other = tmp_path / "other"
    other.mkdir()
    found = pathmap.suggest("/downloads/complete/Dune", [other, moved])
    assert found == PathMap(PurePosixPath("/downloads"), moved)
    assert pathmap.suggest("/downloads/complete/Arrival", [other, moved]) is None


def test_local_exists_refuses_a_folder_that_is_not_here(tmp_path: Path) -> None:
    pathmap.local_exists(pm(f"/dl={tmp_path}"))
    with pytest.raises(errors.UserError) as caught:
        pathmap.local_exists(pm(f"/dl={tmp_path / 'nope'}"))
    assert caught.value.key == "error.path_map_missing"


def test_stored_maps_that_no_longer_read_are_skipped() -> None:
    assert pathmap.parse_stored(["/dl=/srv", "junk"]) == (pm("/dl=/srv"),)
