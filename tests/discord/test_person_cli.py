"""`outpost person add NAME --discord USER_ID`: that Discord account is then a member."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.conversation import Conversation
from bot.discord import DiscordFrontend
from core.app import Outpost
from tests.support.discordapi import DiscordApiServer

ROOT = Path(__file__).resolve().parents[2]


def outpost_cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OUTPOST_LANG": "en", "PYTHONPATH": str(ROOT)}
    for name in ("OUTPOST_SECRET_KEY", "OUTPOST_DATABASE_URL", "OUTPOST_DATA_DIR"):
        env.pop(name, None)
    argv = [sys.executable, "-m", "bot.cli", "--data-dir", str(data), *args]
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)


async def test_a_person_added_with_discord_is_answered_as_a_member(
    tmp_path: Path, discordapi: DiscordApiServer
) -> None:
    home, ada = discordapi.guild("Home"), discordapi.user("Ada")
    data = tmp_path / "cli-data"
    done = outpost_cli(data, "person", "add", "Ada", "--discord", ada.id, "--role", "admin")
    assert done.returncode == 0, done.stderr
    async with Outpost(data) as app:
        frontend = DiscordFrontend(
            app,
            Conversation(app),
            token=discordapi.token,
            guilds=frozenset({int(home.id)}),
            api_url=discordapi.base_url,
        )
        await frontend.start()
        try:
            pending = await discordapi.slash(ada, home, "help")
            reply = await discordapi.until(
                lambda: (m := discordapi.message(pending.original_id)) and m["content"] and m
            )
        finally:
            await frontend.stop()
    assert pending.callbacks[0]["type"] == 4 and not pending.callbacks[0]["data"].get("flags")
    assert "/search" in reply["content"]
