"""Matching and ranking per kind: artist + album, discographies only when asked, books, anime."""

from __future__ import annotations

import pytest

from core.domain import Credit, MediaKind, Protocol, Release
from core.releases import Wanted, evaluate, rank
from core.releases.anime import parse_anime
from core.releases.books import parse_audiobook, parse_book
from core.releases.matching import match_anime, match_book, match_music
from core.releases.music import parse_music

FLOYD = Wanted(
    MediaKind.MUSIC, "The Dark Side of the Moon", credits=(Credit("artist", "Pink Floyd"),)
)
FLOYD_ALL = Wanted(
    MediaKind.MUSIC, "Pink Floyd", credits=(Credit("artist", "Pink Floyd"),), collection=True
)
WEIR = (Credit("author", "Andy Weir"),)
HAIL_MARY = Wanted(MediaKind.BOOK, "Project Hail Mary", credits=WEIR)
HAIL_MARY_AUDIO = Wanted(MediaKind.AUDIOBOOK, "Project Hail Mary", credits=WEIR)


def _release(title: str, seeders: int = 10) -> Release:
    return Release(title, "idx", Protocol.TORRENT, title, size=100 * 2**20, seeders=seeders)


def _codes(name: str, wanted: Wanted) -> list[str]:
    return [r.code for r in evaluate(_release(name), wanted).rejections]


@pytest.mark.parametrize(
    ("name", "wanted", "codes"),
    [
        ("Pink Floyd - The Dark Side of the Moon (1973) [FLAC]", FLOYD, []),
        ("Pink.Floyd-The.Dark.Side.Of.The.Moon-REMASTERED-2011-FLAC", FLOYD, []),
        ("Pink Floyd - Discography 1967-2014 (FLAC)", FLOYD, ["discography"]),
        ("Pink Floyd - Complete Discography [FLAC]", FLOYD, ["discography"]),
        ("Pink Floyd - Discography 1967-2014 (FLAC)", FLOYD_ALL, []),
        ("Pink Floyd - The Dark Side of the Moon (1973) [FLAC]", FLOYD_ALL, ["not_a_discography"]),
        ("Dream Theater - The Dark Side of the Moon (2005) [FLAC]", FLOYD, ["wrong_artist"]),
        ("Pink Floyd - Animals (1977) [FLAC]", FLOYD, ["wrong_title"]),
        ("Pink Floyd The Dark Side of the Moon 2CD FLAC 1973 PERFECT", FLOYD, []),  # no separator
    ],
)
def test_music_matches_artist_and_album_and_never_a_discography_unasked(
    name: str, wanted: Wanted, codes: list[str]
) -> None:
    assert _codes(name, wanted) == codes


def test_a_discography_is_refused_by_the_music_rule_itself() -> None:
    pack = parse_music("Pink Floyd - Studio Discography 1967-2014 (15 albums)(flac)")
    assert pack is not None
    assert [r.code for r in match_music(pack, FLOYD)] == ["discography"]
    assert match_music(pack, FLOYD_ALL) == []


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("Andy.Weir-Project.Hail.Mary.2021.Retail.EPUB.eBook-BitBook", []),
        ("Weir, Andy - Project Hail Mary (2021) [EPUB]", []),
        ("Project Hail Mary - Andy Weir [EPUB]", []),  # title first
        ("Andy Weir - The Martian [EPUB]", ["wrong_title"]),
        ("Brian Weir - Project Hail Mary [EPUB]", ["wrong_author"]),
        ("Andy Weir Collection Books 1-3 epub", ["collection"]),
    ],
)
def test_a_book_matches_author_and_title(name: str, codes: list[str]) -> None:
    assert _codes(name, HAIL_MARY) == codes
    parsed = parse_book(name)
    assert parsed is not None and [r.code for r in match_book(parsed, HAIL_MARY)] == codes


