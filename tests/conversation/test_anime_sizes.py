"""The release list calls an anime episode "unusually large" by the size of a series' episode."""

from __future__ import annotations

from bot.conversation.releases import oversize
from core.domain import MediaKind, Protocol, Release
from core.releases import Wanted, rank

GB = 1024**3


def verdict(title: str, size: int):  # type: ignore[no-untyped-def]
    release = Release(title, "nyaa", Protocol.TORRENT, guid=title, size=size, seeders=5)
    (found,) = rank([release], Wanted(MediaKind.SERIES, "Sousou no Frieren"))
    return found


def test_an_anime_episode_is_sized_as_a_series_episode() -> None:
    huge = verdict("[Group] Sousou no Frieren - 05 (2160p) [ABCD1234].mkv", 8 * GB)
    usual = verdict("[SubsPlease] Sousou no Frieren - 05 (1080p) [8A3B5C7D].mkv", GB)
    assert oversize(huge, MediaKind.ANIME) == oversize(huge, MediaKind.SERIES)
    assert (oversize(huge, MediaKind.ANIME) or 0) > 2.0
    assert oversize(usual, MediaKind.ANIME) is None
