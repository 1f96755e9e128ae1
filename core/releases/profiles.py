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
    # The quality good enough to call "preferred" (Radarr's cutoff): it and those above it.
    cutoff: str | None = None
    # Size sanity of one quality in MB per minute (Radarr's quality definitions); where a
    # quality has none, the kind's bounds above apply.
    quality_min: Mapping[str, float] = field(default_factory=dict)
    quality_max: Mapping[str, float] = field(default_factory=dict)

    def preferred(self, quality: str) -> bool:
        """Whether `quality` is at or above the cutoff (any allowed one when there is none)."""
        if quality not in self.allowed:
            return False
        if self.cutoff is None or self.cutoff not in self.allowed:
            return True
        return self.allowed.index(quality) <= self.allowed.index(self.cutoff)


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

# The largest sane size of each video quality, in MB per minute, in the manner of Radarr's
# quality definitions (whose own maxima are open-ended, 2000): about twice what the biggest
# usual encode of that quality weighs, so only a mislabelled or padded release goes over.
# A 2-hour 1080p WEB-DL is 4-8 GB (35-65 MB/min): over 80 MB/min (9.4 GB) it is no WEB-DL.
VIDEO_MAX_MB_PER_MINUTE: Mapping[str, float] = MappingProxyType(
    {
        "sdtv": 20.0, "dvd": 30.0, "webdl-480p": 20.0, "webrip-480p": 20.0,
        "bluray-480p": 30.0, "bluray-576p": 35.0,
        "hdtv-720p": 40.0, "webdl-720p": 40.0, "webrip-720p": 40.0, "bluray-720p": 60.0,
        "hdtv-1080p": 80.0, "webdl-1080p": 80.0, "webrip-1080p": 80.0, "bluray-1080p": 130.0,
        "bluray-1080p-remux": 350.0,
        "hdtv-2160p": 200.0, "webdl-2160p": 200.0, "webrip-2160p": 200.0, "bluray-2160p": 400.0,
        "bluray-2160p-remux": 800.0,
    }
)  # fmt: skip
# Every video quality a profile may name: the full ladder and the ones it leaves out.
VIDEO_QUALITIES: tuple[str, ...] = (
    *DEFAULT_PROFILE.allowed,
    "bluray-2160p-brdisk", "bluray-1080p-brdisk", "rawhd", "cam", "telesync", "telecine",
    "unknown",
)  # fmt: skip
# Films, series and anime: 1080p first, then 720p and SD; 2160p and remuxes only when a
# household adds them (they are 3-10 times the size for a screen across the room).
_HOUSEHOLD_VIDEO = tuple(
    q for q in DEFAULT_PROFILE.allowed if "2160p" not in q and "remux" not in q
)
MOVIE_PROFILE = QualityProfile(
    name="movie",
    allowed=_HOUSEHOLD_VIDEO,
    cutoff="hdtv-1080p",
    quality_max=VIDEO_MAX_MB_PER_MINUTE,
)
SERIES_PROFILE = QualityProfile(
    name="series",
    allowed=_HOUSEHOLD_VIDEO,
    cutoff="hdtv-1080p",
    quality_max=VIDEO_MAX_MB_PER_MINUTE,
)
ANIME_PROFILE = QualityProfile(
    name="anime",
    allowed=_HOUSEHOLD_VIDEO,
    cutoff="hdtv-1080p",
    quality_max=VIDEO_MAX_MB_PER_MINUTE,
)

# Music: lossless first, then 320 and V0, then the rest of the lossy encodes.
MUSIC_PROFILE = QualityProfile(
    name="music",
    allowed=(
        "flac-24", "flac", "alac", "ape", "wavpack", "wav",
        "mp3-320", "mp3-v0", "aac-320", "aac-256", "mp3-256", "mp3-v2", "vorbis-q10",
        "vorbis-q9", "vorbis-q8", "mp3", "aac", "vorbis", "opus", "mp3-192",
    ),
    cutoff="wav",  # every lossless format is preferred; 320 is the best lossy
)  # fmt: skip
# Ebooks: EPUB reads everywhere; Kindle formats next; PDF and comics last.
BOOK_PROFILE = QualityProfile(
    name="book",
    allowed=("epub", "azw3", "kfx", "mobi", "azw", "fb2", "pdf", "cbz", "cbr", "djvu"),
    cutoff="epub",
)
# Audiobooks: one chaptered M4B, then other files; unabridged (or unstated) before abridged.
AUDIOBOOK_PROFILE = QualityProfile(
    name="audiobook",
    allowed=(
        "m4b", "m4a", "mp3", "flac", "aac", "opus", "ogg", "unknown",
        "m4b-abridged", "m4a-abridged", "mp3-abridged", "flac-abridged", "unknown-abridged",
    ),
    cutoff="m4b",
)  # fmt: skip
KIND_PROFILES: Mapping[MediaKind, QualityProfile] = MappingProxyType(
    {
        MediaKind.MUSIC: MUSIC_PROFILE,
        MediaKind.BOOK: BOOK_PROFILE,
        MediaKind.AUDIOBOOK: AUDIOBOOK_PROFILE,
    }
)


# What `outpost profile show` starts from, one per kind, before a household changes it.
HOUSEHOLD_PROFILES: Mapping[MediaKind, QualityProfile] = MappingProxyType(
    {
        MediaKind.MOVIE: MOVIE_PROFILE,
        MediaKind.SERIES: SERIES_PROFILE,
        MediaKind.ANIME: ANIME_PROFILE,
        **KIND_PROFILES,
    }
)
# The kinds whose releases are sized in MB per minute of runtime.
SIZED_KINDS = frozenset({MediaKind.MOVIE, MediaKind.SERIES, MediaKind.ANIME})


def default_profile(kind: MediaKind) -> QualityProfile:
    """The household default for a kind (see HOUSEHOLD_PROFILES)."""
    return HOUSEHOLD_PROFILES.get(kind, DEFAULT_PROFILE)


def known_qualities(kind: MediaKind) -> tuple[str, ...]:
    """The quality names a profile of `kind` may list."""
    if kind in SIZED_KINDS:
        return VIDEO_QUALITIES
    return KIND_PROFILES[kind].allowed
