"""Judge and order an indexer's releases: accepted first, best quality first, then tie-breaks."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter

from core.domain import MediaKind, ParsedRelease, Protocol, Release
from core.releases.books import AudiobookRelease, BookRelease, parse_audiobook, parse_book
from core.releases.matching import (
    Rejection,
    Wanted,
    WantedTitles,
    is_episodic,
    match,
    match_book,
    match_music,
    wanted_titles,
)
from core.releases.music import MusicRelease, parse_music
from core.releases.parsing import parse
from core.releases.profiles import (
    DEFAULT_PROFILE,
    DEFAULT_RUNTIME,
    KIND_PROFILES,
    QualityProfile,
)
from core.releases.quality import quality_name

_MB = 1024 * 1024
_SIZED_KINDS = frozenset({MediaKind.MOVIE, MediaKind.SERIES})
KindRelease = MusicRelease | BookRelease | AudiobookRelease
_KIND_PARSERS = {
    MediaKind.MUSIC: parse_music,
    MediaKind.BOOK: parse_book,
    MediaKind.AUDIOBOOK: parse_audiobook,
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """One release judged: its quality name, a 0-100 quality score, and every rejection."""

    release: Release
    parsed: ParsedRelease | None
    quality: str
    score: float
    rejections: tuple[Rejection, ...]
    size_distance: float = math.inf  # |log(size / typical size)|; inf when unknown
    detail: KindRelease | None = None  # what the music or book parser read, for those kinds

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
    return _Judge.of(wanted, profile, blocklist).verdict(release)


def rank(
    releases: Iterable[Release],
    wanted: Wanted | None,
    profile: QualityProfile = DEFAULT_PROFILE,
    blocklist: Collection[str] = (),
) -> list[Verdict]:
    """Accepted first; then profile quality, freeleech, seeders, and size closest to typical."""
    judge = _Judge.of(wanted, profile, frozenset(blocklist))
    keyed = [judge.keyed(release) for release in releases]
    keyed.sort(key=itemgetter(0))  # stable, and never compares two verdicts
    return [verdict for _, verdict in keyed]


SortKey = tuple[bool, float, bool, int, float]


@dataclass(frozen=True, slots=True)
class _Bounds:
    """One kind's size sanity in MB per minute, and the runtime to expect when none is known."""

    low: float
    high: float
    typical: float
    runtime: int
    per_episode: bool


