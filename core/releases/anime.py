"""Anime fansub names: group, absolute episodes, batches ("01-12", "Batch", "Complete"), version."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.releases.parsing import parse

_BATCH_WORD = re.compile(r"(?<![a-z])(?:batch|complete(?:\sseries)?|全集)(?![a-z])", re.I)
# "(001-500)", "[01~26]": a batch's span, which the series parser may read as one episode.
_SPAN = re.compile(r"[(\[](\d{1,4})\s?[-~]\s?(\d{1,4})[)\]]")
_YEARS = re.compile(r"^(?:19|20)\d\d$")


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
    title, absolute = parsed.title, parsed.absolute_episodes
    if len(absolute) == 1 and _numbered_title(name, absolute[0]):
        title, absolute = f"{title} {absolute[0]}", ()  # "Mob Psycho 100 Complete"
    if len(absolute) <= 1 and not parsed.episodes:
        absolute = _span(name) or absolute
    batch = (
        len(absolute) > 1
        or parsed.full_season
        or (not absolute and not parsed.episodes and _BATCH_WORD.search(name) is not None)
    )
    return AnimeRelease(
        title,
        parsed.release_group,
        absolute,
        batch,
        parsed.version,
        parsed.resolution,
        parsed.season,
        parsed.year,
    )


def _numbered_title(name: str, number: int) -> bool:
    """ "[DB] Mob Psycho 100 Complete": the number before a batch word belongs to the title."""
    found = re.search(rf"(?<!\d)0*{number}\s+(?:batch|complete)\b", name, re.IGNORECASE)
    return found is not None


def _span(name: str) -> tuple[int, ...]:
    for match in _SPAN.finditer(name):
        first, last = match.group(1), match.group(2)
        if _YEARS.match(first) and _YEARS.match(last):
            continue
        if int(first) < int(last):
            return tuple(range(int(first), int(last) + 1))
    return ()
