"""Household quality profiles: 1080p first, 4K and remuxes only when asked, sizes per quality
and runtime in MB per minute, per-kind preferences, edits that are checked, and why #1 is #1."""

from __future__ import annotations

import pytest

from core import errors
from core.domain import Credit, MediaKind, Protocol, Release
from core.releases import Wanted, default_profile, rank
from core.releases.profiles import KIND_PROFILES, MOVIE_PROFILE, SERIES_PROFILE
from core.releases.reasons import why_first
from core.services.profiles import Change, applied, from_json, profile_json

GB = 1024**3
DUNE = Wanted(MediaKind.MOVIE, "Dune", year=2021, runtime=155)


def release(title: str, size: float, seeders: int = 10, *, free: bool = False) -> Release:
    return Release(
        title,
        "idx",
        Protocol.TORRENT,
        guid=title,
        size=int(size * GB),
        seeders=seeders,
        download_volume_factor=0.0 if free else 1.0,
    )


WEB = release("Dune.2021.1080p.WEB-DL.DDP5.1.Atmos.H.264-FLUX", 7.5, 40)
UHD = release("Dune.2021.2160p.WEB-DL.DDP5.1.Atmos.DV.H.265-FLUX", 22, 300)
REMUX = release("Dune.2021.1080p.BluRay.REMUX.AVC.DTS-HD.MA.5.1-FraMeSToR", 35, 200)
BLURAY = release("Dune.2021.1080p.BluRay.x264-GROUP", 12, 20)
HD720 = release("Dune.2021.720p.WEB-DL.DDP5.1.H.264-FLUX", 3, 500)
# Called a 1080p WEB-DL, but 30 GB for a 155-minute film is 198 MB/min: padded or mislabelled.
PADDED = release("Dune.2021.1080p.WEB-DL.H.264-PADDED", 30, 900, free=True)


def codes(verdict: object) -> list[str]:
    return [r.code for r in verdict.rejections]  # type: ignore[attr-defined]


def test_the_default_movie_profile_prefers_1080p_and_takes_no_4k_or_remux() -> None:
    ranked = rank([HD720, UHD, REMUX, WEB, BLURAY], DUNE, MOVIE_PROFILE)
    assert [v.release for v in ranked[:3]] == [BLURAY, WEB, HD720]
    by_title = {v.release.title: v for v in ranked}
    assert codes(by_title[UHD.title]) == ["quality_not_allowed"]
    assert codes(by_title[REMUX.title]) == ["quality_not_allowed"]
    assert default_profile(MediaKind.MOVIE) is MOVIE_PROFILE
    assert MOVIE_PROFILE.preferred("webdl-1080p") and not MOVIE_PROFILE.preferred("webdl-720p")


def test_a_profile_that_says_so_takes_4k_and_ranks_it_first() -> None:
    wants_4k = applied(MediaKind.MOVIE, MOVIE_PROFILE, Change(prefer="webdl-2160p"))
    ranked = rank([WEB, UHD, REMUX], DUNE, wants_4k)
    assert ranked[0].release is UHD and ranked[0].accepted
    assert codes(ranked[-1]) == ["quality_not_allowed"]  # a remux still is not asked for


def test_far_above_the_usual_size_for_quality_and_runtime_is_rejected_never_first() -> None:
    ranked = rank([PADDED, WEB, HD720], DUNE, MOVIE_PROFILE)
    assert ranked[0].release is WEB and ranked[-1].release is PADDED
    [too_large] = ranked[-1].rejections
    assert too_large.code == "too_large"
    assert too_large.params["max_mb_per_minute"] == 80.0
    assert too_large.params["mb_per_minute"] == pytest.approx(30 * 1024 / 155, abs=0.1)


def test_the_runtime_from_metadata_decides_what_is_too_large() -> None:
    # The same 30 GB over a 7-hour cut is 73 MB/min: a usual 1080p WEB-DL, and it has seeds.
    long_cut = Wanted(MediaKind.MOVIE, "Dune", year=2021, runtime=420)
    ranked = rank([PADDED, WEB], long_cut, MOVIE_PROFILE)
    assert ranked[0].release is PADDED and ranked[0].accepted
    unknown = rank([PADDED, WEB], Wanted(MediaKind.MOVIE, "Dune", year=2021), MOVIE_PROFILE)
    assert codes(unknown[-1]) == ["too_large"]  # 110 minutes assumed when none is known


def test_series_sizes_are_per_episode_runtime() -> None:
    show = Wanted(MediaKind.SERIES, "Severance", season=1, episode=2, runtime=55)
    usual = release("Severance.S01E02.1080p.WEB-DL.DDP5.1.H.264-NTb", 2.5, 30)
    padded = release("Severance.S01E02.1080p.WEB-DL.H.264-PAD", 9, 400)  # 168 MB/min
    ranked = rank([padded, usual], show, SERIES_PROFILE)
    assert ranked[0].release is usual and codes(ranked[1]) == ["too_large"]
    double = release("Severance.S01E02E03.1080p.WEB-DL.H.264-PAD", 8, 400)  # two episodes
    two = Wanted(MediaKind.SERIES, "Severance", season=1, runtime=55)
    assert rank([double], two, SERIES_PROFILE)[0].accepted  # 74 MB/min over 110 minutes


