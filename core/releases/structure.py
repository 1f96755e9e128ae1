"""The episode part of a release name (season, episodes, absolute numbers, air date, year)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.releases import patterns as p

_NUMBER = re.compile(r"\d+")
_REPEATED_SEASON = re.compile(r"S\d+|(?<=[-_. ])\d+(?=x)", re.IGNORECASE)
_RANGE = re.compile(r"\d\s*[-~]\s*(?:Ep|E|x)?\d", re.IGNORECASE)
_EPISODE_AFTER_PACK = re.compile(
    r"[-_. ]{0,3}(?:Episode|Ep|E)[-_. ]?"
    r"(?P<eps>\d{1,5}(?:[-_. ]{0,3}-[-_. ]{0,3}(?:Ep|E)?\d{1,5})?)",
    re.IGNORECASE,
)
# "Title - 05 - S01E05", "Title 313-315 s16e03-05": absolute numbers before season/episode.
_ABS_BEFORE = re.compile(
    r"(?:\s-\s+|[\s._](?=\d{2,4}-\d{2,4}[\s._]*$))(\d{2,4})(?:-(\d{2,4}))?(\.5)?"
    r"\s*(?:-\s*|\(\s*)?$"
)
_ROMAN = {"I": 1, "V": 5, "X": 10}
_WORDS = {
    **dict.fromkeys(("one", "un"), 1), **dict.fromkeys(("two", "deux"), 2),
    **dict.fromkeys(("three", "trois"), 3), **dict.fromkeys(("four", "quatre"), 4),
    **dict.fromkeys(("five", "cinq"), 5), "six": 6, **dict.fromkeys(("seven", "sept"), 7),
    **dict.fromkeys(("eight", "huit"), 8), **dict.fromkeys(("nine", "neuf"), 9),
    **dict.fromkeys(("ten", "dix"), 10),
}  # fmt: skip
_MAX_RANGE = 400  # "01-119" anime batches are real; "1-9999" is not
_DAILY_FORMS = ("", "2", "3", "4", "5", "6", "7")
_COUNTER_BEFORE = re.compile(r"[-_. ]E\d{1,4}[-_. ]$", re.IGNORECASE)


@dataclass(slots=True)  # not frozen: a frozen __init__ costs four times as much
class Structure:
    """Where the title ends and what the episode part of the name says (never mutated)."""

    start: int
    end: int
    season: int | None = None
    episodes: tuple[int, ...] = ()
    absolute: tuple[int, ...] = ()
    air_date: date | None = None
    full_season: bool = False
    year: int | None = None
    reject: bool = False
    part: int | None = None  # "Part III" of a film
    special: bool = False  # "Title - 12.5": an episode between numbered ones


def find_structure(text: str, start: int, *, anime: bool) -> Structure:
    """Try each structural pattern in order; the first that matches decides."""
    first = [
        f
        for f in (
            _season_episode(text, start),
            _cross_episode(text, start),
            _daily(text, start),
            _season_episode_words(text, start),
            _episode_before_word(text, start),
        )
        if f
    ]
    if first:
        return min(first, key=lambda found: found.start)
    lower = p.folded(text)
    found = (
        _anime_dash(text, start)
        or _season_pack(text, start, lower)
        or _season_named(text, start, lower)
        or _episode_word(text, start)
    )
    if found is None:
        found = _anime_tail(text, start) if anime else _tail(text, start, lower)
    if found is not None:
        return _after_year(text, found, lower) if found.year and not anime else found
    return Structure(start=_title_stop(text, start), end=_title_stop(text, start))


def _tail(text: str, start: int, lower: str | None) -> Structure | None:
    return (
        _year(text, start)
        or _three_digit(text, start)
        or _part(text, start, lower)
        or _bracket_number(text, start)
        or _short_number(text, start)
    )


def _anime_tail(text: str, start: int) -> Structure | None:
    return _bracket_number(text, start) or _plain_number(text, start) or _year(text, start)


def _after_year(text: str, year: Structure, lower: str | None) -> Structure:
    """ "series.2009.416.hdtv", "Show 2012 Part 1": an episode right after the year."""
    found = _three_digit(text, year.end)
    if found is None or found.start > year.end + 1:
        found = _part(text, year.end, lower)
    if found is not None and found.start <= year.end + 1:
        return Structure(year.start, found.end, found.season, found.episodes, year=year.year)
    return year


def _title_stop(text: str, start: int) -> int:
    match = p.TITLE_STOP.search(text, start + 1)
    return match.start() if match else len(text)


def _numbers(first: int, last: int | None) -> tuple[int, ...]:
    """`first` to `last` inclusive; `first` alone for no range, a backward or a huge one."""
    if last is None or last <= first or last - first > _MAX_RANGE:
        return (first,)
    return tuple(range(first, last + 1))


def _episode_list(spec: str) -> tuple[int, ...]:
    """ "E01E02" -> (1, 2); "E01-E03" or "E01-03" -> (1, 2, 3)."""
    spec = _REPEATED_SEASON.sub("", spec)
    numbers = [int(n) for n in _NUMBER.findall(spec)]
    if len(numbers) == 2 and _RANGE.search(spec):
        return _numbers(numbers[0], numbers[1])
    return tuple(dict.fromkeys(numbers))


def _season_episode(text: str, start: int) -> Structure | None:
    hint = p.S_DIGIT.search(text, start)
    match = p.SEASON_EPISODE.search(text, hint.start()) if hint is not None else None
    if match is None or match.start() < start:
        return None
    end = match.end()
    absolute = _absolute_after(text, match)
    before = _absolute_before(text, start, match.start())
    return Structure(
        start=before[0] if before else match.start(),
        end=end,
        season=int(match.group("season")),
        episodes=_episode_list(match.group("eps")),
        absolute=absolute or (before[1] if before else ()),
    )


def _absolute_before(text: str, start: int, se_start: int) -> tuple[int, tuple[int, ...]] | None:
    """ "[Grp] Title - 05 - S01E05": an absolute number just before the season/episode."""
    window = text[start:se_start]
    match = _ABS_BEFORE.search(window)
    if match is None or 1900 <= int(match.group(1)) <= 2099:
        return None
    # "Title - 05.5 - S00E01": a special between episodes, numbered by its season/episode only
    if match.group(3):
        return start + match.start(), ()
    return start + match.start(), span(match.group(1), match.group(2))


def span(first: str, last: str | None) -> tuple[int, ...]:
    """`_numbers` from a name's digits; an empty or missing `last` means no range."""
    return _numbers(int(first), _opt(last))


