"""Field-by-field accuracy of core.releases.parse on upstream cases, and its rate in names/s.

Run as `python -m benchmarks.parser_accuracy [--failures FIELD | --failures KIND:FIELD]`.
Cases are the Sonarr and guessit expectations copied into tests/fixtures/parser (see
tests/fixtures/PROVENANCE.md).
Only fields a case asserts are scored. Skipped on purpose: guessit cases run with options
(`guessit_options`) or written as counter-examples (`negated`), guessit's per-rule fragments
(rules/*.yml, not release names), and fields we do not produce (episode titles, audio, CRC,
subtitle languages, scene flags, special/partial-season flags, REAL counts).
The per-kind table (music, books, audiobooks, anime) follows, from benchmarks.parser_kinds.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from benchmarks import parser_kinds
from core.domain import MediaKind, ParsedRelease, Protocol, Release
from core.releases import Wanted, parse, rank
from core.releases.matching import is_episodic, normalize_title
from core.releases.patterns import SEASON_EPISODE

CASES_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "parser"
Check = tuple[str, bool]

# Sonarr quality name -> (source, resolution, modifier) in our vocabulary.
SONARR_QUALITY: dict[str, tuple[str, int | None, str | None]] = {
    "SDTV": ("tv", 480, None),
    "DVD": ("dvd", 480, None),
    "Raw-HD": ("tv", 1080, "rawhd"),
    "Unknown": ("unknown", None, None),
    "Bluray-1080p Remux": ("bluray", 1080, "remux"),
    "Bluray-2160p Remux": ("bluray", 2160, "remux"),
}
_SONARR_SOURCE = {"WEBDL": "webdl", "WEBRip": "webrip", "HDTV": "tv", "Bluray": "bluray"}
GUESSIT_SOURCE = {
    "blu-ray": "bluray", "ultra hd blu-ray": "bluray", "hd-dvd": "bluray", "dvd": "dvd",
    "hdtv": "tv", "ultra hdtv": "tv", "tv": "tv", "digital tv": "tv", "satellite": "tv",
    "pay-per-view": "tv", "camera": "cam", "hd camera": "cam", "telesync": "telesync",
    "hd telesync": "telesync", "telecine": "telecine", "hd telecine": "telecine",
}  # fmt: skip
GUESSIT_CODEC = {
    "h.264": "h264", "h.265": "h265", "xvid": "xvid", "divx": "divx", "mpeg-2": "mpeg2",
    "vc-1": "vc1", "av1": "av1", "vp9": "vp9",
}  # fmt: skip
GUESSIT_LANGUAGE = {
    "english": "english", "en": "english", "french": "french", "fr": "french",
    "german": "german", "de": "german", "spanish": "spanish", "es": "spanish",
    "italian": "italian", "it": "italian", "japanese": "japanese", "ja": "japanese",
    "portuguese": "portuguese", "pt": "portuguese", "pt-br": "portuguese_brazil",
    "russian": "russian", "ru": "russian", "dutch": "dutch", "nl": "dutch",
    "polish": "polish", "pl": "polish", "chinese": "chinese", "zh": "chinese",
    "korean": "korean", "ko": "korean", "swedish": "swedish", "sv": "swedish",
    "hungarian": "hungarian", "hu": "hungarian", "greek": "greek", "el": "greek",
    "hebrew": "hebrew", "he": "hebrew", "czech": "czech", "cs": "czech",
    "turkish": "turkish", "tr": "turkish", "catalan": "catalan", "ca": "catalan",
    "danish": "danish", "da": "danish", "finnish": "finnish", "fi": "finnish",
    "norwegian": "norwegian", "no": "norwegian", "ukrainian": "ukrainian", "uk": "ukrainian",
    "arabic": "arabic", "ar": "arabic", "hindi": "hindi", "hi": "hindi",
}  # fmt: skip


def load_cases(directory: Path = CASES_DIR) -> list[dict[str, Any]]:
    """Every case we score, tagged with its group (the file name without extension)."""
    cases = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            if case.get("guessit_options") or case.get("negated"):
                continue
            case["group"] = path.stem
            cases.append(case)
    return cases


def checks(case: dict[str, Any], got: ParsedRelease | None) -> list[Check]:
    """(field, correct) for each field the case asserts and we produce."""
    expect = case["expect"]
    if case["source"] == "sonarr":
        return list(_sonarr(expect, got))
    return list(_guessit(expect, got))


def _sonarr(e: dict[str, Any], got: ParsedRelease | None) -> Iterator[Check]:
    if "parsed" in e:
        yield "parsed", (got is not None) == e["parsed"]
        if not e["parsed"]:
            return
    if "title" in e:
        yield "title", got is not None and _title_ok(e["title"], got)
    if "title_without_year" in e:
        yield "title", got is not None and _same_title(e["title_without_year"], got.title)
    yield from _compare(e, got, "year", lambda g: g.year)
    if isinstance(e.get("season"), int):
        yield "season", got is not None and (got.season or 0) == e["season"]
    yield from _episode_fields(e, got)
    if e.get("quality") is not None:
        yield from _quality(_sonarr_quality(e["quality"]), got)
    yield from _compare(e, got, "version", lambda g: g.version)
    yield from _compare(e, got, "repack", lambda g: g.repack)
    if "proper" in e:
        yield "proper", got is not None and (got.version > 1) == e["proper"]
    yield from _compare(e, got, "release_group", lambda g: g.release_group)
    yield from _languages(e, got)


def _episode_fields(e: dict[str, Any], got: ParsedRelease | None) -> Iterator[Check]:
    yield from _compare(e, got, "episodes", lambda g: list(g.episodes))
    yield from _compare(e, got, "absolute_episodes", lambda g: list(g.absolute_episodes))
    yield from _compare(e, got, "full_season", lambda g: g.full_season)
    yield from _compare(e, got, "air_date", lambda g: g.air_date and g.air_date.isoformat())


def _compare(
    e: dict[str, Any], got: ParsedRelease | None, key: str, read: Callable[[ParsedRelease], Any]
) -> Iterator[Check]:
    if key in e:
        yield key, got is not None and read(got) == e[key]


def _sonarr_quality(name: str) -> tuple[str, int | None, str | None]:
    if name in SONARR_QUALITY:
        return SONARR_QUALITY[name]
    source, res = name.split("-")
    return _SONARR_SOURCE[source], int(res.rstrip("p")), None


def _quality(
    want: tuple[str | None, int | None, str | None], got: ParsedRelease | None
) -> Iterator[Check]:
    if want[0] is not None:
        yield "source", got is not None and got.source == want[0]
    yield "resolution", got is not None and got.resolution == want[1]
    if want[0] is not None:
        yield "modifier", got is not None and got.modifier == want[2]


def _languages(e: dict[str, Any], got: ParsedRelease | None) -> Iterator[Check]:
    ours = set(got.languages or ("unknown",)) if got is not None else set()
    if "languages" in e:
        yield "languages", ours == set(e["languages"])
    if "languages_include" in e:
        yield "languages", set(e["languages_include"]) <= ours


def _title_ok(expected: str, got: ParsedRelease) -> bool:
    with_year = f"{got.title} {got.year}" if got.year else got.title
    return _same_title(expected, got.title) or _same_title(expected, with_year)


def _same_title(expected: str, title: str) -> bool:
    return normalize_title(expected) == normalize_title(title)


def _guessit(e: dict[str, Any], got: ParsedRelease | None) -> Iterator[Check]:
    if "title" in e:
        yield "title", got is not None and _same_title(e["title"], got.title)
    yield from _compare(e, got, "year", lambda g: g.year)
    if isinstance(e.get("season"), int):
        yield "season", got is not None and got.season == e["season"]
    if "episodes" in e:
        yield "episodes", got is not None and _guessit_episodes(e, got)
    yield from _compare(e, got, "absolute_episodes", lambda g: list(g.absolute_episodes))
    yield from _compare(e, got, "air_date", lambda g: g.air_date and g.air_date.isoformat())
    if "type" in e:
        yield "kind", got is not None and is_episodic(got) == (e["type"] == "episode")
    yield from _guessit_quality(e, got)
    yield from _guessit_misc(e, got)


def _guessit_episodes(e: dict[str, Any], got: ParsedRelease) -> bool:
    """guessit calls an anime's absolute number "episode" when no season is named."""
    want = e["episodes"]
    if list(got.episodes) == want:
        return True
    return "season" not in e and not got.episodes and list(got.absolute_episodes) == want


