"""Matching a release against wanted media: one test per rejection code, plus the fits."""

from __future__ import annotations

import pytest

from core.domain import Credit, MediaKind, Protocol, Release
from core.releases import Wanted, evaluate, normalize_title, parse, release_key
from core.releases.matching import match

DUNE = Wanted(MediaKind.MOVIE, "Dune", year=2021, runtime=155)
SHOW = Wanted(MediaKind.SERIES, "Series Title", season=2, episode=5, runtime=45)
GiB = 1024**3


def _release(title: str, **extra: object) -> Release:
    fields: dict[str, object] = {"size": 4 * GiB, "seeders": 10, **extra}
    return Release(title, "indexer", Protocol.TORRENT, f"guid-{title}", **fields)  # type: ignore[arg-type]


def _codes(title: str, wanted: Wanted | None, **extra: object) -> list[str]:
    return [r.code for r in evaluate(_release(title, **extra), wanted).rejections]


@pytest.mark.parametrize(
    ("title", "wanted", "codes"),
    [
        ("Dune.2021.2160p.WEB-DL.DDP5.1.HEVC-FLUX", DUNE, []),
        ("DUNE (2021) 1080p BluRay x264-GRP", DUNE, []),
        ("Dune.1984.1080p.BluRay.x264-GRP", DUNE, ["wrong_year"]),
        ("Dune.Part.Two.2024.1080p.WEB-DL.x264-GRP", DUNE, ["wrong_title", "wrong_year"]),
        ("Dune.S01E01.1080p.WEB-DL.x264-GRP", DUNE, ["wrong_kind"]),
        ("Series.Title.S02E05.720p.HDTV.x264-LOL", SHOW, []),
        ("Series.Title.S02.1080p.WEB-DL.x264-GRP", SHOW, []),
        ("Series.Title.S03E05.720p.HDTV.x264-LOL", SHOW, ["wrong_season"]),
        ("Series.Title.S02E06.720p.HDTV.x264-LOL", SHOW, ["wrong_episode"]),
        ("Series.Title.2019.1080p.BluRay.x264-GRP", SHOW, ["wrong_kind"]),
        ("Other.Show.S02E05.720p.HDTV.x264-LOL", SHOW, ["wrong_title"]),
    ],
)
def test_match_codes(title: str, wanted: Wanted, codes: list[str]) -> None:
    assert _codes(title, wanted) == codes


def test_too_small_and_too_large() -> None:
    assert _codes("Dune.2021.1080p.WEB-DL.x264-GRP", DUNE, size=50 * 1024**2) == ["too_small"]
    assert _codes("Dune.2021.1080p.WEB-DL.x264-GRP", DUNE, size=400 * GiB) == ["too_large"]


def test_blocklisted_by_info_hash_or_guid() -> None:
    by_hash = _release("Dune.2021.1080p.WEB-DL.x264-GRP", info_hash="ABCDEF0123")
    by_guid = _release("Dune.2021.2160p.WEB-DL.x264-GRP")
    blocklist = {release_key(by_hash), release_key(by_guid)}
    assert release_key(by_hash) == "abcdef0123"
    assert release_key(by_guid).startswith("guid:")
    for release in (by_hash, by_guid):
        assert [r.code for r in evaluate(release, DUNE, blocklist=blocklist).rejections] == [
            "blocklisted"
        ]


def test_release_key_is_stable_and_distinguishes_indexers() -> None:
    a = Release("x", "one", Protocol.USENET, "g")
    assert release_key(a) == release_key(Release("y", "one", Protocol.USENET, "g"))
    assert release_key(a) != release_key(Release("x", "two", Protocol.USENET, "g"))


def test_unparsable_quality_not_allowed_and_no_seeders() -> None:
    assert _codes("ba27283b17c00d01193eacc02a8ba98eeb523a76", DUNE) == ["unparsable"]
    assert _codes("Dune.2021.HDCAM.x264-GRP", DUNE) == ["quality_not_allowed"]
    assert _codes("Dune.2021.1080p.WEB-DL.x264-GRP", DUNE, seeders=0) == ["no_seeders"]


