"""Release groups without a dash, glued tracker tags, and episode numbers before the title."""

from __future__ import annotations

import pytest

from core.releases import parse

GROUPS = [
    ("Series.Title.S08E03.720p.WEB.DL.AAC2.0.H.264.KCRT", "KCRT"),
    ("After.the.Storm.2016.720p.YIFY", "YIFY"),
    ("Show.Name.S01E02.HDTV.XViD.Etc-Group", "Etc-Group"),
    ("Show.Name.S01E01.1080p.WEB-DL.H264.Fight-BB.mkv", "Fight-BB"),
    ("Foo's Bars (2009) S01E01 720p XviD-2HD[AOEU]", "2HD[AOEU]"),
    ("Series.S04E03.The.False.Bride.1080p.NF.WEB.DDP5.1.x264-NTb[rartv]", "NTb"),
    # Space-separated last words are not groups (Sonarr): "XviD LOL" may be a title word.
    ("Series 2009 S01E14 English HDTV XviD LOL", None),
    ("Series.Title.S01E01.720p.HDTV.x264.English", None),
    ("Hotel.Hell.S01E01.720p.DD5.1.448kbps-ALANiS", "ALANiS"),
]


@pytest.mark.parametrize(("name", "group"), GROUPS)
def test_release_group(name: str, group: str | None) -> None:
    parsed = parse(name)
    assert parsed is not None
    assert parsed.release_group == group


LEADING = [
    ("003-004. Show Name - Ep Name.avi", "Show Name", (3, 4), None),
    ("01 - Ep Name", "Ep Name", (1,), None),
    ("03-Criminal.Minds.avi", "Criminal Minds", (3,), None),
    ("[DeadFish] 12 - Tari Tari [BD][720p][AAC].mp4", "Tari Tari", (12,), "DeadFish"),
]


@pytest.mark.parametrize(("name", "title", "numbers", "group"), LEADING)
def test_episode_before_title(
    name: str, title: str, numbers: tuple[int, ...], group: str | None
) -> None:
    parsed = parse(name)
    assert parsed is not None
    assert (parsed.title, parsed.absolute_episodes, parsed.release_group) == (title, numbers, group)


@pytest.mark.parametrize(
    "name", ["007.Spectre.[HDTC.MD].[TRUEFRENCH]", "12.Monkeys.S01E12.FRENCH.BDRip.x264-VENUE.mkv"]
)
def test_leading_numbers_in_titles_stay(name: str) -> None:
    parsed = parse(name)
    assert parsed is not None
    assert parsed.title[:2].isdigit()
