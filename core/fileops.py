"""The one place blocking file work runs (through `asyncio.to_thread`): scan, link, verified copy,
publish without overwriting, free space, same-filesystem checks.

Nothing here deletes or moves a source, and nothing replaces an existing file: a final name is
only ever created by `os.link`, which fails when the name exists.
"""

from __future__ import annotations

import asyncio
import errno
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core import errors

CHUNK = 1 << 20  # 1 MiB: big enough for throughput, small enough that "mid-copy" is observable
MAX_FILES = 10_000  # a download listing more is hostile or not media
_NO_LINK = frozenset({errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP})
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


class FileRefused(errors.OutpostError):
    """A file operation was refused or failed; `key` says why ("failure.exists", ...)."""

    key = "failure.io"


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What `lstat` says of one path; symlinks are described, never followed."""

    path: Path
    size: int
    dev: int
    ino: int
    mtime_ns: int
    regular: bool

    @classmethod
    def of(cls, path: Path, st: os.stat_result) -> FileInfo:
        return cls(path, st.st_size, st.st_dev, st.st_ino, st.st_mtime_ns, stat.S_ISREG(st.st_mode))


async def scan(content: Path) -> list[FileInfo]:
    """Every entry under `content` (or `content` itself when a file), symlinks not followed."""
    return await asyncio.to_thread(_scan, content)


def _scan(content: Path) -> list[FileInfo]:
    try:
        top = os.lstat(content)
    except OSError as err:
        raise FileRefused(
            f"cannot read {content}: {err.strerror}", key="failure.source_missing"
        ) from err
    if not stat.S_ISDIR(top.st_mode):
        return [FileInfo.of(content, top)]
    found: list[FileInfo] = []
    pending = [content]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                path = Path(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    pending.append(path)
                    continue
                found.append(FileInfo.of(path, entry.stat(follow_symlinks=False)))
        if len(found) > MAX_FILES:
            raise FileRefused(f"more than {MAX_FILES} files", key="failure.too_many_files")
    return sorted(found, key=lambda info: info.path)


async def lstat(path: Path) -> FileInfo | None:
    """The entry at `path`, or None when there is none."""
    return await asyncio.to_thread(_lstat, path)


def _lstat(path: Path) -> FileInfo | None:
    try:
        return FileInfo.of(path, os.lstat(path))
    except FileNotFoundError:
        return None


async def same_filesystem(a: Path, b: Path) -> bool:
    """Whether a hardlink between the two places can work (the nearest existing parents)."""
    return await asyncio.to_thread(one_device, a, b)


async def free_space(path: Path) -> int:
    """Bytes free to an unprivileged writer at `path` (or its nearest existing parent)."""
    return await asyncio.to_thread(lambda: shutil.disk_usage(nearest_existing(path)).free)


def one_device(a: Path, b: Path) -> bool:
    """`same_filesystem`, blocking: for callers already off the event loop."""
    return os.stat(nearest_existing(a)).st_dev == os.stat(nearest_existing(b)).st_dev


def nearest_existing(path: Path) -> Path:
    """`path` or its closest ancestor that exists (a library folder may not exist yet)."""
    path = path.expanduser().absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


async def make_dirs(folder: Path, root: Path) -> None:
    """Create `folder` and check that it resolves inside `root` (a symlink may not lead out)."""
    await asyncio.to_thread(_make_dirs, folder, root)


def _make_dirs(folder: Path, root: Path) -> None:
    _inside(folder, root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as err:  # a file where a folder should be
        raise FileRefused(f"{folder} is not a folder", key="failure.exists") from err
    except OSError as err:
        raise _refused(err, folder) from err
    _inside(folder, root)


async def contained(paths: list[Path], root: Path) -> None:
    """Raise unless every path resolves (symlinks followed) inside the resolved `root`."""
    await asyncio.to_thread(_all_inside, paths, root)


def _all_inside(paths: list[Path], root: Path) -> None:
    for path in paths:
        _inside(path, root)


def _inside(path: Path, root: Path) -> None:
    if not path.resolve().is_relative_to(root.resolve()):
        raise FileRefused(f"{path} leads outside {root}", key="failure.outside_library")


async def hardlink(source: FileInfo, target: Path) -> None:
    """Link `source` at `target`; refuses an existing target, and says when links cannot work."""
    await asyncio.to_thread(_link, source.path, target)


async def publish(temp: Path, target: Path) -> None:
    """Give the verified `temp` its final name without replacing anything, then drop the temp."""
    await asyncio.to_thread(_publish, temp, target)


def _publish(temp: Path, target: Path) -> None:
    _link(temp, target)
    temp.unlink()
    _sync_dir(target.parent)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError as err:
        raise FileRefused(f"{target} exists", key="failure.exists") from err
    except OSError as err:
        if err.errno in _NO_LINK:
            raise FileRefused(f"cannot link {target}", key="failure.no_hardlink") from err
        raise _refused(err, target) from err
    _sync_dir(target.parent)


async def remove_temp(temp: Path) -> None:
    """Remove one of our temp files if it is there (never a final name)."""
    await asyncio.to_thread(lambda: temp.unlink(missing_ok=True))


async def copy_verified(source: FileInfo, temp: Path, on_first_chunk: Callable[[], None]) -> None:
    """Copy `source` to the new file `temp` in chunks, fsync, and check that the size matches
    and that the source did not change meanwhile. `on_first_chunk` runs in the worker thread."""
    await asyncio.to_thread(_copy_verified, source, temp, on_first_chunk)


def _copy_verified(source: FileInfo, temp: Path, on_first_chunk: Callable[[], None]) -> None:
    try:
        src = os.open(source.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as err:
        raise FileRefused(f"cannot open {source.path}", key="failure.source_changed") from err
    try:
        _check_same(source, os.fstat(src))
        written = _copy_into(src, temp, on_first_chunk)
        _check_same(source, os.stat(source.path, follow_symlinks=False))
        if written != source.size:
            raise FileRefused(f"copied {written} of {source.size} bytes", key="failure.verify")
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    finally:
        os.close(src)


def _copy_into(src: int, temp: Path, on_first_chunk: Callable[[], None]) -> int:
    """Write everything `src` holds to the new file `temp`, durably; returns its size."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        dst = os.open(temp, flags, 0o644)
    except OSError as err:
        raise _refused(err, temp) from err
    try:
        _pump(src, dst, on_first_chunk)
        os.fsync(dst)
        written = os.fstat(dst).st_size
    except OSError as err:
        raise _refused(err, temp) from err
    finally:
        os.close(dst)
    return written


def _pump(src: int, dst: int, on_first_chunk: Callable[[], None]) -> None:
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    first = True
    while count := os.readv(src, [buffer]):
        done = 0
        while done < count:
            done += os.write(dst, view[done:count])
        if first:
            first = False
            on_first_chunk()


def _check_same(source: FileInfo, st: os.stat_result) -> None:
    """The file we opened or copied is still the one scanned: same inode, size and mtime."""
    now = FileInfo.of(source.path, st)
    if (now.dev, now.ino, now.size, now.mtime_ns, now.regular) != (
        source.dev,
        source.ino,
        source.size,
        source.mtime_ns,
        True,
    ):
        raise FileRefused(f"{source.path} changed while importing", key="failure.source_changed")


def _sync_dir(folder: Path) -> None:
    """Make a new directory entry durable, so a crash cannot forget a published name."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _refused(err: OSError, path: Path) -> FileRefused:
    if err.errno in _NO_SPACE:
        return FileRefused(f"no space left for {path}", key="failure.disk_full")
    return FileRefused(f"{path}: {err.strerror}", key="failure.io", error=err.strerror or "")
