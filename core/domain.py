"""Frozen value types shared by core, adapters and frontends; no I/O here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class MediaKind(StrEnum):
    MOVIE = "movie"
    SERIES = "series"
    MUSIC = "music"
    BOOK = "book"
    AUDIOBOOK = "audiobook"
    ANIME = "anime"  # a series, numbered absolutely by its fansub releases

    @property
    def episodic(self) -> bool:
        """Searched, matched and named by episodes: series and anime."""
        return self in (MediaKind.SERIES, MediaKind.ANIME)


class Protocol(StrEnum):
    TORRENT = "torrent"
    USENET = "usenet"


@dataclass(frozen=True, slots=True)
class Credit:
    """Someone a title is by: `role` is "artist", "author", "narrator", "director", "creator" ...
    `ids` by scheme ("musicbrainz", "tmdb") stay out of the hash so a Credit can key a cache."""

    role: str
    name: str
    ids: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Media:
    """A title a person can want, as a metadata provider describes it."""

    kind: MediaKind
    title: str
    provider: str
    provider_id: str
    year: int | None = None
    original_title: str | None = None
    overview: str = ""
    poster_url: str | None = None
    # External ids by scheme: "tmdb", "imdb", "tvdb", "musicbrainz", "isbn" ...
    ids: Mapping[str, str] = field(default_factory=dict)
    popularity: float | None = None
    credits: tuple[Credit, ...] = ()
    series: str | None = None  # a book or audiobook series, "Dune Chronicles"
    # Text, not a number: positions read "1", "2.5", "0.5" or "1-3" (an omnibus), and a float
    # would print "1.0" in a file name.
    series_position: str | None = None
    # What kind of record an album is, as its catalogue says: "Album", "EP", "Single".
    release_type: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str  # "Director", "Actor" (as the character name), "Writer" ...
    character: str | None = None


@dataclass(frozen=True, slots=True)
class Episode:
    season: int
    number: int
    title: str
    air_date: date | None = None
    overview: str = ""


@dataclass(frozen=True, slots=True)
class Season:
    number: int
    name: str
    episodes: tuple[Episode, ...] = ()
    air_date: date | None = None
    episode_count: int | None = None


@dataclass(frozen=True, slots=True)
class Track:
    """One track of an album, for naming its files: disc and number as the release counts them."""

    disc: int
    number: int
    title: str
    length: float | None = None  # seconds


@dataclass(frozen=True, slots=True)
class MediaDetails:
    """Everything a provider knows of one title, for cards and for naming files."""

    media: Media
    genres: tuple[str, ...] = ()
    runtime: int | None = None  # minutes
    certification: str | None = None  # for the requested country, e.g. "PG-13"
    cast: tuple[Person, ...] = ()
    crew: tuple[Person, ...] = ()
    seasons: tuple[Season, ...] = ()
    status: str | None = None
    backdrop_url: str | None = None
    tracks: tuple[Track, ...] = ()  # an album's, from one of its releases
    format: str | None = None  # the provider's form of the title: "TV", "MOVIE", "OVA" (anime)


@dataclass(frozen=True, slots=True)
class Category:
    id: int
    name: str
    subcategories: tuple[Category, ...] = ()


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What an indexer can search: mode name ("search", "tv-search", "movie-search",
    "music-search", "book-search") to the parameters it supports."""

    modes: Mapping[str, tuple[str, ...]]
    categories: tuple[Category, ...] = ()
    limit_max: int | None = None
    limit_default: int | None = None
    # The media kinds the indexer serves, each with the categories to ask for it (the adapter
    # reads them from the indexer's own category list): a kind missing here is not served.
    kinds: Mapping[MediaKind, tuple[int, ...]] = field(default_factory=dict)

    def supports(self, mode: str, param: str | None = None) -> bool:
        params = self.modes.get(mode)
        if params is None:
            return False
        return param is None or param in params


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A request to an indexer; an adapter picks the best mode its caps allow."""

    text: str = ""
    kind: MediaKind | None = None
    imdb_id: str | None = None  # "tt0111161"
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    season: int | None = None
    episode: int | None = None
    absolute: int | None = None  # an anime episode counted from the first, "Frieren - 05"
    year: int | None = None
    artist: str | None = None
    album: str | None = None
    author: str | None = None
    title: str | None = None
    categories: tuple[int, ...] = ()
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class Release:
    """One item of an indexer's answer, in our words."""

    title: str
    indexer: str
    protocol: Protocol
    guid: str
    download_url: str | None = None
    magnet_url: str | None = None
    info_hash: str | None = None  # lower-case hex
    info_url: str | None = None
    size: int | None = None
    seeders: int | None = None
    peers: int | None = None
    grabs: int | None = None
    categories: tuple[int, ...] = ()
    published: datetime | None = None
    download_volume_factor: float = 1.0
    upload_volume_factor: float = 1.0
    imdb_id: str | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    # What a tracker says beside the name: "freeleech", "personal-freeleech", "vip" ...
    flags: tuple[str, ...] = ()
    # Read from a tracker's own fields (MyAnonamouse), not from the name
    authors: tuple[str, ...] = ()
    narrators: tuple[str, ...] = ()
    series: str | None = None
    series_position: str | None = None

    @property
    def freeleech(self) -> bool:
        return self.download_volume_factor == 0.0


