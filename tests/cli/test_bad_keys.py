"""A bad or missing secret key: one clear line, a non-zero exit, and the process ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.cli.conftest import ROOT, Outpost
from tests.support.torznab_server import TorznabFeed

KEY = "secret-canary-" + "7" * 16
HANG_GUARD = 30  # a hang, not a speed: the command exits by itself long before this


def _run(
    data_dir: Path, *args: str, env_key: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OUTPOST_LANG": "en", "PYTHONPATH": str(ROOT)}
    env.pop("OUTPOST_SECRET_KEY", None)
    if env_key is not None:
        env["OUTPOST_SECRET_KEY"] = env_key
    argv = [sys.executable, "-m", "bot.cli", "--data-dir", str(data_dir), *args]
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=HANG_GUARD)


def _break(case: str, data_dir: Path) -> str | None:
    """Spoil the key as `case` says; the env value to use, if any."""
    key_file = data_dir / "secret.key"
    if case == "malformed-env":
        return "not-a-fernet-key"
    if case == "corrupt-file":
        key_file.write_text("garbage-that-is-no-key\n")
        key_file.chmod(0o600)
    if case == "world-readable":
        key_file.chmod(0o644)
    return None


EXPECTED = {
    "malformed-env": "OUTPOST_SECRET_KEY is not a valid Fernet key",
    "corrupt-file": "is not a valid Fernet key",
    "world-readable": "can be read by other users",
}


@pytest.mark.parametrize("command", ["doctor", "queue", "run"])
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_key_says_one_line_and_exits(outpost: Outpost, case: str, command: str) -> None:
    data_dir: Path = outpost.data_dir  # type: ignore[attr-defined]
    assert outpost("library", "list").code == 0  # a data dir with its key file
    env_key = _break(case, data_dir)
    done = _run(data_dir, command, env_key=env_key)
    assert done.returncode == 1, done.stderr
    assert EXPECTED[case] in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_missing_key_over_encrypted_rows_is_never_replaced(outpost: Outpost) -> None:
    data_dir: Path = outpost.data_dir  # type: ignore[attr-defined]
    with TorznabFeed(api_key=KEY) as feed:
        added = outpost(
            "indexer", "add", "idx", "--kind", "torznab", "--url", feed.url, "--api-key", KEY
        )
        assert added.code == 0, added.err
        (data_dir / "secret.key").rename(data_dir / "moved.key")
        doctor = outpost("doctor")
        listed = outpost("indexer", "list")
    assert doctor.code == 1 and listed.code == 1
    assert "secret.key is missing" in doctor.err and "idx" in doctor.err
    assert not (data_dir / "secret.key").exists()
    (data_dir / "moved.key").rename(data_dir / "secret.key")
    assert outpost("indexer", "list").code == 0


def test_a_new_key_only_for_a_data_dir_without_encrypted_rows(outpost: Outpost) -> None:
    data_dir: Path = outpost.data_dir  # type: ignore[attr-defined]
    assert outpost("library", "list").code == 0
    first = (data_dir / "secret.key").read_text()
    (data_dir / "secret.key").unlink()
    assert outpost("library", "list").code == 0
    assert (data_dir / "secret.key").read_text() != first


def test_run_with_the_wrong_key_names_the_indexer_and_stops_on_sigterm(outpost: Outpost) -> None:
    data_dir: Path = outpost.data_dir  # type: ignore[attr-defined]
    with TorznabFeed(api_key=KEY) as feed:
        added = outpost(
            "indexer", "add", "idx", "--kind", "torznab", "--url", feed.url, "--api-key", KEY
        )
    assert added.code == 0, added.err
    key_file = data_dir / "secret.key"
    key_file.write_text(Fernet.generate_key().decode() + "\n")
    env = {**os.environ, "OUTPOST_LANG": "en", "PYTHONPATH": str(ROOT)}
    env.pop("OUTPOST_SECRET_KEY", None)
    argv = [sys.executable, "-m", "bot.cli", "--data-dir", str(data_dir), "run"]
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        assert b"running" in process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=HANG_GUARD)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert b"idx" in err and b"secret again" in err
    assert b"stopped" in out and b"Traceback" not in err