@dataclass(frozen=True, slots=True)
class _Judge:
    """What is the same for every release of one search, worked out once."""

    wanted: Wanted | None
    profile: QualityProfile
    blocklist: Collection[str]
    titles: WantedTitles | None
    ranks: dict[str, int]  # quality name -> index in profile.allowed
    slots: int
    # Per kind and quality, filled when first needed.
    bounds: dict[tuple[MediaKind, str], _Bounds] = field(default_factory=dict)
    # One search sees the same name on several indexers (sizes and hashes differ, so they are
    # not merged): parse each distinct name once.
    parsed: dict[str, ParsedRelease | None] = field(default_factory=dict)

    @classmethod
    def of(
        cls, wanted: Wanted | None, profile: QualityProfile, blocklist: Collection[str]
    ) -> _Judge:
        titles = wanted_titles(wanted) if wanted is not None else None
        if profile is DEFAULT_PROFILE and wanted is not None and wanted.kind in KIND_PROFILES:
            profile = KIND_PROFILES[wanted.kind]  # the kind's own default, not the film one
        slots = max(len(profile.allowed), 1)
        return cls(wanted, profile, blocklist, titles, _ranks(profile.allowed), slots)

    def keyed(self, release: Release) -> tuple[SortKey, Verdict]:
        verdict = self.verdict(release)
        key = (
            bool(verdict.rejections),
            -verdict.score,
            release.download_volume_factor != 0.0,  # not freeleech
            -(release.seeders or 0),
            verdict.size_distance,
        )
        return key, verdict

    def verdict(self, release: Release) -> Verdict:
        known = self.parsed
        if release.title in known:
            parsed = known[release.title]
        else:
            parsed = known[release.title] = parse(release.title)
        if self.wanted is not None and self.wanted.kind in _KIND_PARSERS:
            return self._kind_verdict(release, parsed, self.wanted)
        if parsed is None:
            return self._unparsable(release)
        quality = quality_name(parsed)
        kind = self.wanted.kind if self.wanted is not None else _free_text_kind(parsed)
        rejections = match(parsed, self.wanted, self.titles) if self.wanted is not None else []
        rank = self.ranks.get(quality)
        distance = math.inf
        if kind in _SIZED_KINDS:
            if rank is None:
                rejections.append(Rejection("quality_not_allowed", {"quality": quality}))
            if release.size is not None:
                bounds = self._bounds(kind, quality)
                distance = self._size(release, parsed, bounds, rejections)
        self._availability(release, rejections)
        score = self._score(rank)
        return Verdict(release, parsed, quality, score, tuple(rejections), distance)

    def _kind_verdict(
        self, release: Release, parsed: ParsedRelease | None, wanted: Wanted
    ) -> Verdict:
        """Music and books: the kind's parser, its quality names, and its matching rules."""
        detail = _KIND_PARSERS[wanted.kind](release.title)
        if detail is None:
            return self._unparsable(release)
        if isinstance(detail, MusicRelease):
            quality, rejections = detail.quality.name, match_music(detail, wanted)
        else:
            quality, rejections = detail.quality_name, match_book(detail, wanted)
        if _pack_free(rejections) and parsed is not None and not match(parsed, wanted, self.titles):
            rejections = []  # the film parser's reading of "Credit - Title" fits: so does this
        self._availability(release, rejections)
        score = self._score(self.ranks.get(quality))
        return Verdict(release, parsed, quality, score, tuple(rejections), detail=detail)

    def _unparsable(self, release: Release) -> Verdict:
        rejections = [Rejection("unparsable", {"title": release.title})]
        self._availability(release, rejections)
        score = self._score(self.ranks.get("unknown"))
        return Verdict(release, None, "unknown", score, tuple(rejections))

    def _score(self, rank: int | None) -> float:
        """100 for the profile's best quality, falling evenly; 0 for one it does not allow."""
        return 0.0 if rank is None else 100.0 * (1 - rank / self.slots)

    def _size(
        self, release: Release, parsed: ParsedRelease, bounds: _Bounds, out: list[Rejection]
    ) -> float:
        """Appends a size rejection; returns |log(size / typical size)|, inf for a zero size."""
        size = release.size or 0
        minutes = _minutes(parsed, bounds)
        per_minute = size / _MB / minutes
        if per_minute < bounds.low:
            out.append(_size_rejection("too_small", size, per_minute, bounds.low))
        # A season pack holds an unknown number of episodes, so only its lower bound is checked.
        elif per_minute > bounds.high and not parsed.full_season:
            out.append(_size_rejection("too_large", size, per_minute, bounds.high))
        return abs(math.log(size / (bounds.typical * minutes * _MB))) if size else math.inf

    def _bounds(self, kind: MediaKind, quality: str) -> _Bounds:
        """The kind's bounds, narrowed by the quality's own definition where the profile has one."""
        bounds = self.bounds.get((kind, quality))
        if bounds is None:
            runtime = self.wanted.runtime if self.wanted is not None else None
            bounds = _bounds(self.profile, kind, runtime)
            low, high = self.profile.quality_min.get(quality), self.profile.quality_max.get(quality)
            if low is not None or high is not None:
                bounds = replace(
                    bounds,
                    low=bounds.low if low is None else low,
                    high=bounds.high if high is None else high,
                )
            self.bounds[(kind, quality)] = bounds
        return bounds

    def _availability(self, release: Release, out: list[Rejection]) -> None:
        if self.blocklist:  # the key costs a hash: only worked out when there is a list
            key = release_key(release)
            if key in self.blocklist:
                out.append(Rejection("blocklisted", {"key": key}))
        if release.seeders == 0 and release.protocol is Protocol.TORRENT:
            out.append(Rejection("no_seeders", {"seeders": 0}))


def _pack_free(rejections: list[Rejection]) -> bool:
    """No discography or collection misfit: those rules the kind parser alone decides."""
    packs = ("discography", "not_a_discography", "collection", "not_an_ebook", "not_an_audiobook")
    return bool(rejections) and not any(r.code in packs for r in rejections)


def _free_text_kind(parsed: ParsedRelease) -> MediaKind:
    return MediaKind.SERIES if is_episodic(parsed) else MediaKind.MOVIE


@lru_cache(maxsize=64)
def _ranks(allowed: tuple[str, ...]) -> dict[str, int]:
    """Quality name -> index in `allowed` (the first, as `tuple.index` would say)."""
    ranks: dict[str, int] = {}
    for index, quality in enumerate(allowed):
        ranks.setdefault(quality, index)
    return ranks


def _bounds(profile: QualityProfile, kind: MediaKind, runtime: int | None) -> _Bounds:
    return _Bounds(
        profile.min_mb_per_minute[kind],
        profile.max_mb_per_minute[kind],
        profile.typical_mb_per_minute[kind],
        runtime or DEFAULT_RUNTIME[kind],
        kind is MediaKind.SERIES,
    )


def _minutes(parsed: ParsedRelease, bounds: _Bounds) -> float:
    """Runtime the release should hold: episodes times the episode runtime for series."""
    if bounds.per_episode:
        count = len(parsed.episodes) or len(parsed.absolute_episodes) or 1
        return float(bounds.runtime * count)
    return float(bounds.runtime)


def _size_rejection(code: str, size: int, per_minute: float, bound: float) -> Rejection:
    limit = "min_mb_per_minute" if code == "too_small" else "max_mb_per_minute"
    return Rejection(code, {"size": size, "mb_per_minute": round(per_minute, 1), limit: bound})