@pytest.mark.parametrize(
    ("kind", "wanted", "names", "first"),
    [
        (
            MediaKind.MUSIC,
            Wanted(MediaKind.MUSIC, "Blue", credits=(Credit("artist", "Joni Mitchell"),)),
            [
                "Joni Mitchell - Blue (1971) [MP3 V0]",
                "Joni Mitchell - Blue (1971) MP3 320 kbps",
                "Joni Mitchell - Blue (1971) [FLAC 24bit]",
            ],
            ["flac-24", "mp3-320", "mp3-v0"],
        ),
        (
            MediaKind.BOOK,
            Wanted(MediaKind.BOOK, "Piranesi", credits=(Credit("author", "Susanna Clarke"),)),
            [
                "Susanna Clarke - Piranesi (2020) [PDF]",
                "Susanna Clarke - Piranesi (2020) [AZW3]",
                "Susanna Clarke - Piranesi (2020) [EPUB]",
            ],
            ["epub", "azw3", "pdf"],
        ),
        (
            MediaKind.AUDIOBOOK,
            Wanted(MediaKind.AUDIOBOOK, "Piranesi", credits=(Credit("author", "Susanna Clarke"),)),
            [
                "Susanna Clarke - Piranesi (Abridged) [M4B]",
                "Susanna Clarke - Piranesi (Unabridged) MP3",
                "Susanna Clarke - Piranesi (Unabridged) [M4B]",
            ],
            ["m4b", "mp3", "m4b-abridged"],
        ),
    ],
)
def test_each_kinds_household_profile_ranks_its_preference_first(
    kind: MediaKind, wanted: Wanted, names: list[str], first: list[str]
) -> None:
    profile = default_profile(kind)
    assert profile is KIND_PROFILES[kind]  # the parsing engineer's defaults, as rank() uses
    ranked = rank([release(n, 0.3) for n in names], wanted, profile)
    assert [v.quality for v in ranked] == first
    why = why_first(ranked, profile)
    assert why is not None and why.code == "preferred_quality"


def test_why_first_names_the_rule_that_put_it_there() -> None:
    def why(*releases: Release) -> str | None:
        found = why_first(rank(releases, DUNE, MOVIE_PROFILE), MOVIE_PROFILE)
        return None if found is None else found.code

    assert why(WEB, HD720) == "preferred_quality"
    assert why(HD720, UHD) == "only_fit"  # 720p is below the cutoff and alone
    assert why(HD720, release("Dune.2021.DVDRip.x264-OLD", 1.4)) == "better_quality"
    same = release("Dune.2021.1080p.WEB-DL.H.264-OTHER", 7, 90)
    assert why(WEB, same) == "more_seeders"
    assert why(WEB, release("Dune.2021.1080p.WEB-DL.H.264-FREE", 7, 5, free=True)) == "freeleech"
    assert why(UHD, REMUX) is None  # nothing fits


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (Change(allow=("webdl-1080p", "webdl-9000p")), "error.profile_unknown_quality"),
        (Change(prefer="flac"), "error.profile_unknown_quality"),
        (Change(cutoff="webdl-2160p"), "error.profile_cutoff_not_allowed"),
        (Change(max_mb={"webdl-1080p": 0.0}), "error.profile_bad_size"),
        (Change(max_mb={"webdl-1080p": 1e9}), "error.profile_bad_size"),
        (Change(min_mb={"webdl-1080p": 90.0}), "error.profile_min_above_max"),
        (Change(deny=MOVIE_PROFILE.allowed), "error.profile_empty"),
    ],
)
def test_a_bad_change_is_refused_with_its_key(change: Change, key: str) -> None:
    from core.services.profiles import _checked

    with pytest.raises(errors.UserError) as caught:
        _checked(MediaKind.MOVIE, applied(MediaKind.MOVIE, MOVIE_PROFILE, change))
    assert caught.value.key == key


def test_sizes_are_for_video_kinds_only() -> None:
    with pytest.raises(errors.UserError) as caught:
        applied(MediaKind.MUSIC, default_profile(MediaKind.MUSIC), Change(max_mb={"flac": 9.0}))
    assert caught.value.key == "error.profile_no_sizes"


def test_a_stored_profile_reads_back_and_garbage_gives_the_default() -> None:
    changed = applied(
        MediaKind.MOVIE, MOVIE_PROFILE, Change(add=("webdl-2160p",), max_mb={"webdl-1080p": 60})
    )
    doc = profile_json(MediaKind.MOVIE, changed)
    assert from_json(MediaKind.MOVIE, doc) == changed
    assert doc["allowed"][-1] == "webdl-2160p" and doc["max_mb_per_minute"]["webdl-1080p"] == 60
    assert from_json(MediaKind.MOVIE, {"allowed": ["webdl-9000p"]}) is MOVIE_PROFILE
    assert from_json(MediaKind.MOVIE, "nonsense") is MOVIE_PROFILE
