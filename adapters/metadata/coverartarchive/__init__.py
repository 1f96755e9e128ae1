"""The Cover Art Archive enricher (album art by MusicBrainz id); keyless."""

from adapters.metadata.coverartarchive.enricher import CACHE_TTL, CoverArtArchiveEnricher

__all__ = ["CACHE_TTL", "CoverArtArchiveEnricher"]
