"""`outpost run` and Telegram: started from the environment, a claim code for the operator,
and a household without a token never loads python-telegram-bot."""

from __future__ import annotations

import io
import subprocess
import sys

from bot.cli.output import Output
from bot.cli.system import start_frontends
from bot.i18n import t
from core.app import Outpost
from core.store.models import Person, Role
from tests.support.botapi import BotApiServer


def test_no_token_never_imports_the_telegram_library() -> None:
    probe = "import sys, bot.cli.main; print('telegram' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


async def test_the_environment_starts_the_bot_and_prints_a_claim_code(
    outpost: Outpost, botapi: BotApiServer
) -> None:
    stdout = io.StringIO()
    out = Output(json_mode=False, lang="en", stdout=stdout)
    assert await start_frontends(outpost, out, env={}) == []
    env = {"OUTPOST_TELEGRAM_TOKEN": botapi.token, "OUTPOST_TELEGRAM_API_URL": botapi.base_url}
    [frontend] = await start_frontends(outpost, out, env=env)
    try:
        await botapi.until(lambda: botapi.calls("getUpdates"))
        code = stdout.getvalue().split("/claim ")[1].split()[0]
        ann = botapi.user(1001, "Ann")
        botapi.send_text(ann, f"/claim {code}")
        done = await botapi.until(lambda: botapi.last_message(ann.id))
        assert (done.text or "").startswith(t("claim.done", "en", name="Ann").split(":")[0])
        assert await Person.filter(role=Role.ADMIN).count() == 1
        again = io.StringIO()
        await frontend.stop()
        [frontend] = await start_frontends(
            outpost, Output(json_mode=False, lang="en", stdout=again), env=env
        )
        assert "/claim" not in again.getvalue()  # the household has its admin now
    finally:
        await frontend.stop()
