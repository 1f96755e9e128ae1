"""Does a parsed release fit what a person wants? Every misfit becomes a Rejection."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from core.domain import Credit, MediaKind, ParsedRelease

if TYPE_CHECKING:
    from core.releases.anime import AnimeRelease
    from core.releases.books import AudiobookRelease, BookRelease
    from core.releases.music import MusicRelease

_SMALL_WORDS = re.compile(r"\b(?:the|a|an|and|or|of)\b")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# "The Office (US)", "Shark Tank AU": scene names add a country the metadata title lacks.
_TRAILING_COUNTRY = re.compile(r"(?:19|20)\d{2}$|(?:us|uk|au|nz|ca)$")
_EPISODIC = frozenset({MediaKind.SERIES})
_LENIENT = frozenset({MediaKind.MUSIC, MediaKind.BOOK, MediaKind.AUDIOBOOK})
# The credit a music or book release name carries beside the title ("Artist - Album").
CREDITED_ROLE = {MediaKind.MUSIC: "artist", MediaKind.BOOK: "author", MediaKind.AUDIOBOOK: "author"}
_DASH = re.compile(r"\s*-\s*")
_ANYONE = frozenset({"va", "various", "variousartists", "unknown", "unknownartist"})


@dataclass(frozen=True, slots=True)
class Wanted:
    """What a person asked for; season/episode narrow a series search."""

    kind: MediaKind
    title: str
    year: int | None = None
    season: int | None = None
    episode: int | None = None
    aliases: tuple[str, ...] = ()
    runtime: int | None = None  # minutes, for size sanity
    credits: tuple[Credit, ...] = ()  # from the chosen title: the artist, the author ...
    collection: bool = False  # a discography or a box set is what is asked for

    def credited(self, role: str) -> tuple[str, ...]:
        return tuple(c.name for c in self.credits if c.role == role)


@dataclass(frozen=True, slots=True)
class Rejection:
    """One reason a release does not fit; frontends translate `key` with `params`."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"rejection.{self.code}"


