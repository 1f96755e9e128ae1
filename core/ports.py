"""The Protocols adapters implement; core depends on these, never on a concrete adapter."""

from __future__ import annotations

from typing import Protocol as _Protocol
from typing import runtime_checkable

from core.domain import (
    Capabilities,
    ClientCheck,
    Download,
    DownloadRequest,
    IndexerStats,
    ManagedIndexer,
    Media,
    MediaDetails,
    MediaKind,
    Protocol,
    Release,
    SearchQuery,
)
from core.messages import Ask, Text, View
from core.recipients import Account, Recipient


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


@runtime_checkable
class IndexerManager(_Protocol):
    """An indexer that manages others (Prowlarr): lists them, to be mirrored and searched
    each on its own, and counts their queries. Its own `search` is the aggregate fallback."""

    name: str

    async def managed(self) -> list[ManagedIndexer]: ...

    async def stats(self) -> list[IndexerStats]: ...


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


class Frontend(_Protocol):
    """A chat system people talk to Outpost through (Telegram, Discord, the console).

    It words each view in the recipient's language and turns a recipient into a destination
    itself. Sending raises `errors.Unreachable` (or another retryable error) while it cannot
    deliver, so a notice waits and is tried again."""

    platform: str  # the first part of its addresses: "telegram"

    async def send(self, to: Recipient, view: View) -> str:
        """A new message (silently when `view.silent`); returns its message id."""
        ...

    async def edit(self, to: Recipient, message_id: str, view: View) -> None: ...

    async def delete(self, to: Recipient, message_id: str) -> None: ...

    async def answer(self, tap_id: str, alert: Text | None = None) -> None:
        """Acknowledge a button tap, with a short alert when there is one."""
        ...

    async def ask_private(self, to: Account, prompt: View, ask: Ask) -> None:
        """Collect `ask.fields` where only that person sees them (see `core.messages.Ask`)."""
        ...
