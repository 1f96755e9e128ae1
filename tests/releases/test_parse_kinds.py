"""Music, book, audiobook and anime names: representative parses, and the fixture table's floor."""

from __future__ import annotations

import pytest

from benchmarks.parser_kinds import PARSERS, load_kind, score_kind
from core.releases.anime import parse_anime
from core.releases.books import parse_audiobook, parse_book
from core.releases.music import parse_music

# Measured over every name of tests/fixtures/parser_kinds (tune and holdout) when set: music
# 99.4, book 99.5, audiobook 99.3, anime 96.7. The goal is 95 for each kind.
KIND_FLOOR = 95.0


@pytest.mark.parametrize("kind", list(PARSERS))
def test_each_kind_parses_its_fixture_names_at_95_percent(kind: str) -> None:
    correct, total, _ = score_kind(kind)
    assert sum(total.values()) > 100
    share = 100 * sum(correct.values()) / sum(total.values())
    assert share >= KIND_FLOOR, f"{kind}: {sum(correct.values())}/{sum(total.values())}"


@pytest.mark.parametrize(
    ("kind", "least"), [("music", 200), ("anime", 200), ("book", 200), ("audiobook", 200)]
)
def test_the_fixtures_hold_the_names_the_readme_counts(kind: str, least: int) -> None:
    cases = load_kind(kind)
    assert len(cases) >= least
    assert {c["split"] for c in cases} == {"tune", "holdout"}


@pytest.mark.parametrize(
    ("name", "artist", "album", "year", "quality", "source"),
    [
        (
            "Pink Floyd - The Dark Side of the Moon (1973) [FLAC]",
            "Pink Floyd",
            "The Dark Side of the Moon",
            1973,
            "flac",
            None,
        ),
        (
            "Kid_Cudi-Entergalactic-24BIT-WEBFLAC-2022-NACHOS",
            "Kid Cudi",
            "Entergalactic",
            2022,
            "flac-24",
            "web",
        ),
        (
            "Sia - This Is Acting (Standard Edition) [2016-Web-MP3-V0(VBR)]",
            "Sia",
            "This Is Acting",
            2016,
            "mp3-v0",
            "web",
        ),
        (
            "Childish Gambino - Awaken, My Love Album 2016 mp3 320 Kbps",
            "Childish Gambino",
            "Awaken, My Love Album",
            2016,
            "mp3-320",
            None,
        ),
        (
            "Milky Chance - Sadnecessary [256 Kbps] [M4A]",
            "Milky Chance",
            "Sadnecessary",
            None,
            "aac-256",
            None,
        ),
        (
            "Turkish Techno-Number Two-VINYL-FLAC-2016-FATHEAD",
            "Turkish Techno",
            "Number Two",
            2016,
            "flac",
            "vinyl",
        ),
        ("Migos-No_Label_II-CD-FLAC-2014-FORSAKEN", "Migos", "No Label II", 2014, "flac", "cd"),
        ("Dani_Sbert-Togheter-WEB-2017-FURY", "Dani Sbert", "Togheter", 2017, "mp3", "web"),
        (
            "Artist.Title-Album.Title.2017.MP3.V2.VBR-aAF",
            "Artist Title",
            "Album Title",
            2017,
            "mp3-v2",
            None,
        ),
    ],
)
def test_music_names(
    name: str, artist: str, album: str, year: int | None, quality: str, source: str | None
) -> None:
    got = parse_music(name)
    assert got is not None and not got.discography
    assert (got.artist, got.album, got.year, got.quality.name, got.source) == (
        artist,
        album,
        year,
        quality,
        source,
    )


@pytest.mark.parametrize(
    ("name", "artist", "years"),
    [
        (
            "Led Zeppelin - Studio Discography 1969-1982 (10 albums)(flac)",
            "Led Zeppelin",
            (1969, 1982),
        ),
        ("Captain-Discography_1998_-_2001-CD-FLAC-2007-UTP", "Captain", (1998, 2001)),
        ("Caetano Veloso Discografia Completa MP3 @256", "Caetano Veloso", None),
        (
            "(Heavy Metal) Aria - Discography(46 CD) [1985 - 2015], FLAC(image + .cue), lossless",
            "Aria",
            (1985, 2015),
        ),
    ],
)
def test_a_discography_is_a_pack_not_an_album(
    name: str, artist: str, years: tuple[int, int] | None
) -> None:
    got = parse_music(name)
    assert got is not None
    assert (got.discography, got.album, got.artist, got.years) == (True, None, artist, years)


