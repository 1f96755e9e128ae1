"""The importer on real files and a real store: policies, clashes, refusals, journal, events."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import errors
from core.domain import MediaKind, Track
from core.events import EventBus, ImportCompleted, ImportFailed
from core.services.importer import Importer, ImportMode
from core.services.requests import console_person, record_request
from core.store.database import Store
from core.store.models import Grab, ImportJob, Setting
from tests.importer.conftest import Recorder, make_grab, write

MOVIE = "Dune.2021.1080p.BluRay.x264-GRP"
TARGET = "Dune (2021)/Dune (2021) [bluray-1080p].mkv"


@pytest.fixture
def other_fs(tmp_path: Path) -> Iterator[Path]:
    """A folder on another filesystem than tmp_path, so that hardlinks cannot work."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK):
        pytest.skip("/dev/shm is not available to make a second filesystem")
    if shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("/dev/shm is on the same filesystem as the temp dir")
    folder = Path(tempfile.mkdtemp(prefix="outpost-lib-", dir=shm))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def movie(downloads: Path, size: int = 64 * 1024) -> Path:
    top = downloads / MOVIE
    write(top / f"{MOVIE}.mkv", size)
    write(top / "Sample" / "sample.mkv", 100, seed=2)
    write(top / "dune.nfo", 10, seed=3)
    return top


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir())


def importer(bus: EventBus, root: Path, mode: ImportMode | None = None, **kw: object) -> Importer:
    return Importer(bus, roots={kind: root for kind in MediaKind}, mode=mode, **kw)  # type: ignore[arg-type]


async def test_hardlink_shares_the_inode_and_records_once(
    store: Store, bus: EventBus, recorder: Recorder, downloads: Path, library: Path
) -> None:
    content = movie(downloads)
    source = content / f"{MOVIE}.mkv"
    grab = await make_grab(content, MOVIE)
    outcome = await importer(bus, library).import_grab(grab.id)
    target = library / TARGET
    assert outcome.ok and outcome.placed == (target,)
    assert files_under(library) == [TARGET]
    assert target.stat().st_ino == source.stat().st_ino
    job = await ImportJob.get(grab_id=grab.id)
    assert (job.state, job.mode, job.source, job.target) == (
        "done",
        "hardlink",
        str(source),
        str(target),
    )
    assert (await Grab.get(id=grab.id)).state == "imported"
    assert recorder.names() == ["ImportCompleted"]
    event = recorder.events[0]
    assert isinstance(event, ImportCompleted) and event.paths == (str(target),)
    # again: nothing new, no second row, no second event
    again = await importer(bus, library).import_grab(grab.id)
    assert again.placed == (target,)
    assert await ImportJob.filter(grab_id=grab.id).count() == 1
    assert recorder.names() == ["ImportCompleted"]


async def test_copy_verifies_and_leaves_the_source(
    store: Store, bus: EventBus, downloads: Path, library: Path
) -> None:
    content = movie(downloads, size=3 * 1024 * 1024 + 17)
    source = content / f"{MOVIE}.mkv"
    before = (source.stat().st_mtime_ns, source.read_bytes())
    grab = await make_grab(content, MOVIE)
    outcome = await importer(bus, library, ImportMode.COPY).import_grab(grab.id)
    target = library / TARGET
    assert outcome.ok
    assert target.stat().st_ino != source.stat().st_ino
    assert target.read_bytes() == before[1]
    assert (source.stat().st_mtime_ns, source.read_bytes()) == before
    assert files_under(library) == [TARGET]  # no temp left
    assert (await ImportJob.get(grab_id=grab.id)).mode == "copy"


async def test_hardlink_only_refuses_across_filesystems(
    store: Store, bus: EventBus, recorder: Recorder, downloads: Path, other_fs: Path
) -> None:
    content = movie(downloads)
    grab = await make_grab(content, MOVIE)
    outcome = await importer(bus, other_fs, ImportMode.HARDLINK_ONLY).import_grab(grab.id)
    assert outcome.failure == "failure.no_hardlink"
    assert files_under(other_fs) == []
    assert (await Grab.get(id=grab.id)).failure == "failure.no_hardlink"
    assert recorder.names() == ["ImportFailed"]
    assert (content / f"{MOVIE}.mkv").exists()


async def test_hardlink_or_copy_copies_across_filesystems(
    store: Store, bus: EventBus, downloads: Path, other_fs: Path
) -> None:
    content = movie(downloads)
    grab = await make_grab(content, MOVIE)
    outcome = await importer(bus, other_fs).import_grab(grab.id)
    assert outcome.ok
    assert (other_fs / TARGET).read_bytes() == (content / f"{MOVIE}.mkv").read_bytes()
    assert (await ImportJob.get(grab_id=grab.id)).mode == "copy"