@dataclass(frozen=True, slots=True)
class ParsedRelease:
    """What a release name says. Field vocabulary matches `outpost parse --json`."""

    title: str
    year: int | None = None
    season: int | None = None
    episodes: tuple[int, ...] = ()
    absolute_episodes: tuple[int, ...] = ()
    air_date: date | None = None
    full_season: bool = False
    resolution: int | None = None  # lines: 480, 720, 1080, 2160
    source: str = "unknown"  # bluray, webdl, webrip, tv, dvd, cam, telesync, telecine, unknown
    modifier: str | None = None  # remux, brdisk, rawhd
    codec: str | None = None
    proper: bool = False
    repack: bool = False
    version: int = 1
    release_group: str | None = None
    edition: str | None = None
    languages: tuple[str, ...] = ()


class ClientStatus(StrEnum):
    """What a download client says of a download, normalised across clients."""

    QUEUED = "queued"
    METADATA = "metadata"
    CHECKING = "checking"
    DOWNLOADING = "downloading"
    STALLED = "stalled"
    PAUSED = "paused"
    COMPLETED = "completed"  # finished, seeding or stopped
    ERROR = "error"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ReleaseFile:
    """A release file fetched by Outpost (a .torrent or an .nzb), with the name it came under."""

    name: str  # e.g. "Dune.2021.torrent"; usenet clients name the job after it
    data: bytes


@dataclass(frozen=True, slots=True)
class DownloadRequest:
    """What to hand a client: exactly one of `file`, `url` or `magnet`, for `protocol`."""

    name: str
    protocol: Protocol
    file: ReleaseFile | None = None
    url: str | None = None
    magnet: str | None = None
    category: str | None = None
    save_path: str | None = None
    paused: bool = False
    expected_id: str | None = None  # the client's id when known in advance (a torrent's v1 hash)


@dataclass(frozen=True, slots=True)
class ClientCheck:
    """What a download client says of itself: `doctor` prints it, the grab checks the space."""

    version: str
    free_space: int | None  # bytes at the default save path; None while the client cannot tell
    roots: tuple[str, ...]  # where it saves: its default save path first, then category paths
    notes: tuple[str, ...] = ()  # message keys `doctor` words: a plugin Outpost would use is off


@dataclass(frozen=True, slots=True)
class Download:
    id: str  # the client's id; the lower-case info-hash for torrents
    name: str
    client: str
    status: ClientStatus
    raw_status: str
    progress: float  # 0.0 .. 1.0
    size: int
    category: str | None = None
    save_path: str | None = None
    content_path: str | None = None
    eta: int | None = None  # seconds; None when unknown or infinite
    download_speed: int = 0
    seeders: int | None = None


@dataclass(frozen=True, slots=True)
class ManagedIndexer:
    """One indexer an indexer manager (Prowlarr) holds, as mirrored into Outpost's list:
    `url` is the manager's own Torznab/Newznab endpoint for it, never the site's."""

    manager_id: int  # the manager's id for it
    name: str  # as the manager names it: untrusted text
    protocol: Protocol
    url: str
    categories: tuple[int, ...] = ()
    private: bool = False
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class IndexerStats:
    """What an indexer manager counted for one of its indexers."""

    manager_id: int
    name: str
    queries: int = 0
    grabs: int = 0
    failures: int = 0  # failed queries and grabs
    average_ms: int = 0  # average response time
