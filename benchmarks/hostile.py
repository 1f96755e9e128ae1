"""The hostile-input table: runs tests/hostile (rows of security.md §3) and summarises by row.

Each test is named `test_row_NN_…`; a collector plugin reads every outcome and prints, per row:
tests held, known holes (strict xfails, which flip when the fix lands), failures, and skips with
their reason. Rows with no test at all are listed with why. The fuzzing under tests/hostile/fuzz
runs too (as "fuzz"), with the Hypothesis profile of the environment (`HYPOTHESIS_PROFILE`).

Run: python -m benchmarks.hostile [extra pytest args]
"""

from __future__ import annotations

import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROWS = range(1, 78)
SECTIONS = [
    (1, 13, "A indexer/XML"), (14, 23, "B JSON peers"), (24, 31, "C network"),
    (32, 36, "D SSRF"), (37, 48, "E names/paths"), (49, 59, "F chat"),
    (60, 65, "G secrets"), (66, 69, "H keys"), (70, 77, "I import/store"),
]  # fmt: skip
_ROW = re.compile(r"test_row_(\d+)")


@dataclass
class Row:
    held: int = 0
    holes: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.failed:
            return "FAILED"
        if self.holes:
            return "hole (xfail)"
        if self.held:
            return "held"
        return "skipped"


class Collector:
    """A pytest plugin: outcome of each test, keyed by the row number in its name."""

    def __init__(self) -> None:
        self.rows: dict[int, Row] = defaultdict(Row)
        self.fuzz = Row()

    def pytest_runtest_logreport(self, report: Any) -> None:
        match = _ROW.search(report.nodeid)
        row = self.rows[int(match.group(1))] if match else self.fuzz
        if not match and "/fuzz/" not in report.nodeid:
            return
        if hasattr(report, "wasxfail"):
            if report.skipped:
                row.holes.append(str(report.wasxfail))
            else:
                row.failed.append(report.nodeid + " (XPASS: remove its xfail)")
        elif report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else "skipped"
            row.skipped.append(str(reason).removeprefix("Skipped: "))
        elif report.failed:
            row.failed.append(report.nodeid)
        elif report.passed and report.when == "call":
            row.held += 1


def section(number: int) -> str:
    return next(name for low, high, name in SECTIONS if low <= number <= high)


def main(argv: list[str]) -> int:
    collector = Collector()
    started = time.perf_counter()
    code = pytest.main(
        ["-q", "-p", "no:cacheprovider", "--no-header", "-o", "console_output_style=classic",
         str(ROOT / "tests" / "hostile"), *argv],
        plugins=[collector],
    )  # fmt: skip
    wall = time.perf_counter() - started
    print()
    print(f"{'row':>4}  {'section':<15} {'verdict':<13} {'held':>4} {'xfail':>5} {'skip':>4}  note")
    tried = held = holes = failed = 0
    skipped: list[tuple[int, str]] = []
    for number in ROWS:
        row = collector.rows.get(number)
        if row is None:
            skipped.append((number, "no test"))
            print(f"{number:>4}  {section(number):<15} {'no test':<13}")
            continue
        note = "; ".join(dict.fromkeys(row.failed + row.holes + row.skipped))[:110]
        print(
            f"{number:>4}  {section(number):<15} {row.verdict:<13} {row.held:>4} "
            f"{len(row.holes):>5} {len(row.skipped):>4}  {note}"
        )
        if row.verdict == "skipped":
            skipped.append((number, row.skipped[0] if row.skipped else "skipped"))
            continue
        tried += 1
        held += row.verdict == "held"
        holes += row.verdict == "hole (xfail)"
        failed += row.verdict == "FAILED"
    fuzz = collector.fuzz
    print(f"fuzz  {fuzz.held} properties held, {len(fuzz.failed)} failed (Hypothesis)")
    print()
    print(
        f"rows: {len(ROWS)} | tried {tried} | held {held} | known holes {holes} | "
        f"failed {failed} | skipped {len(skipped)} | wall {wall:.1f} s"
    )
    for number, why in skipped:
        print(f"  skipped row {number}: {why}")
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
