"""Music from the shell: MusicBrainz and the Cover Art Archive are on by default (keyless), are
pointed elsewhere with `provider set`, switched off and on, and shown as such."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT, Outpost, Run
from tests.support.localserver import LocalServer
from tests.support.musicbrainz_server import FakeCoverArt, FakeMusicBrainz

GROUP = "153f0a09-fead-3370-9b17-379ebd09446b"
POSTER = (
    "https://coverartarchive.org/release/8745795a-190f-4be5-84fd-a8cfe5365cc6/31935858269-500.jpg"
)
PUBLIC = {
    "anilist": "https://graphql.anilist.co",
    "audnexus": "https://api.audnex.us",
    "openlibrary": "https://openlibrary.org",
    "musicbrainz": "https://musicbrainz.org/ws/2",
    "coverartarchive": "https://coverartarchive.org",
}


@pytest.fixture
def servers() -> Iterator[tuple[LocalServer, LocalServer]]:
    caa = FakeCoverArt(listings={f"/release-group/{GROUP}/": "release_8745795a.json"})
    with LocalServer(FakeMusicBrainz()) as mb, LocalServer(caa) as art:
        yield mb, art


def test_a_fresh_install_lists_the_keyless_providers_as_on_by_default(outpost: Outpost) -> None:
    listed = outpost("provider", "list", "--json")
    assert listed.code == 0, listed.err
    assert {p["name"]: (p["url"], p["default"], p["enabled"]) for p in listed.json()} == {
        name: (url, True, True) for name, url in PUBLIC.items()
    }  # tmdb needs a key: not on by default
    words = outpost("provider", "list").out
    assert words.count("on by default (no key needed)") == len(PUBLIC), words
    doctor = outpost("doctor", "--json")
    assert doctor.json()["checks"] == []  # nothing was called: nobody set them up
    assert {d["name"]: d["url"] for d in doctor.json()["defaults"]} == PUBLIC
    text = outpost("doctor").out
    assert "musicbrainz is on by default, with no key, at https://musicbrainz.org/ws/2" in text
    assert "outpost provider disable musicbrainz" in text


def test_search_media_finds_music_once_pointed_at_a_server(
    outpost: Outpost, servers: tuple[LocalServer, LocalServer]
) -> None:
    mb, art = servers
    set_mb = outpost("provider", "set", "musicbrainz", "--url", mb.url + "/ws/2")
    set_art = outpost("provider", "set", "coverartarchive", "--url", art.url)
    assert (set_mb.code, set_art.code) == (0, 0), set_mb.err + set_art.err
    found = outpost("search", "media", "ok computer", "--kind", "music", "--json")
    assert found.code == 0, found.err
    media = found.json()["media"]
    assert [(m["title"], m["year"], m["kind"]) for m in media] == [
        ("the Love Bug", 2004, "music"),
        ("Repercussions", 2008, "music"),
    ]
    assert media[0]["ids"]["musicbrainz"] == GROUP and media[0]["poster"] == POSTER
    assert [c["name"] for c in media[0]["credits"]] == ["m-flo"]
    assert [m["release_type"] for m in media] == ["Single", "Album"]
    words = outpost("search", "media", "ok computer", "--kind", "music").out
    assert any("the Love Bug" in row and "m-flo" in row for row in words.splitlines()), words
    assert found.json()["errors"] == []
    searches = [
        r for r in mb.requests if r.path == "/ws/2/release-group" and r.arg("query") != "test"
    ]
    assert [r.arg("query") for r in searches] == ["ok computer"]
    assert searches[0].headers["user-agent"].startswith("Outpost/")
    listed = {p["name"]: p for p in outpost("provider", "list", "--json").json()}
    assert (
        listed["musicbrainz"]["url"] == mb.url + "/ws/2" and "default" not in listed["musicbrainz"]
    )


def test_a_default_provider_is_switched_off_and_on(outpost: Outpost) -> None:
    off = outpost("provider", "disable", "musicbrainz")
    assert off.code == 0 and "outpost provider enable musicbrainz" in off.out, off.err
    listed = {p["name"]: p for p in outpost("provider", "list", "--json").json()}
    assert (listed["musicbrainz"]["enabled"], listed["musicbrainz"].get("default")) == (False, None)
    assert listed["musicbrainz"]["url"] == PUBLIC["musicbrainz"]  # its defaults, kept
    music = outpost("search", "media", "ok computer", "--kind", "music")
    assert music.code == 1 and "No metadata provider for music" in music.err
    on = outpost("provider", "enable", "musicbrainz")
    assert on.code == 0, on.err
    listed = {p["name"]: p for p in outpost("provider", "list", "--json").json()}
    assert listed["musicbrainz"]["enabled"] is True
    needs_key = outpost("provider", "enable", "tmdb")
    assert needs_key.code == 1 and "tmdb" in needs_key.err  # nothing to switch on: set it first


KEYLESS_PLUGIN = '''
"""A keyless provider from another distribution: nothing but defaults in its Settings."""
from dataclasses import dataclass

from core.declare import setting
from core.domain import MediaKind
from core.http import HttpPolicy


@dataclass(frozen=True, slots=True)
class Settings:
    url: str = setting(help="the public API", default="https://lyrics.example/api")


class LyricsProvider:
    kind = "lyrics"
    category = "provider"
    protocols = ()
    Settings = Settings
    policy = HttpPolicy()
    name = "lyrics"
    kinds = frozenset({MediaKind.MUSIC})

    @classmethod
    def build(cls, name, settings, http, cache):
        return cls()

    async def search(self, query, kind, *, year=None):
        return []

    async def details(self, media):
        raise NotImplementedError

    async def aclose(self):
        pass
'''


def test_any_keyless_provider_kind_is_on_by_default(tmp_path: Path) -> None:
    """The mechanism asks nothing of an adapter but defaults for all its settings."""
    site = tmp_path / "site"
    info = site / "lyrics_outpost-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: lyrics-outpost\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[outpost.providers]\nlyrics = lyrics_provider:LyricsProvider\n"
    )
    (site / "lyrics_provider.py").write_text(textwrap.dedent(KEYLESS_PLUGIN))
    env = {**os.environ, "OUTPOST_LANG": "en", "PYTHONPATH": f"{ROOT}{os.pathsep}{site}"}
    for name in ("OUTPOST_SECRET_KEY", "OUTPOST_DATABASE_URL", "OUTPOST_DATA_DIR"):
        env.pop(name, None)
    argv = [
        sys.executable,
        "-m",
        "bot.cli",
        "--data-dir",
        str(tmp_path / "data"),
        "provider",
        "list",
        "--json",
    ]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    run = Run(done.returncode, done.stdout, done.stderr)
    assert run.code == 0, run.err
    listed = {p["name"]: p for p in run.json()}
    assert (
        listed["lyrics"]["default"] is True
        and listed["lyrics"]["url"] == "https://lyrics.example/api"
    )