@pytest.mark.parametrize("mode", [ImportMode.HARDLINK_OR_COPY, ImportMode.COPY])
async def test_a_clash_keeps_the_library_file(
    store: Store,
    bus: EventBus,
    recorder: Recorder,
    downloads: Path,
    library: Path,
    mode: ImportMode,
) -> None:
    content = movie(downloads)
    existing = write(library / TARGET, 64 * 1024, seed=99)  # same size, other bytes
    kept = existing.read_bytes()
    grab = await make_grab(content, MOVIE)
    outcome = await importer(bus, library, mode).import_grab(grab.id)
    assert outcome.failure == "failure.exists"
    assert outcome.params["path"] == str(existing)
    assert existing.read_bytes() == kept
    assert files_under(library) == [TARGET]
    assert recorder.names() == ["ImportFailed"]
    failed = recorder.events[0]
    assert isinstance(failed, ImportFailed) and failed.reason == "failure.exists"


async def test_an_executable_fails_the_import(
    store: Store, bus: EventBus, recorder: Recorder, downloads: Path, library: Path
) -> None:
    content = movie(downloads)
    write(content / "Codec" / "install.mkv.exe", 10)
    grab = await make_grab(content, MOVIE)
    outcome = await importer(bus, library).import_grab(grab.id)
    assert outcome.failure == "failure.executable"
    assert files_under(library) == []
    assert await ImportJob.filter(grab_id=grab.id).count() == 0
    row = await Grab.get(id=grab.id)
    assert (row.state, row.failure) == ("failed", "failure.executable")
    event = recorder.events[0]
    assert isinstance(event, ImportFailed)
    assert event.params == {"file": "Codec/install.mkv.exe"}


async def test_too_little_space_refuses_before_writing(
    store: Store, bus: EventBus, downloads: Path, library: Path
) -> None:
    content = movie(downloads)
    # the whole disk as margin: other processes freeing space meanwhile cannot make it fit
    margin = shutil.disk_usage(library).total
    grab = await make_grab(content, MOVIE)
    outcome = await importer(bus, library, ImportMode.COPY, space_margin=margin).import_grab(
        grab.id
    )
    assert outcome.failure == "failure.disk_full"
    assert files_under(library) == []
    # a hardlink needs no space: the same grab imports once linking is allowed
    assert (await importer(bus, library).import_grab(grab.id)).ok