def test_a_subtitle_may_be_left_out_of_a_book_name() -> None:
    sapiens = Wanted(
        MediaKind.BOOK,
        "Sapiens: A Brief History of Humankind",
        credits=(Credit("author", "Yuval Noah Harari"),),
    )
    assert _codes("Harari, Yuval Noah - Sapiens (2014) [EPUB]", sapiens) == []


def test_ranking_prefers_lossless_then_320() -> None:
    names = [
        "Pink Floyd - The Dark Side of the Moon (1973) [MP3 192kbps]",
        "Pink Floyd - The Dark Side of the Moon (1973) MP3 320 kbps",
        "Pink Floyd - The Dark Side of the Moon (1973) [FLAC]",
        "Pink Floyd - Discography 1967-2014 (FLAC)",
    ]
    ranked = rank([_release(n) for n in names], FLOYD)
    assert [v.quality for v in ranked] == ["flac", "mp3-320", "mp3-192", "flac"]
    assert [v.accepted for v in ranked] == [True, True, True, False]


def test_ranking_prefers_epub_for_ebooks_and_unabridged_m4b_for_audiobooks() -> None:
    books = [
        "Andy Weir - Project Hail Mary (2021) [PDF]",
        "Andy Weir - Project Hail Mary (2021) [EPUB]",
        "Andy Weir - Project Hail Mary (2021) [MOBI]",
    ]
    assert [v.quality for v in rank([_release(n) for n in books], HAIL_MARY)] == [
        "epub",
        "mobi",
        "pdf",
    ]
    audio = [
        "Andy Weir - Project Hail Mary (Abridged) [M4B]",
        "Andy Weir - Project Hail Mary (Unabridged) MP3",
        "Andy Weir - Project Hail Mary (Unabridged) [M4B]",
    ]
    ranked = rank([_release(n) for n in audio], HAIL_MARY_AUDIO)
    assert [v.quality for v in ranked] == ["m4b", "mp3", "m4b-abridged"]
    assert ranked[0].detail == parse_audiobook(audio[2])


def test_anime_batches_cover_the_wanted_absolute_episode() -> None:
    wanted = Wanted(MediaKind.SERIES, "Some Anime Show", episode=14)
    batch = parse_anime("[HorribleSubs] Some Anime Show (01-25) [1080p] (Batch)")
    single = parse_anime("[HorribleSubs] Some Anime Show - 07 [1080p]")
    other = parse_anime("[HorribleSubs] Another Show - 14 [1080p]")
    assert batch is not None and batch.batch and match_anime(batch, wanted) == []
    assert single is not None and [r.code for r in match_anime(single, wanted)] == ["wrong_episode"]
    assert other is not None and [r.code for r in match_anime(other, wanted)] == ["wrong_title"]


def test_each_kind_has_a_household_default_profile() -> None:
    from core.releases import DEFAULT_PROFILE, default_profile

    assert default_profile(MediaKind.MOVIE).allowed[0] == "bluray-1080p"
    assert DEFAULT_PROFILE.allowed[0] == "bluray-2160p-remux"  # rank()'s own default: any
    assert default_profile(MediaKind.MUSIC).allowed[:3] == ("flac-24", "flac", "alac")
    assert default_profile(MediaKind.MUSIC).allowed.index("mp3-320") < 10
    assert default_profile(MediaKind.BOOK).allowed[0] == "epub"
    audio = default_profile(MediaKind.AUDIOBOOK).allowed
    assert audio[0] == "m4b" and audio.index("mp3") < audio.index("m4b-abridged")


def test_an_audiobook_is_no_ebook_and_an_ebook_no_audiobook() -> None:
    assert _codes("Andy Weir - Project Hail Mary (Unabridged) [M4B]", HAIL_MARY) == ["not_an_ebook"]
    assert _codes("Andy Weir - Project Hail Mary (2021) [EPUB]", HAIL_MARY_AUDIO) == [
        "not_an_audiobook"
    ]
    assert _codes("Andy Weir - Project Hail Mary (2021) [EPUB]", HAIL_MARY) == []
    assert _codes("Andy Weir - Project Hail Mary (Unabridged) [M4B]", HAIL_MARY_AUDIO) == []
