"""Anime fansub names: group, absolute episodes, batches ("01-12", "Batch", "Complete"), version."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.releases.parsing import parse

_BATCH_WORD = re.compile(r"(?<![a-z])(?:batch|complete(?:\sseries)?|全集)(?![a-z])", re.I)


@dataclass(frozen=True, slots=True)
class AnimeRelease:
    """`absolute_episodes` are the episodes a file or a batch holds, numbered from the first."""

    title: str
    release_group: str | None
    absolute_episodes: tuple[int, ...]
    batch: bool
    version: int
    resolution: int | None
    season: int | None = None
    year: int | None = None

    @property
    def episode_range(self) -> tuple[int, int] | None:
        episodes = self.absolute_episodes
        return (min(episodes), max(episodes)) if episodes else None


def parse_anime(name: str) -> AnimeRelease | None:
    """What an anime release name says, read by the series parser and judged for batches."""
    parsed = parse(name)
    if parsed is None:
        return None
    absolute = parsed.absolute_episodes
    batch = (
        len(absolute) > 1
        or parsed.full_season
        or (not absolute and not parsed.episodes and _BATCH_WORD.search(name) is not None)
    )
    return AnimeRelease(
        parsed.title,
        parsed.release_group,
        absolute,
        batch,
        parsed.version,
        parsed.resolution,
        parsed.season,
        parsed.year,
    )
