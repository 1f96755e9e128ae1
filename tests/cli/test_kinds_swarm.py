"""Music, ebooks and audiobooks end to end through the CLI: the catalogue names the title and
who it is by, the indexer's category for the kind has a release, the real qbittorrent-nox
fetches it from the loopback swarm, and `outpost run` imports it under the kind's template
with the catalogue's credits, never those the release name suggests."""

from __future__ import annotations

import os
from pathlib import Path

from tests.cli.conftest import Outpost, add_qbittorrent
from tests.cli.test_lifecycle_swarm import run_until
from tests.metadata.books import CONTACT, FakeAudnexus, FakeOpenLibrary
from tests.support.daemons import QBittorrentDaemon
from tests.support.localserver import LocalServer
from tests.support.musicbrainz_server import FakeCoverArt, FakeMusicBrainz
from tests.support.swarm import Swarm
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "kinds-swarm-" + "6" * 10
GROUP = "153f0a09-fead-3370-9b17-379ebd09446b"  # m-flo, "the Love Bug" (2004)
# The names a ripper gave the files; MusicBrainz's track list names them in the library.
ALBUM = "m-flo.-.The.Love.Bug.2004.FLAC-OUTPOST"
RIPPED = ("01 - love bug.flac", "02 - big bug remix.flac", "03 - cover.flac")


def setup(outpost: Outpost, feed: TorznabFeed, leecher: QBittorrentDaemon, tmp: Path) -> None:
    runs = [
        outpost("indexer", "add", "home", "--kind", "torznab", "--url", feed.url, "--api-key", KEY),
        outpost(*add_qbittorrent(leecher, "--save-path", str(tmp / "downloads"))),
    ]
    assert [r.code for r in runs] == [0, 0], [r.err for r in runs]


def grab_best(outpost: Outpost, kind: str, media: dict[str, str]) -> dict[str, object]:
    ref = f"{media['provider']}:{media['id']}"
    found = outpost("search", "releases", media["title"], "--kind", kind, "--media", ref, "--json")
    assert found.code == 0, found.err
    (release,) = found.json()["releases"]
    assert release["rejections"] == []
    grabbed = outpost("grab", release["ref"])
    assert grabbed.code == 0, grabbed.err
    return release


def test_an_album_is_imported_track_by_track_with_musicbrainz_titles(
    outpost: Outpost, swarm: Swarm, leecher: QBittorrentDaemon, tmp_path: Path
) -> None:
    files = {f"{ALBUM}/{name}": os.urandom(128 * 1024) for name in RIPPED}
    files[f"{ALBUM}/cover.jpg"] = os.urandom(4096)
    torrent = swarm.torrent(ALBUM, files)
    swarm.seed(torrent)
    item = FeedItem(ALBUM, size=300_000_000, seeders=1, category=3040, link="/t/album")
    caa = FakeCoverArt(listings={f"/release-group/{GROUP}/": "release_8745795a.json"})
    with (
        LocalServer(FakeMusicBrainz()) as mb,
        LocalServer(caa) as art,
        TorznabFeed([item], api_key=KEY) as feed,
    ):
        feed.serve_file("/t/album", torrent.data)
        runs = [
            outpost("provider", "set", "musicbrainz", "--url", mb.url + "/ws/2"),
            outpost("provider", "set", "coverartarchive", "--url", art.url),
            outpost("library", "set", "music", str(tmp_path / "music")),
        ]
        assert [r.code for r in runs] == [0, 0, 0], [r.err for r in runs]
        setup(outpost, feed, leecher, tmp_path)
        found = outpost("search", "media", "love bug", "--kind", "music", "--json").json()
        media = next(m for m in found["media"] if m["id"] == GROUP)
        grab_best(outpost, "music", media)
        album = tmp_path / "music" / "m-flo" / "the Love Bug (2004)"
        last = album / "03 - the Love Bug (cover).flac"
        run_until(outpost.data_dir, last)  # type: ignore[attr-defined]

    assert sorted(p.name for p in album.iterdir()) == [
        "01 - the Love Bug.flac",
        "02 - the Love Bug (Big Bug NYC remix).flac",
        "03 - the Love Bug (cover).flac",
    ]
    assert (album / "02 - the Love Bug (Big Bug NYC remix).flac").read_bytes() == files[
        f"{ALBUM}/{RIPPED[1]}"
    ]
    (asked,) = feed.searches
    assert (asked.arg("t"), asked.arg("artist"), asked.arg("album")) == (
        "music",
        "m-flo",
        "the Love Bug",
    )
    assert asked.arg("cat") == "3000" and asked.arg("q") is None
    queue = outpost("queue", "--json").json()["downloads"]
    assert [(d["name"], d["state"]) for d in queue] == [(ALBUM, "imported")]


