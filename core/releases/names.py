"""Pieces shared by the music and book parsers: tags, spacing, "Credit - Title" and the tail."""

from __future__ import annotations

import re

YEAR = re.compile(r"(?<![\w'])(?:19|20)\d\d(?![\w])")
_REMASTER = re.compile(r"\s?remaster", re.IGNORECASE)
_LEAD_TAG = re.compile(r"^\s*(?:\[[^\]]*\]|\([^)]*\)|\{[^}]*\})\s*(?:-\s+)?")
_TRAIL_SITE = re.compile(r"^(\S+-\S+?)((?:\s*-?\[[^\]]*\])+)$")
_SEPARATOR = re.compile(r"\s+[-–?]\s+|\s-(?=[^\s\d-])|(?<=[^\s-])-\s")
_YEAR_SEGMENT = re.compile(r"^((?:19|20)\d\d)\s+-\s+")
_OPEN = re.compile(r"[(\[{]")
_SPACES = re.compile(r"\s+")
_BRACKETED = re.compile(r"[(\[][^)\]]*[)\]]")
_TOKEN_FORMS = re.compile(
    r"^(?:\d{2,3}k(?:bps)?|\d?cd[rms]?\d?|mp3(?:-\d+)?|m4a(?:-\d+)?|24-?bits?|\d+(?:\.\d)?khz"
    r"|v[0-2]|q\d{1,2}|repack\d?|rerip\d?|proper\d?|128|160|192|224|256|320|@\d{3}|\d+bit)$"
)
_TAIL_WORDS = frozenset(
    """flac webflac mp3 aac m4a alac ape ogg vorbis ogg-vorbis opus wv wavpack wav lossless
    tracks cdrip rip eac cd cdr cdm cdep web vinyl vbr cbr kbps promo retail epub ebook mobi azw
    azw3 pdf cbz cbr fb2 djvu audiobook m4b unabridged abridged download remastered remaster
    log cue perfect hq scan ltd.ed. ltd itunes plus nmr de fr jp english french
    german spanish danish dutch italian swedish polish dubbed mixtape hybrid comic magazine
    abook""".split()
)


_STRONG = frozenset(
    """nmr kbps flac mp3 m4b m4a epub mobi azw3 pdf retail unabridged abridged unabr audiobook
    ebook""".split()
)


def is_year(match: re.Match[str]) -> bool:
    """A year, unless it dates a remaster ("2016 Remastered") rather than the release."""
    return _REMASTER.match(match.string, match.end()) is None


def leading_tags(text: str) -> str:
    """Drop "[req][123]", "(Genre)", "[CD]" and "[ www.site ] -" before the name, and site tags
    after a scene name; a name wholly in one bracket is unwrapped."""
    text = text.strip()
    if text[:1] == "[" and text.endswith("]") and _closes_at_end(text):
        text = text[1:-1]
    while (match := _LEAD_TAG.match(text)) is not None and re.search(r"\w", text[match.end() :]):
        text = text[match.end() :]
    site = _TRAIL_SITE.match(text)
    return site.group(1) if site else text


def leading_tag(text: str) -> str | None:
    """The first bracketed tag's content ("[Author Name] Title (2014)"), if any."""
    match = _LEAD_TAG.match(text.strip())
    return match.group(0).strip(" -[](){}") if match else None


def _closes_at_end(text: str) -> bool:
    depth = 0
    for index, char in enumerate(text):
        depth += (char == "[") - (char == "]")
        if depth == 0:
            return index == len(text) - 1
    return False


def clean_spacing(text: str) -> str:
    """Underscores are spaces; in a name without spaces, so are dots."""
    text = text.replace("_", " ")
    if " " not in text.strip():
        text = text.replace(".", " ")
    return _SPACES.sub(" ", text).strip(" -.")