def _opt(value: str | None) -> int | None:
    return int(value) if value else None


def _cross_episode(text: str, start: int) -> Structure | None:
    hint = p.CROSS_HINT.search(text, start)
    match = p.CROSS_EPISODE.search(text, max(start, hint.start() - 1)) if hint else None
    if match is None:
        return None
    episodes = _episode_list(match.group("eps"))
    season = int(match.group("season"))
    # "1x03 - 274" is an episode title; only a range ("16x03-05 313-315") reads as absolute
    absolute = _absolute_after(text, match)
    return Structure(match.start(), match.end(), season, episodes, absolute[1:] and absolute)


def _absolute_after(text: str, match: re.Match[str]) -> tuple[int, ...]:
    """ "S16E03-05 - 313-315", "16x03-05 313-315": absolute numbers after season/episode."""
    after = p.ABS_AFTER_SE.match(text, match.end())
    if after is None or 1900 <= int(after.group("abs")) <= 2099:
        return ()
    return span(after.group("abs"), after.group("absend"))


def _season_episode_words(text: str, start: int) -> Structure | None:
    if p.WORDS_HINT.search(text, start) is None:
        return None
    match = p.SEASON_EPISODE_WORDS.search(text, start)
    if match is None:
        return None
    episodes = _episode_list(match.group("eps"))
    return Structure(match.start(), match.end(), int(match.group("season")), episodes)


def _daily(text: str, start: int) -> Structure | None:
    hint = p.DAILY_HINT.search(text, start)  # no DAILY match can start before it
    match = p.DAILY.search(text, hint.start()) if hint is not None else None
    if match is None:
        return None
    suffix = next(i for i in _DAILY_FORMS if match.group("y" + i))
    y, m, d = (match.group(k + suffix) for k in "ymd")
    month = int(m) if m.isdigit() else p.MONTHS.index(m[:3].lower()) + 1
    try:
        aired = date(int(y) + (2000 if len(y) == 2 else 0), month, int(d))
    except ValueError:
        return None
    # "Show E76 2024 08 08": an episode counter before the date is not part of the title
    counter = _COUNTER_BEFORE.search(text, start, match.start())
    if counter is not None and suffix == "6":
        return None  # "Show.E56.190121.720p-NEXT": Korean TV, the episode counts, not the date
    begin = counter.start() if counter is not None and counter.start() > start else match.start()
    # Sonarr's rule: no daily show aired before 1951; such a date is a title or a mistake.
    return Structure(begin, match.end(), air_date=aired, reject=aired.year < 1951)


def _episode_before_word(text: str, start: int) -> Structure | None:
    lower = text.lower()
    if "bolum" not in lower and "blm" not in lower and "bölüm" not in lower:
        return None
    match = p.EPISODE_BEFORE_WORD.search(text, start)
    if match is None or match.start() <= start:
        return None
    return Structure(match.start(), match.end(), absolute=(int(match.group("abs")),))


def _anime_dash(text: str, start: int) -> Structure | None:
    hint = p.ANIME_DASH_HINT.search(text, start)
    match = p.ANIME_DASH.search(text, hint.start()) if hint is not None else None
    if match is None:
        return None
    first = int(match.group("abs"))
    if 1900 <= first <= 2099 and match.group("abs").startswith(("19", "20")):
        return None
    if match.group("half"):  # "12.5": a special between episodes, not an absolute number
        return Structure(match.start(), match.end(), special=True)
    chain = [int(n) for n in _NUMBER.findall(match.group("chain"))]
    numbers = _numbers(first, chain[0]) if len(chain) == 1 else (first, *chain)
    return Structure(match.start(), match.end(), absolute=numbers)


