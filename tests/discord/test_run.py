"""`outpost run` and Discord: started from the environment when OUTPOST_DISCORD_TOKEN is set;
a refused token is one log line and the rest of Outpost runs on."""

from __future__ import annotations

import io
import subprocess
import sys

from bot.cli.output import Output
from bot.cli.system import start_frontends
from core.app import Outpost
from tests.discord.conftest import CANARY_TOKEN, Captured
from tests.support.discordapi import DiscordApiServer


def test_no_token_never_imports_the_discord_library() -> None:
    probe = "import sys, bot.cli.main; print('discord' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


async def test_the_environment_starts_the_discord_frontend(
    outpost: Outpost, discordapi: DiscordApiServer
) -> None:
    home = discordapi.guild("Home")
    out = Output(json_mode=False, lang="en", stdout=io.StringIO())
    env = {
        "OUTPOST_DISCORD_TOKEN": discordapi.token,
        "OUTPOST_DISCORD_API_URL": discordapi.base_url,
        "OUTPOST_DISCORD_GUILDS": home.id,
    }
    [frontend] = await start_frontends(outpost, out, env=env)
    try:
        assert home.id in discordapi.state.guild_commands
        assert "/claim" in out.stdout.getvalue()  # type: ignore[attr-defined]
    finally:
        await frontend.stop()


async def test_a_refused_token_is_one_line_and_outpost_runs_on(
    outpost: Outpost, discordapi: DiscordApiServer, logs: Captured
) -> None:
    out = Output(json_mode=False, lang="en", stdout=io.StringIO())
    wrong = CANARY_TOKEN[:-4] + "XXXX"
    env = {"OUTPOST_DISCORD_TOKEN": wrong, "OUTPOST_DISCORD_API_URL": discordapi.base_url}
    assert await start_frontends(outpost, out, env=env) == []
    refused = [line for line in logs.lines if "did not start" in line]
    assert len(refused) == 1 and "discord" in refused[0]
    assert wrong not in logs.text()
