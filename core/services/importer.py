"""Importer: places the files of a completed grab in the library, journaled so a crash can resume.

Per file: an ImportJob row ("pending") before the disk is touched; a hardlink, or a copy to a temp
name in the target folder that is verified and then linked to its final name (never replacing
anything); "placed" once the name exists; "done" with the grab's "imported" in one transaction.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Any

from tortoise.transactions import in_transaction

from core import fileops, naming, pathmap
from core.credits import credits_of
from core.domain import MediaKind, Track
from core.errors import OutpostError
from core.events import EventBus, ImportCompleted, ImportFailed
from core.fileops import FileInfo, FileRefused
from core.pathmap import PathMap
from core.store.models import Grab, ImportJob, Integration, MediaRequest
from core.store.settings import library_root, text_setting

log = logging.getLogger(__name__)

# (kind, provider, provider id) -> that title's tracks
TrackLookup = Callable[[MediaKind, str, str], Awaitable[tuple[Track, ...]]]

VIDEO = frozenset({"mkv", "mp4", "avi", "m4v", "ts", "wmv", "mov", "webm"})
AUDIO = frozenset({"flac", "mp3", "m4a", "m4b", "ogg", "opus", "wav", "aac"})
BOOKS = frozenset({"epub", "pdf", "mobi", "azw3", "cbz", "cbr"})
WANTED: Mapping[MediaKind, frozenset[str]] = {
    MediaKind.MOVIE: VIDEO,
    MediaKind.SERIES: VIDEO,
    MediaKind.MUSIC: AUDIO,
    MediaKind.BOOK: BOOKS,
    MediaKind.AUDIOBOOK: AUDIO,
    MediaKind.ANIME: VIDEO,
}
EXECUTABLES = frozenset(
    {"exe", "scr", "bat", "cmd", "com", "lnk", "ps1", "vbs", "msi", "jar", "sh", "pif", "cpl"}
)
EXTRAS = frozenset(
    {
        "extras",
        "extra",
        "featurettes",
        "featurette",
        "behind the scenes",
        "deleted scenes",
        "interviews",
        "trailers",
        "shorts",
        "bonus",
    }
)
SAMPLE_MAX = 200 << 20  # a "sample" bigger than this is the feature with an unlucky name
SPACE_MARGIN = 256 << 20
_SAMPLE = re.compile(r"(?<![a-z0-9])sample(?![a-z0-9])", re.IGNORECASE)


class ImportMode(StrEnum):
    HARDLINK_OR_COPY = "hardlink-or-copy"
    HARDLINK_ONLY = "hardlink-only"
    COPY = "copy"


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did: the library paths placed, or the failure key and its parameters."""

    grab_id: int
    placed: tuple[Path, ...] = ()
    failure: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True, slots=True)
class _Step:
    source: FileInfo
    target: Path
    mode: str  # "hardlink" or "copy"