@lru_cache(maxsize=4096)
def normalize_title(title: str) -> str:
    """Compare titles without case, accents, punctuation, "the"/"a", or "&" versus "and"."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ").replace("+", " and ")
    text = _SMALL_WORDS.sub(" ", text)
    return _NOT_ALNUM.sub("", text)


@dataclass(frozen=True, slots=True)
class WantedTitles:
    """The wanted title and aliases normalised, and without a trailing year or country."""

    exact: frozenset[str]
    bare: frozenset[str]


@lru_cache(maxsize=256)
def wanted_titles(wanted: Wanted) -> WantedTitles:
    """Worked out once per search rather than once per release."""
    exact = frozenset(normalize_title(t) for t in (wanted.title, *wanted.aliases))
    return WantedTitles(exact, frozenset(_TRAILING_COUNTRY.sub("", c) for c in exact))


def title_matches(
    parsed: ParsedRelease, wanted: Wanted, titles: WantedTitles | None = None
) -> bool:
    """The release title equals the wanted title or an alias, ignoring a year in either."""
    titles = wanted_titles(wanted) if titles is None else titles
    got = normalize_title(parsed.title)
    if got in titles.exact:
        return True
    bare = _bare_title(got)
    return bare != "" and bare in titles.bare


@lru_cache(maxsize=4096)
def _bare_title(normalized: str) -> str:
    return _TRAILING_COUNTRY.sub("", _TRAILING_COUNTRY.sub("", normalized))


def match(
    parsed: ParsedRelease, wanted: Wanted, titles: WantedTitles | None = None
) -> list[Rejection]:
    """Every reason the parsed release is not what `wanted` describes (empty: it fits).

    `titles` is `wanted_titles(wanted)`, for callers that match many releases."""
    rejections: list[Rejection] = []
    if wanted.kind in _LENIENT:
        return _by_credit(parsed, wanted, titles)
    if not title_matches(parsed, wanted, titles):
        rejections.append(Rejection("wrong_title", {"title": parsed.title}))
    rejections.extend(_kind(parsed, wanted))
    if wanted.year is not None and parsed.year is not None and _year_differs(parsed, wanted):
        rejections.append(Rejection("wrong_year", {"year": parsed.year, "wanted": wanted.year}))
    if wanted.kind in _EPISODIC and is_episodic(parsed):
        rejections.extend(_season_episode(parsed, wanted))
    return rejections


def _by_credit(
    parsed: ParsedRelease, wanted: Wanted, titles: WantedTitles | None
) -> list[Rejection]:
    """Music and books: the title alone, unless the name reads "Credit - Title" (or "Title -
    Credit") and the wanted title says who it is by. Then the credit must be one of them; a
    name that merely differs in spelling, or "VA", is not a misfit."""
    role = CREDITED_ROLE[wanted.kind]
    names = wanted.credited(role)
    split = _credit_and_title(parsed, wanted, titles) if names else None
    if split is None:
        if title_matches(parsed, wanted, titles):
            return []
        return [Rejection("wrong_title", {"title": parsed.title})]
    if _same_person(split, names):
        return []
    return [Rejection(f"wrong_{role}", {role: split, "wanted": ", ".join(names)})]


def _credit_and_title(
    parsed: ParsedRelease, wanted: Wanted, titles: WantedTitles | None
) -> str | None:
    """The other side of the first dash whose one side is the wanted title, if any."""
    titles = wanted_titles(wanted) if titles is None else titles
    for dash in _DASH.finditer(parsed.title):
        left, right = parsed.title[: dash.start()], parsed.title[dash.end() :]
        for credit, title in ((left, right), (right, left)):
            if credit.strip() and normalize_title(title) in titles.exact:
                return credit.strip()
    return None


def _same_person(found: str, names: tuple[str, ...]) -> bool:
    if normalize_title(found) in _ANYONE:
        return True
    got = _words(found)
    return not got or any(_within(got, _words(n)) or _within(_words(n), got) for n in names)


def _words(name: str) -> list[str]:
    return [w for w in (normalize_title(part) for part in name.split()) if w]


def _within(some: list[str], other: list[str]) -> bool:
    """Every word of `some` is in `other`, an initial standing for a word it begins."""
    return bool(some) and all(
        any(w == o or (len(w) == 1 and o.startswith(w)) for o in other) for w in some
    )


def is_episodic(parsed: ParsedRelease) -> bool:
    """Whether the name describes episodes or a season rather than a film."""
    return bool(
        parsed.season is not None
        or parsed.episodes
        or parsed.absolute_episodes
        or parsed.air_date is not None
    )


def _year_differs(parsed: ParsedRelease, wanted: Wanted) -> bool:
    # Series names carry the first-air year; films are sometimes dated a year off by region.
    assert parsed.year is not None and wanted.year is not None
    tolerance = 1 if wanted.kind is MediaKind.MOVIE else 0
    return abs(parsed.year - wanted.year) > tolerance


def _kind(parsed: ParsedRelease, wanted: Wanted) -> list[Rejection]:
    episodic = is_episodic(parsed)
    if wanted.kind is MediaKind.MOVIE and episodic:
        return [Rejection("wrong_kind", {"kind": "series", "wanted": str(wanted.kind)})]
    if wanted.kind is MediaKind.SERIES and not episodic:
        return [Rejection("wrong_kind", {"kind": "movie", "wanted": str(wanted.kind)})]
    return []


def _season_episode(parsed: ParsedRelease, wanted: Wanted) -> list[Rejection]:
    if wanted.season is None:
        return []
    if parsed.season is not None and parsed.season != wanted.season:
        return [Rejection("wrong_season", {"season": parsed.season, "wanted": wanted.season})]
    if wanted.episode is None or parsed.full_season:
        return []
    if parsed.episodes and wanted.episode not in parsed.episodes:
        params = {"episodes": list(parsed.episodes), "wanted": wanted.episode}
        return [Rejection("wrong_episode", params)]
    return []


def match_music(release: MusicRelease, wanted: Wanted) -> list[Rejection]:
    """An album release fits the wanted artist and album; a discography fits only when asked."""
    artists = wanted.credited("artist")
    if release.discography != wanted.collection:
        code = "discography" if release.discography else "not_a_discography"
        return [Rejection(code, {"artist": release.artist or ", ".join(artists)})]
    if not release.discography and not _kind_title(release.album, release.artist, wanted):
        return [Rejection("wrong_title", {"title": release.album or ""})]
    return _credit_fits(release.artist, artists, "artist")


def match_book(release: BookRelease | AudiobookRelease, wanted: Wanted) -> list[Rejection]:
    """A book fits the wanted author and title; "Books 1-5" or a collection only when asked."""
    authors = wanted.credited("author")
    wrong_medium = _wrong_medium(release)
    if wrong_medium is not None:
        return [wrong_medium]
    if release.collection and not wanted.collection:
        return [Rejection("collection", {"title": release.title or ""})]
    author, title = release.author, release.title
    if not _kind_title(title, author, wanted) and _kind_title(author, title, wanted):
        author, title = title, author  # "Dune - Frank Herbert": the title came first
    if not _kind_title(title, author, wanted):
        return [Rejection("wrong_title", {"title": title or ""})]
    return _credit_fits(author, authors, "author")


def _wrong_medium(release: BookRelease | AudiobookRelease) -> Rejection | None:
    """An M4B for an ebook search, or an EPUB for an audiobook one."""
    audio = getattr(release, "audio_format", None)
    if audio is not None:
        return Rejection("not_an_ebook", {"format": audio})
    ebook = getattr(release, "ebook_format", None)
    if ebook is not None:
        return Rejection("not_an_audiobook", {"format": ebook})
    return None


def match_anime(release: AnimeRelease, wanted: Wanted) -> list[Rejection]:
    """The wanted series, and the wanted absolute episode in the file or in the batch."""
    if not _kind_title(release.title, None, wanted):
        return [Rejection("wrong_title", {"title": release.title})]
    span = release.episode_range
    if wanted.episode is None or span is None or span[0] <= wanted.episode <= span[1]:
        return []
    return [Rejection("wrong_episode", {"episodes": list(span), "wanted": wanted.episode})]


def _kind_title(title: str | None, credit: str | None, wanted: Wanted) -> bool:
    """The title, or "Credit Title" read as one when the name had no separator; a subtitle
    after ":" in the wanted title may be left out ("Sapiens" for "Sapiens: A Brief ...")."""
    if not title:
        return False
    titles = wanted_titles(wanted)
    got = normalize_title(title)
    mains = {normalize_title(t.split(":")[0]) for t in (wanted.title, *wanted.aliases)}
    if got in titles.exact or got in mains:
        return True
    if credit is None:
        names = [normalize_title(n) for c in wanted.credits for n in (c.name,)]
        return any(got in (n + t, t + n) for n in names for t in titles.exact)
    return False


def _credit_fits(found: str | None, names: tuple[str, ...], role: str) -> list[Rejection]:
    if not found or not names or _same_person(found, names):
        return []
    wanted = ", ".join(names)
    if role == "artist":
        return [Rejection("wrong_artist", {"artist": found, "wanted": wanted})]
    return [Rejection("wrong_author", {"author": found, "wanted": wanted})]
