"""The AniList metadata adapter (anime), over AniList's public GraphQL API."""

from adapters.metadata.anilist.provider import CACHE_TTL, AniListProvider

__all__ = ["CACHE_TTL", "AniListProvider"]
