"""`outpost profile show|set`: each kind's profile shown, changed, checked, reset; and the
release search that ranks by it says why #1 is #1."""

from __future__ import annotations

from tests.cli.conftest import Outpost
from tests.support.torznab_server import FeedItem, TorznabFeed

GB = 1024**3
KEY = "k-profile-123456"


def test_show_lists_one_profile_per_kind_with_the_household_defaults(outpost: Outpost) -> None:
    shown = outpost("profile", "show", "--json")
    assert shown.code == 0, shown.err
    profiles = {p["kind"]: p for p in shown.json()["profiles"]}
    assert set(profiles) == {"movie", "series", "anime", "music", "book", "audiobook"}
    movie = profiles["movie"]
    assert movie["allowed"][:2] == ["bluray-1080p", "webdl-1080p"]
    assert not [q for q in movie["allowed"] if "2160p" in q or "remux" in q]
    assert movie["cutoff"] == "hdtv-1080p" and movie["max_mb_per_minute"]["webdl-1080p"] == 80
    assert profiles["music"]["allowed"][:2] == ["flac-24", "flac"]
    assert profiles["book"]["allowed"][0] == "epub" and profiles["audiobook"]["cutoff"] == "m4b"
    assert "max_mb_per_minute" not in profiles["book"]
    table = outpost("profile", "show", "movie")
    assert table.code == 0 and "Profile for movie" in table.out
    assert "MAX MB/MIN" in table.out and "webdl-1080p" in table.out


def test_set_changes_the_stored_profile_and_reset_brings_the_default_back(
    outpost: Outpost,
) -> None:
    uhd = outpost("profile", "set", "movie", "--prefer", "webdl-2160p")
    sizes = outpost("profile", "set", "movie", "--max-mb-per-minute", "webdl-1080p=60", "--json")
    series = outpost("profile", "set", "series", "--allow", "webdl-1080p,webdl-720p")
    assert (uhd.code, sizes.code, series.code) == (0, 0, 0), (uhd.err, sizes.err, series.err)
    assert "The movie profile is saved; it prefers webdl-2160p." in uhd.out
    doc = sizes.json()
    assert doc["allowed"][:2] == ["webdl-2160p", "bluray-1080p"]
    assert doc["cutoff"] == "webdl-2160p" and doc["max_mb_per_minute"]["webdl-1080p"] == 60
    shown = {p["kind"]: p for p in outpost("profile", "show", "--json").json()["profiles"]}
    assert shown["movie"] == doc and shown["series"]["allowed"] == ["webdl-1080p", "webdl-720p"]
    back = outpost("profile", "set", "movie", "--reset")
    assert back.code == 0 and "back to the household default" in back.out
    again = outpost("profile", "show", "movie", "--json").json()["profiles"][0]
    assert again["allowed"][0] == "bluray-1080p" and again["max_mb_per_minute"]["webdl-1080p"] == 80


def test_bad_input_is_refused_with_what_to_do_and_changes_nothing(outpost: Outpost) -> None:
    before = outpost("profile", "show", "--json").json()
    unknown = outpost("profile", "set", "movie", "--allow", "webdl-1080p,webdl-9000p")
    wrong_kind = outpost("profile", "set", "book", "--prefer", "flac")
    sizes = outpost("profile", "set", "music", "--max-mb-per-minute", "flac=9")
    zero = outpost("profile", "set", "movie", "--max-mb-per-minute", "webdl-1080p=0")
    cutoff = outpost("profile", "set", "movie", "--cutoff", "bluray-2160p")
    shape = outpost("profile", "set", "movie", "--max-mb-per-minute", "webdl-1080p")
    for run in (unknown, wrong_kind, sizes, zero, cutoff):
        assert run.code == 1, run.out
    assert "Unknown quality for movie: webdl-9000p. Known:" in unknown.err
    assert "Unknown quality for book: flac" in wrong_kind.err
    assert "Sizes per minute are for films, series and anime, not music" in sizes.err
    assert "give a number above 0" in zero.err
    assert "The cutoff bluray-2160p is not allowed" in cutoff.err
    assert shape.code == 2 and "expected QUALITY=MB" in shape.err
    assert outpost("profile", "show", "--json").json() == before


def test_search_releases_ranks_by_the_profile_and_says_why_the_first_is_first(
    outpost: Outpost,
) -> None:
    items = [
        FeedItem("Sintel.2010.1080p.WEB-DL.DD5.1.H.264-GOOD", size=2 * GB, seeders=40, link="/a"),
        FeedItem("Sintel.2010.2160p.WEB-DL.DD5.1.H.265-UHD", size=6 * GB, seeders=300, link="/b"),
        FeedItem("Sintel.2010.1080p.WEB-DL.H.264-PADDED", size=20 * GB, seeders=900, link="/c"),
        FeedItem("Sintel.2010.720p.WEB-DL.H.264-SMALL", size=1 * GB, seeders=90, link="/d"),
    ]
    with TorznabFeed(items, api_key=KEY) as feed:
        added = outpost("indexer", "add", "idx", "--kind", "torznab", "--url", feed.url,
                        "--api-key", KEY)  # fmt: skip
        assert added.code == 0, added.err
        search = ("search", "releases", "Sintel 2010", "--kind", "movie")
        plain = outpost(*search)
        found = outpost(*search, "--all", "--json")
        long_cut = outpost(*search, "--runtime", "300", "--json")  # 20 GB over 5 hours is usual
        outpost("profile", "set", "movie", "--prefer", "webdl-2160p")
        uhd = outpost(*search, "--json")
    assert plain.code == 0, plain.err
    assert "is first. Why #1: webdl-1080p, 2.0 GB, 40 seeders — preferred quality" in plain.out
    doc = found.json()
    titles = [r["title"] for r in doc["releases"]]
    assert titles[0].endswith("-GOOD") and titles[1].endswith("-SMALL")
    rejected = {r["title"].rsplit("-", 1)[1]: r["rejections"] for r in doc["releases"][2:]}
    assert [x["code"] for x in rejected["UHD"]] == ["quality_not_allowed"]
    assert [x["code"] for x in rejected["PADDED"]] == ["too_large"]  # 110 minutes assumed
    assert doc["why_first"]["reason"] == "preferred_quality"
    assert doc["why_first"]["ref"] == doc["releases"][0]["ref"]
    assert long_cut.json()["releases"][0]["title"].endswith("-PADDED")
    assert long_cut.json()["why_first"]["reason"] == "more_seeders"
    assert uhd.json()["releases"][0]["title"].endswith("-UHD")
