"""Secrets through the CLI: encrypted on disk, a lost key named per integration, rotation."""

from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet

from tests.cli.conftest import Outpost
from tests.support.torznab_server import TorznabFeed

KEY = "secret-canary-" + "5" * 16


def db_bytes(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in data_dir.glob("outpost.db*"))


def test_lost_key_names_the_integration_and_nothing_else_breaks(outpost: Outpost) -> None:
    data_dir: Path = outpost.data_dir  # type: ignore[attr-defined]
    with TorznabFeed(api_key=KEY) as feed:
        assert (
            outpost(
                "indexer", "add", "idx", "--kind", "torznab", "--url", feed.url, "--api-key", KEY
            ).code
            == 0
        )
        assert KEY.encode() not in db_bytes(data_dir)
        (data_dir / "secret.key").write_text(Fernet.generate_key().decode() + "\n")
        listed = outpost("indexer", "list")
        doctor = outpost("doctor")
        tested = outpost("indexer", "test", "idx")
    assert listed.code == 0 and "idx" in listed.out
    assert doctor.code == 1
    assert "idx" in doctor.out and "secret" in doctor.out.lower()
    assert tested.code == 1 and "idx" in tested.err
    for run in (listed, doctor, tested):
        assert KEY not in run.out + run.err


def test_rotate_changes_the_key_and_keeps_every_secret(outpost: Outpost) -> None:
    data_dir: Path = outpost.data_dir  # type: ignore[attr-defined]
    with TorznabFeed(api_key=KEY) as feed:
        assert (
            outpost(
                "indexer", "add", "idx", "--kind", "torznab", "--url", feed.url, "--api-key", KEY
            ).code
            == 0
        )
        before = (data_dir / "secret.key").read_text()
        rotated = outpost("secrets", "rotate", "--json")
        after = (data_dir / "secret.key").read_text()
        tested = outpost("indexer", "test", "idx")
    assert rotated.code == 0 and rotated.json() == {"rotated": 1}
    assert before.strip() not in after and len(after.split()) == 1
    assert tested.code == 0, tested.err
