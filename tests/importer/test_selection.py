"""File selection on real folders: media by kind, samples, extras, side files, links, programs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core import fileops
from core.domain import MediaKind
from core.fileops import FileRefused
from core.services.importer import SAMPLE_MAX, select
from tests.importer.conftest import write


async def chosen(content: Path, kind: MediaKind = MediaKind.MOVIE) -> list[str]:
    entries = await fileops.scan(content)
    return [str(info.path.relative_to(content)) for info in select(entries, content, kind)]


async def test_movie_folder_keeps_only_the_feature(downloads: Path) -> None:
    top = downloads / "Dune.2021.1080p.BluRay.x264-GRP"
    write(top / "Dune.2021.1080p.BluRay.x264-GRP.mkv", 4096)
    write(top / "dune-sample.mkv", 1024)
    write(top / "Sample" / "dune.mkv", 1024)
    write(top / "Featurettes" / "making of.mkv", 2048)
    write(top / "Behind The Scenes" / "bts.mp4", 2048)
    write(top / "Extras" / "deleted.avi", 2048)
    for side in ("dune.nfo", "dune.txt", "poster.jpg", "Dune.2021.srt", "info.sfv"):
        write(top / side, 100)
    assert await chosen(top) == ["Dune.2021.1080p.BluRay.x264-GRP.mkv"]


async def test_sample_must_be_small(downloads: Path) -> None:
    """A big file with "sample" in its name is the feature (a title may say "Sample")."""
    big = downloads / "The.Sample.2020.mkv"
    with big.open("wb") as handle:  # sparse: large by size, cheap on disk
        handle.truncate(SAMPLE_MAX + 1)
    write(downloads / "x.sample.mkv", 10)
    write(downloads / "examples.mkv", 10)  # "sample" inside a word is not a sample
    assert await chosen(downloads) == ["The.Sample.2020.mkv", "examples.mkv"]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (MediaKind.MOVIE, ["a.mkv", "b.MP4", "c.webm"]),
        (MediaKind.SERIES, ["a.mkv", "b.MP4", "c.webm"]),
        (MediaKind.MUSIC, ["d.flac", "e.mp3", "g.m4b"]),
        (MediaKind.AUDIOBOOK, ["d.flac", "e.mp3", "g.m4b"]),
        (MediaKind.BOOK, ["f.epub", "h.cbz"]),
    ],
)
async def test_formats_by_kind(downloads: Path, kind: MediaKind, expected: list[str]) -> None:
    for name in (
        "a.mkv",
        "b.MP4",
        "c.webm",
        "d.flac",
        "e.mp3",
        "f.epub",
        "g.m4b",
        "h.cbz",
        "i.iso",
    ):
        write(downloads / name, 10)
    assert await chosen(downloads, kind) == expected


async def test_a_single_file_download(downloads: Path) -> None:
    file = write(downloads / "Dune.2021.mkv", 10)
    assert await chosen(file) == ["."]


async def test_symlinks_and_special_files_are_never_chosen(downloads: Path, tmp_path: Path) -> None:
    outside = write(tmp_path / "secret.mkv", 10)
    write(downloads / "real.mkv", 10)
    (downloads / "link.mkv").symlink_to(outside)
    (downloads / "dirlink").symlink_to(tmp_path)  # not walked into
    os.mkfifo(downloads / "fifo.mkv")
    assert await chosen(downloads) == ["real.mkv"]


@pytest.mark.parametrize(
    "name",
    [
        "setup.exe",
        "x.mkv.exe",
        "x.mkv .exe",
        "Movie\u202ekvm.exe",
        "run.BAT",
        "a.cmd",
        "a.scr",
        "a.lnk",
        "a.ps1",
        "a.vbs",
        "a.msi",
        "a.jar",
        "install.sh",
        "codec.com",
    ],
)
async def test_an_executable_anywhere_refuses_the_download(downloads: Path, name: str) -> None:
    write(downloads / "Movie.2020.mkv", 10)
    write(downloads / "deep" / "er" / name, 10)
    with pytest.raises(FileRefused) as caught:
        await chosen(downloads)
    assert caught.value.key == "failure.executable"
    assert caught.value.params["file"] == f"deep/er/{name}"


async def test_a_com_inside_a_name_is_not_an_executable(downloads: Path) -> None:
    write(downloads / "Show.COM.S01E01.mkv", 10)
    assert await chosen(downloads) == ["Show.COM.S01E01.mkv"]
