"""Fixtures for release tests: the upstream parser cases, scored once per session."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from benchmarks.parser_accuracy import checks, load_cases
from core.releases import parse


@pytest.fixture(scope="session")
def group_scores() -> dict[str, tuple[int, int]]:
    """Per case file: (correct field checks, total field checks)."""
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    cases: list[dict[str, Any]] = load_cases()
    for case in cases:
        for _field, ok in checks(case, parse(case["release"])):
            total[case["group"]] += 1
            correct[case["group"]] += ok
    return {group: (correct[group], total[group]) for group in total}


@pytest.fixture(scope="session")
def field_scores() -> dict[str, tuple[int, int]]:
    """Per field over all cases: (correct, total)."""
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for case in load_cases():
        for name, ok in checks(case, parse(case["release"])):
            total[name] += 1
            correct[name] += ok
    return {name: (correct[name], total[name]) for name in total}
