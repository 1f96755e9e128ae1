"""`outpost indexer|client|provider add` options come from the adapters' declared Settings."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from bot.cli import fields
from bot.cli.main import build_parser, command_of
from tests.cli.conftest import ROOT


def parse(*argv: str) -> argparse.Namespace:
    return build_parser(list(argv)).parse_args(list(argv))


def test_todays_spellings_still_parse_into_settings() -> None:
    args = parse(
        "indexer", "add", "x", "--kind", "Torznab", "--url", "http://i", "--api-key", "k",
        "--rate", "10/60", "--no-test", "--json",
    )  # fmt: skip
    assert (args.kind, args.no_test, args.json) == ("Torznab", True, True)
    assert fields.values(args) == {"url": "http://i", "api_key": "k", "rate": "10/60"}
    args = parse(
        "client", "add", "q", "--kind", "qbittorrent", "--url", "http://q", "--username", "u",
        "--password", "p", "--category", "tv", "--save-path", "/dl",
        "--path-map", "/a=/b", "--path-map", "/c=/d",
    )  # fmt: skip
    assert fields.values(args) == {
        "url": "http://q",
        "username": "u",
        "password": "p",
        "category": "tv",
        "save_path": "/dl",
        "path_map": ["/a=/b", "/c=/d"],
    }
    args = parse("provider", "set", "tmdb", "--api-key", "k", "--url", "http://t/3", "--no-test")
    assert args.kind == "tmdb" and fields.values(args) == {"api_key": "k", "url": "http://t/3"}
    args = parse("provider", "set", "openlibrary", "--contact", "me@example.org", "--no-test")
    assert args.kind == "openlibrary" and fields.values(args) == {"contact": "me@example.org"}
    args = parse("provider", "set", "audnexus", "--region", "uk", "--no-test")
    assert args.kind == "audnexus" and fields.values(args) == {"region": "uk"}
    args = parse("provider", "set", "anilist", "--url", "http://a/", "--no-test")
    assert args.kind == "anilist" and fields.values(args) == {"url": "http://a/"}


def help_of(*argv: str) -> None:
    """Prints the help of `outpost ARGV --help` (argparse then exits)."""
    with pytest.raises(SystemExit):
        build_parser(list(argv)).parse_args([*argv, "--help"])


def test_help_names_the_kinds_that_take_each_option(capsys: pytest.CaptureFixture[str]) -> None:
    help_of("indexer", "add")
    text = " ".join(capsys.readouterr().out.split())
    assert "--api-key API_KEY the indexer's API key (newznab, torznab; stored encrypted)" in text
    assert "Prowlarr's API key (Settings → General) (prowlarr; required; stored encrypted)" in text
    assert "--kind {myanonamouse,newznab,prowlarr,torznab}" in text
    assert "--mam-id MAM_ID the mam_id session of MyAnonamouse" in text
    help_of("client", "add")
    text = " ".join(capsys.readouterr().out.split())
    assert "the WebUI address (qbittorrent; default: http://localhost:8080)" in text
    assert "the web interface address (nzbget; default: http://localhost:6789)" in text
    assert (
        "--api-key API_KEY the API Key from SABnzbd's Config → General (not the NZB Key)"
        " (sabnzbd; required; stored encrypted)"
    ) in text
    assert "--path-map PATH_MAP REMOTE=LOCAL" in text
    help_of("provider", "set")
    text = " ".join(capsys.readouterr().out.split())
    assert "--api-key API_KEY your TMDB API key (v3) (tmdb; required; stored encrypted)" in text
    assert (
        "--kind" not in text
        and "{anilist,audnexus,coverartarchive,musicbrainz,openlibrary,tmdb}" in text
    )
    assert "it goes in the User-Agent (openlibrary)" in text
    assert "(audnexus; default: us)" in text
    assert (
        "WS/2 base URL (for a mirror, a proxy or a test server) (musicbrainz; default: https://musicbrainz.org/ws/2)"
        in text
    )
    assert "--contact CONTACT how MusicBrainz can reach you" in text
    assert "(coverartarchive; default: archive.org)" in text  # a repeatable default, listed
    assert "(anilist; default: https://graphql.anilist.co)" in text


def test_the_command_word_skips_top_level_options() -> None:
    assert command_of(["--data-dir", "client", "indexer", "add"]) == "indexer"
    assert command_of(["--json", "client", "list"]) == "client"
    assert command_of(["--data-dir=/x", "queue"]) == "queue"


def test_other_commands_import_no_adapter() -> None:
    code = (
        "import sys; from bot.cli.main import build_parser; build_parser(['queue']);"
        "print(sorted(m for m in sys.modules if m.startswith('adapters')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"
    code = code.replace("'queue'", "'client', 'add', 'x'")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "adapters.clients.qbittorrent" in done.stdout and "indexers" not in done.stdout
