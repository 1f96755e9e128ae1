"""Ranking: profile order beats seeders, freeleech breaks ties, size sanity, rejected last."""

from __future__ import annotations

import pytest

from core.domain import MediaKind, Protocol, Release
from core.releases import DEFAULT_PROFILE, QualityProfile, Wanted, rank, release_key

MiB = 1024**2
DUNE = Wanted(MediaKind.MOVIE, "Dune", year=2021, runtime=155)


def _release(title: str, guid: str, **extra: object) -> Release:
    fields: dict[str, object] = {"size": 6000 * MiB, "seeders": 10, **extra}
    return Release(title, "idx", Protocol.TORRENT, guid, **fields)  # type: ignore[arg-type]


def _guids(releases: list[Release], wanted: Wanted | None = DUNE, **kw: object) -> list[str]:
    return [v.release.guid for v in rank(releases, wanted, **kw)]  # type: ignore[arg-type]


def test_profile_order_beats_seeders() -> None:
    releases = [
        _release("Dune.2021.720p.WEB-DL.x264-A", "720", seeders=5000),
        _release("Dune.2021.2160p.WEB-DL.HEVC-B", "2160", seeders=3),
        _release("Dune.2021.1080p.BluRay.x264-C", "1080", seeders=200),
    ]
    assert _guids(releases) == ["2160", "1080", "720"]


def test_a_custom_profile_reorders() -> None:
    small_first = QualityProfile("small", allowed=("webdl-720p", "webdl-2160p"))
    releases = [
        _release("Dune.2021.2160p.WEB-DL.HEVC-B", "2160"),
        _release("Dune.2021.720p.WEB-DL.x264-A", "720"),
        _release("Dune.2021.1080p.BluRay.x264-C", "1080"),
    ]
    verdicts = rank(releases, DUNE, small_first)
    assert [v.release.guid for v in verdicts] == ["720", "2160", "1080"]
    assert [r.code for r in verdicts[2].rejections] == ["quality_not_allowed"]


def test_freeleech_breaks_ties_before_seeders() -> None:
    releases = [
        _release("Dune.2021.1080p.WEB-DL.x264-A", "busy", seeders=900),
        _release("Dune.2021.1080p.WEB-DL.x264-B", "free", seeders=4, download_volume_factor=0.0),
    ]
    assert _guids(releases) == ["free", "busy"]


def test_seeders_break_ties_within_a_quality() -> None:
    releases = [
        _release("Dune.2021.1080p.WEB-DL.x264-A", "few", seeders=4),
        _release("Dune.2021.1080p.WEB-DL.x264-B", "many", seeders=40),
    ]
    assert _guids(releases) == ["many", "few"]


def test_size_closest_to_typical_wins_last_tie() -> None:
    typical = 45 * 155  # MB for a 155-minute film at the default 45 MB/min
    releases = [
        _release("Dune.2021.1080p.WEB-DL.x264-A", "huge", size=typical * 8 * MiB),
        _release("Dune.2021.1080p.WEB-DL.x264-B", "sane", size=typical * MiB),
        _release("Dune.2021.1080p.WEB-DL.x264-C", "unknown", size=None),
        _release("Dune.2021.1080p.WEB-DL.x264-D", "thin", size=typical // 6 * MiB),
    ]
    assert _guids(releases) == ["sane", "thin", "huge", "unknown"]


def test_rejected_come_last_with_every_reason() -> None:
    bad = _release("Dune.1984.HDCAM.x264-X", "bad", seeders=0, size=10 * MiB)
    good = _release("Dune.2021.720p.WEB-DL.x264-A", "good", seeders=1)
    verdicts = rank([bad, good], DUNE, blocklist={release_key(bad)})
    assert [v.release.guid for v in verdicts] == ["good", "bad"]
    assert verdicts[0].accepted and not verdicts[1].accepted
    codes = {r.code for r in verdicts[1].rejections}
    assert codes == {"wrong_year", "quality_not_allowed", "too_small", "blocklisted", "no_seeders"}


def test_free_text_ranking_uses_quality_and_size_only() -> None:
    releases = [
        _release("Some.Show.S01E01.720p.HDTV.x264-A", "tv", size=1000 * MiB),
        _release("Other.Film.2020.2160p.BluRay.x265-B", "film", size=40_000 * MiB),
    ]
    verdicts = rank(releases, None)
    assert [v.release.guid for v in verdicts] == ["film", "tv"]
    assert all(v.accepted for v in verdicts)
    assert verdicts[0].quality == "bluray-2160p" and verdicts[0].score > verdicts[1].score


def test_default_profile_excludes_cam_and_unknown() -> None:
    assert "cam" not in DEFAULT_PROFILE.allowed and "unknown" not in DEFAULT_PROFILE.allowed
    assert DEFAULT_PROFILE.allowed[0] == "bluray-2160p-remux"


def test_one_search_parses_each_distinct_name_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.releases.ranking as ranking

    seen: list[str] = []
    real = ranking.parse

    def counting(name: str) -> object:
        seen.append(name)
        return real(name)

    monkeypatch.setattr(ranking, "parse", counting)
    title = "Movie.Title.2019.1080p.BluRay.x264-GRP"
    releases = [
        _release(title, "a", size=8 * 1024**3),
        _release(title, "b", size=9 * 1024**3),
        _release("Movie.Title.2019.720p.WEB-DL.H264-OTHER", "c"),
    ]
    verdicts = rank(releases, Wanted(kind=MediaKind.MOVIE, title="Movie Title", year=2019))
    assert sorted(seen) == sorted({r.title for r in releases})
    same = [v for v in verdicts if v.release.title == title]
    assert len(same) == 2 and same[0].parsed is same[1].parsed
