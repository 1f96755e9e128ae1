"""The Open Library metadata adapter (books and audiobooks, no key)."""

from adapters.metadata.openlibrary.provider import CACHE_TTL, OpenLibraryProvider

__all__ = ["CACHE_TTL", "OpenLibraryProvider"]
