"""Music release names: "Artist - Album (Year) [FLAC]", scene "Artist-Album-WEB-2021-GRP", packs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.releases.audio import AudioQuality, audio_quality, audio_source
from core.releases.names import (
    YEAR,
    clean_spacing,
    cut_tail,
    is_tail_token,
    is_year,
    leading_tags,
    split_credit,
)

MAX_NAME = 400
_HASH = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
_DISCOGRAPHY = re.compile(
    r"discogra(?:ph|f)\w*|diskograf\w*|\(\d+\s+albums?\)|\b\d+\s+albums\b", re.IGNORECASE
)
_PACK_WORDS = re.compile(r"(?:\s|^)(?:complete|studio|full|the)$", re.IGNORECASE)
_RANGE = re.compile(r"\b((?:19|20)\d\d)\s?[-–]\s?((?:19|20)\d\d)\b")
_EDITION = re.compile(
    r"deluxe|edition|remaster|expanded|anniversary|album|single|\bep\b|promo|bonus|special|limited"
    r"|explicit|reissue|import|standard|super|version|extended|\bost\b|soundtrack",
    re.IGNORECASE,
)
_ALBUM_WORD = re.compile(r"\s-\s(?:album|single|ep)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MusicRelease:
    """What a music release name says; `album` is None for a discography or collection pack."""

    artist: str | None
    album: str | None
    year: int | None
    quality: AudioQuality
    source: str | None  # "cd", "web", "vinyl"
    discography: bool = False
    years: tuple[int, int] | None = None  # a pack's first and last year


def parse_music(name: str) -> MusicRelease | None:
    """What a music release name says, or None when it is not one (an obfuscated hash)."""
    if not isinstance(name, str) or not name.strip() or _HASH.match(name.strip()):
        return None
    text = name[:MAX_NAME]
    quality, source = audio_quality(text), audio_source(text)
    body = clean_spacing(leading_tags(text))
    pack = _DISCOGRAPHY.search(body)
    if pack is not None:
        return _pack(body, pack, quality, source)
    artist, rest, year = split_credit(body)
    album, tail_year = cut_tail(rest) if rest else (None, None)
    if album is not None:
        album = _ALBUM_WORD.sub("", album) or album
        album = _kept_paren(rest, album)
    return MusicRelease(artist, album or None, tail_year or year, quality, source)


def _kept_paren(rest: str, album: str) -> str:
    """ "Exoplanet (Redux)", "Wanna Be (More Than Your Lover)" keep their brackets; an edition,
    a year or a format in them ("(Deluxe Edition)", "(2017)", "(FLAC)") does not."""
    opened = rest.find("(")
    if opened <= 0 or rest[:opened].strip(" -") != album:
        return album
    closed = rest.find(")", opened)
    inner = rest[opened + 1 : closed] if closed > opened else ""
    if not inner.strip() or _EDITION.search(inner) or YEAR.search(inner):
        return album
    if any(is_tail_token(word) for word in inner.split()):
        return album
    return f"{album} ({inner})"


def _pack(
    body: str, pack: re.Match[str], quality: AudioQuality, source: str | None
) -> MusicRelease:
    """ "Artist - Studio Discography 1969-1982 (10 albums)": who, and which years."""
    artist = body[: pack.start()].strip(" -_([")
    artist = _PACK_WORDS.sub("", artist).strip(" -_") or artist
    years = _RANGE.search(body)
    span = (int(years.group(1)), int(years.group(2))) if years else None
    if span is None:
        only = [int(m.group(0)) for m in YEAR.finditer(body[pack.end() :]) if is_year(m)]
        span = (only[-1], only[-1]) if only else None
    return MusicRelease(artist or None, None, None, quality, source, True, span)
