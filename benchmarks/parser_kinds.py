"""Field accuracy and rate of the per-kind parsers (music, books, audiobooks, anime).

Cases are real release names with expected fields in tests/fixtures/parser_kinds (see its
README). Only the fields a case asserts are scored. Each case is in the "tune" split (failures
were looked at while writing the parsers) or the "holdout" split (never looked at); both are
reported, and the table is over all of them.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from core.releases.anime import parse_anime
from core.releases.books import parse_audiobook, parse_book
from core.releases.matching import normalize_title
from core.releases.music import parse_music
from core.releases.parsing import parse

KINDS_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "parser_kinds"
PARSERS: dict[str, Callable[[str], Any]] = {
    "music": parse_music,
    "book": parse_book,
    "audiobook": parse_audiobook,
    "anime": parse_anime,
}
_TEXT = frozenset({"artist", "album", "title", "narrator", "release_group"})
_PEOPLE = frozenset({"artist", "author", "narrator"})


def load_kind(kind: str) -> list[dict[str, Any]]:
    path = KINDS_DIR / f"{kind}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _read(got: Any, key: str) -> Any:
    if key == "title" and hasattr(got, "absolute_episodes"):
        return (got.title, f"{got.title} {got.year}") if got.year else (got.title,)
    if key == "quality":
        return got.quality.name
    if key == "format" and hasattr(got, "quality") and not isinstance(got.format, str | None):
        return got.quality.codec
    return getattr(got, key)


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in (normalize_title(p) for p in text.replace(",", " ").split()) if w)


def _same(key: str, want: Any, got: Any) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if key in _PEOPLE:
        return _words(str(want)) == _words(str(got))
    if key in _TEXT:
        return normalize_title(str(want)) == normalize_title(str(got))
    if key == "title_year":  # Sonarr's anime titles keep the year: "Series Title (2014)"
        return normalize_title(str(want)) in {normalize_title(t) for t in got}
    if isinstance(want, list):
        return list(got) == want
    return bool(want == got)


def kind_checks(case: dict[str, Any], got: Any) -> Iterator[tuple[str, bool]]:
    """(field, correct) for each field the case asserts."""
    expect = case["expect"]
    if "parsed" in expect:
        yield "parsed", (got is not None) == expect["parsed"]
        if not expect["parsed"]:
            return
    for key, want in expect.items():
        if key != "parsed":
            read = _read(got, key) if got is not None else None
            same = "title_year" if isinstance(read, tuple) and key == "title" else key
            yield key, got is not None and _same(same, want, read)


def score_kind(kind: str, split: str | None = None) -> tuple[Counter[str], Counter[str], list[Any]]:
    parse = PARSERS[kind]
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    failures = []
    for case in load_kind(kind):
        if split is not None and case["split"] != split:
            continue
        got = parse(case["release"])
        for name, ok in kind_checks(case, got):
            total[name] += 1
            correct[name] += ok
            if not ok:
                failures.append((name, case, got))
    return correct, total, failures


def _rate(kind: str) -> float:
    parse = PARSERS[kind]
    names = [c["release"] for c in load_kind(kind)]
    times = []
    for _ in range(7):
        start = time.perf_counter()
        for name in names:
            parse(name)
        times.append(time.perf_counter() - start)
    return len(names) / statistics.median(times)


def report() -> None:
    """One table: names, accuracy per field and overall, and names/s, per kind."""
    print(f"\n{'kind':<10}{'names':>6}  {'field':<18}{'correct/total':>15}{'%':>8}")
    for kind in PARSERS:
        correct, total, _ = score_kind(kind)
        names = len(load_kind(kind))
        for field in sorted(total, key=lambda f: -total[f]):
            share = 100 * correct[field] / total[field]
            counts = f"{correct[field]:>7}/{total[field]:<7}"
            print(f"{kind:<10}{names:>6}  {field:<18}{counts}{share:>8.1f}")
        print(f"{kind:<10}{names:>6}  {'overall':<18}{_overall(correct, total)}")
        for split in ("tune", "holdout"):
            c, t, _ = score_kind(kind, split)
            print(f"{kind:<10}{'':>6}  {'  ' + split:<18}{_overall(c, t)}")
        bare = _bare_rate(kind)
        rate = _rate(kind)
        baseline = f"(film/series parse() on them {bare:,.0f}/s, ratio {rate / bare:.2f})"
        print(f"{kind:<10}{'':>6}  {'names/s':<18}{rate:>15,.0f}   {baseline}")


def _bare_rate(kind: str) -> float:
    """The film and series parser over the same names, measured in the same run."""
    names = [c["release"] for c in load_kind(kind)]
    times = []
    for _ in range(7):
        start = time.perf_counter()
        for name in names:
            parse(name)
        times.append(time.perf_counter() - start)
    return len(names) / statistics.median(times)


def _overall(correct: Counter[str], total: Counter[str]) -> str:
    ok, of = sum(correct.values()), sum(total.values())
    return f"{ok:>7}/{of:<7}{100 * ok / of if of else 0:>8.1f}"


def print_failures(kind: str, field: str | None = None) -> None:
    for name, case, got in score_kind(kind, "tune")[2]:
        if field is None or name == field:
            print(f"{name}: {case['release']!r}\n  want {case['expect']}\n  got  {got}")