def test_an_obfuscated_hash_is_not_a_music_name() -> None:
    assert parse_music("6563dce3-68d0-4ef4-a2cd-284119446e3d") is None
    assert parse_music("") is None


@pytest.mark.parametrize(
    ("name", "author", "title", "year", "fmt", "retail"),
    [
        (
            "Andy.Weir.-.Artemis.2017.RETAIL.EPUB.eBook-GRP",
            "Andy Weir",
            "Artemis",
            2017,
            "epub",
            True,
        ),
        ("Herbert, Frank - Dune (1965) [EPUB]", "Frank Herbert", "Dune", 1965, "epub", False),
        (
            "Sapiens - Harari, Yuval Noah [EPUB]",
            "Yuval Noah Harari",
            "Sapiens",
            None,
            "epub",
            False,
        ),
        (
            "Iain M Banks - Consider Phlebas (1987) [mobi]",
            "Iain M Banks",
            "Consider Phlebas",
            1987,
            "mobi",
            False,
        ),
        (
            "Wind and Truth by Brandon Sanderson EPUB",
            "Brandon Sanderson",
            "Wind and Truth",
            None,
            "epub",
            False,
        ),
        (
            "Fitzgerald, F Scott - Novel 03 - The Great Gatsby (retail).epub",
            "F Scott Fitzgerald",
            "The Great Gatsby",
            None,
            "epub",
            True,
        ),
        (
            "Hannah Nicole Maehrer-Assistant to the Villain 03-Accomplice to the Villain"
            "-azw3 epub mobi",
            "Hannah Nicole Maehrer",
            "Assistant to the Villain 03",
            None,
            "azw3",
            False,
        ),
    ],
)
def test_book_names(
    name: str, author: str, title: str, year: int | None, fmt: str, retail: bool
) -> None:
    got = parse_book(name)
    assert got is not None
    assert (got.author, got.title, got.year, got.format, got.retail) == (
        author,
        title,
        year,
        fmt,
        retail,
    )


def test_books_1_to_5_is_a_collection() -> None:
    got = parse_book("Brandon Sanderson - Stormlight Archive Books 1-5 EPUB")
    assert got is not None and got.collection


@pytest.mark.parametrize(
    ("name", "author", "title", "narrator", "fmt", "bitrate", "abridged"),
    [
        (
            "Project Hail Mary by Andy Weir narrated by Ray Porter MP3 64kbps",
            "Andy Weir",
            "Project Hail Mary",
            "Ray Porter",
            "mp3",
            64,
            None,
        ),
        (
            "Fahrenheit 451 by Ray Bradbury (read by Christopher Hurt)",
            "Ray Bradbury",
            "Fahrenheit 451",
            "Christopher Hurt",
            None,
            None,
            None,
        ),
        (
            "Stephen King & Peter Straub - The Talisman (Unabridged) [M4B]",
            "Stephen King & Peter Straub",
            "The Talisman",
            None,
            "m4b",
            None,
            False,
        ),
        (
            "Andy Weir - Project Hail Mary (Abridged) mp3",
            "Andy Weir",
            "Project Hail Mary",
            None,
            "mp3",
            None,
            True,
        ),
    ],
)
def test_audiobook_names(
    name: str,
    author: str,
    title: str,
    narrator: str | None,
    fmt: str | None,
    bitrate: int | None,
    abridged: bool | None,
) -> None:
    got = parse_audiobook(name)
    assert got is not None
    assert (got.author, got.title, got.narrator, got.format, got.bitrate, got.abridged) == (
        author,
        title,
        narrator,
        fmt,
        bitrate,
        abridged,
    )