def test_rejection_key_and_params() -> None:
    verdict = evaluate(_release("Dune.1984.1080p.BluRay.x264-GRP"), DUNE)
    (rejection,) = verdict.rejections
    assert rejection.key == "rejection.wrong_year"
    assert rejection.params == {"year": 1984, "wanted": 2021}
    assert not verdict.accepted


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Office", "office"),
        ("Law & Order", "Law and Order"),
        ("Amélie", "Amelie"),
        ("Marvel's Agents of S.H.I.E.L.D.", "marvels agents of shield"),
        ("Mr. Robot", "Mr Robot"),
    ],
)
def test_title_normalisation(a: str, b: str) -> None:
    assert normalize_title(a) == normalize_title(b)


def test_aliases_and_year_in_title() -> None:
    wanted = Wanted(MediaKind.SERIES, "La Casa de Papel", aliases=("Money Heist",))
    parsed = parse("Money.Heist.S01E01.1080p.NF.WEB-DL.x264-GRP")
    assert parsed is not None and match(parsed, wanted) == []
    with_year = Wanted(MediaKind.SERIES, "Doctor Who", year=2005, season=1, episode=1)
    parsed = parse("Doctor.Who.2005.S01E01.720p.BluRay.x264-GRP")
    assert parsed is not None and match(parsed, with_year) == []


def test_music_and_books_match_on_title_only() -> None:
    album = Wanted(MediaKind.MUSIC, "Kind of Blue", year=1959)
    assert _codes("Kind.of.Blue.1959.FLAC", album) == []
    book = Wanted(MediaKind.BOOK, "Dune")
    assert _codes("Dune.S01E01.1080p.WEB-DL.x264-GRP", book) == []


def test_free_text_search_skips_title_checks() -> None:
    assert _codes("Anything.At.All.2020.1080p.WEB-DL.x264-GRP", None) == []
    assert _codes("Anything.At.All.2020.1080p.WEB-DL.x264-GRP", None, seeders=0) == ["no_seeders"]


FLOYD = Wanted(
    MediaKind.MUSIC,
    "The Dark Side of the Moon",
    year=1973,
    credits=(Credit("artist", "Pink Floyd"), Credit("producer", "Alan Parsons")),
)
DUNE_BOOK = Wanted(MediaKind.AUDIOBOOK, "Dune", credits=(Credit("author", "Frank Herbert"),))


@pytest.mark.parametrize(
    ("name", "wanted", "codes"),
    [
        ("Pink Floyd - The Dark Side of the Moon (1973) [FLAC]", FLOYD, []),
        ("Pink.Floyd-The.Dark.Side.Of.The.Moon-REMASTERED-2011-FLAC", FLOYD, []),
        ("The.Dark.Side.Of.The.Moon.1973.FLAC", FLOYD, []),  # no credit in the name
        ("VA - The Dark Side of the Moon (1973) [FLAC]", FLOYD, []),
        ("Floyd - The Dark Side of the Moon (1973) [MP3]", FLOYD, []),  # a part of the name
        ("Dream Theater - The Dark Side of the Moon (2005) [FLAC]", FLOYD, ["wrong_artist"]),
        ("Alan Parsons - The Dark Side of the Moon (1973)", FLOYD, ["wrong_artist"]),  # not artist
        ("Pink Floyd - Animals (1977) [FLAC]", FLOYD, ["wrong_title"]),
        ("Frank.Herbert-Dune.2019.M4B", DUNE_BOOK, []),
        ("Dune - Frank Herbert (2007) MP3", DUNE_BOOK, []),  # title first
        ("Herbert, F. - Dune (2019) MP3", DUNE_BOOK, []),  # surname first, an initial
        ("Brian Herbert - Dune (2019) MP3", DUNE_BOOK, ["wrong_author"]),  # his son
        ("Kevin J Anderson - Dune (2019) MP3", DUNE_BOOK, ["wrong_author"]),
    ],
)
def test_music_and_books_check_the_credit_a_name_carries(
    name: str, wanted: Wanted, codes: list[str]
) -> None:
    assert _codes(name, wanted) == codes


def test_a_wrong_credit_says_who_it_is_and_who_was_wanted() -> None:
    parsed = parse("Dream Theater - The Dark Side of the Moon (2005) [FLAC]")
    assert parsed is not None
    (rejection,) = match(parsed, FLOYD)
    assert (rejection.key, dict(rejection.params)) == (
        "rejection.wrong_artist",
        {"artist": "Dream Theater", "wanted": "Pink Floyd"},
    )
