"""The MusicBrainz metadata adapter (music): albums, artists, recordings; keyless."""

from adapters.metadata.musicbrainz.provider import CACHE_TTL, MusicBrainzProvider

__all__ = ["CACHE_TTL", "MusicBrainzProvider"]