class Importer:
    """Imports completed grabs; `checkpoint(name)` is called at named points (a no-op outside
    the crash test): "copying", "copied", "placed", "recorded", "imported"."""

    def __init__(
        self,
        bus: EventBus,
        *,
        roots: Mapping[MediaKind, Path] | None = None,
        mode: ImportMode | None = None,
        checkpoint: Callable[[str], None] = lambda point: None,
        space_margin: int = SPACE_MARGIN,
        path_maps: Mapping[str, tuple[PathMap, ...]] | None = None,
        tracks: TrackLookup | None = None,
    ) -> None:
        self._bus = bus
        self._tracks = tracks  # an album's track list from its provider, to name its files
        self._path_maps = path_maps  # by client name; None reads each client's stored maps
        self._roots = roots
        self._mode = mode
        self._checkpoint = checkpoint
        self._margin = space_margin
        self._locks: dict[int, asyncio.Lock] = {}

    async def import_grab(self, grab_id: int) -> ImportOutcome:
        """Import one grab's files; safe to call again after a crash or a failure."""
        async with self._locks.setdefault(grab_id, asyncio.Lock()):
            grab = await Grab.get(id=grab_id)
            if grab.state == "imported":
                return ImportOutcome(grab_id, await _done_paths(grab))
            try:
                return await self._run(grab)
            except FileRefused as err:
                return await self._fail(grab, err.key, err.params)
            except OSError as err:  # anything fileops did not foresee: a clear result all the same
                return await self._fail(grab, "failure.io", {"error": err.strerror or str(err)})

    async def resume(self) -> int:
        """Finish every import a crash interrupted; returns how many grabs it finished."""
        # Jobs are journaled in the transaction that marks the grab "importing", and the grab
        # leaves that state only with them, so these are exactly the interrupted imports.
        interrupted = await Grab.filter(state="importing").order_by("id")
        finished = 0
        for grab in interrupted:
            outcome = await self.import_grab(grab.id)
            finished += outcome.ok
            log.info("resumed the import of grab %s: %s", grab.id, outcome.failure or "done")
        return finished

    async def _run(self, grab: Grab) -> ImportOutcome:
        root, steps = await self._plan(grab)
        jobs = await _journal(grab, steps)
        for job, step in zip(jobs, steps, strict=True):
            await self._place(job, step, root)
        async with in_transaction():
            await ImportJob.filter(id__in=[job.id for job in jobs]).update(state="done", error=None)
            grab.state, grab.failure = "imported", None
            await grab.save(update_fields=["state", "failure", "updated_at"])
        self._checkpoint("imported")
        placed = tuple(step.target for step in steps)
        await self._bus.publish(
            ImportCompleted(**await _about(grab), paths=tuple(map(str, placed)))
        )
        return ImportOutcome(grab.id, placed)

    async def _plan(self, grab: Grab) -> tuple[Path, list[_Step]]:
        kind = _kind(grab.kind)
        root = await self._root(kind)
        content = _content(await self._local(grab))
        chosen = select(await fileops.scan(content), content, kind)
        if not chosen:
            raise FileRefused(f"nothing to import in {content}", key="failure.no_files")
        journal = {job.source: job for job in await ImportJob.filter(grab_id=grab.id)}
        template = naming.template_for(kind, await text_setting(f"naming.{kind.value}"))
        request = await _request(grab)
        known = _known(request, kind)
        tracks = await self._album(request, kind)
        targets = _targets(chosen, content, root, kind, grab.title, template, known, tracks)
        for info in chosen:  # a journaled target wins: settings may have changed since
            if (job := journal.get(str(info.path))) is not None:
                targets[info.path] = Path(job.target)
        await fileops.contained(list(targets.values()), root)
        policy = await self._policy()
        linkable = await fileops.same_filesystem(content, root)
        if policy is ImportMode.HARDLINK_ONLY and not linkable:
            raise FileRefused(
                "library and download are on different filesystems", key="failure.no_hardlink"
            )
        mode = "hardlink" if linkable and policy is not ImportMode.COPY else "copy"
        steps = [_Step(info, targets[info.path], mode) for info in chosen]
        await self._precheck(steps, journal, root)
        return root, steps

    async def _precheck(
        self, steps: list[_Step], journal: dict[str, ImportJob], root: Path
    ) -> None:
        """Refuse before touching the disk: a foreign file at a target, or too little space."""
        needed = 0
        for step in steps:
            job = journal.get(str(step.source.path))
            present = await fileops.lstat(step.target)
            if present is not None and not _ours(present, step, job):
                raise FileRefused(
                    f"{step.target} exists", key="failure.exists", path=str(step.target)
                )
            if present is None and step.mode == "copy":
                needed += step.source.size
        if needed and await fileops.free_space(root) < needed + self._margin:
            raise FileRefused(
                "not enough space in the library", key="failure.disk_full", needed=needed
            )

    async def _place(self, job: ImportJob, step: _Step, root: Path) -> None:
        temp = step.target.parent / f".outpost-{job.id}.partial"
        await fileops.remove_temp(temp)  # a crash may have left it, complete or not
        present = await fileops.lstat(step.target)
        if present is None:
            await fileops.make_dirs(step.target.parent, root)
            mode = await self._put(step, temp, step.mode)
            if mode != job.mode:
                job.mode = mode
                await job.save(update_fields=["mode", "updated_at"])
            self._checkpoint("placed")
        elif not _ours(present, step, job):
            raise FileRefused(f"{step.target} exists", key="failure.exists", path=str(step.target))
        if job.state != "placed":
            job.state = "placed"
            await job.save(update_fields=["state", "updated_at"])
            self._checkpoint("recorded")

    async def _put(self, step: _Step, temp: Path, mode: str) -> str:
        """Create the final name; returns the mode that did it."""
        if mode == "hardlink":
            try:
                await fileops.hardlink(step.source, step.target)
                return mode
            except FileRefused as err:
                if (
                    err.key != "failure.no_hardlink"
                    or await self._policy() is not ImportMode.HARDLINK_OR_COPY
                ):
                    raise
        await fileops.copy_verified(step.source, temp, lambda: self._checkpoint("copying"))
        self._checkpoint("copied")
        await fileops.publish(temp, step.target)
        return "copy"

    async def _fail(self, grab: Grab, key: str, params: Mapping[str, Any]) -> ImportOutcome:
        async with in_transaction():
            # placed files stay placed: they are complete, and a retry counts them as done
            await ImportJob.filter(grab_id=grab.id, state="pending").update(
                state="failed", error=key
            )
            grab.state, grab.failure = "failed", key
            await grab.save(update_fields=["state", "failure", "updated_at"])
        log.warning("import of grab %s failed: %s %s", grab.id, key, dict(params))
        await self._bus.publish(ImportFailed(**await _about(grab), reason=key, params=dict(params)))
        return ImportOutcome(grab.id, failure=key, params=dict(params))

    async def _album(self, request: MediaRequest | None, kind: MediaKind) -> tuple[Track, ...]:
        """The chosen album's tracks; without them (no lookup, the provider down) the files
        keep the titles their names give."""
        if self._tracks is None or request is None or kind is not MediaKind.MUSIC:
            return ()
        if not (request.provider and request.provider_id):
            return ()
        try:
            return await self._tracks(kind, request.provider, request.provider_id)
        except OutpostError as err:
            log.warning("no track list for %s from %s: %s", request.title, request.provider, err)
            return ()

    async def _root(self, kind: MediaKind) -> Path:
        if self._roots is not None:
            root = self._roots.get(kind)
        else:
            root = await library_root(kind.value)
        if root is None or not root.is_absolute():
            raise FileRefused(
                f"no library folder for {kind.value}", key="failure.no_library", kind=kind.value
            )
        return root

    async def _local(self, grab: Grab) -> str | None:
        """The content path as Outpost sees it: the client's remote path mapping applied."""
        if not grab.content_path:
            return grab.content_path
        if self._path_maps is not None:
            maps = self._path_maps.get(grab.client, ())
        else:
            maps = await client_path_maps(grab.client)
        return pathmap.apply(grab.content_path, maps)

    async def _policy(self) -> ImportMode:
        if self._mode is not None:
            return self._mode
        value = await text_setting("import.mode")
        try:
            return ImportMode(value or ImportMode.HARDLINK_OR_COPY)
        except ValueError:
            log.warning("unknown import.mode %r; using hardlink-or-copy", value)
            return ImportMode.HARDLINK_OR_COPY