def _guessit_quality(e: dict[str, Any], got: ParsedRelease | None) -> Iterator[Check]:
    res = e.get("resolution")
    if isinstance(res, str) and re.fullmatch(r"\d{3,4}[pi]", res):
        value = int(res[:-1])
        value = 480 if value in (360, 540) else value
        yield "resolution", got is not None and got.resolution == value
    source = e.get("source")
    if isinstance(source, str) and source.lower() in GUESSIT_SOURCE | {"web": ""}:
        want = GUESSIT_SOURCE.get(source.lower()) or _web_kind(e)
        yield "source", got is not None and got.source == want
    codec = e.get("video_codec")
    if isinstance(codec, str) and codec.lower() in GUESSIT_CODEC:
        yield "codec", got is not None and got.codec == GUESSIT_CODEC[codec.lower()]


def _web_kind(e: dict[str, Any]) -> str:
    other = e.get("other")
    others = other if isinstance(other, list) else [other]
    return "webrip" if "Rip" in others else "webdl"


def _guessit_misc(e: dict[str, Any], got: ParsedRelease | None) -> Iterator[Check]:
    if isinstance(e.get("release_group"), str):
        yield "release_group", got is not None and got.release_group == e["release_group"]
    if "edition" in e:
        want = e["edition"] if isinstance(e["edition"], list) else [e["edition"]]
        ours = set(got.edition.split(", ")) if got is not None and got.edition else set()
        yield "edition", ours == set(want)
    if "proper_count" in e:
        yield "proper", got is not None and (got.proper or got.repack) == (e["proper_count"] > 0)
    yield from _compare(e, got, "version", lambda g: g.version)
    yield from _guessit_languages(e, got)


