"""The release group at the end of a release name ("-GROUP", "[Group]", ".x264.GROUP")."""

from __future__ import annotations

import re

from core.releases import patterns as p
from core.releases.languages import is_language_token

# "-LOL[ettv]": guessit keeps a tracker tag glued to the group as part of it.
_GLUED_TAG = re.compile(r"-(?P<group>[^\W_]+)(?P<tag>\[[a-z0-9]+\])$", re.IGNORECASE)
# "H264.Fight-BB", "XViD.Etc-Group": a dashed group joined to the tail by a dot.
_DOTTED_PAIR = re.compile(r"[._](?P<a>[^\W_]+)-(?P<b>[^\W_]+)$")
# ".x264.KCRT", "DTS WiKi": a bare last token right after a technical token.
_AFTER_TECH = re.compile(r"(?P<prev>[^\s._]+)[._](?P<group>[^\W_][\w@]*)$")
_TECH = re.compile(
    r"(?:[xh]?26[45]|hevc|avc|xvid|divx|dxva|vp9|av1|ac3|e?ac3|aac[\d.]*|dts(?:-?hd)?|ddp?[\d.]*|"
    r"\d|atmos|truehd|flac|opus|mp3|lpcm|web|webrip|web-?dl|bluray|blu-ray|hdtv|\d{3,4}p|"
    r"10bit|8bit|hdr|hq|dl|dvdrip|bdrip|hdrip|remux|5\.1ch|\d?ch|mkv|wmv|mp[23]|mpeg-?2|\d+kbps|"
    r"audio|\w*subs?|\w*x26[45]|preair|proof\w*|upscaled|dual)",
    re.IGNORECASE,
)
_TAIL_WORDS = frozenset({"r", "x", "bit", "vision", "subs"})
_NOT_GROUP = re.compile(r"[\d.]+|.*\.\w{1,2}|mp4|mkv|avi|\d+(?:\.\d+)?[mg]b", re.IGNORECASE)


def trailing_group(tail: str) -> str | None:
    """The release group: "-GROUP" at the end, else a final "[Group]" or "(... x265 Group)"."""
    tail = tail.rstrip(" ._")
    glued = _GLUED_TAG.search(tail)
    if glued is not None and _is_group(glued.group("group")):
        return glued.group("group") + glued.group("tag")
    if _may_have_suffix(tail):
        tail = p.GROUP_SUFFIX.sub("", tail).rstrip(" ._")
    match = p.GROUP_DASH.search(tail)
    if match is not None and _is_group(match.group("group")):
        return _dotted_pair(tail) or _drop_tech_head(match.group("group"))
    match = p.GROUP_IN_PARENS.search(tail)
    if match is not None and p.TITLE_STOP.search(match.group("inner")):
        if _is_group(match.group("group")):
            return match.group("group")
    match = p.GROUP_BRACKET_END.search(tail)
    if match is not None and _is_group(match.group("group").strip()):
        return match.group("group").strip()
    return _after_tech(tail)


def _may_have_suffix(tail: str) -> bool:
    """Whether GROUP_SUFFIX can match: its last unit ends the name, and all but "Rakuv..." and
    "[tag]" are one suffix word after the last separator. (The regex tries every position.)"""
    if tail.endswith("]") or "rakuv" in tail.lower():
        return True
    cut = max(tail.rfind("-"), tail.rfind("_"), tail.rfind("."), tail.rfind(" "))
    return cut >= 0 and p.SUFFIX_WORD.fullmatch(tail, cut + 1) is not None


def _drop_tech_head(group: str) -> str:
    """ "DL-BLUEBERRY", "R-KZ", "Bit-ZR": the part before the dash belongs to the tail."""
    head, _, rest = group.partition("-")
    if rest and (_TECH.fullmatch(head) or head.lower() in _TAIL_WORDS):
        return rest
    return group


def _dotted_pair(tail: str) -> str | None:
    match = _DOTTED_PAIR.search(tail)
    if match is None or "-" in tail[: match.start()].rsplit(".", 1)[-1]:
        return None
    first = match.group("a")
    if _TECH.fullmatch(first) or not _is_group(first) or is_language_token(first):
        return None
    return f"{first}-{match.group('b')}"


def _after_tech(tail: str) -> str | None:
    match = _AFTER_TECH.search(tail)
    if match is None or not _TECH.fullmatch(match.group("prev")):
        return None
    group = match.group("group")
    if len(group) < 2 or _TECH.fullmatch(group) or is_language_token(group):
        return None
    return group if _is_group(group) else None


def _is_group(group: str) -> bool:
    if not group or p.GROUP_NOT.match(group) or p.TITLE_STOP.fullmatch(group):
        return False
    if p.RESOLUTION.search(group):
        return False
    return not _NOT_GROUP.fullmatch(group)