async def test_a_library_symlink_leading_out_is_refused(
    store: Store, bus: EventBus, downloads: Path, library: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (library / "Dune (2021)").symlink_to(elsewhere)
    grab = await make_grab(movie(downloads), MOVIE)
    outcome = await importer(bus, library).import_grab(grab.id)
    assert outcome.failure == "failure.outside_library"
    assert list(elsewhere.iterdir()) == []


async def test_a_source_that_changes_mid_copy_is_not_published(
    store: Store, bus: EventBus, downloads: Path, library: Path
) -> None:
    content = movie(downloads, size=3 * 1024 * 1024)
    source = content / f"{MOVIE}.mkv"

    def grow(point: str) -> None:
        if point == "copying":
            with source.open("ab") as handle:
                handle.write(b"more")

    grab = await make_grab(content, MOVIE)
    outcome = await importer(bus, library, ImportMode.COPY, checkpoint=grow).import_grab(grab.id)
    assert outcome.failure == "failure.source_changed"
    assert files_under(library) == []  # neither a final name nor a temp


async def test_settings_give_roots_templates_and_mode(
    store: Store, bus: EventBus, downloads: Path, library: Path
) -> None:
    # objects, as the CLI stores them (Tortoise's JSONField reads a bare str as JSON text)
    await Setting.create(key="library.movie", value={"path": str(library / "Movies")})
    await Setting.create(key="naming.movie", value={"template": "{title} - {year}.{ext}"})
    await Setting.create(key="import.mode", value={"mode": "copy"})
    content = movie(downloads)
    grab = await make_grab(content, MOVIE)
    outcome = await Importer(bus).import_grab(grab.id)
    target = library / "Movies" / "Dune - 2021.mkv"
    assert outcome.placed == (target,)
    assert target.stat().st_ino != (content / f"{MOVIE}.mkv").stat().st_ino


async def test_no_library_for_the_kind(store: Store, bus: EventBus, downloads: Path) -> None:
    grab = await make_grab(movie(downloads), MOVIE)
    outcome = await Importer(bus).import_grab(grab.id)
    assert (outcome.failure, outcome.params) == ("failure.no_library", {"kind": "movie"})


@pytest.mark.parametrize("path", ["relative/x", "/tmp/../etc", ""])
async def test_unusable_content_paths(
    store: Store, bus: EventBus, library: Path, path: str
) -> None:
    grab = await make_grab(Path("/"), MOVIE)
    grab.content_path = path
    await grab.save()
    outcome = await importer(bus, library).import_grab(grab.id)
    assert outcome.failure == "failure.source_missing"


async def test_season_pack_places_each_episode(
    store: Store, bus: EventBus, downloads: Path, library: Path
) -> None:
    pack = downloads / "The.Expanse.S02.1080p.WEB-DL.DD5.1.H.264-GRP"
    for episode in (1, 2, 3):
        write(pack / f"The.Expanse.S02E0{episode}.1080p.WEB-DL.DD5.1.H.264-GRP.mkv", 100, episode)
    grab = await make_grab(pack, pack.name, MediaKind.SERIES)
    outcome = await importer(bus, library).import_grab(grab.id)
    assert files_under(library) == [
        f"The Expanse/Season 02/The Expanse - S02E0{episode}.mkv" for episode in (1, 2, 3)
    ]
    assert len(outcome.placed) == 3
    assert await ImportJob.filter(grab_id=grab.id, state="done").count() == 3


async def test_files_sharing_a_name_keep_their_own(
    store: Store, bus: EventBus, downloads: Path, library: Path
) -> None:
    book = downloads / "Frank Herbert - Dune (1965) [audiobook]"
    for part in (1, 2):
        write(book / f"Part {part}.m4b", 100, part)
    grab = await make_grab(book, book.name, MediaKind.AUDIOBOOK)
    assert (await importer(bus, library).import_grab(grab.id)).ok
    assert files_under(library) == [
        "Frank Herbert/Dune/Dune - Part 1.m4b",
        "Frank Herbert/Dune/Dune - Part 2.m4b",
    ]


async def test_a_failed_import_can_be_retried(
    store: Store, bus: EventBus, recorder: Recorder, downloads: Path, library: Path
) -> None:
    content = movie(downloads)
    blocker = write(library / TARGET, 5, seed=1)
    grab = await make_grab(content, MOVIE)
    assert (await importer(bus, library).import_grab(grab.id)).failure == "failure.exists"
    blocker.rename(blocker.with_name("moved aside.mkv"))  # the owner resolves the clash
    assert (await importer(bus, library).import_grab(grab.id)).ok
    assert recorder.names() == ["ImportFailed", "ImportCompleted"]
    assert await ImportJob.filter(grab_id=grab.id).count() == 1


async def test_a_symlinked_content_path_is_not_followed(
    store: Store, bus: EventBus, recorder: Recorder, downloads: Path, library: Path
) -> None:
    real = movie(downloads)
    link = downloads / "link-to-movie"
    link.symlink_to(real)
    grab = await make_grab(link, MOVIE)
    outcome = await importer(bus, library).import_grab(grab.id)
    assert outcome.failure == "failure.no_files"
    assert files_under(library) == []
    assert recorder.names() == ["ImportFailed"]


async def test_the_request_credits_name_the_files(
    store: Store, bus: EventBus, downloads: Path, library: Path
) -> None:
    """The release name says no artist; the chosen title did, so the folder is theirs."""
    album = downloads / "The.Dark.Side.Of.The.Moon.1973.FLAC"
    write(album / "01 - Speak to Me.flac", 100)
    request = await record_request(
        await console_person(),
        {
            "kind": "music",
            "title": "The Dark Side of the Moon",
            "credits": [{"role": "artist", "name": "Pink Floyd", "ids": {"musicbrainz": "x"}}],
        },
    )
    grab = await make_grab(album, album.name, MediaKind.MUSIC)
    grab.request = request
    await grab.save()
    outcome = await importer(bus, library).import_grab(grab.id)
    assert outcome.ok
    assert files_under(library) == [
        "Pink Floyd/The Dark Side Of The Moon (1973)/01 - Speak to Me.flac"
    ]


@pytest.mark.parametrize("provider_down", [False, True], ids=["tracks", "provider-down"])
async def test_an_albums_track_list_names_its_files_or_the_files_keep_theirs(
    store: Store, bus: EventBus, downloads: Path, library: Path, provider_down: bool
) -> None:
    """The catalogue's album title and tracks name the files; without the track list (the
    provider down) each file keeps the title its name gives, and the import still succeeds."""
    album = downloads / "Pink.Floyd-DSOTM-1973-FLAC"
    write(album / "01 - speak.flac", 100)
    write(album / "02 - breathe in the air.flac", 100, seed=2)
    request = await record_request(
        await console_person(),
        {
            "kind": "music",
            "title": "The Dark Side of the Moon",
            "year": 1973,
            "provider": "musicbrainz",
            "id": "f5093c06-23e3-404f-aeaa-40f72885ee3a",
            "credits": [{"role": "artist", "name": "Pink Floyd", "ids": {}}],
        },
    )
    asked: list[tuple[MediaKind, str, str]] = []

    async def tracks(kind: MediaKind, provider: str, ident: str) -> tuple[Track, ...]:
        asked.append((kind, provider, ident))
        if provider_down:
            raise errors.Unavailable("musicbrainz down", service=provider)
        return (Track(1, 1, "Speak to Me"), Track(1, 2, "Breathe"))

    grab = await make_grab(album, album.name, MediaKind.MUSIC)
    grab.request = request
    await grab.save()
    outcome = await importer(bus, library, tracks=tracks).import_grab(grab.id)
    assert outcome.ok
    assert asked == [(MediaKind.MUSIC, "musicbrainz", "f5093c06-23e3-404f-aeaa-40f72885ee3a")]
    names = ["01 - speak.flac", "02 - breathe in the air.flac"]
    if not provider_down:
        names = ["01 - Speak to Me.flac", "02 - Breathe.flac"]
    folder = "Pink Floyd/The Dark Side of the Moon (1973)"
    assert files_under(library) == [f"{folder}/{name}" for name in names]
