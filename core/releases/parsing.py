"""Release-name parser: ordered compiled regexes, first structural match wins (as in Sonarr)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from core.domain import ParsedRelease
from core.releases import patterns as p
from core.releases.groups import trailing_group
from core.releases.languages import detect_languages
from core.releases.quality import detect_quality, edition_of
from core.releases.structure import Structure, find_structure, span

# Release names are < 255 characters; a cap keeps hostile input from costing regex time.
MAX_NAME = 400
_INVISIBLE = dict.fromkeys(
    [
        *range(0x00, 0x20),
        0x7F,
        0x200B,
        0x200C,
        0x200D,
        0x200E,
        0x200F,
        0xFEFF,
        0x00AD,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ],
    " ",
)
# "E13 - Title.mkv", "Ep. 02 - Title", "E05-06 - Title" at the start of a file in a season folder
_LEADING_MARKER = re.compile(r"^(?:E|Ep\.?\s?|Episode\s)(\d{1,3}(?:-E?\d{1,3})?)(?![\dp])", re.I)
_SEASON_DIR = re.compile(r"^(?:Season|Saison|Staffel|Series|S)[-_. ]?(\d{1,2})$", re.IGNORECASE)
_TITLE_YEAR = re.compile(r"^(?P<title>.+?)[-\s(\[]+(?P<year>(?:19|20)\d{2})[)\]]?$")
# "Le Prestige (The Prestige)": a trailing parenthesised alternative title.
_ALT_TITLE = re.compile(r"(?<=\S)\s*\((?=[^)]*[a-z])(?![^)]*(?:19|20)\d\d)[^()]*\)$", re.IGNORECASE)
_STAR_TAG = re.compile(r"★[^★\[【]*★?")
_BRACKET = re.compile(r"[\[【]([^\]】\[【]*)[\]】]")
_BRACKET_EPISODE = re.compile(
    r"^第?(\d{1,4})(?:-(\d{1,4}))?(?:话|話|集|\s?END|\s?Fin|完|v\d)?$", re.IGNORECASE
)
_BRACKET_YEAR = re.compile(r"^(?:19|20)\d\d$")
# "Title S02" in an anime title: Sonarr writes the season without its leading zero.
_TITLE_SEASON = re.compile(r"(?<![a-z0-9])S0(\d)$", re.IGNORECASE)
_TAG_WORD = re.compile(
    r"^(?:\d{4}|END|MP4|MKV|GB|BIG5|CH[ST]|JAP|[^\w]*)$|月新番|字幕|繁|简|簡", re.I
)
_NOT_PATH = re.compile(r"\s/|/\s|[\[(【][^\])】]*/")
_EPISODE_TITLE = re.compile(r"\s-\s|[\[(]")
_TITLE_DOT = re.compile(r"(?<=[^\s.])\.(?=[^\s.])|(?<=\s)\.|\.(?=\s)")
_COMPLETE = re.compile(r"(?<![a-z])Complete(?![a-z])", re.IGNORECASE)
# "50E50S.denorD.mkv": obfuscators reverse the name; "10E10S", "p0801" read backwards.
_REVERSED = re.compile(r"(?:^|[-._ ])(?:p027|p0801|\d{2,3}E\d{2}S|\d{2}E-\d{2}S)[-._ ]")
# Part of every _REVERSED match, starting with a class that re scans for in C.
_REVERSED_HINT = re.compile(r"[p\d](?:027|0801|E-?\d\dS)")


def parse(name: str) -> ParsedRelease | None:
    """What a release name says, or None when it is not a release name."""
    if not isinstance(name, str):
        return None
    text = name.translate(_INVISIBLE)[:MAX_NAME]
    if not text.isascii():  # NFKC leaves ASCII as it is
        text = unicodedata.normalize("NFKC", text)
    text = text.strip()
    if _is_path(text):
        return _parse_path(text)
    return _parse_name(_unreverse(text))


def _unreverse(text: str) -> str:
    """Undo a reversed name (Sonarr's rule); the extension stays where it is."""
    if "E" not in text or not _REVERSED_HINT.search(text) or not _REVERSED.search(text):
        return text
    extension = p.extension(text)
    cut = extension.start() if extension else len(text)
    return text[:cut][::-1] + text[cut:]


def _is_path(text: str) -> bool:
    """ "Show/Season 1/file.mkv" is a path; "Босх / Series / S2E1" and "[a/b]" are names."""
    if "\\" in text or text.startswith("/"):
        return True
    return "/" in text and not _NOT_PATH.search(text)


def _parse_path(text: str) -> ParsedRelease | None:
    parts = [part for part in re.split(r"[\\/]+", text) if part]
    if not parts:
        return None
    extension = _extension(parts[-1])
    folders = parts[:-1]
    season_dir = next((int(m.group(1)) for f in folders if (m := _SEASON_DIR.match(f))), None)
    name = _unreverse(parts[-1])
    if season_dir is not None:
        name = _LEADING_MARKER.sub(lambda m: f"S{season_dir:02d}E{m.group(1)}", name, count=1)
    parsed = _parse_name(name)
    for folder in reversed(folders):
        if _SEASON_DIR.match(folder):
            continue
        if parsed is not None and parsed.title and parsed.year is not None:
            break
        parent = _parse_name(folder + (f".{extension}" if extension else ""))
        parsed = _merge(parsed, parent)
        if parent is None and parsed is not None and not parsed.title:
            # "Show Name/Season 2/E05 - Episode Title.mkv": the show folder names the show
            parsed = replace(parsed, title=_title(folder)[0])
    return _in_season(parsed, season_dir, anime=name.startswith(("[", "【")))


def _in_season(
    parsed: ParsedRelease | None, season: int | None, *, anime: bool
) -> ParsedRelease | None:
    """A season folder numbers what the file name leaves without a season."""
    if parsed is None or season is None or parsed.season is not None:
        return parsed
    if parsed.absolute_episodes and not parsed.episodes and not anime:
        # "Season 2/01. Title - Episode 1.mkv": within a season folder, an episode of it
        numbers = parsed.absolute_episodes
        return replace(parsed, season=season, episodes=numbers, absolute_episodes=())
    return replace(parsed, season=season)


def _merge(child: ParsedRelease | None, parent: ParsedRelease | None) -> ParsedRelease | None:
    """Fill what the file name lacks from its folder; an obfuscated file name yields to it."""
    if child is None or parent is None:
        return child or parent
    if child.season is None and child.air_date is None and _episodic(parent):
        return parent
    group = child.release_group
    if parent.release_group and (not group or group.lower() == parent.release_group.lower()):
        group = parent.release_group
    title = child.title or parent.title
    same = not child.title or child.title.lower() == parent.title.lower()
    year = child.year or (parent.year if same else None)
    child = replace(child, title=title, year=year, release_group=group)
    if child.source in ("unknown", "tv") and parent.source not in ("unknown", "tv"):
        child = replace(child, source=parent.source, resolution=parent.resolution)
    return child


def _episodic(parsed: ParsedRelease) -> bool:
    return bool(parsed.season is not None or parsed.air_date or parsed.absolute_episodes)


def _extension(text: str) -> str | None:
    match = p.extension(text)
    return match.group(0).strip().lstrip(".").lower() if match else None


def _parse_name(text: str) -> ParsedRelease | None:
    found = p.extension(text)
    extension = found.group(0).strip().lstrip(".").lower() if found else None
    if found is not None and extension:
        text = text[: found.start()]
    text = _strip_sites(text)
    dated = text[:1].isdigit() and p.LEADING_DATE.match(text) is not None
    if dated:
        text = p.LEADING_DATE.sub("", text)
    text = text.strip(" -_.")
    if not text or _is_crap(text) or p.HASH_ONLY.match(text):
        return None
    group, body_start = _leading_group(text)
    if "★" in text:
        text = text[:body_start] + _STAR_TAG.sub("", text[body_start:])
    structure, title, title_year = _title_and_structure(text, body_start, group, dated=dated)
    if structure.reject or (not title and not _has_structure(structure)):
        return None
    rest = text[:body_start] + " " + text[structure.start :]
    padded = " " + rest + " "
    quality = detect_quality(padded, extension)
    edition = edition_of(text)
    if structure.season is None and not _has_structure(structure):
        if edition is None and _no_evidence(rest, title_year, structure.year):
            return None
        if _COMPLETE.search(rest) and quality.source == "tv" and structure.year is not None:
            return None
    return ParsedRelease(
        title=title,
        year=structure.year or title_year,
        season=structure.season,
        episodes=structure.episodes,
        absolute_episodes=structure.absolute,
        air_date=structure.air_date,
        full_season=structure.full_season,
        resolution=quality.resolution,
        source=quality.source,
        modifier=quality.modifier,
        codec=quality.codec,
        proper=quality.proper,
        repack=quality.repack,
        version=quality.version,
        release_group=group or trailing_group(text[structure.end :]),
        edition=edition,
        languages=detect_languages(padded),
    )


def _title_and_structure(
    text: str, body_start: int, group: str | None, *, dated: bool
) -> tuple[Structure, str, int | None]:
    """Where the title ends and what the episode part says, by the first form that fits."""
    bracketed = _bracketed(text, body_start) if text[body_start : body_start + 1] in "[【" else None
    if bracketed is not None:
        structure, title, title_year = bracketed
    else:
        structure = find_structure(text, body_start, anime=group is not None)
        title, title_year = _title(text[body_start : structure.start])
    if not _has_structure(structure) and structure.season is None:
        leading = _leading_number(text, body_start, anime=group is not None)
        if leading is not None:
            structure, title = leading
    if dated and structure.absolute and structure.season is None:
        # "221208 Show ep34": a dated Japanese TV rip numbers episodes of one season
        structure = replace(structure, season=1, episodes=structure.absolute, absolute=())
    return structure, title, title_year


def _bracketed(text: str, start: int) -> tuple[Structure, str, int | None] | None:
    """ "[Group][中文名/Latin Title][12][1080p]": title and episode each in a bracket."""
    titles: list[str] = []
    episode: re.Match[str] | None = None
    end = start
    for match in _BRACKET.finditer(text, start):
        inner = match.group(1).strip()
        number = _BRACKET_EPISODE.match(inner)
        if number is not None and not _BRACKET_YEAR.match(inner):
            if episode is None:
                episode, end = number, match.end()
            continue
        if not (
            p.TITLE_STOP.search(inner) or p.RESOLUTION.search(inner) or _TAG_WORD.search(inner)
        ):
            titles.append(inner)
    if episode is None or not titles:
        return None
    latin = [t for t in titles if _LATIN.search(t)]
    title, year = _title(_latin_alias(latin[0] if latin else titles[0]))
    absolute = span(episode.group(1), episode.group(2))
    return Structure(start, end, absolute=absolute), title, year


def _leading_number(text: str, start: int, *, anime: bool) -> tuple[Structure, str] | None:
    """ "003. Show Name - Ep Name", "[Grp] 01 - Title [720p]": the episode comes first."""
    pattern = p.LEADING_EPISODE_ANIME if anime else p.LEADING_EPISODE
    match = pattern.match(text, start)
    if match is None:
        return None
    rest = text[match.end() :]
    cut = _EPISODE_TITLE.search(rest)
    title, _year = _title(rest[: cut.start()] if cut else rest)
    if not title:
        return None
    absolute = span(match.group("abs"), match.group("absend"))
    return Structure(match.end(), match.end(), absolute=absolute), title


def _has_structure(s: Structure) -> bool:
    return bool(s.episodes or s.absolute or s.air_date or s.full_season or s.special or s.part)


def _no_evidence(rest: str, *years: int | None) -> bool:
    """A name with no episode, no year and no quality marker is not a release name."""
    if any(years) or p.TITLE_STOP.search(rest) or p.RESOLUTION.search(rest):
        return False
    return p.first_keyed(p.SOURCES_KEYED, rest, rest.lower()) is None


def _is_crap(text: str) -> bool:
    lower = text.lower()
    if not any(word in lower for word in ("yenc", "_unpack", "never parse", "password")):
        return False
    return p.CRAP.search(text) is not None


def _strip_sites(text: str) -> str:
    # Cheap tests first: each pattern needs a bracket, "www." or " - " to match at all.
    if text.lstrip()[:1] == "[" or " -" in text or "www." in text.lower():
        text = p.WEBSITE_PREFIX.sub("", text, count=1)
    if text.rstrip().endswith("]"):
        text = p.TRAILING_TAG.sub("", text)
        text = p.WEBSITE_SUFFIX.sub("", text)
    return text


def _leading_group(text: str) -> tuple[str | None, int]:
    """An anime-style "[Group] Title - 01" prefix: its name and where the title starts."""
    match = p.SUBGROUP.match(text)
    if match is None or match.end() >= len(text):
        return None, 0
    group = match.group("group").strip()
    if p.RESOLUTION.fullmatch(group) or group.isdigit():
        return None, match.end()
    end = match.end()
    while (extra := p.SUBGROUP.match(text, end)) is not None and extra.end() < len(text) - 2:
        inner = extra.group("group")
        if not (
            p.TITLE_STOP.search(inner)
            or p.RESOLUTION.search(inner)
            or len(inner) <= 4
            or inner.isdigit()
        ):
            break
        end = extra.end()
    return group, end


def _title(raw: str) -> tuple[str, int | None]:
    """Clean the title part; a trailing year becomes the year."""
    cut = p.TITLE_CUT.search(raw)
    if cut is not None and cut.start() > 0:
        raw = raw[: cut.start()]
    title = _latin_alias(raw).replace("_", " ")
    if "." in title:
        title = _TITLE_DOT.sub(" ", title)
    title = " ".join(title.split()).strip(" -.([{|,/")
    title = _ALT_TITLE.sub("", title) or title
    if title[-3:-1] in ("S0", "s0"):
        title = _TITLE_SEASON.sub(r"S\1", title)
    match = _TITLE_YEAR.match(title)
    if match and len(match.group("title")) > 0:
        return match.group("title").strip(" -.([{"), int(match.group("year"))
    if "(" in title or "[" in title:
        title = _unclosed(title)
    return title, None


def _unclosed(title: str) -> str:
    """ "Mise à Sac (Alain Cavalier, 1967)": a bracket the title part leaves open is not title."""
    for opener, closer in (("(", ")"), ("[", "]")):
        cut = title.rfind(opener)
        if cut > 0 and closer not in title[cut:]:
            title = title[:cut].rstrip(" -.,")
    return title


_ALIAS_SPLIT = re.compile(r"\s*/\s*|(?<=[^\x00-\x7f])[_/]|[_/](?=[^\x00-\x7f])|\s_\s")
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_NON_LATIN = re.compile(r"[\u0400-\u04ff\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")


def _latin_alias(raw: str) -> str:
    """ "哥布林杀手/Anime Series Title" or "Босх / Series": keep the Latin-script alias."""
    if "/" not in raw or not _NON_LATIN.search(raw):
        return raw
    parts = [part for part in _ALIAS_SPLIT.split(raw.strip(" []【】")) if part.strip(" []")]
    latin = [part for part in parts if _LATIN.search(part) and not _NON_LATIN.search(part)]
    return latin[-1].strip(" []") if latin else raw