def _guessit_languages(e: dict[str, Any], got: ParsedRelease | None) -> Iterator[Check]:
    want = e.get("languages")
    if want is None:
        return
    want = want if isinstance(want, list) else [want]
    mapped = {GUESSIT_LANGUAGE.get(str(x).lower()) for x in want}
    if None not in mapped:
        yield "languages", got is not None and set(got.languages) == mapped


def score(cases: Iterable[dict[str, Any]]) -> tuple[Counter[str], Counter[str], list[Any]]:
    """Per-field (correct, total) counters and the list of failures."""
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    failures = []
    for case in cases:
        got = parse(case["release"])
        for name, ok in checks(case, got):
            total[name] += 1
            correct[name] += ok
            if not ok:
                failures.append((name, case, got))
    return correct, total, failures


def _rate(func: Callable[[str], object], names: list[str], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for name in names:
            func(name)
        times.append(time.perf_counter() - start)
    return len(names) / statistics.median(times)


def _report_rates(cases: list[dict[str, Any]]) -> None:
    names = [c["release"] for c in cases]
    bare = _rate(SEASON_EPISODE.search, names, 5)
    ours = _rate(parse, names, 5)
    print(f"\nrate: parse {ours:,.0f} names/s over {len(names)} names")
    print(
        f"  bare re pass (one compiled regex): {bare:,.0f} names/s; parse/bare = {ours / bare:.3f}"
    )
    _report_rank(names[:1000])
    try:
        import guessit
    except ImportError:
        return
    sample = names[:: max(1, len(names) // 100)][:100]
    slow = _rate(guessit.guessit, sample, 1)
    ours_sample = _rate(parse, sample, 5)
    print(f"  guessit on {len(sample)} names: {slow:,.0f} names/s -> parse is "
          f"{ours_sample / slow:,.0f}x faster")  # fmt: skip


def _report_rank(names: list[str]) -> None:
    """One search's worth of releases: ranking cost against parsing the same titles."""
    releases = [
        Release(n, "bench", Protocol.TORRENT, str(i), size=(i % 40 + 1) * 2**28, seeders=i % 50)
        for i, n in enumerate(names)
    ]
    wanted = Wanted(MediaKind.SERIES, "Series Title", season=1, episode=1)
    times = {"parse": [], "rank": []}  # type: dict[str, list[float]]
    for _ in range(5):
        for label, run in (("parse", lambda: [parse(n) for n in names]),
                           ("rank", lambda: rank(releases, wanted))):  # fmt: skip
            start = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - start)
    parse_s, rank_s = (statistics.median(times[k]) for k in ("parse", "rank"))
    print(f"  rank() of {len(names)} releases: {rank_s * 1000:.0f} ms "
          f"({rank_s / parse_s:.2f}x parsing them alone)")  # fmt: skip


def main(argv: list[str]) -> None:
    cases = load_cases()
    correct, total, failures = score(cases)
    print(f"{'field':<18}{'correct/total':>15}{'%':>8}")
    for name in sorted(total, key=lambda n: -total[n]):
        share = 100 * correct[name] / total[name]
        print(f"{name:<18}{correct[name]:>7}/{total[name]:<7}{share:>8.1f}")
    overall = 100 * sum(correct.values()) / sum(total.values())
    print(f"{'overall':<18}{sum(correct.values()):>7}/{sum(total.values()):<7}{overall:>8.1f}")
    for source in ("sonarr", "guessit"):
        checked = [c for c in cases if c["source"] == source]
        sub_correct, sub_total, _ = score(checked)
        share = 100 * sum(sub_correct.values()) / sum(sub_total.values())
        ok, of = sum(sub_correct.values()), sum(sub_total.values())
        print(f"  {source + ' cases':<16}{ok:>7}/{of:<7}{share:>8.1f}   ({len(checked)} cases)")
    if len(argv) > 1 and argv[0] == "--failures" and ":" in argv[1]:
        kind, _, field = argv[1].partition(":")  # "--failures music:album"
        parser_kinds.print_failures(kind, field or None)
        return
    if len(argv) > 1 and argv[0] == "--failures":
        for name, case, got in failures:
            if name == argv[1]:
                print(f"{case['group']}: {case['release']!r}")
                print(f"  want {case['expect']}\n  got  {got}")
        return
    _report_rates(cases)
    parser_kinds.report()


if __name__ == "__main__":
    main(sys.argv[1:])
