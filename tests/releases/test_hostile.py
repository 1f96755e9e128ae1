"""`parse` never raises and stays fast on hostile names."""

from __future__ import annotations

import pytest

from core.releases import parse

HOSTILE = [
    "",
    "\x00",
    "Series.S01E01\x00.720p.HDTV-GRP",
    "Series.S01E01.720p.HDTV-GRP" + "\x00" * 1000,
    "A" * 10_000,
    "Series." + "S01E01." * 1500 + "720p",
    "[" * 5000 + "]" * 5000,
    "(" * 3000 + "1080p" + ")" * 3000,
    "-" * 10_000,
    "1" * 10_000,
    ".".join(["2021"] * 2000),
    "Movie.2021.\u202e1080p.WEB-DL\u202c-GRP",
    "\u202eSeries.S01E01.720p.HDTV-GRP",
    "\ufeff\u200bSeries\u200b.S01E01",
    "Série.Ünïcödé.S01E01.1080p.WEB-DL-GRP",
    "\ud800broken surrogate S01E01",
    "../../../etc/passwd",
    "C:\\Windows\\System32\\S01E01.mkv",
    "%s%n%x{0}{}$(rm -rf)",
    "S99999E99999",
    "Series.S01E01-E99999.720p",
    "Anime - 1-99999999 [1080p]",
]


@pytest.mark.parametrize("name", HOSTILE, ids=range(len(HOSTILE)))
def test_parse_never_raises(name: str) -> None:
    result = parse(name)
    if result is not None:
        assert isinstance(result.title, str)
        assert len(result.episodes) <= 500
        assert len(result.absolute_episodes) <= 500


def test_control_characters_do_not_reach_the_title() -> None:
    parsed = parse("Series\x00Title\u202e.S01E01.720p.HDTV.x264-GRP")
    assert parsed is not None
    assert "\x00" not in parsed.title and "\u202e" not in parsed.title
    assert parsed.season == 1 and parsed.episodes == (1,)


def test_a_long_name_is_cut_not_rejected() -> None:
    parsed = parse("Series.Title.S01E02.720p.HDTV.x264-GRP." + "x" * 10_000)
    assert parsed is not None and parsed.episodes == (2,)
