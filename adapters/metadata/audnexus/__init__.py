"""The Audnexus metadata adapter: audiobook details by ASIN (an enricher; no title search)."""

from adapters.metadata.audnexus.provider import CACHE_TTL, AudnexusProvider, Found
from adapters.metadata.audnexus.wire import Author, Chapter, Series

__all__ = ["CACHE_TTL", "AudnexusProvider", "Author", "Chapter", "Found", "Series"]