def split_credit(body: str) -> tuple[str | None, str, int | None]:
    """ "Artist - Album ..." or scene "Artist-Album-WEB-2017-GRP": (credit, the rest, a year
    that stood alone between them). Without a separator the credit is None."""
    match = _SEPARATOR.search(body)
    if match is not None:
        credit, rest = body[: match.start()].strip(), body[match.end() :].strip()
    elif _is_scene(body):
        return _scene(body)
    else:
        return None, body, None
    year = None
    lead = _YEAR_SEGMENT.match(rest)
    if lead is not None:
        year, rest = int(lead.group(1)), rest[lead.end() :]
    if YEAR.fullmatch(credit):
        return None, rest, int(credit)  # "1985 - The Vampire Lestat"
    trailing = YEAR.search(credit)
    if trailing is not None and trailing.end() == len(credit) and trailing.start() > 0:
        year, credit = int(trailing.group(0)), credit[: trailing.start()].strip()
    return credit or None, rest, year


def _is_scene(body: str) -> bool:
    """ "Artist-Album-WEB-2017-GRP"; not "Title 2011 RETAIL eBOOK-GRP" nor "Dune (Books 1-6)"."""
    parts = _BRACKETED.sub("", body).strip("- ").split("-")
    if len(parts) < 2:
        return False
    return len(parts) > 2 or not any(is_tail_token(t, years=False) for t in parts[0].split())


def _scene(body: str) -> tuple[str | None, str, int | None]:
    parts = [p.strip() for p in body.split("-") if p.strip()]
    year = None
    rest = parts[1:]
    while rest and YEAR.fullmatch(rest[0]):
        year = int(rest.pop(0))
    if not rest:
        return parts[0], "", year
    if is_tail_token(rest[0].split()[0], years=False):  # "York-2CD-ABOOK-DE-2001-GRP": no credit
        return None, parts[0] + " [" + "-".join(rest) + "]", year
    tail = "-".join(rest[1:])
    return parts[0], rest[0] + (f" [{tail}]" if tail else ""), year


def is_tail_token(token: str, *, years: bool = True) -> bool:
    """Whether a word belongs to the quality and group tail rather than to a title."""
    word = token.strip("[](){},.;:").lower()
    if not word:
        return True
    head = word.split("-")[0]
    if years and (YEAR.fullmatch(word) or YEAR.fullmatch(head)):
        return True
    return word in _TAIL_WORDS or head in _TAIL_WORDS or _TOKEN_FORMS.match(word) is not None


def cut_tail(rest: str) -> tuple[str, int | None]:
    """The title part of what follows the credit, and the release year the tail gives."""
    opened = _OPEN.search(rest)
    head, tail = (rest[: opened.start()], rest[opened.start() :]) if opened else (rest, "")
    if not head.strip() and opened is not None:
        head, tail = rest, ""
    head, cut = _cut_segments(head)
    head, strong = _cut_strong(head)
    cut = strong + " " + cut
    tail = cut + " " + tail
    tail_year = next((int(m.group(0)) for m in YEAR.finditer(tail) if is_year(m)), None)
    tokens = head.split()
    stripped: list[str] = []
    while tokens and (
        is_tail_token(tokens[-1], years=tail_year is None)
        or (len(tokens) > 2 and not stripped and is_tail_token(tokens[-2], years=tail_year is None))
    ):
        stripped.append(tokens.pop())
    own = [int(w) for t in reversed(stripped) if YEAR.fullmatch(w := t.strip("[](){},."))]
    return " ".join(tokens).strip(" -,"), tail_year or (own[0] if own else None)


def _cut_strong(head: str) -> tuple[str, str]:
    """Cut before the first word no title has ("NMR", "kbps", "EPUB", "retail") after the first."""
    tokens = head.split(" ")
    for index in range(1, len(tokens)):
        word = tokens[index].strip("[](){},.;:").lower().split("/")[0]
        if word in _STRONG or word.endswith("kbps"):
            return " ".join(tokens[:index]), " ".join(tokens[index:])
    return head, ""


def _cut_segments(head: str) -> tuple[str, str]:
    """Cut at the first " - x" or "-x" whose x starts the tail ("- lossless FLAC", "-WEB-2016")."""
    for separator in (" - ", "-"):
        parts = head.split(separator)
        for index in range(1, len(parts)):
            first = parts[index].split()
            if first and is_tail_token(first[0]) and not parts[index].startswith(" "):
                return separator.join(parts[:index]), separator.join(parts[index:])
    return head, ""
