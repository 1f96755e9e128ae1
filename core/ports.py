"""The Protocols adapters implement; core depends on these, never on a concrete adapter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, runtime_checkable
from typing import Protocol as _Protocol

from core.domain import (
    Capabilities,
    ClientCheck,
    Download,
    DownloadRequest,
    Media,
    MediaDetails,
    MediaKind,
    Protocol,
    Release,
    SearchQuery,
)


@runtime_checkable
class TitleSearch(_Protocol):
    """Finds titles by text for the kinds it serves (TMDB, MusicBrainz, Open Library ...);
    `details` is everything it knows of one of them, for cards and file names."""

    name: str
    kinds: frozenset[MediaKind]

    async def search(
        self, query: str, kind: MediaKind, *, year: int | None = None
    ) -> list[Media]: ...

    async def details(self, media: Media) -> MediaDetails: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class Enricher(_Protocol):
    """Adds to a title it can look up by one of its id schemes ("musicbrainz" for Cover Art
    Archive, "asin" for Audnexus): credits, series, a poster. It cannot search by text, so
    it only ever sees titles a TitleSearch found. Answers None when it knows nothing."""

    name: str
    schemes: frozenset[str]

    async def enrich(self, media: Media) -> Media | None: ...

    async def aclose(self) -> None: ...


class Indexer(_Protocol):
    """Finds releases. `fetch` gets a release file under the HTTP policy (size cap, no SSRF)."""

    name: str
    protocol: Protocol

    async def capabilities(self) -> Capabilities: ...

    async def search(self, query: SearchQuery) -> list[Release]: ...

    async def fetch(self, url: str) -> bytes: ...

    async def aclose(self) -> None: ...


class DownloadClient(_Protocol):
    """Downloads releases. Ids are the client's own (the info-hash for torrent clients), and
    the adapter keeps its product's quirks (incremental sync, odd figures) to itself.

    `downloads(ids)` answers for the ids the caller tracks and omits the ones the client does
    not list. "Not listed" means removed, for every client: a usenet client keeps a finished
    job listed (from its history) until it is removed.
    """

    async def check(self) -> ClientCheck: ...

    async def add(self, request: DownloadRequest) -> str: ...

    async def downloads(self, ids: list[str]) -> list[Download]: ...

    async def pause(self, ids: list[str]) -> None: ...

    async def resume(self, ids: list[str]) -> None: ...

    async def remove(self, ids: list[str], *, delete_files: bool) -> None: ...

    async def aclose(self) -> None: ...


class Cache(_Protocol):
    """Key/value cache with expiry; the store implements it so answers survive restarts."""

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str, ttl: float) -> None: ...


class Notifier(_Protocol):
    """A frontend that tells people things. `chat` is the notice's chat ("console",
    "telegram:<id>"); raises `errors.Unreachable` while the frontend cannot deliver."""

    name: str

    async def send(self, chat: str, text_key: str, params: Mapping[str, Any]) -> None: ...
