"""Quality profiles: which qualities are wanted, best first, and what sizes are sane."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from core.domain import MediaKind

# MB per minute of runtime. A 2-hour 1080p web film is 4-8 GB (35-65 MB/min); a 4K remux
# reaches 80 GB (~650 MB/min); anything under ~3 MB/min is a sample, a fake or an archive.
_MIN_MB_PER_MINUTE = MappingProxyType({MediaKind.MOVIE: 3.0, MediaKind.SERIES: 2.0})
_MAX_MB_PER_MINUTE = MappingProxyType({MediaKind.MOVIE: 800.0, MediaKind.SERIES: 600.0})
_TYPICAL_MB_PER_MINUTE = MappingProxyType({MediaKind.MOVIE: 45.0, MediaKind.SERIES: 30.0})
# Used when the wanted media's runtime is unknown (films; one episode).
DEFAULT_RUNTIME = MappingProxyType({MediaKind.MOVIE: 110, MediaKind.SERIES: 45})


@dataclass(frozen=True, slots=True)
class QualityProfile:
    """Allowed quality names (see `quality_name`), best first, and size bounds per kind."""

    name: str
    allowed: tuple[str, ...]
    min_mb_per_minute: Mapping[MediaKind, float] = field(default_factory=lambda: _MIN_MB_PER_MINUTE)
    max_mb_per_minute: Mapping[MediaKind, float] = field(default_factory=lambda: _MAX_MB_PER_MINUTE)
    typical_mb_per_minute: Mapping[MediaKind, float] = field(
        default_factory=lambda: _TYPICAL_MB_PER_MINUTE
    )


DEFAULT_PROFILE = QualityProfile(
    name="default",
    allowed=(
        "bluray-2160p-remux",
        "bluray-2160p",
        "webdl-2160p",
        "webrip-2160p",
        "hdtv-2160p",
        "bluray-1080p-remux",
        "bluray-1080p",
        "webdl-1080p",
        "webrip-1080p",
        "hdtv-1080p",
        "bluray-720p",
        "webdl-720p",
        "webrip-720p",
        "hdtv-720p",
        "bluray-576p",
        "bluray-480p",
        "webdl-480p",
        "webrip-480p",
        "dvd",
        "sdtv",
    ),
)

# Music: lossless first, then 320 and V0, then the rest of the lossy encodes.
MUSIC_PROFILE = QualityProfile(
    name="music",
    allowed=(
        "flac-24", "flac", "alac", "ape", "wavpack", "wav",
        "mp3-320", "mp3-v0", "aac-320", "aac-256", "mp3-256", "mp3-v2", "vorbis-q10",
        "vorbis-q9", "vorbis-q8", "mp3", "aac", "vorbis", "opus", "mp3-192",
    ),
)  # fmt: skip
# Ebooks: EPUB reads everywhere; Kindle formats next; PDF and comics last.
BOOK_PROFILE = QualityProfile(
    name="book",
    allowed=("epub", "azw3", "kfx", "mobi", "azw", "fb2", "pdf", "cbz", "cbr", "djvu"),
)
# Audiobooks: one chaptered M4B, then other files; unabridged (or unstated) before abridged.
AUDIOBOOK_PROFILE = QualityProfile(
    name="audiobook",
    allowed=(
        "m4b", "m4a", "mp3", "flac", "aac", "opus", "ogg", "unknown",
        "m4b-abridged", "m4a-abridged", "mp3-abridged", "flac-abridged", "unknown-abridged",
    ),
)  # fmt: skip
KIND_PROFILES: Mapping[MediaKind, QualityProfile] = MappingProxyType(
    {
        MediaKind.MUSIC: MUSIC_PROFILE,
        MediaKind.BOOK: BOOK_PROFILE,
        MediaKind.AUDIOBOOK: AUDIOBOOK_PROFILE,
    }
)


def default_profile(kind: MediaKind) -> QualityProfile:
    """The household default for a kind: films and series share DEFAULT_PROFILE."""
    return KIND_PROFILES.get(kind, DEFAULT_PROFILE)