def book_providers(outpost: Outpost, ol: LocalServer, ax: LocalServer) -> None:
    runs = [
        outpost("provider", "set", "openlibrary", "--url", ol.url, "--contact", CONTACT),
        outpost("provider", "set", "audnexus", "--url", ax.url),
    ]
    assert [r.code for r in runs] == [0, 0], [r.err for r in runs]


def test_an_ebook_keeps_its_format_under_the_author_open_library_names(
    outpost: Outpost, swarm: Swarm, leecher: QBittorrentDaemon, tmp_path: Path
) -> None:
    name = "Project.Hail.Mary.2021.RETAIL.EPUB-OUTPOST"  # no author in the name
    files = {f"{name}/project_hail_mary.epub": os.urandom(96 * 1024)}
    files[f"{name}/cover.jpg"] = os.urandom(2048)
    torrent = swarm.torrent(name, files)
    swarm.seed(torrent)
    item = FeedItem(name, size=2_000_000, seeders=1, category=7020, link="/t/book")
    with (
        LocalServer(FakeOpenLibrary()) as ol,
        LocalServer(FakeAudnexus()) as ax,
        TorznabFeed([item], api_key=KEY) as feed,
    ):
        feed.serve_file("/t/book", torrent.data)
        book_providers(outpost, ol, ax)
        assert outpost("library", "set", "book", str(tmp_path / "books")).code == 0
        setup(outpost, feed, leecher, tmp_path)
        found = outpost("search", "media", "project hail mary", "--kind", "book", "--json")
        media = found.json()["media"][0]
        assert (media["title"], media["id"]) == ("Project Hail Mary", "OL21745884W")
        grab_best(outpost, "book", media)
        book = tmp_path / "books" / "Andy Weir" / "Project Hail Mary" / "Project Hail Mary.epub"
        run_until(outpost.data_dir, book)  # type: ignore[attr-defined]

    assert book.read_bytes() == files[f"{name}/project_hail_mary.epub"]
    assert [p.name for p in book.parent.iterdir()] == ["Project Hail Mary.epub"]
    (asked,) = feed.searches
    assert (asked.arg("t"), asked.arg("author"), asked.arg("title"), asked.arg("cat")) == (
        "book",
        "Andy Weir",
        "Project Hail Mary",
        "7000",
    )


def test_an_audiobook_in_parts_is_kept_together_under_series_position_and_narrator(
    outpost: Outpost, swarm: Swarm, leecher: QBittorrentDaemon, tmp_path: Path
) -> None:
    name = "Galaxys.Edge.Unabridged.2017.MP3-OUTPOST"
    parts = ("Part 01.mp3", "Part 02.mp3", "Part 03.mp3")
    files = {f"{name}/{part}": os.urandom(64 * 1024) for part in parts}
    torrent = swarm.torrent(name, files)
    swarm.seed(torrent)
    item = FeedItem(name, size=900_000_000, seeders=1, category=3030, link="/t/audiobook")
    with (
        LocalServer(FakeOpenLibrary()) as ol,
        LocalServer(FakeAudnexus()) as ax,
        TorznabFeed([item], api_key=KEY) as feed,
    ):
        feed.serve_file("/t/audiobook", torrent.data)
        book_providers(outpost, ol, ax)
        assert outpost("library", "set", "audiobook", str(tmp_path / "audiobooks")).code == 0
        setup(outpost, feed, leecher, tmp_path)
        found = outpost("search", "media", "galaxy's edge", "--kind", "audiobook", "--json")
        media = found.json()["media"][0]
        grab_best(outpost, "audiobook", media)
        folder = (
            tmp_path
            / "audiobooks"
            / "Jason Anspach & Nick Cole"
            / "Galaxy's Edge Series"
            / "1-2 - Galaxy's Edge {R.C. Bray}"
        )
        last = folder / "Galaxy's Edge - Part 03.mp3"
        run_until(outpost.data_dir, last)  # type: ignore[attr-defined]

    assert sorted(p.name for p in folder.iterdir()) == [f"Galaxy's Edge - {p}" for p in parts]
    for part in parts:
        assert (folder / f"Galaxy's Edge - {part}").read_bytes() == files[f"{name}/{part}"]
    (asked,) = feed.searches
    assert (asked.arg("t"), asked.arg("cat")) == ("book", "3030")
