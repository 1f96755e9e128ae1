"""Chat frontends come from the `outpost.frontends` entry points too: one whose token variable is
set is loaded and started by `outpost run`; one without is never imported."""

from __future__ import annotations

import io
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.output import Output
from bot.cli.system import start_frontends, token_variable
from core.app import Outpost

MODULE = "echo_frontend_for_outpost"


@pytest.fixture
def echo_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A distribution Outpost has never heard of, declaring the frontend kind "echo"."""
    site = tmp_path / "site"
    info = site / "echo_outpost-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-outpost\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[outpost.frontends]\necho = {MODULE}:Echo\n")
    (site / f"{MODULE}.py").write_text(
        textwrap.dedent(
            """
            class Echo:
                started = []

                @classmethod
                def from_env(cls, app, conversation, env):
                    return cls(env["OUTPOST_ECHO_TOKEN"])

                def __init__(self, token):
                    self.token = token

                async def start(self):
                    Echo.started.append(self.token)

                async def stop(self):
                    pass
            """
        )
    )
    monkeypatch.syspath_prepend(str(site))
    yield site
    sys.modules.pop(MODULE, None)


async def test_a_frontend_of_another_distribution_starts_when_its_token_is_set(
    echo_site: Path, tmp_path: Path
) -> None:
    assert token_variable("echo") == "OUTPOST_ECHO_TOKEN"
    out = Output(json_mode=False, lang="en", stdout=io.StringIO())
    async with Outpost(tmp_path / "data") as app:
        assert await start_frontends(app, out, env={}) == []
        assert MODULE not in sys.modules  # not configured: never imported
        [echo] = await start_frontends(app, out, env={"OUTPOST_ECHO_TOKEN": "tok"})
    assert type(echo).__module__ == MODULE and type(echo).started == ["tok"]
    assert "/claim" in out.stdout.getvalue()  # the household has no admin yet
