"""Crash safety: the import runs in a subprocess that SIGKILLs itself at each named point; a
fresh process then resumes. Nothing may be lost, half-written under a final name, or doubled."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.domain import MediaKind
from core.services.importer import ImportMode
from core.store.database import Store
from core.store.models import Grab, ImportJob
from tests.importer.conftest import make_grab, write

ROOT = Path(__file__).resolve().parents[2]
PACK = "The.Expanse.S02.1080p.WEB-DL.DD5.1.H.264-GRP"
SIZE = 3 * 1024 * 1024 + 333  # more than one 1 MiB chunk, so "copying" is really mid-copy
EPISODES = (1, 2)
FINAL = [f"The Expanse/Season 02/The Expanse - S02E0{e}.mkv" for e in EPISODES]

# Every named point, at the first file and at the second, and after the grab's record.
PER_FILE = {
    ImportMode.COPY: ("copying", "copied", "placed", "recorded"),
    ImportMode.HARDLINK_OR_COPY: ("placed", "recorded"),
}
KILL_POINTS = [
    (mode, f"{point}:{nth}")
    for mode, points in PER_FILE.items()
    for nth in (1, 2)
    for point in points
] + [(mode, "imported:1") for mode in PER_FILE]


@dataclass
class Run:
    returncode: int
    result: dict[str, object]


async def worker(*args: str) -> Run:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.importer.crash_worker",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    if proc.returncode not in (0, -signal.SIGKILL):
        pytest.fail(f"worker failed ({proc.returncode}): {err.decode()[-2000:]}")
    lines = out.decode().strip().splitlines()
    return Run(proc.returncode, json.loads(lines[-1]) if lines else {})


def fingerprint(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_ino


def library_files(library: Path) -> list[str]:
    return sorted(str(p.relative_to(library)) for p in library.rglob("*") if not p.is_dir())


def assert_no_half_file(library: Path, sources: list[Path]) -> None:
    """Whatever a final name holds is the whole source; temps are the only other files."""
    for name, source in zip(FINAL, sources, strict=True):
        final = library / name
        if final.exists():
            assert final.read_bytes() == source.read_bytes(), f"half-file under {name}"
    extra = [f for f in library_files(library) if f not in FINAL]
    assert all(Path(f).name.startswith(".outpost-") for f in extra), extra


@pytest.mark.parametrize(("mode", "kill"), KILL_POINTS, ids=lambda v: str(v))
async def test_kill_then_resume(
    store: Store, tmp_path: Path, downloads: Path, library: Path, mode: ImportMode, kill: str
) -> None:
    pack = downloads / PACK
    sources = [write(pack / f"The.Expanse.S02E0{e}.1080p.WEB-DL.mkv", SIZE, e) for e in EPISODES]
    write(pack / "Sample" / "sample.mkv", 1000)
    before = [fingerprint(s) for s in sources]
    grab = await make_grab(pack, PACK, MediaKind.SERIES)
    common = ["--data", str(tmp_path / "data"), "--library", str(library), "--mode", mode.value]

    killed = await worker("import", *common, "--grab", str(grab.id), "--kill", kill)
    assert killed.returncode == -signal.SIGKILL, f"{kill} was never reached"
    assert_no_half_file(library, sources)

    resumed = await worker("resume", *common)
    assert resumed.returncode == 0
    finished_before = kill.startswith("imported")
    assert resumed.result == {
        "resumed": 0 if finished_before else 1,
        "events": [] if finished_before else ["ImportCompleted"],
    }
    assert library_files(library) == FINAL  # every file, no temp left
    for name, source in zip(FINAL, sources, strict=True):
        assert (library / name).read_bytes() == source.read_bytes()
        linked = (library / name).stat().st_ino == source.stat().st_ino
        assert linked == (mode is not ImportMode.COPY)
    assert [fingerprint(s) for s in sources] == before  # sources untouched
    jobs = await ImportJob.filter(grab_id=grab.id).order_by("id")
    assert [(job.source, job.state) for job in jobs] == [(str(s), "done") for s in sources]
    assert (await Grab.get(id=grab.id)).state == "imported"
    again = await worker("resume", *common)
    assert again.result == {"resumed": 0, "events": []}  # nothing left to do, nothing told twice


async def test_crash_during_resume_too(
    store: Store, tmp_path: Path, downloads: Path, library: Path
) -> None:
    """Two crashes in a row (mid-copy, then after the copy of the resumed run) still end whole."""
    pack = downloads / PACK
    sources = [write(pack / f"The.Expanse.S02E0{e}.1080p.WEB-DL.mkv", SIZE, e) for e in EPISODES]
    grab = await make_grab(pack, PACK, MediaKind.SERIES)
    common = ["--data", str(tmp_path / "data"), "--library", str(library), "--mode", "copy"]
    first = await worker("import", *common, "--grab", str(grab.id), "--kill", "copying:2")
    second = await worker("resume", *common, "--kill", "copied:1")
    assert (first.returncode, second.returncode) == (-signal.SIGKILL, -signal.SIGKILL)
    assert_no_half_file(library, sources)
    assert (await worker("resume", *common)).result["resumed"] == 1
    assert library_files(library) == FINAL
    assert await ImportJob.filter(grab_id=grab.id, state="done").count() == len(EPISODES)


def test_kill_points_tried() -> None:
    """The report counts these: every named point, per file and per policy."""
    assert len(KILL_POINTS) == 14
    assert os.name == "posix"
