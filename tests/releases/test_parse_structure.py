"""Table tests for the episode part of a name: dates, specials, named seasons, paths, reversals."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.releases import parse

CASES: list[tuple[str, dict[str, Any]]] = [
    # reversed (obfuscated) names read backwards; the extension stays put
    ("40E30S.eltiT.wohS.mkv", {"title": "Show Title", "season": 3, "episodes": (4,)}),
    # air dates in the less common orders
    ("Night.Talk.2019.23.04.HDTV.x264-GRP", {"air_date": date(2019, 4, 23)}),
    ("Night_Talk_190423_720p_HDTV_x264-GRP",
     {"title": "Night Talk", "air_date": date(2019, 4, 23)}),
    ("Night Talk 2nd Apr 2021 720p (GRP)", {"title": "Night Talk", "air_date": date(2021, 4, 2)}),
    ("Night Talk E12 2021 04 02 1080p WEB H264-GRP", {"title": "Night Talk", "season": None}),
    # a six-digit date after an episode counter is not the episode's number
    ("Some Variety.E88.210404.720p-NEXT.mp4", {"season": 1, "episodes": (88,), "air_date": None}),
    # Turkish soaps put the episode before "Bölüm"
    ("Dizi Adi 12. Bölüm (04.05.2023) 1080p WEB-DL",
     {"title": "Dizi Adi", "absolute_episodes": (12,)}),
    # "x.5" specials neither count as an absolute number nor stay in the title
    ("[Grp] Show Name - 09.5 (S00E02) [1080p]", {"title": "Show Name", "absolute_episodes": ()}),
    ("[Grp] Show Name - 09.5.mkv", {"title": "Show Name", "absolute_episodes": ()}),
    # dated Japanese TV rips number episodes of a single season
    ("230101 Variety Name ep12.mp4", {"title": "Variety Name", "season": 1, "episodes": (12,)}),
    # seasons named by Roman numerals and words
    ("Show Saison IV FRENCH.DVDRip.XviD-GRP", {"title": "Show", "season": 4, "full_season": True}),
    ("Show Saison trois FRENCH.DVDRip.XviD-GRP", {"season": 3}),
    # "Part III" of a film: a film, not an episode
    ("Famous Film Part II.mkv", {"title": "Famous Film", "season": None, "episodes": ()}),
    ("Show.Name.Part.2.HDTV.XviD-GRP", {"season": 1, "episodes": (2,)}),
    # absolute numbers next to season/episode, ranges only after NxNN
    ("Show Name 101-103 s05e01-03", {"title": "Show Name", "absolute_episodes": (101, 102, 103)}),
    ("Show.Name.5x01-03.101-103-GRP", {"absolute_episodes": (101, 102, 103)}),
    ("5x09 - 100 [720p WEB-DL].mkv", {"season": 5, "episodes": (9,), "absolute_episodes": ()}),
    # an unclosed bracket is not part of the title
    ("Film Name (Some Director, 1977) [DVDRip]", {"title": "Film Name", "year": 1977}),
    # anime season suffix without its zero, years in brackets, bracketed ranges
    ("[Grp] Show Title S03 - 04 [1080p]", {"title": "Show Title S3", "absolute_episodes": (4,)}),
    ("[Grp][Show Title][2021][10-12][1080p]",
     {"title": "Show Title", "absolute_episodes": (10, 11, 12)}),
    # 5-digit episodes and "EP" markers
    ("Long Show - S44 E12345 - 2020-01-01",
     {"title": "Long Show", "season": 44, "episodes": (12345,)}),
    ("Show.S02EP03.1080p.WEB-DL-GRP", {"season": 2, "episodes": (3,)}),
    # an edition alone is evidence of a release name
    ("Film.Director.Cut.Eng.mkv", {"title": "Film", "edition": "Director's Cut"}),
    # site prefixes with country domains
    ("www.example.co.uk - Show.S01E02.720p.HDTV.x264-GRP", {"title": "Show"}),
    # languages listed with plus signs
    ("Film (2010) [1080p] [ENG+DE+IT]", {"languages": ("english", "german", "italian")}),
    ("Show - S01E01 [1080p][Eng-Subs]", {"languages": ()}),
]  # fmt: skip

PATHS: list[tuple[str, dict[str, Any]]] = [
    ("/tv/Show Name/Season 03/E07 - Episode Title.mkv",
     {"title": "Show Name", "season": 3, "episodes": (7,)}),
    ("/tv/Show Name/Season 2/Ep. 11 - Episode Title",
     {"title": "Show Name", "season": 2, "episodes": (11,)}),
    ("/tv/Show Name/S04E02 - Episode Title.mkv", {"title": "Show Name", "season": 4}),
    ("/tv/Show/Season 2/03. Show - Episode 3 - Title.mkv", {"season": 2, "episodes": (3,)}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "want"), CASES + PATHS, ids=[n for n, _ in CASES + PATHS])
def test_structure(name: str, want: dict[str, Any]) -> None:
    got = parse(name)
    assert got is not None
    assert {key: getattr(got, key) for key in want} == want