_PACK_WORDS = ("season", "saison", "tem", "stagione", "staffel", "seizoen")


def _season_pack(text: str, start: int, lower: str | None) -> Structure | None:
    if lower is not None and not p.S_DIGIT.search(text, start):
        if not any(word in lower for word in _PACK_WORDS):
            return None
    match = p.SEASON_PACK.search(text, start)
    if match is None or match.start() <= start:
        return None
    season = int(match.group("s1") or match.group("s2"))
    cap = p.CAP_EPISODE.search(text, match.end())
    if cap is not None:  # Spanish "Temporada 2 [Cap.201]": season 2, episode 1
        last = int(cap.group("e2")) if cap.group("e2") else None
        episodes = _numbers(int(cap.group("e")), last)
        return Structure(match.start(), match.end(), int(cap.group("s")), episodes)
    episode = _EPISODE_AFTER_PACK.match(text, match.end())
    if episode is not None:
        episodes = _episode_list(episode.group("eps"))
        return Structure(match.start(), episode.end(), season=season, episodes=episodes)
    return Structure(match.start(), match.end(), season=season, full_season=True)


def _episode_word(text: str, start: int) -> Structure | None:
    match = p.EPISODE_WORD.search(text, start)
    if match is None or match.start() <= start:
        return None
    numbers = span(match.group("abs"), match.group("absend"))
    if _is_mini_series(text, match):
        return Structure(match.start(), match.end(), season=1, episodes=numbers)
    return Structure(match.start(), match.end(), absolute=numbers)


def _is_mini_series(text: str, match: re.Match[str]) -> bool:
    """ "Title.E04.720p" numbers episodes of one season; anime "Title_e66" counts absolutely."""
    word = match.group(0)
    return (
        word[:1] in "Ee"
        and not word[1:2].isalpha()
        and "_" not in text
        and (len(match.group("abs")) <= 3)
    )


def _bracket_number(text: str, start: int) -> Structure | None:
    match = p.BRACKET_NUMBER.search(text, start)
    if match is None or match.start() <= start:
        return None
    first = int(match.group("abs"))
    if 1900 <= first <= 2099:
        return None
    return Structure(match.start(), match.end(), absolute=_numbers(first, _opt(match["absend"])))


def _plain_number(text: str, start: int) -> Structure | None:
    for match in p.PLAIN_NUMBER.finditer(text, start):
        first = int(match.group("abs"))
        if match.start() <= start or (1900 <= first <= 2099 and not match.group("absend")):
            continue
        numbers = _numbers(first, _opt(match.group("absend")))
        return Structure(match.start(), match.end(), absolute=numbers)
    return None


def _short_number(text: str, start: int) -> Structure | None:
    """ "Show.Name.10.720p": a bare episode number (at most three digits) after the title."""
    found = _plain_number(text, start)
    if found is None or max(found.absolute) > 999:
        return None
    return found


def _year(text: str, start: int) -> Structure | None:
    """Movies: the last plausible year before the quality part ends the title."""
    stop = _title_stop(text, start)
    best: re.Match[str] | None = None
    for match in p.YEAR.finditer(text, start, max(stop, start)):
        if match.start() > start:
            best = match
    if best is None:
        best = p.YEAR.search(text, stop)
        if best is None or best.start() <= start:
            return None
    return Structure(best.start(), best.end(), year=int(best.group("year")))


def _three_digit(text: str, start: int) -> Structure | None:
    match = p.THREE_DIGIT.search(text, start)
    if match is None or match.start() <= start:
        return None
    episodes = [int(match.group("episode"))]
    if match.group("episode2"):
        episodes.append(int(match.group("episode2")))
    return Structure(match.start(), match.end(), int(match.group("season")), tuple(episodes))


def _part(text: str, start: int, lower: str | None) -> Structure | None:
    if lower is not None and "pt" not in lower and "part" not in lower:
        return None
    match = p.PART.search(text, start)
    if match is None or match.start() <= start:
        return None
    token = match.group("part")
    if token[0] in "IVX":  # "The Godfather Part III": a film in a series, not an episode
        return Structure(match.start(), match.end(), part=_roman(token))
    number = _WORDS.get(token.lower()) or int(token)
    return Structure(match.start(), match.end(), season=1, episodes=(number,))


_NAMED_WORDS = ("season", "saison", "staffel", "temporada")


def _season_named(text: str, start: int, lower: str | None) -> Structure | None:
    if lower is not None and not any(word in lower for word in _NAMED_WORDS):
        return None
    match = p.SEASON_NAMED.search(text, start)
    if match is None or match.start() <= start:
        return None
    token = match.group("n")
    season = _roman(token) if token[0] in "IVX" else _WORDS[token.lower()]
    return Structure(match.start(), match.end(), season=season, full_season=True)


def _roman(token: str) -> int:
    values = [_ROMAN[ch] for ch in token]
    return sum(-v if v < nxt else v for v, nxt in zip(values, [*values[1:], 0], strict=True))
