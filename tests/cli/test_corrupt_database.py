"""A database whose pages are damaged fails `outpost doctor`, in words, with rc 1."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli.conftest import Outpost

PAGE = 4096


def _damage(db: Path) -> None:
    """Grow the file with a table nothing at start-up reads, then overwrite pages in its middle,
    as a bad disk sector would: opening, migrating and every query Outpost runs still work."""
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE ballast (id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany(
            "INSERT INTO ballast (body) VALUES (?)", [("x" * 500,) for _ in range(400)]
        )
        conn.execute("CREATE INDEX ballast_body ON ballast (body)")
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.stat().st_size
    with db.open("r+b") as handle:
        for page in range(size // PAGE - 30, size // PAGE - 2, 3):
            handle.seek(page * PAGE + 8)  # past the page header: cells point into garbage
            handle.write(b"\xa5" * 200)


def test_doctor_fails_on_a_damaged_database(outpost: Outpost) -> None:
    data_dir: Path = outpost.data_dir  # type: ignore[attr-defined]
    assert outpost("library", "list").code == 0
    _damage(data_dir / "outpost.db")
    doctor = outpost("doctor")
    assert doctor.code == 1
    assert "database is damaged" in doctor.out
    assert "Everything works." not in doctor.out
    as_json = outpost("doctor", "--json")
    assert as_json.code == 1 and as_json.json()["database"]


def test_doctor_passes_the_database_of_a_sound_store(outpost: Outpost) -> None:
    assert outpost("library", "list").code == 0
    doctor = outpost("doctor", "--json")
    assert doctor.json()["database"] == []