def select(entries: list[FileInfo], content: Path, kind: MediaKind) -> list[FileInfo]:
    """The files of a download that belong in the library; raises on an executable anywhere."""
    for info in entries:
        if naming.extension(info.path.name) in EXECUTABLES:
            raise FileRefused(
                f"executable {info.path.name!r} in the download",
                key="failure.executable",
                file=str(_relative(info.path, content)),
            )
    wanted = WANTED[kind]
    return [
        info
        for info in entries
        if info.regular
        and naming.extension(info.path.name) in wanted
        and not _skipped(info, content)
    ]


def _skipped(info: FileInfo, content: Path) -> bool:
    folders = [part.lower() for part in _relative(info.path, content).parts[:-1]]
    if any(folder in EXTRAS for folder in folders):
        return True
    sampled = _SAMPLE.search(info.path.name) or any(_SAMPLE.search(f) for f in folders)
    return bool(sampled) and info.size < SAMPLE_MAX


def _relative(path: Path, content: Path) -> PurePosixPath:
    try:
        return PurePosixPath(path.relative_to(content))
    except ValueError:  # `content` is the file itself
        return PurePosixPath(path.name)


def _targets(
    chosen: list[FileInfo],
    content: Path,
    root: Path,
    kind: MediaKind,
    title: str,
    template: str,
    known: Mapping[str, naming.Value],
    tracks: tuple[Track, ...] = (),
) -> dict[Path, Path]:
    """Each chosen file's library path; files that would share a name keep their own stem."""
    if "{ext}" not in template:
        template += ".{ext}"
    named: dict[Path, PurePosixPath] = {}
    for info in chosen:
        values = naming.values_for(kind, title, info.path.name, known, tracks)
        named[info.path] = naming.render(template, values)
    counts: dict[PurePosixPath, int] = {}
    for relative in named.values():
        counts[relative] = counts.get(relative, 0) + 1
    targets: dict[Path, Path] = {}
    taken: set[str] = set()
    for path, relative in named.items():
        own = relative if counts[relative] == 1 else _own_stem(relative, path)
        # Names equal once NFC-normalised or case-folded (NFD twins; a case-insensitive SMB
        # library) would land on one file: number the later ones rather than drop them.
        final, n = own, 2
        while _folded(final) in taken:
            final, n = _numbered(own, n), n + 1
        taken.add(_folded(final))
        targets[path] = root / final
    return targets


