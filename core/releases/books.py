"""Ebook and audiobook release names: author, title, format, retail; narrator and abridgement."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.releases.names import (
    YEAR,
    clean_spacing,
    cut_tail,
    is_tail_token,
    is_year,
    leading_tag,
    leading_tags,
    split_credit,
)

MAX_NAME = 400
_EBOOK = re.compile(r"(?<![a-z])(epub|azw3|azw|kfx|mobi|pdf|cbz|cbr|fb2|djvu|lit)(?![a-z])", re.I)
_AUDIO = re.compile(r"(?<![a-z])\d?(m4b|m4a|mp3|flac|aac|ogg|opus)(?:cd)?(?![a-z])", re.I)
_RETAIL = re.compile(r"(?<![a-z])retail(?![a-z])", re.I)
_ABRIDGED = re.compile(r"(?<![a-z])(un)?(?:abr(?:idged)?|gek(?:ue|ü)rzt)(?![a-z])", re.I)
_KBPS = re.compile(r"(?<![\d.])(\d{2,3})\s?kbps", re.I)
_NARRATOR = re.compile(
    r"(?:,\s*|-)?[(\[]?\b(?P<both>written\s+and\s+)?(?:read|narrated)\s+by\s+(?P<who>[^()\[\]]+?)\s*"
    r"(?:[)\]]|$|(?=\s(?:mp3|m4b|\d+\s?kbps))|(?=-(?:\d|audio|m4b|mp3)|\s-\s|,\s))",
    re.I,
)
# "Nation by Terry Pratchett"; not "Stand by Me": an author has two words at least.
_BY = re.compile(r"^(?P<title>.+?)\s+by\s+(?P<author>\S+\s\S.*)$", re.I)
# A usenet subject: the quoted file name says more than the poster's words around it.
_QUOTED = re.compile(r'"([^"]{8,})"')
_PART = re.compile(r"(?:\.vol\d+\+\d+)?\.(?:par2|nfo|sfv|jpg|part\d+\.rar|rar|zip|\d{3})$", re.I)
_REQUEST = re.compile(r"^(?:re[:_]\s*)?(?:req[:_]\s*)|^nmr[:_]\s*", re.I)
_COLLECTION = re.compile(
    r"\bbooks?\s\d+\s?[-–]\s?\d+\b|\bcollection\b|\bomnibus\b|\bbox(?:ed)?\s?set\b"
    r"|\ball\s\w+\sbooks\b|\b\d+\s\w+\snovels\b",
    re.I,
)
# "[Mistborn 01-03]", "Shatter.Me.01.5-06.5", "Eragon.1-4", "Inheritance 01 to 03": several books
# (not "The Last Hero 01-04.mp3", the parts of one).
_RANGE = re.compile(
    r"(?<!\w)(\d{1,2}(?:\.\d)?)\s?(?:-|to)\s?(\d{1,2}(?:\.\d)?)(?=[\]\s._]|$)(?!\.(?:mp3|m4b|par2))",
    re.I,
)
_EXTENSION = re.compile(r"(?:\.(?:epub|pdf|mobi|azw3|m4b|mp3|cbz|cbr|rar|zip))+$", re.I)
_DOTTED_TAIL = re.compile(r"\.(?=(?:retail|epub|mobi|azw3|pdf|ebook)\b)", re.I)
_SERIES_TAG = re.compile(r"\s-\s\[[^\]]*\]\s[-•]\s")
_SERIES_SEGMENT = re.compile(r"^(?:[\w,'-]+\s)*\d+(?:\.\d)?$|^\d+\.\s")
_SERIES_POSITION = re.compile(r"\s\d+(?:\.\d)?$")
# "Harari, Yuval Noah": one or two words, a comma, one to three words, no digits.
_LAST_FIRST = re.compile(
    r"^([A-Z][\w'.-]*(?:\s[A-Z][\w'.-]*)?),\s*([A-Z][\w'.]*(?:\s[A-Z][\w'.]*){0,2})$"
)
_PART_SEGMENT = re.compile(r"^part\s\d", re.IGNORECASE)
_PART_NOTE = re.compile(r"^\s*\((part\s[\w-]+)\)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class BookRelease:
    """What an ebook release name says; `format` is "epub", "azw3", "mobi", "pdf", "cbz" ..."""

    author: str | None
    title: str | None
    year: int | None
    format: str | None
    retail: bool = False
    collection: bool = False  # "Books 1-5", "Collection": several books, not the one wanted
    audio_format: str | None = None  # "m4b" of a name with no ebook format: an audiobook

    @property
    def quality_name(self) -> str:
        """The profile's name: the format ("epub", "azw3" ...), or "unknown"."""
        return self.format or "unknown"


@dataclass(frozen=True, slots=True)
class AudiobookRelease:
    """What an audiobook release name says; `abridged` is None when the name does not say."""

    author: str | None
    title: str | None
    year: int | None
    format: str | None  # "m4b", "mp3", "m4a", "flac" ...
    narrator: str | None = None
    bitrate: int | None = None
    abridged: bool | None = None
    collection: bool = False
    ebook_format: str | None = None  # "epub" of a name with no audio format: an ebook

    @property
    def quality_name(self) -> str:
        """ "m4b", "mp3" ...; an abridged one is "m4b-abridged", so profiles rank it after."""
        name = self.format or "unknown"
        return f"{name}-abridged" if self.abridged else name


