"""Judge and order an indexer's releases: accepted first, best quality first, then tie-breaks."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from core.domain import MediaKind, ParsedRelease, Protocol, Release
from core.releases.matching import Rejection, Wanted, is_episodic, match
from core.releases.parsing import parse
from core.releases.profiles import DEFAULT_PROFILE, DEFAULT_RUNTIME, QualityProfile
from core.releases.quality import quality_name

_MB = 1024 * 1024
_SIZED_KINDS = frozenset({MediaKind.MOVIE, MediaKind.SERIES})


@dataclass(frozen=True, slots=True)
class Verdict:
    """One release judged: its quality name, a 0-100 quality score, and every rejection."""

    release: Release
    parsed: ParsedRelease | None
    quality: str
    score: float
    rejections: tuple[Rejection, ...]
    size_distance: float = math.inf  # |log(size / typical size)|; inf when unknown

    @property
    def accepted(self) -> bool:
        return not self.rejections


def release_key(release: Release) -> str:
    """A stable key for blocklists: the info-hash, else a hash of indexer and guid."""
    if release.info_hash:
        return release.info_hash.lower()
    digest = hashlib.sha1(f"{release.indexer}\x00{release.guid}".encode(), usedforsecurity=False)
    return "guid:" + digest.hexdigest()


def evaluate(
    release: Release,
    wanted: Wanted | None,
    profile: QualityProfile = DEFAULT_PROFILE,
    blocklist: Collection[str] = (),
) -> Verdict:
    """Judge one release against what is wanted (None: a free-text search)."""
    parsed = parse(release.title)
    quality = quality_name(parsed) if parsed is not None else "unknown"
    kind = _kind(parsed, wanted)
    rejections: list[Rejection] = []
    if parsed is None:
        rejections.append(Rejection("unparsable", {"title": release.title}))
    elif wanted is not None:
        rejections.extend(match(parsed, wanted))
    rank = profile.rank_of(quality)
    if kind in _SIZED_KINDS and parsed is not None and rank is None:
        rejections.append(Rejection("quality_not_allowed", {"quality": quality}))
    rejections.extend(_size(release, parsed, wanted, kind, profile))
    rejections.extend(_availability(release, blocklist))
    score = 0.0 if rank is None else 100.0 * (1 - rank / max(len(profile.allowed), 1))
    distance = _size_distance(release, parsed, wanted, kind, profile)
    return Verdict(release, parsed, quality, score, tuple(rejections), distance)


def rank(
    releases: Iterable[Release],
    wanted: Wanted | None,
    profile: QualityProfile = DEFAULT_PROFILE,
    blocklist: Collection[str] = (),
) -> list[Verdict]:
    """Accepted first; then profile quality, freeleech, seeders, and size closest to typical."""
    blocked = frozenset(blocklist)
    verdicts = [evaluate(release, wanted, profile, blocked) for release in releases]
    return sorted(verdicts, key=_sort_key)


def _sort_key(verdict: Verdict) -> tuple[bool, float, bool, int, float]:
    release = verdict.release
    return (
        not verdict.accepted,
        -verdict.score,
        not release.freeleech,
        -(release.seeders or 0),
        verdict.size_distance,
    )


def _kind(parsed: ParsedRelease | None, wanted: Wanted | None) -> MediaKind | None:
    if wanted is not None:
        return wanted.kind
    if parsed is None:
        return None
    return MediaKind.SERIES if is_episodic(parsed) else MediaKind.MOVIE


def _availability(release: Release, blocklist: Collection[str]) -> list[Rejection]:
    rejections = []
    if release_key(release) in blocklist:
        rejections.append(Rejection("blocklisted", {"key": release_key(release)}))
    if release.protocol is Protocol.TORRENT and release.seeders == 0:
        rejections.append(Rejection("no_seeders", {"seeders": 0}))
    return rejections


def _minutes(parsed: ParsedRelease, wanted: Wanted | None, kind: MediaKind) -> float:
    """Runtime the release should hold: episodes times the episode runtime for series."""
    runtime = (wanted.runtime if wanted is not None else None) or DEFAULT_RUNTIME[kind]
    if kind is MediaKind.SERIES:
        count = len(parsed.episodes) or len(parsed.absolute_episodes) or 1
        return float(runtime * count)
    return float(runtime)


def _size(
    release: Release,
    parsed: ParsedRelease | None,
    wanted: Wanted | None,
    kind: MediaKind | None,
    profile: QualityProfile,
) -> list[Rejection]:
    if release.size is None or parsed is None or kind not in _SIZED_KINDS:
        return []
    assert kind is not None
    minutes = _minutes(parsed, wanted, kind)
    per_minute = release.size / _MB / minutes
    low, high = profile.min_mb_per_minute[kind], profile.max_mb_per_minute[kind]
    params = {"size": release.size, "mb_per_minute": round(per_minute, 1)}
    if per_minute < low:
        return [Rejection("too_small", {**params, "min_mb_per_minute": low})]
    # A season pack holds an unknown number of episodes, so only its lower bound is checked.
    if per_minute > high and not parsed.full_season:
        return [Rejection("too_large", {**params, "max_mb_per_minute": high})]
    return []


def _size_distance(
    release: Release,
    parsed: ParsedRelease | None,
    wanted: Wanted | None,
    kind: MediaKind | None,
    profile: QualityProfile,
) -> float:
    if not release.size or parsed is None or kind not in _SIZED_KINDS:
        return math.inf
    assert kind is not None
    typical = profile.typical_mb_per_minute[kind] * _minutes(parsed, wanted, kind) * _MB
    return abs(math.log(release.size / typical))
