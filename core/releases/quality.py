"""Quality of a release name: source, resolution, modifier, codec, revision; and its edition."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.domain import ParsedRelease
from core.releases import patterns as p

_SD_EXTENSIONS = frozenset({"avi", "divx", "xvid", "wmv", "mpg", "mpeg", "m4v"})
_HD_EXTENSIONS = frozenset({"mkv", "ts"})
_HDTV_TAG = re.compile(r"\[HDTV\]|HDTV-720p|HD[-_ .]TV|HR[ .]WS", re.IGNORECASE)
_WEBDL_TAG = re.compile(r"\[WEB-?DL\]", re.IGNORECASE)


@dataclass(slots=True)  # not frozen: a frozen __init__ costs four times as much
class Quality:
    """What the quality part of a name says; `resolution` is already inferred as Sonarr does."""

    source: str
    resolution: int | None
    modifier: str | None
    codec: str | None
    proper: bool
    repack: bool
    version: int


def detect_quality(text: str, extension: str | None) -> Quality:
    """Read every quality marker in `text` (the name without its extension)."""
    lower = text.lower()
    source = _source(text, lower)
    resolution = _resolution(text)
    modifier = _modifier(text, lower, source, resolution)
    codec = p.first_keyed(p.CODECS_KEYED, text, lower)
    source, resolution = _infer(text, lower, source, resolution, modifier, codec, extension)
    if modifier in ("remux", "brdisk"):
        source = "bluray"
    proper, repack, version = _revision(text, lower)
    return Quality(source, resolution, modifier, codec, proper, repack, version)


def _source(text: str, lower: str) -> str:
    if not p.SOURCE_KEYS.search(lower):
        return "unknown"
    return p.first_keyed(p.SOURCES_KEYED, text, lower) or "unknown"


def _resolution(text: str) -> int | None:
    match = p.RESOLUTION.search(text)
    if match is None:
        return None
    if match.group("uhd"):
        return 2160
    if match.group("fhd") or match.group("r1440") == "1440":
        return 1080
    if match.group("r1440") == "960":
        return 720
    value = int(next(v for k in ("r", "rx", "r2", "bare", "r3") if (v := match.group(k))))
    if value in (360, 540):
        return 480
    return 2160 if value == 4320 else value


def _modifier(text: str, lower: str, source: str, resolution: int | None) -> str | None:
    if "remux" in lower and p.REMUX.search(text):
        # Sonarr has no remux below 1080p: a 480i/720p remux is graded as plain Blu-ray.
        return "remux" if resolution is None or resolution >= 1080 else None
    disc = "bd" in lower or "br" in lower or "iso" in lower or "blu" in lower
    if disc and p.BRDISK.search(text):
        return "brdisk"
    if source in ("tv", "unknown") and ("raw" in lower or "mpeg" in lower) and p.RAWHD.search(text):
        return "rawhd"
    return None


def _infer(
    text: str,
    lower: str,
    source: str,
    resolution: int | None,
    modifier: str | None,
    codec: str | None,
    extension: str | None,
) -> tuple[str, int | None]:
    """Fill the gaps the way Sonarr's quality parser does, so quality names agree."""
    if modifier == "rawhd":
        return "tv", 1080
    if modifier == "remux" or ("remux" in lower and p.REMUX.search(text)):
        return "bluray", resolution or 1080
    if resolution is not None:
        return (source if source != "unknown" else "tv"), resolution
    if source == "bluray":
        return source, (480 if codec in ("xvid", "divx") or _is_bdrip(text) else 720)
    if source == "webdl":
        return source, (720 if _WEBDL_TAG.search(text) else 480)
    if source in ("webrip", "dvd", "cam", "telesync", "telecine"):
        return source, 480
    if source == "tv":
        return source, (720 if _HDTV_TAG.search(text) else 480)
    if p.REMUX.search(text):
        return "bluray", 480
    if modifier == "remux":
        return "bluray", 1080
    return _from_extension_or_codec(codec, extension)


def _is_bdrip(text: str) -> bool:
    return re.search(r"BDRip|BRRip", text, re.IGNORECASE) is not None


def _from_extension_or_codec(codec: str | None, extension: str | None) -> tuple[str, int | None]:
    if codec in ("xvid", "divx", "h264") or extension in _SD_EXTENSIONS:
        return "tv", 480
    if extension in _HD_EXTENSIONS:
        return "tv", 720
    if extension == "m2ts":
        return "bluray", 720
    return "unknown", None


def _revision(text: str, lower: str) -> tuple[bool, bool, int]:
    if (
        "proper" not in lower
        and "rerip" not in lower
        and "repack" not in lower
        and "v" not in lower
    ):
        return False, False, 1
    # Each regex needs its own word; "rerip" may hide behind an ı that IGNORECASE reads as i.
    proper = "proper" in lower and p.PROPER.search(text) is not None
    repack = ("rep" in lower or "rer" in lower) and p.REPACK.search(text) is not None
    match = p.VERSION.search(text) if "v" in lower else None
    if match is not None:
        return proper, repack, int(match.group("v"))
    return proper, repack, (2 if proper or repack else 1)


def edition_of(text: str) -> str | None:
    """Edition names in guessit's words, comma-separated ("Director's Cut, Remastered")."""
    lower = text.lower()
    if not p.EDITION_KEYS.search(lower):  # most names: no member's key at all
        return None
    found = p.all_keyed(p.EDITIONS_KEYED, text, lower)
    if "Director's Definitive Cut" in found:
        found.remove("Director's Cut")
    return ", ".join(found) or None


def quality_name(parsed: ParsedRelease) -> str:
    """A profile's name for a parsed quality, e.g. "webdl-1080p", "bluray-2160p-remux"."""
    source, res = parsed.source, parsed.resolution
    if parsed.modifier == "rawhd":
        return "rawhd"
    if parsed.modifier == "brdisk":
        return f"bluray-{res or 1080}p-brdisk"
    if source == "unknown" or res is None:
        return "unknown"
    if source in ("cam", "telesync", "telecine"):
        return source
    if source == "dvd" or (source in ("tv", "webdl", "webrip") and res < 720):
        return {"dvd": "dvd", "tv": "sdtv"}.get(source, f"{source}-480p")
    if parsed.modifier == "remux":
        return f"bluray-{2160 if res >= 2160 else 1080}p-remux"
    if source == "bluray" and res < 720:
        return "bluray-480p" if res < 576 else "bluray-576p"
    return f"{'hdtv' if source == 'tv' else source}-{res}p"