def test_a_usenet_subject_is_read_by_its_quoted_file_name() -> None:
    got = parse_audiobook(
        '(01/17) - Description - "Joe Abercrombie - Die Klingen-Saga 08 - Zauberklingen'
        ' (Ungekuerzt).par2" - 1,35 GB'
    )
    assert got is not None
    assert (got.author, got.title, got.abridged) == ("Joe Abercrombie", "Zauberklingen", False)


def test_an_abridged_audiobook_is_named_for_the_profile_to_rank_it_last() -> None:
    abridged = parse_audiobook("Andy Weir - Project Hail Mary (Abridged) mp3")
    whole = parse_audiobook("Andy Weir - Project Hail Mary (Unabridged) [M4B]")
    assert abridged is not None and abridged.quality_name == "mp3-abridged"
    assert whole is not None and whole.quality_name == "m4b"


@pytest.mark.parametrize(
    ("name", "group", "title", "episodes", "batch", "version", "resolution"),
    [
        (
            "[HorribleSubs] Frame Arms Girl - 07 [720p]",
            "HorribleSubs",
            "Frame Arms Girl",
            (7,),
            False,
            1,
            720,
        ),
        (
            "[BakedFish] Youjo Senki - 12v2 [720p][AAC]",
            "BakedFish",
            "Youjo Senki",
            (12,),
            False,
            2,
            720,
        ),
        (
            "[AnimeRG] One Piece - 782 [1080p] [Multi-Sub] [x265] [pseudo]",
            "AnimeRG",
            "One Piece",
            (782,),
            False,
            1,
            1080,
        ),
        (
            "[Doutei] Some Good, Anime Show - 01-12 [BD][720p-AAC]",
            "Doutei",
            "Some Good, Anime Show",
            tuple(range(1, 13)),
            True,
            1,
            720,
        ),
        (
            "[HorribleSubs] Some Anime Show!! (01-25) [1080p] (Batch)",
            "HorribleSubs",
            "Some Anime Show!!",
            tuple(range(1, 26)),
            True,
            1,
            1080,
        ),
    ],
)
def test_anime_names(
    name: str,
    group: str,
    title: str,
    episodes: tuple[int, ...],
    batch: bool,
    version: int,
    resolution: int,
) -> None:
    got = parse_anime(name)
    assert got is not None
    assert (got.release_group, got.title, got.absolute_episodes, got.batch) == (
        group,
        title,
        episodes,
        batch,
    )
    assert (got.version, got.resolution) == (version, resolution)


@pytest.mark.parametrize(
    ("name", "title", "span"),
    [
        (
            "[Anime Time] Naruto Shippuden (001-500) [Dual Audio][1080p]",
            "Naruto Shippuden",
            (1, 500),
        ),
        ("[SubsPlease] Frieren (01-28) (1080p) [Batch]", "Frieren", (1, 28)),
        ("[DB] Mob Psycho 100 Complete [Dual Audio 10bit BD1080p]", "Mob Psycho 100", None),
        ("[Moozzi2] Made in Abyss [BD 1080p] (Batch)", "Made in Abyss", None),
    ],
)
def test_anime_batches_by_span_or_word(name: str, title: str, span: tuple[int, int] | None) -> None:
    got = parse_anime(name)
    assert got is not None and got.batch
    assert (got.title, got.episode_range) == (title, span)


@pytest.mark.parametrize("parse", [parse_music, parse_book, parse_audiobook, parse_anime])
@pytest.mark.parametrize(
    "name",
    [
        "A - " * 5000,
        "(" * 3000 + "FLAC",
        "Author, " * 2000 + "- Title (read by " * 300,
        "\x00\u202eArtist - Album\u200b [FLAC]",
        "🎵 - 🎶 (2020) [MP3 320]",
        " ",
    ],
)
def test_hostile_names_come_back_parsed_or_none_and_never_raise(parse: object, name: str) -> None:
    assert callable(parse)
    got = parse(name)
    assert got is None or hasattr(got, "title") or hasattr(got, "album")


def test_not_a_string_is_none() -> None:
    for parse in (parse_music, parse_book, parse_audiobook):
        assert parse(None) is None  # type: ignore[arg-type]
