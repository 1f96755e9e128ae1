"""Table tests for the fields `outpost parse --json` prints, one behaviour per row."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.releases import parse, quality_name

CASES: list[tuple[str, dict[str, Any]]] = [
    (
        "Dune.2021.2160p.WEB-DL.DDP5.1.Atmos.HDR.HEVC-FLUX",
        {"title": "Dune", "year": 2021, "resolution": 2160, "source": "webdl", "codec": "h265",
         "release_group": "FLUX", "season": None, "episodes": ()},
    ),
    (
        "Series.Title.S02E05.720p.HDTV.x264-LOL",
        {"title": "Series Title", "season": 2, "episodes": (5,), "resolution": 720,
         "source": "tv", "codec": "h264", "release_group": "LOL", "full_season": False},
    ),
    (
        "Series.Title.S01E01-E03.1080p.WEBRip.x265-GRP",
        {"season": 1, "episodes": (1, 2, 3), "source": "webrip", "resolution": 1080},
    ),
    (
        "Series.Title.2010.S03.1080p.BluRay.REMUX.AVC.DTS-HD.MA.5.1-EPSiLON",
        {"title": "Series Title", "year": 2010, "season": 3, "full_season": True,
         "modifier": "remux", "source": "bluray", "release_group": "EPSiLON"},
    ),
    (
        "[SubsPlease] Anime Title - 1071 (1080p) [ABCD1234].mkv",
        {"title": "Anime Title", "absolute_episodes": (1071,), "release_group": "SubsPlease",
         "resolution": 1080, "season": None},
    ),
    (
        "The.Daily.Show.2024.03.14.Guest.Name.720p.WEB.h264-EDITH",
        {"title": "The Daily Show", "air_date": date(2024, 3, 14), "source": "webdl"},
    ),
    (
        "Movie.Title.1999.REPACK.PROPER.1080p.BluRay.x264-GRP",
        {"proper": True, "repack": True, "version": 2, "year": 1999},
    ),
    ("[Group] Anime - 05v3 [720p]", {"absolute_episodes": (5,), "version": 3}),
    (
        "Movie.Title.2010.Directors.Cut.1080p.BluRay.x264-GRP",
        {"edition": "Director's Cut", "title": "Movie Title"},
    ),
    (
        "Movie.Title.2019.MULTi.TRUEFRENCH.1080p.WEB-DL.x264-GRP",
        {"languages": ("french",)},
    ),
    ("Series.Title.S01E01.Latino.1080p.WEB.H264-GRP", {"languages": ("spanish_latino",)}),
    ("Movie.2004.1080p.BluRay.AVC.BR-DISK-GRP", {"modifier": "brdisk", "source": "bluray"}),
    ("Series.Title.S01E01.1080i.HDTV.MPEG2-GRP", {"modifier": "rawhd", "resolution": 1080}),
    ("Movie.Title.2023.HDCAM.x264-GRP", {"source": "cam"}),
    ("Movie.Title.2023.TELESYNC.x264-GRP", {"source": "telesync"}),
    ("Movie.Title.2023.DVDRip.XviD-GRP", {"source": "dvd", "codec": "xvid"}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_parse_fields(name: str, expected: dict[str, Any]) -> None:
    parsed = parse(name)
    assert parsed is not None
    got = {key: getattr(parsed, key) for key in expected}
    assert got == expected


@pytest.mark.parametrize(
    ("name", "quality"),
    [
        ("Movie.2021.2160p.UHD.BluRay.REMUX.HDR.HEVC-GRP", "bluray-2160p-remux"),
        ("Movie.2021.1080p.BluRay.x264-GRP", "bluray-1080p"),
        ("Series.S01E01.1080p.WEB-DL.DDP5.1.H.264-GRP", "webdl-1080p"),
        ("Series.S01E01.720p.HDTV.x264-GRP", "hdtv-720p"),
        ("Series.S01E01.HDTV.XviD-GRP", "sdtv"),
        ("Movie.2001.DVDRip.XviD-GRP", "dvd"),
        ("Movie.2001.CAM.x264-GRP", "cam"),
        ("Movie.Title.2001", "unknown"),
    ],
)
def test_quality_name(name: str, quality: str) -> None:
    parsed = parse(name)
    assert parsed is not None
    assert quality_name(parsed) == quality


@pytest.mark.parametrize(
    "name",
    ["", "   ", "THIS SHOULD NEVER PARSE", "ba27283b17c00d01193eacc02a8ba98eeb523a76", "abc.mkv"],
)
def test_not_a_release_name(name: str) -> None:
    assert parse(name) is None
