"""Library names: allowlisted-token templates per media kind, and sanitising of each path component.

Templates are filled by our own token regex, never by `str.format`: a title such as
`{0.__class__}` is a value, and a value is only ever text. Each `/`-separated part of a template
is filled and then sanitised on its own, so a value can never add a path level.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

from core.domain import Credit, MediaKind, ParsedRelease, Track
from core.releases import parse, quality_name

TOKENS = frozenset(
    {
        "title",
        "year",
        "quality",
        "ext",
        "series",
        "season",
        "episode",
        "absolute",
        "episode_title",
        "artist",
        "album",
        "track",
        "author",
        "narrator",
        "series_position",
        "position",  # the short name of series_position
    }
)
# The tokens a request's credits and series fill; the release name is only the fallback.
CREDIT_TOKENS = ("artist", "author", "narrator")

_BOOK = "{author}/{title}/{title}.{ext}"
# Audiobookshelf's layout: the series folder, "position - title", the narrator in braces; an
# audiobook without a series skips that level, and one in parts keeps them in one folder.
_AUDIOBOOK = "{author}/{series}/{position} - {title} {{narrator}}/{title}.{ext}"
DEFAULT_TEMPLATES: Mapping[MediaKind, str] = {
    MediaKind.MOVIE: "{title} ({year})/{title} ({year}) [{quality}].{ext}",
    MediaKind.SERIES: (
        "{series}/Season {season:02}/{series} - S{season:02}E{episode:02} - {episode_title}.{ext}"
    ),
    MediaKind.MUSIC: "{artist}/{album} ({year})/{track:02} - {title}.{ext}",
    MediaKind.BOOK: _BOOK,
    MediaKind.AUDIOBOOK: _AUDIOBOOK,
    # Sonarr's anime episode format: season numbering, then the absolute number fansubs use.
    MediaKind.ANIME: (
        "{series}/Season {season:02}/"
        "{series} - S{season:02}E{episode:02} - {absolute:03} - {episode_title}.{ext}"
    ),
}

NAME_MAX = 255  # bytes of one component on ext4, btrfs, xfs, zfs and NTFS (UTF-16 is kinder)

Value = str | int | None

# A token is `{name}` or `{name:0N}`/`{name:N}` (zero-padded or plain width); anything else,
# `{0.__class__}` or `{title!r}` included, is not a token and stays literal.
_TOKEN = re.compile(r"\{([a-z_]+)(?::(0?)([1-9]))?\}")
_EMPTY = (
    "\x00"  # marks a missing value while rendering; control characters never survive sanitising
)
_DROPS = (
    re.compile(r"\s*\(\x00\)|\s*\[\x00\]|\s*\{\x00\}"),  # "Dune ()" and "[]" of a missing token
    re.compile(r"\s+-\s+\x00|\x00\s+-\s+"),  # the dangling " - " of an empty episode title
)
_UNSAFE = str.maketrans(
    {"<": "", ">": "", '"': "'", "/": "+", "\\": "+", "|": "", "?": "", "*": "-", ":": "-"}
)
_SPACES = re.compile(r"[\t\n\r\v\f\u2028\u2029]")  # line breaks and tabs read as spaces
_COLON = re.compile(r"\s*:\s+")  # "Mission: Impossible" reads best as "Mission - Impossible"
# Cs: a lone surrogate (an undecodable byte smuggled through surrogateescape) cannot be written.
_STRIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])(\s*\..*)?$", re.IGNORECASE)
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_TRACK = re.compile(r"^\s*(\d{1,3})[\s._)-]+(.+)$")
_TAGS = re.compile(r"\s*[\[(][^\])]*[\])]\s*$")  # a trailing "(1965)" or "[EPUB]"


def template_for(kind: MediaKind, configured: str | None = None) -> str:
    """The configured template of a kind when usable, else its default."""
    if configured and configured.strip() and "{" in configured:
        return configured.strip()
    return DEFAULT_TEMPLATES[kind]


def render(template: str, values: Mapping[str, Value]) -> PurePosixPath:
    """Fill `template` with `values` into a relative path of sanitised components."""
    parts = [_render_part(part, values) for part in template.split("/") if part.strip()]
    # A folder whose every token is missing (no series) is left out when another one says
    # what the file is; a path of nothing but gaps stays visible as "_".
    if any(parts[:-1]):
        parts = [part for part in parts[:-1] if part] + parts[-1:]
    return PurePosixPath(*(sanitize_component(part) for part in parts or [""]))


def _render_part(part: str, values: Mapping[str, Value]) -> str:
    def fill(match: re.Match[str]) -> str:
        name, zero, width = match.groups()
        if name not in TOKENS:
            return match.group(0)
        return _format(values.get(name), zero, width)

    text = _TOKEN.sub(fill, part)
    for drop in _DROPS:
        text = drop.sub("", text)
    text = re.sub(r"\s{2,}", " ", text.replace(_EMPTY, "")).strip()
    # Every token before the extension was missing: keep a visible stem rather than hide the file.
    return "_" + text if text.startswith(".") else text


def _format(value: Value, zero: str | None, width: str | None) -> str:
    if value is None or value == "":
        return _EMPTY
    if width and isinstance(value, int):
        return f"{value:{zero or ''}{width}d}"
    if width and isinstance(value, str) and value.isdecimal() and value.isascii():
        return value.rjust(int(width), "0" if zero else " ")
    # A value is text: drop control characters now, so a NUL in it cannot pose as a gap.
    return _strip_controls(str(value)) or _EMPTY


def sanitize_component(name: str, *, limit: int = NAME_MAX) -> str:
    """One safe file or folder name: NFC, no control or format characters, no separators or
    characters Windows refuses, no reserved device name, no leading/trailing dots or spaces,
    at most `limit` UTF-8 bytes with the extension kept; never empty, never `.` or `..`."""
    text = unicodedata.normalize("NFC", _strip_controls(_SPACES.sub(" ", name)))
    text = _COLON.sub(" - ", text).translate(_UNSAFE)
    text = _trim(re.sub(r"\s+", " ", text))
    if _RESERVED.match(text):
        text = "_" + text
    return _cap(text, limit) or "_"


def _strip_controls(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) not in _STRIPPED_CATEGORIES)


def _trim(text: str) -> str:
    # Leading dots hide a file (and our own temp names start with one); Windows drops trailing ones.
    return text.strip(" .")


def _cap(text: str, limit: int) -> str:
    """Cut to `limit` bytes at a character boundary, keeping a short extension whole."""
    if len(text.encode()) <= limit:
        return text
    match = _EXTENSION.search(text)
    ext = match.group(0) if match else ""
    stem = text[: len(text) - len(ext)]
    room = max(limit - len(ext.encode()), 1)
    cut = stem.encode()[:room].decode("utf-8", errors="ignore")
    return (_trim(cut) or "_") + ext


def extension(name: str) -> str:
    """The real last suffix, lower-cased: control or format characters, trailing spaces and dots
    cannot hide it (`x.mkv .exe` and `Movie\u202ekvm.exe` both end in "exe")."""
    clean = _strip_controls(name).rstrip(" .").lower()
    return clean.rsplit(".", 1)[-1].strip() if "." in clean else ""


def known_values(
    credits: Iterable[Credit], series: str | None = None, position: str | None = None
) -> dict[str, Value]:
    """Token values the chosen title states: "Simon & Garfunkel" for two credited artists,
    the book series and the position in it. Only the known ones."""
    values: dict[str, Value] = {}
    credits = tuple(credits)
    for role in CREDIT_TOKENS:
        names = list(dict.fromkeys(c.name.strip() for c in credits if c.role == role))
        if any(names):
            values[role] = " & ".join(n for n in names if n)
    if series:
        values["series"] = series
    if position:
        values["series_position"] = values["position"] = position
    return values


def chosen_values(kind: MediaKind, title: str, year: int | None) -> dict[str, Value]:
    """What the chosen title's own name fills: an album's {album}, a book's {title}, and the
    year it came out; a film or series is named from its release, as before."""
    values: dict[str, Value] = {}
    if kind is MediaKind.MUSIC and title.strip():
        values["album"] = title.strip()
    elif kind in (MediaKind.BOOK, MediaKind.AUDIOBOOK) and title.strip():
        values["title"] = title.strip()
    if values and year:
        values["year"] = year
    return values


def values_for(
    kind: MediaKind,
    release: str,
    file_name: str,
    known: Mapping[str, Value] | None = None,
    tracks: tuple[Track, ...] = (),
) -> dict[str, Value]:
    """Template values for one file: the release name says what it is, the file's own name
    says which part (the episode of a season pack, the track of an album). `known` values
    (`known_values` of the request) win over what the release name suggests, and an album's
    `tracks` name a file whose number is one of them."""
    values = _guessed(kind, release, file_name, known or {})
    if known and not kind.episodic:  # a series' {series} is its own title
        values |= {k: v for k, v in known.items() if k in TOKENS and v not in (None, "")}
    if kind is MediaKind.MUSIC and (track := _listed(tracks, values.get("track"))) is not None:
        values["title"] = track.title
    return values


def _listed(tracks: tuple[Track, ...], number: Value) -> Track | None:
    """The one track of that number; on an album of several discs the number is ambiguous
    unless it counts across them (101, 203), and then the file keeps its own name."""
    if not isinstance(number, int):
        return None
    if number >= 100 and len({t.disc for t in tracks}) > 1:
        disc, number = divmod(number, 100)
        same = [t for t in tracks if t.disc == disc and t.number == number]
    else:
        same = [t for t in tracks if t.number == number]
    return same[0] if len(same) == 1 else None


def _guessed(
    kind: MediaKind, release: str, file_name: str, known: Mapping[str, Value]
) -> dict[str, Value]:
    stem = PurePosixPath(file_name).stem
    whole, own = parse(release), parse(stem)
    title = whole.title if whole else _untagged(release)
    values: dict[str, Value] = {"ext": extension(file_name), "title": title}
    values["year"] = (whole.year if whole else None) or (own.year if own else None)
    if kind is MediaKind.MOVIE:
        values["quality"] = _quality(whole, own)
    elif kind is MediaKind.SERIES:
        values |= _episode(title, whole, own)
    elif kind is MediaKind.ANIME:
        values |= _anime_episode(title, whole, own)
    elif kind is MediaKind.MUSIC:
        values["artist"], values["album"] = _pair(title, known.get("artist"))
        values["track"], values["title"] = _track(stem)
    else:
        values["author"], values["title"] = _pair(title, known.get("author"))
    return values


def _quality(whole: ParsedRelease | None, own: ParsedRelease | None) -> str | None:
    for parsed in (whole, own):
        if parsed is not None and (name := quality_name(parsed)) != "unknown":
            return name
    return None


def _episode(
    series: str, whole: ParsedRelease | None, own: ParsedRelease | None
) -> dict[str, Value]:
    """Season and episode from the file first (season packs), else from the release."""
    values: dict[str, Value] = {"series": series, "episode_title": ""}
    for parsed in (own, whole):
        if parsed is not None and parsed.episodes:
            values["season"], values["episode"] = parsed.season, parsed.episodes[0]
            break
    else:
        values["season"] = whole.season if whole else None
    return values


def _anime_episode(
    series: str, whole: ParsedRelease | None, own: ParsedRelease | None
) -> dict[str, Value]:
    """As a series, plus {absolute}: "[SubsPlease] Frieren - 05" numbers only absolutely,
    and is then episode 5 of season 1 (an AniList entry is one season)."""
    values = _episode(series, whole, own)
    for parsed in (own, whole):
        if parsed is not None and parsed.absolute_episodes:
            values["absolute"] = parsed.absolute_episodes[0]
            break
    if values.get("episode") is None and values.get("absolute") is not None:
        values["season"] = values.get("season") or 1
        values["episode"] = values["absolute"]
    return values


def _pair(title: str, known: Value = None) -> tuple[str, str]:
    """ "Artist - Album" or "Author - Title"; without a dash the first is unknown. A known
    name is also taken off a "Name-Title" or "Title - Name" that has no spaced dash."""
    if isinstance(known, str) and known:
        name = re.escape(known.strip())
        for pattern in (rf"^{name}\s*-\s*(.+)$", rf"^(.+?)\s*-\s*{name}$"):
            if match := re.match(pattern, title.strip(), re.IGNORECASE):
                return known, match.group(1).strip()
    first, dash, second = title.partition(" - ")
    return (first.strip(), second.strip()) if dash else ("", title.strip())


def _track(stem: str) -> tuple[int | None, str]:
    match = _TRACK.match(stem)
    return (int(match.group(1)), match.group(2).strip()) if match else (None, stem)


def _untagged(release: str) -> str:
    text = release
    while (stripped := _TAGS.sub("", text)) != text:
        text = stripped
    return text.strip() or release
