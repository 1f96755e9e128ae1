"""Audio formats in a music or audiobook release name: codec, bitrate, bit depth, and the source."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FLAC = re.compile(r"(?<![a-z])(?:web)?flac(?![a-z])", re.I)
_HI_RES = re.compile(
    r"24[ -]?bits?|\b24-(?:44|48|88|96|176|192)\b|\[TR24\]"
    r"|\b24[ /-]?(?:44|48|96|192)(?:[.,]\d)?\s?khz",
    re.I,
)
_ALAC = re.compile(r"\balac\b", re.I)
_APE = re.compile(r"[\[(]ape[\])]|\bAPE\b")
_WAVPACK = re.compile(r"\bwavpack\b|[\[(]wv[\])]", re.I)
_WAV = re.compile(r"\bwav\b", re.I)
_VORBIS = re.compile(r"\bogg\b(?:[-. ]?vorbis)?(?:[ ./-]*q(?P<q>\d{1,2})\b)?", re.I)
_OPUS = re.compile(r"[\[(]opus[\])]|\bopus\b(?=.*\d+\s?kbps)", re.I)
_AAC = re.compile(r"\b(?:aac|m4a)\b", re.I)
_ITUNES = re.compile(r"\bitunes(?: plus)?\b", re.I)
_MP3 = re.compile(r"mp3", re.I)
_VBR = re.compile(r"(?<![a-z0-9])V(?P<v>[0-2])(?![a-z0-9])")
_KBPS = re.compile(r"(?<![\d.])(?P<b>\d{2,3})\s?k(?:bps|bit/s)?(?![a-z])", re.I)
# A bare bitrate: "(320)", "[320]", "@256", "Mp3-256", a trailing " 320".
_BARE = re.compile(
    r"(?:(?<=[\[(@])|(?<=mp3[- ])|(?<=m4a-)|(?<=\s))(?P<b>128|160|192|224|256|320)(?=$|[\])\s-])",
    re.I,
)
_SCENE = re.compile(r"-(?:19|20)\d\d-|\b(?:WEB|CD|VINYL)-(?:19|20)\d\d\b")
_CD = re.compile(r"(?<![a-z])(?:\d?CD[RMS]?\d?|CDEP|CDrip|EAC)(?![a-z])", re.I)
_WEB = re.compile(r"(?<![a-z])(?:web(?:flac)?|itunes|bandcamp|qobuz|tidal|deezer)(?![a-z])", re.I)
_VINYL = re.compile(r"(?<![a-z])(?:vinyl|LP)(?![a-z])")


@dataclass(frozen=True, slots=True)
class AudioQuality:
    """`codec` is flac, alac, ape, wavpack, wav, vorbis, opus, aac, mp3 or None."""

    codec: str | None
    bitrate: int | None = None  # kbit/s, for lossy codecs
    vbr: str | None = None  # "v0", "v2"; vorbis "q8"
    bit_depth: int | None = None  # 24 for hi-res FLAC; None when the name does not say

    @property
    def name(self) -> str:
        """The profile's name: "flac-24", "flac", "mp3-320", "mp3-v0", "aac-256", "unknown"."""
        if self.codec is None:
            return "unknown"
        if self.codec == "flac":
            return "flac-24" if self.bit_depth == 24 else "flac"
        if self.vbr:
            return f"{self.codec}-{self.vbr}"
        if self.bitrate and self.codec in ("mp3", "aac"):
            return f"{self.codec}-{self.bitrate}"
        return self.codec


# Each pattern runs only when its key is in the lower-cased name: most names hold one codec.
_LOSSLESS = (
    ("flac", ("flac",), _FLAC),
    ("alac", ("alac",), _ALAC),
    ("ape", ("ape",), _APE),
    ("wavpack", ("wavpack", "wv"), _WAVPACK),
    ("wav", ("wav",), _WAV),
)


def audio_quality(text: str) -> AudioQuality:
    """Read the codec and its bitrate or depth; a scene name without a lossless tag is MP3."""
    lower = text.lower()
    codec = _lossless(text, lower)
    if codec is not None:
        depth = 24 if codec == "flac" and "24" in text and _HI_RES.search(text) else None
        return AudioQuality(codec, bit_depth=depth)
    if "[TR24]" in text:
        return AudioQuality("flac", bit_depth=24)
    return _lossy(text, lower)


def _lossless(text: str, lower: str) -> str | None:
    for codec, keys, pattern in _LOSSLESS:
        if any(key in lower for key in keys) and pattern.search(text):
            return codec
    return None


def _lossy(text: str, lower: str) -> AudioQuality:
    vorbis = _VORBIS.search(text) if "ogg" in lower else None
    if vorbis is not None:
        q = vorbis.group("q")
        return AudioQuality("vorbis", vbr=f"q{q}" if q else None)
    bitrate = _bitrate(text)
    itunes = "itunes" in lower
    if itunes or (("aac" in lower or "m4a" in lower) and _AAC.search(text)):
        return AudioQuality("aac", bitrate or (256 if itunes else None))
    if "opus" in lower and _OPUS.search(text):
        return AudioQuality("opus", bitrate)
    vbr = _VBR.search(text)
    if _MP3.search(text) or vbr is not None or bitrate is not None or _SCENE.search(text):
        return AudioQuality("mp3", bitrate, f"v{vbr.group('v')}" if vbr else None)
    return AudioQuality(None)


def _bitrate(text: str) -> int | None:
    match = _KBPS.search(text) or _BARE.search(text)
    if match is None:
        return None
    value = int(match.group("b"))
    return value if 32 <= value <= 512 else None


_WEB_KEYS = ("web", "itunes", "bandcamp", "qobuz", "tidal", "deezer")


def audio_source(text: str) -> str | None:
    """ "cd", "web" or "vinyl" when the name says where the audio was taken from."""
    lower = text.lower()
    if "vinyl" in lower or ("LP" in text and _VINYL.search(text)):
        return "vinyl"
    cd = _CD.search(text) if "cd" in lower or "eac" in lower else None
    web = _WEB.search(text) if any(key in lower for key in _WEB_KEYS) else None
    if cd is None or web is None:
        return "cd" if cd else ("web" if web else None)
    return "cd" if cd.start() < web.start() else "web"