def _folded(relative: PurePosixPath) -> str:
    return unicodedata.normalize("NFC", str(relative)).casefold()


def _numbered(relative: PurePosixPath, n: int) -> PurePosixPath:
    stem, ext = relative.stem, relative.suffix
    own = naming.sanitize_component(f"{stem} ({n})", limit=naming.NAME_MAX - len(ext.encode()))
    return relative.with_name(own + ext)


def _own_stem(relative: PurePosixPath, source: Path) -> PurePosixPath:
    stem, ext = relative.stem, relative.suffix
    own = naming.sanitize_component(f"{stem} - {source.stem}", limit=naming.NAME_MAX - len(ext))
    return relative.with_name(own + ext)


def _ours(present: FileInfo, step: _Step, job: ImportJob | None) -> bool:
    """Whether the file at a target is the one this import put there."""
    if (present.dev, present.ino) == (step.source.dev, step.source.ino):
        return True  # our hardlink
    # A journaled copy reaches its final name only once verified, so its size is proof enough.
    journaled = job is not None and job.state in ("pending", "placed")
    return journaled and present.regular and present.size == step.source.size


async def _journal(grab: Grab, steps: list[_Step]) -> list[ImportJob]:
    """One row per file before the disk is touched; rows of an earlier attempt are reused."""
    jobs = []
    async with in_transaction():
        for step in steps:
            job, _ = await ImportJob.get_or_create(
                grab_id=grab.id,
                source=str(step.source.path),
                defaults={"target": str(step.target), "size": step.source.size, "mode": step.mode},
            )
            if job.state == "failed":
                job.state, job.error = "pending", None
                await job.save(update_fields=["state", "error", "updated_at"])
            jobs.append(job)
        grab.state = "importing"
        await grab.save(update_fields=["state", "updated_at"])
    return jobs


async def _done_paths(grab: Grab) -> tuple[Path, ...]:
    targets = await ImportJob.filter(grab_id=grab.id, state="done").values_list("target", flat=True)
    return tuple(Path(str(target)) for target in targets)


async def _request(grab: Grab) -> MediaRequest | None:
    request_id: int | None = grab.request_id  # type: ignore[attr-defined]
    return await MediaRequest.get_or_none(id=request_id) if request_id is not None else None


def _known(request: MediaRequest | None, kind: MediaKind) -> dict[str, naming.Value]:
    """The naming values the grab's request states: its credits, series and position, and
    the chosen title's own name (an album's, a book's) when it came from a catalogue."""
    if request is None:
        return {}
    credits = credits_of(request.credits)
    values = naming.known_values(credits, request.series, request.series_position)
    if request.provider_id:  # a title chosen from a catalogue, not a name typed
        values |= naming.chosen_values(kind, request.title, request.year)
    return values


async def _about(grab: Grab) -> dict[str, Any]:
    """The fields every event of this grab carries."""
    person_id = None
    request_id: int | None = grab.request_id  # type: ignore[attr-defined]
    if request_id is not None:
        request = await MediaRequest.get_or_none(id=request_id)
        person_id = request.person_id if request is not None else None  # type: ignore[attr-defined]
    return {
        "grab_id": grab.id,
        "title": grab.title,
        "request_id": request_id,
        "person_id": person_id,
    }


def _kind(value: str | None) -> MediaKind:
    try:
        return MediaKind(value or MediaKind.MOVIE)
    except ValueError:
        return MediaKind.MOVIE


async def client_path_maps(client: str) -> tuple[PathMap, ...]:
    """The `--path-map`s stored with a client."""
    row = await Integration.get_or_none(name=client)
    return pathmap.parse_stored(row.options.get("path_map") or []) if row is not None else ()


def _content(value: str | None) -> Path:
    """The client's content path, refused unless absolute and free of `..`."""
    path = PurePosixPath(value or "")
    if not value or not path.is_absolute() or ".." in path.parts or "\x00" in value:
        raise FileRefused("no usable content path", key="failure.source_missing")
    return Path(path)
