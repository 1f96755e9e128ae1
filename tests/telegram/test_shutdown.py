"""`outpost run` with Telegram stops on SIGTERM within 10 s even when the Bot API has gone
away (it holds every request unanswered), and says which part of the stop it gave up on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.botapi import BotApiServer
from tests.telegram.conftest import CANARY_TOKEN

ROOT = Path(__file__).resolve().parents[2]
STOP_WITHIN = 10.0


def wait_for(condition: Callable[[], object], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60  # generous: two cores shared with others
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.05)


def test_sigterm_stops_run_within_10_s_when_the_bot_api_hangs(tmp_path: Path) -> None:
    with BotApiServer(CANARY_TOKEN, max_poll=0.5) as api:
        env = {
            **os.environ,
            "OUTPOST_LANG": "en",
            "PYTHONPATH": str(ROOT),
            "PTB_TIMEDELTA": "1",
            "OUTPOST_DATA_DIR": str(tmp_path / "data"),
            "OUTPOST_TELEGRAM_TOKEN": api.token,
            "OUTPOST_TELEGRAM_API_URL": api.base_url,
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
            wait_for(lambda: api.calls("getUpdates"), process)
            api.hang(after_delivery=True)
            api.send_text(api.user(1001, "Ann"), "/help")  # its answer is what hangs
            wait_for(lambda: api.held, process)  # the next long poll is held: the API is gone
            began = time.monotonic()
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=60)
            took = time.monotonic() - began
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert took < STOP_WITHIN, (took, err)
    assert process.returncode == 0, err
    assert "gave up on Telegram's running handlers" in err, err  # the part, named
    assert CANARY_TOKEN not in out + err
