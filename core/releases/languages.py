"""Audio languages named in a release name, in Sonarr's snake-case vocabulary."""

from __future__ import annotations

import re

# Whole-word tokens (lower case) after the title. Short ISO-like codes count only as whole
# tokens, which is why the title part of the name is never searched (the "Spanish" in
# "Title.the.Spanish.Series" is part of a title, not a language).
_TOKENS: dict[str, str] = {}
_TABLE = {
    "english": "english eng ingles inglés ing en",
    "french": "french truefrench vff vfq vf vf2 vfi fra fre fr",
    "german": "german ger deu deutsch swissgerman videomann",
    "spanish": "spanish spa esp español espanol castellano",
    "spanish_latino": "latino",
    "italian": "italian ita",
    "japanese": "japanese jap jpn ja",
    "chinese": "chinese cantonese mandarin chs cht big5 gb",
    "korean": "korean kor",
    "vietnamese": "vietnamese",
    "swedish": "swedish swe",
    "norwegian": "norwegian nor",
    "finnish": "finnish fin",
    "turkish": "turkish tur",
    "portuguese": "portuguese por",
    "portuguese_brazil": "brazilian dublado",
    "flemish": "flemish",
    "greek": "greek",
    "dutch": "dutch nl",
    "danish": "danish",
    "icelandic": "icelandic",
    "thai": "thai",
    "arabic": "arabic",
    "urdu": "urdu",
    "hindi": "hindi",
    "malayalam": "malayalam",
    "bulgarian": "bulgarian bgaudio",
    "hungarian": "hungarian hundub hun",
    "hebrew": "hebrew hebdub heb",
    "lithuanian": "lithuanian lt",
    "latvian": "latvian lav lv lat",
    "russian": "russian rus ru",
    "polish": "polish pl pllek lekpl pldub dubpl",
    "czech": "czech cz",
    "slovak": "slovak sk",
    "romanian": "romanian rodubbed",
    "catalan": "catalan catalán cat",
    "ukrainian": "ukrainian ukr",
    "azerbaijani": "azerbaijani azerbaijan",
    "uzbek": "uzbek uzbekistan",
    "romansh": "romansh rumantsch romansch",
    "georgian": "georgian geo ka",
    "original": "original orig",
}
for _lang, _words in _TABLE.items():
    for _word in _words.split():
        _TOKENS[_word] = _lang

_SPLIT = re.compile(r"[\W_]+")
_MULTI = re.compile(
    r"(?<![a-z])(?P<pl>pl[-_. ]?(?:lek|dub)|(?:lek|dub)[-_. ]?pl)(?![a-z])"
    r"|(?P<bg>bg[-_. ]audio)|(?P<dl>german[-_. ]dl)(?![a-z])|(?P<ml>[-_. ]ml[-_. ])",
    re.IGNORECASE,
)
# Languages named as subtitles, not audio: "Ger.Eng.Sub", "SUB ITA ENG", "Sub Ukr/Eng".
_SUBTITLES = re.compile(
    r"(?:(?<![a-z])(?:e?subs?|subtitles?|multisub)(?:[-_./ |]+(?:\d?x?[a-z]{2,3})(?![a-z]))+"
    r"|(?:(?<![a-z])[a-z]{2,3}[.-])+subs?(?![a-z]))",
    re.IGNORECASE,
)
_MULTI_WORDS = ("pl", "lek", "dub", "bg", "german", "ml")
_STRIP = "0123456789x"
_SITE = re.compile(
    r"\[[^\]]*\.(?:com|net|org|info|to|tv|me|ru|cc|io|nl|de|fr|es|it)\]|www\.\S+", re.IGNORECASE
)
# "[ENG+RU+PT]": a plus-joined list names languages by their two-letter codes too.
_PLUS_LIST = re.compile(r"(?<![a-z])[a-z]{2,3}(?:\+[a-z]{2,3})+(?![a-z])", re.IGNORECASE)
_ISO_PAIRS = {"pt": "portuguese", "de": "german", "it": "italian", "es": "spanish", "fr": "french"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def detect_languages(tail: str) -> tuple[str, ...]:
    """Languages mentioned after the title, in order of first mention, without duplicates."""
    found: list[str] = []
    lower = tail.lower()
    text = _SITE.sub(" ", tail) if "[" in tail or "www." in lower else tail
    if "sub" in lower:
        text = _SUBTITLES.sub(" ", text)
    if any(word in lower for word in _MULTI_WORDS):
        _multi(text, found)
    if "+" in text:
        _plus_lists(text, found)
    for token in _SPLIT.split(lower if text is tail else text.lower()):
        # No key starts with a digit or "x": only such a token needs stripping first.
        lang = _TOKENS.get(token) if token[:1] not in _STRIP else _TOKENS.get(token.lstrip(_STRIP))
        if lang is not None:
            _add(found, lang)
    if not tail.isascii() and _CJK.search(tail):
        _add(found, "chinese")
    return tuple(found)


def _plus_lists(text: str, found: list[str]) -> None:
    for match in _PLUS_LIST.finditer(text):
        for code in match.group(0).lower().split("+"):
            lang = _TOKENS.get(code) or _ISO_PAIRS.get(code)
            if lang is not None:
                _add(found, lang)


def _multi(text: str, found: list[str]) -> None:
    for match in _MULTI.finditer(text):
        if match.group("pl"):
            _add(found, "polish")
        elif match.group("bg"):
            _add(found, "bulgarian")
        elif match.group("dl"):
            _add(found, "german")
            _add(found, "original")
        elif match.group("ml"):
            _add(found, "original")
            _add(found, "english")


def _add(found: list[str], lang: str) -> None:
    if lang not in found:
        found.append(lang)


def is_language_token(token: str) -> bool:
    """Whether a single word names a language ("ENG", "French", "vostfr" does not)."""
    return token.lower() in _TOKENS
