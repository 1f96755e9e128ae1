"""The TMDB metadata adapter (movies and series)."""

from adapters.metadata.tmdb.provider import CACHE_TTL, TmdbProvider

__all__ = ["CACHE_TTL", "TmdbProvider"]
