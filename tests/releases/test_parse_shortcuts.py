"""Parser shortcuts (hints, gates, last-dot extension) never skip a match the full regex finds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core.releases import patterns as p
from core.releases.groups import _may_have_suffix

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "parser"
ODD = [
    "ſ01E02 Show", "Show.1x02.KEY", "Show - 05 [720p]", "Show.2024.12.01.ſt", "a.mkv 	",
    "x.Rakuv_1",
]  # fmt: skip


def _names() -> list[str]:
    names = list(ODD)
    for path in sorted(FIXTURES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            release = json.loads(line).get("release")
            if isinstance(release, str):
                names += [release, release.lower(), release.replace(".", " ")]
    return names


NAMES = _names()
# (full pattern, hint): wherever the full pattern matches, the hint matches at or before it.
HINTED = [
    (p.DAILY, p.DAILY_HINT),
    (p.SEASON_EPISODE, p.S_DIGIT),
    (p.ANIME_DASH, p.ANIME_DASH_HINT),
]


def test_the_corpus_is_large_enough_to_mean_something() -> None:
    assert len(NAMES) > 5000


@pytest.mark.parametrize(("full", "hint"), HINTED, ids=lambda x: str(x)[:30])
def test_a_hint_is_found_wherever_its_pattern_matches(
    full: re.Pattern[str], hint: re.Pattern[str]
) -> None:
    matched = 0
    for name in NAMES:
        found = full.search(name)
        if found is not None:
            matched += 1
            first = hint.search(name)
            assert first is not None and first.start() <= found.start(), name
    assert matched > 20


def test_cross_and_words_hints_precede_their_patterns() -> None:
    for name in NAMES:
        if (cross := p.CROSS_EPISODE.search(name)) is not None:
            hint = p.CROSS_HINT.search(name)
            assert hint is not None and hint.start() - 1 <= cross.start(), name
        if (words := p.SEASON_EPISODE_WORDS.search(name)) is not None:
            assert p.WORDS_HINT.search(name, words.start()) is not None, name


def test_the_extension_is_found_at_the_last_dot_exactly_as_by_search() -> None:
    for name in NAMES:
        want, got = p.EXTENSION.search(name), p.extension(name)
        assert (want and want.span()) == (got and got.span()), name


def test_the_suffix_gate_lets_through_every_name_with_a_suffix() -> None:
    hits = 0
    for name in [*NAMES, "Show.S01E01-NTb-xpost", "Show-GRP-Rakuv_a1", "Show-GRP [eztv]"]:
        if p.GROUP_SUFFIX.search(name):
            hits += 1
            assert _may_have_suffix(name), name
    assert hits > 10