@dataclass(frozen=True, slots=True)
class _Credit:
    author: str | None
    title: str | None
    year: int | None


def parse_book(name: str) -> BookRelease | None:
    """What an ebook release name says, or None for an empty name."""
    if not isinstance(name, str) or not name.strip():
        return None
    text = name[:MAX_NAME]
    found = _EBOOK.search(text)
    credit = _credit(text)
    retail = _RETAIL.search(text) is not None
    fmt = found.group(1).lower() if found else None
    collection = _is_collection(text)
    audio = _AUDIO.search(text) if fmt is None else None
    audio_format = audio.group(1).lower() if audio else None
    return BookRelease(
        credit.author, credit.title, credit.year, fmt, retail, collection, audio_format
    )


def parse_audiobook(name: str) -> AudiobookRelease | None:
    """What an audiobook release name says, or None for an empty name."""
    if not isinstance(name, str) or not name.strip():
        return None
    text = name[:MAX_NAME]
    narrator = _NARRATOR.search(text)
    if narrator is not None:
        text = (text[: narrator.start()] + " " + text[narrator.end() :]).strip()
    found = _AUDIO.search(text)
    abridged = _ABRIDGED.search(text)
    bitrate = _KBPS.search(text)
    credit = _credit(text)
    if narrator is not None and narrator.group("both") and credit.author is None:
        credit = _Credit(narrator.group("who").strip(), credit.title, credit.year)
    return AudiobookRelease(
        credit.author,
        credit.title,
        credit.year,
        found.group(1).lower() if found else None,
        narrator.group("who").strip() if narrator else None,
        int(bitrate.group(1)) if bitrate else None,
        None if abridged is None else abridged.group(1) is None,
        _is_collection(text),
        _ebook_only(text) if found is None else None,
    )


def _ebook_only(text: str) -> str | None:
    found = _EBOOK.search(text)
    return found.group(1).lower() if found else None


def _is_collection(text: str) -> bool:
    if _COLLECTION.search(text) is not None:
        return True
    return any(float(m.group(1)) < float(m.group(2)) for m in _RANGE.finditer(text))


def _credit(text: str) -> _Credit:
    """Author and title by the first form that fits: "A - T", "T by A", "[A] T", scene dots."""
    quoted = _QUOTED.search(text)
    if quoted is not None:
        text = _PART.sub("", quoted.group(1))
    text = _EXTENSION.sub("", _REQUEST.sub("", text.strip()))
    tag = leading_tag(text) if text.startswith("[") else None
    body = _DOTTED_TAIL.sub(" ", clean_spacing(leading_tags(text)))
    body = _SERIES_TAG.sub(" - ", body)
    if tag is not None and _SERIES_POSITION.search(tag):
        return _uncredited(body, None)  # "[Mistborn 01] - Mistborn-The Final Empire": no author
    if " - " not in body and _BY.match(body):
        return _uncredited(body, tag)  # "Title By Author-2014 Audiobook-M4B"
    author, rest, year = split_credit(body)
    if author is not None and _PART_SEGMENT.match(rest):
        return _uncredited(author, tag)  # "The Hobbit (Unabridged) - Part 1": a part, not a credit
    if author is None:
        found = _uncredited(rest or body, tag)
        return found if found.year or year is None else _Credit(found.author, found.title, year)
    if "," in rest and _LAST_FIRST.match(_first_segment(rest)) and "," not in author:
        author, rest = _first_segment(rest), author  # "Sapiens - Harari, Yuval Noah"
    title, tail_year = cut_tail(_title_segment(rest))
    return _Credit(_first_last(author), title or None, tail_year or year or _any_year(rest))


def _uncredited(body: str, tag: str | None) -> _Credit:
    by = _BY.match(body)
    if by is not None:
        title, year = cut_tail(by.group("title"))
        author, _ = cut_tail(by.group("author"))
        return _Credit(_first_last(author) or None, title or None, year or _any_year(body))
    title, year = cut_tail(body)
    part = _PART_NOTE.match(body[len(title) :]) if title and body.startswith(title) else None
    if part is not None:
        title = f"{title} ({part.group(1)})"  # "Dune (Part One)" is the title
    if tag is not None and not is_tail_token(tag):
        return _Credit(tag, title or None, year or _any_year(body))
    return _Credit(None, title or None, year or _any_year(body))


def _first_segment(rest: str) -> str:
    return re.split(r"[(\[]|\s-\s", rest, maxsplit=1)[0].strip()


def _title_segment(rest: str) -> str:
    """ "Novel 03 - The Great Gatsby": past a series position to the title."""
    parts = rest.split(" - ")
    if len(parts) > 1 and _SERIES_SEGMENT.match(parts[0].strip()):
        return " - ".join(parts[1:])
    return rest


def _first_last(author: str | None) -> str | None:
    """ "Herbert, Frank" is Frank Herbert."""
    if not author:
        return None
    match = _LAST_FIRST.match(author.strip())
    return f"{match.group(2).strip()} {match.group(1).strip()}" if match else author.strip()


def _any_year(text: str) -> int | None:
    return next((int(m.group(0)) for m in YEAR.finditer(text) if is_year(m)), None)
