"""Adapters from distributions Outpost has never heard of, found through their entry points."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT, Run

PLUGIN = '''
"""A download client from another distribution: one module, one entry point."""
from dataclasses import dataclass

from core import declare
from core.declare import setting
from core.domain import ClientCheck
from core.http import HttpPolicy


@dataclass(frozen=True, slots=True)
class FancySettings:
    url: str = setting(help="the fancy daemon", parse=declare.http_url)
    token: str = setting(help="the fancy token", secret=True)
    lanes: int = setting(help="parallel lanes", default=3)


class FancyClient:
    kind = "fancy"
    category = "client"
    protocols = ()
    Settings = FancySettings
    policy = HttpPolicy()

    @classmethod
    def build(cls, name, settings, http, cache):
        return cls(name, settings)

    def __init__(self, name, settings):
        self.name, self.settings = name, settings

    async def check(self):
        return ClientCheck(f"fancy with {self.settings.lanes} lanes", None, ())

    async def aclose(self):
        pass
'''


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder on the path holding `fancy_client.py` and its distribution's metadata."""
    folder = tmp_path / "site"
    info = folder / "fancy_outpost-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fancy-outpost\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[outpost.clients]\nfancy = fancy_client:FancyClient\nghost = no_such_module:Ghost\n"
    )
    (folder / "fancy_client.py").write_text(textwrap.dedent(PLUGIN))
    return folder


def outpost(site: Path, data: Path, *args: str) -> Run:
    env = {**os.environ, "OUTPOST_LANG": "en", "PYTHONPATH": f"{ROOT}{os.pathsep}{site}"}
    for name in ("OUTPOST_SECRET_KEY", "OUTPOST_DATABASE_URL", "OUTPOST_DATA_DIR"):
        env.pop(name, None)
    argv = [sys.executable, "-m", "bot.cli", "--data-dir", str(data), *args]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


def test_a_foreign_client_shows_in_help_and_is_added_with_its_fields(
    site: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shown = " ".join(outpost(site, data, "client", "add", "--help").out.split())
    kinds = shown.split("--kind {", 1)[1].split("}", 1)[0].split(",")
    assert {"fancy", "ghost", "qbittorrent", "sabnzbd"} <= set(kinds) and kinds == sorted(kinds)
    assert "--token TOKEN the fancy token (fancy; required; stored encrypted)" in shown
    assert "--lanes LANES parallel lanes (fancy; default: 3)" in shown
    assert "the fancy daemon (fancy; required)" in shown  # other kinds may take --url first
    assert "the WebUI address (qbittorrent; default: http://localhost:8080)" in shown

    missing = outpost(site, data, "client", "add", "f", "--kind", "fancy", "--url", "http://f")
    assert missing.code == 1 and "fancy needs token" in missing.err
    added = outpost(
        site, data, "client", "add", "f", "--kind", "fancy", "--url", "http://f:1",
        "--token", "tok-canary", "--lanes", "5",
    )  # fmt: skip
    assert added.code == 0, added.err
    listed = outpost(site, data, "client", "list", "--json").json()
    assert [(c["name"], c["kind"], c["url"], c["lanes"]) for c in listed] == [
        ("f", "fancy", "http://f:1", 5)
    ]
    assert "tok-canary" not in str(listed)
    tested = outpost(site, data, "client", "test", "f")
    assert tested.code == 0 and "fancy with 5 lanes" in tested.out


def test_a_missing_module_is_one_line_at_add_and_in_doctor(site: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    ghost = outpost(site, data, "client", "add", "g", "--kind", "ghost", "--url", "http://g")
    assert ghost.code == 1
    assert ghost.err.strip().splitlines() == [
        "Error: The ghost integration cannot be loaded here "
        "(no_such_module:Ghost: ModuleNotFoundError). Is its package installed?"
    ]
    added = outpost(
        site, data, "client", "add", "f", "--kind", "fancy", "--url", "http://f", "--token", "t"
    )
    assert added.code == 0, added.err
    (site / "fancy_client.py").unlink()  # the plugin is uninstalled; its row stays
    doctor = outpost(site, data, "doctor")
    about = [line for line in doctor.out.splitlines() if "fancy" in line]
    assert doctor.code == 1 and len(about) == 1, doctor.out
    assert about[0].startswith("✗ download client f: The fancy integration cannot be loaded")
    run = outpost(site, data, "queue")
    assert run.code == 0, run.err  # the rest of Outpost carries on
