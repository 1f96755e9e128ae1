"""The other commands for real: metadata search through a loopback TMDB, parse, doctor, run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import ROOT, Outpost
from tests.metadata.conftest import API_KEY, FakeTmdb
from tests.support.localserver import LocalServer
from tests.support.torznab_server import FeedItem, TorznabFeed


def test_search_media_is_answered_and_cached_in_the_store(outpost: Outpost) -> None:
    with LocalServer(FakeTmdb()) as server:
        added = outpost("provider", "set", "tmdb", "--api-key", API_KEY, "--url", server.url + "/3")
        first = outpost("search", "media", "omen", "--kind", "movie", "--json")
        second = outpost("search", "media", "omen", "--kind", "movie")
        searches = [r for r in server.requests if r.path == "/3/search/movie"]
    assert added.code == 0, added.err
    assert first.code == 0, first.err
    media = first.json()["media"]
    assert [(m["title"], m["year"]) for m in media] == [
        ("The First Omen", 2024),
        ("The Omen", None),
    ]
    assert media[0]["poster"].startswith("https://")
    assert second.code == 0 and "The First Omen" in second.out
    assert len(searches) == 1  # the second process read the store's cache
    for run in (added, first, second):
        assert API_KEY not in run.out + run.err


def test_search_media_with_a_bad_key_is_refused_at_setup(outpost: Outpost) -> None:
    with LocalServer(FakeTmdb()) as server:
        run = outpost(
            "provider", "set", "tmdb", "--api-key", "not-the-key", "--url", server.url + "/3"
        )
    assert run.code == 1 and "tmdb" in run.err and "credentials" in run.err
    assert "not-the-key" not in run.err


def test_search_media_names_the_provider_that_serves_the_kind_or_says_none_does(
    outpost: Outpost,
) -> None:
    movie = outpost("search", "media", "omen", "--kind", "movie")
    assert outpost("provider", "disable", "openlibrary").code == 0  # keyless: on by default
    book = outpost("search", "media", "dune", "--kind", "book")
    assert movie.code == 1 and book.code == 1
    assert "No metadata provider for movie is set up yet" in movie.err
    assert "outpost provider set tmdb --help" in movie.err
    assert "outpost provider set openlibrary --help" in book.err  # Open Library has books
    assert "tmdb" not in book.err.lower()  # TMDB has no books: no advice to set it


def test_parse_json_fields(outpost: Outpost) -> None:
    run = outpost(
        "parse",
        "--json",
        "Series.Title.S02E05E06.720p.WEB-DL.DD5.1.H.264-GRP",
        "Movie.Title.2019.2160p.UHD.BluRay.REMUX.HDR.HEVC.Atmos-TRiToN",
        "hello",
    )
    assert run.code == 0, run.err
    series, movie, junk = run.json()
    expected_keys = {
        "title",
        "year",
        "season",
        "episodes",
        "absolute_episodes",
        "air_date",
        "resolution",
        "source",
        "modifier",
        "codec",
        "proper",
        "repack",
        "version",
        "release_group",
        "edition",
        "languages",
    }
    assert expected_keys <= set(series)
    assert (series["title"], series["season"], series["episodes"]) == ("Series Title", 2, [5, 6])
    assert (series["resolution"], series["source"], series["release_group"]) == (
        720,
        "webdl",
        "GRP",
    )
    assert (movie["year"], movie["resolution"], movie["source"], movie["modifier"]) == (
        2019,
        2160,
        "bluray",
        "remux",
    )
    assert junk == {"input": "hello", "parsed": False}


def test_doctor_says_what_is_missing(outpost: Outpost) -> None:
    run = outpost("doctor", "--json")
    assert run.code == 1
    assert run.json()["missing"] == ["indexer", "client"]


def test_run_starts_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "OUTPOST_LANG": "en",
        "PYTHONPATH": str(ROOT),
        "OUTPOST_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("OUTPOST_SECRET_KEY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "data" / "outpost.db").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert process.stdout is not None
        assert "running" in process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
    assert (tmp_path / "data" / "secret.key").stat().st_mode & 0o777 == 0o600


def test_doctor_says_whether_imports_can_hardlink(outpost: Outpost, tmp_path: Path) -> None:
    added = outpost(
        "client",
        "add",
        "qbit",
        "--kind",
        "qbittorrent",
        "--url",
        "http://127.0.0.1:9",
        "--save-path",
        str(tmp_path / "downloads"),
        "--no-test",
    )
    libraries = [outpost("library", "set", "movie", str(tmp_path / "movies"))]
    shm = Path("/dev/shm")
    other_fs = shm.is_dir() and shm.stat().st_dev != tmp_path.stat().st_dev
    if other_fs:
        libraries.append(outpost("library", "set", "music", str(shm / tmp_path.name)))
    assert [r.code for r in [added, *libraries]] == [0] * (1 + len(libraries))
    doctor = outpost("doctor", "--json")
    links = {link["kind"]: link["possible"] for link in doctor.json()["hardlinks"]}
    assert links["movie"] is True
    if other_fs:
        assert links["music"] is False
    human = outpost("doctor").out
    assert "hardlinks" in human and str(tmp_path / "movies") in human
    if other_fs:
        shutil.rmtree(shm / tmp_path.name)


def test_a_search_with_only_rejected_releases_says_why(outpost: Outpost) -> None:
    items = [
        FeedItem("Sintel.2010.1080p.BluRay.x264-TINY", size=30_000_000, link="/a"),
        FeedItem("Sintel.2010.720p.HDTV.x264-TINY2", size=20_000_000, link="/b"),
    ]
    with TorznabFeed(items, api_key="k-123456") as feed:
        assert (
            outpost(
                "indexer",
                "add",
                "idx",
                "--kind",
                "torznab",
                "--url",
                feed.url,
                "--api-key",
                "k-123456",
            ).code
            == 0
        )
        run = outpost("search", "releases", "Sintel 2010", "--kind", "movie")
    assert run.code == 0
    assert "No release fits: 2 too small" in run.out


def test_naming_templates_take_known_tokens_only(outpost: Outpost) -> None:
    bad = outpost("library", "naming", "movie", "{title} {settings.api_key}")
    assert bad.code == 1 and "settings" in bad.err and len(bad.err.strip().splitlines()) == 1
    good = outpost("library", "naming", "movie", "{title} ({year})/{title}.{ext}", "--json")
    assert good.code == 0 and good.json()["template"] == "{title} ({year})/{title}.{ext}"
