"""Store start-up: data dir, WAL, migrations from empty and from 0001, backups, the URL."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from tortoise.connection import get_connection
from tortoise.exceptions import ConfigurationError

from core import errors
from core.store.database import DB_FILE, Store, resolve_data_dir
from core.store.models import Identity, Integration, MediaRequest, Person, Setting
from tests.store.conftest import columns, exists, mode, query

MIGRATIONS = [
    "0001_initial",
    "0002_cache_and_priority",
    "0003_lifecycle",
    "0004_chat",
    "0005_grab_eta",
    "0006_credits",
    "0007_seeding",
    "0008_wanted",
]


def applied(db: Path) -> list[str]:
    rows = query(db, "SELECT name FROM tortoise_migrations WHERE app = 'models' ORDER BY name")
    return [row[0] for row in rows]


# -- the data dir ---------------------------------------------------------------------------


def test_data_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_data_dir() == tmp_path / "home" / ".local" / "share" / "outpost"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/xdg")  # the spec says: ignore it
    assert resolve_data_dir() == tmp_path / "home" / ".local" / "share" / "outpost"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_data_dir() == tmp_path / "xdg" / "outpost"
    monkeypatch.setenv("OUTPOST_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir() == tmp_path / "env"
    assert resolve_data_dir(str(tmp_path / "cli")) == tmp_path / "cli"
    assert resolve_data_dir("~/cli") == tmp_path / "home" / "cli"


async def test_first_start_creates_private_data_dir_in_wal_mode(data_dir: Path) -> None:
    assert not exists(data_dir)
    async with Store(data_dir) as store:
        assert store.db_path == data_dir / DB_FILE
        _, rows = await get_connection("default").execute_query("PRAGMA journal_mode")
        assert rows[0][0] == "wal"
        _, rows = await get_connection("default").execute_query("PRAGMA synchronous")
        assert rows[0][0] == 1  # NORMAL
        _, rows = await get_connection("default").execute_query("PRAGMA foreign_keys")
        assert rows[0][0] == 1
    assert mode(data_dir) == 0o700
    assert mode(data_dir / DB_FILE) == 0o600
    assert query(data_dir / DB_FILE, "PRAGMA journal_mode")[0][0] == "wal"  # kept in the file


async def test_migrations_apply_from_empty_without_backup(data_dir: Path) -> None:
    async with Store(data_dir) as store:
        assert store.backups == []  # a new database has nothing to lose
        person = await Person.create(name="ann")
        await Identity.create(person=person, platform="telegram", external_id="1001")
    db = data_dir / DB_FILE
    assert applied(db) == MIGRATIONS
    assert "priority" in columns(db, "integration")
    assert {"key", "value", "expires_at"} <= columns(db, "cache_entry")
    assert {"last_progress_at", "content_path", "failure", "kind"} <= columns(db, "grab")
    assert {"source", "target", "state"} <= columns(db, "import_job")
    assert {"dedupe_key", "delivered_at"} <= columns(db, "notice")
    assert not (data_dir / "backups").exists()


# -- the upgrade from an earlier schema ----------------------------------------------------


def fill_at_0001(db: Path) -> None:
    """Household rows as Outpost at migration 0001 wrote them (no priority, no cache)."""
    now = "2025-01-02 03:04:05+00:00"
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "INSERT INTO person (id, name, role, language, created_at) VALUES (?,?,?,?,?)",
            (1, "ann", "admin", "de", now),
        )
        conn.execute(
            "INSERT INTO identity (person_id, platform, external_id, created_at)"
            " VALUES (1, 'telegram', '424242', ?), (1, 'console', 'ann', ?)",
            (now, now),
        )
        conn.execute(
            "INSERT INTO integration (name, category, kind, url, username, secret, options,"
            " enabled, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                "jackett",
                "indexer",
                "torznab",
                "http://127.0.0.1:9117",
                None,
                "token",
                '{"categories": [2000]}',
                1,
                now,
            ),
        )
        conn.execute(
            "INSERT INTO media_request (person_id, kind, title, year, status, created_at,"
            " updated_at) VALUES (1, 'movie', 'Dune', 2021, 'wanted', ?, ?)",
            (now, now),
        )
        conn.execute("INSERT INTO setting (key, value) VALUES ('locale', '\"de\"')")


async def test_upgrade_from_0001_keeps_rows_and_writes_a_backup(data_dir: Path) -> None:
    async with Store(data_dir, target="0001_initial") as old:
        assert old.backups == []
    db = data_dir / DB_FILE
    assert applied(db) == MIGRATIONS[:1]
    assert "priority" not in columns(db, "integration")
    fill_at_0001(db)

    async with Store(data_dir) as store:
        assert len(store.backups) == 1
        ann = await Person.get(name="ann").prefetch_related("identities")
        assert (ann.role, ann.language) == ("admin", "de")
        assert sorted(i.platform for i in ann.identities) == ["console", "telegram"]
        jackett = await Integration.get(name="jackett")
        assert jackett.options == {"categories": [2000]}
        assert jackett.priority == 25  # the new column's default filled the old row
        dune = await MediaRequest.get(title="Dune")
        assert dune.person_id == ann.id
        assert (dune.credits, dune.series, dune.series_position) == (None, None, None)  # 0006
        assert (await Setting.get(key="locale")).value == "de"

    assert applied(db) == MIGRATIONS
    backup = store.backups[0]
    assert backup.parent == data_dir / "backups"
    assert "before-0002_cache_and_priority" in backup.name
    assert mode(backup) == 0o600
    # the backup is the database as it was: old schema, same rows
    assert applied(backup) == MIGRATIONS[:1]
    assert "priority" not in columns(backup, "integration")
    assert query(backup, "SELECT name, language FROM person") == [("ann", "de")]
    assert query(backup, "SELECT count(*) FROM identity") == [(2,)]


async def test_upgrades_keep_every_reference_between_rows(data_dir: Path) -> None:
    """A migration that rebuilds a table on SQLite (Tortoise does, e.g., when an enum gains a
    member) silently nulls every foreign key pointing at it: every step must keep them."""
    async with Store(data_dir, target="0003_lifecycle"):
        db = get_connection("default")
        await db.execute_query(
            "INSERT INTO person (name, role, language, created_at) VALUES ('ann', 'member', 'en', "
            "'2026-01-01')"
        )
        await db.execute_query(
            "INSERT INTO media_request (person_id, kind, title, status, created_at, updated_at) "
            "VALUES (1, 'movie', 'Dune', 'grabbed', '2026-01-01', '2026-01-01')"
        )
        await db.execute_query(
            "INSERT INTO grab (release_key, title, indexer, client, client_id, protocol, state, "
            "progress, request_id, created_at, updated_at) VALUES ('k', 'Dune', 'i', 'c', 'h', "
            "'torrent', 'grabbed', 0, 1, '2026-01-01', '2026-01-01')"
        )
    async with Store(data_dir):
        pass
    db_file = data_dir / DB_FILE
    assert applied(db_file) == MIGRATIONS
    assert query(db_file, "SELECT request_id FROM grab") == [(1,)]
    assert query(db_file, "SELECT person_id, awaiting_approval FROM media_request") == [(1, 0)]
    assert query(db_file, "SELECT credits, series FROM media_request") == [(None, None)]


async def test_second_start_with_nothing_pending_writes_no_backup(data_dir: Path) -> None:
    async with Store(data_dir, target="0001_initial"):
        pass
    async with Store(data_dir) as first:
        assert len(first.backups) == 1
    async with Store(data_dir) as second:
        assert second.backups == []
    assert len(list((data_dir / "backups").iterdir())) == 1


async def test_a_database_from_a_newer_outpost_is_refused(data_dir: Path) -> None:
    async with Store(data_dir):
        pass
    db = data_dir / DB_FILE
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "INSERT INTO tortoise_migrations (app, name, applied_at)"
            " VALUES ('models', '0099_future', '2030-01-01 00:00:00+00:00')"
        )
    with pytest.raises(errors.StoreError) as caught:
        await Store(data_dir).open()
    assert caught.value.key == "error.store_newer"
    assert "0099_future" in str(caught.value)
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("DELETE FROM tortoise_migrations WHERE name = '0099_future'")
    async with Store(data_dir):  # the failed open released Tortoise: a new store opens
        assert await Person.all().count() == 0


# -- Tortoise's global state -----------------------------------------------------------------


async def test_stores_open_one_after_another_in_one_process(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        async with Store(tmp_path / name):
            await Person.create(name=name)
            assert await Person.all().values_list("name", flat=True) == [name]
    with pytest.raises(ConfigurationError):  # closed: no store answers any more
        await Person.all().count()


async def test_two_stores_at_once_are_refused(tmp_path: Path) -> None:
    async with Store(tmp_path / "a"):
        with pytest.raises(errors.StoreError):
            await Store(tmp_path / "b").open()
        assert await Person.all().count() == 0  # the first store is untouched


async def test_the_store_serves_tasks_started_elsewhere(data_dir: Path) -> None:
    import asyncio

    async def open_it(store: Store) -> None:
        await store.open()  # opened in one task ...

    store = Store(data_dir)
    await asyncio.create_task(open_it(store))
    try:
        await Person.create(name="ann")  # ... used from another
        assert await Person.filter(name="ann").exists()
    finally:
        await store.close()


# -- the database URL ------------------------------------------------------------------------


async def test_database_url_from_env_is_used(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere" / "other.db"
    monkeypatch.setenv("OUTPOST_DATABASE_URL", f"sqlite://{elsewhere}")
    async with Store(data_dir) as store:
        assert store.db_path == elsewhere
        await Person.create(name="ann")
    assert query(elsewhere, "SELECT name FROM person") == [("ann",)]
    assert query(elsewhere, "PRAGMA journal_mode")[0][0] == "wal"
    assert not (data_dir / DB_FILE).exists()


async def test_explicit_url_beats_env(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv("OUTPOST_DATABASE_URL", f"sqlite://{tmp_path / 'env.db'}")
    store = Store(data_dir, f"sqlite://{tmp_path / 'arg.db'}")
    assert store.db_path == tmp_path / "arg.db"


def test_bad_url_is_a_store_error_without_the_password(data_dir: Path) -> None:
    store = Store(data_dir, "nosuchdb://outpost:hunter2pass@db.local/outpost")
    with pytest.raises(errors.StoreError) as caught:
        _ = store.db_path
    assert "hunter2pass" not in str(caught.value)


def test_postgres_url_is_recognised_as_a_server(data_dir: Path) -> None:
    store = Store(data_dir, "postgres://outpost:pw@127.0.0.1:5432/outpost")
    assert not store.is_sqlite
    assert store.db_path is None
