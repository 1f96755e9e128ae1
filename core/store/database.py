"""Opens the store: finds the data dir, owns Tortoise for the process, backs up, migrates.

Tortoise keeps its state in a context object; the store makes its own and registers it as
the process-wide fallback, so every task sees the same connections whichever task opened
the store, and `close()` removes it again so another store can be opened after it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext
from tortoise.exceptions import BaseORMException
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget, PlanStep

from core import errors
from core.redact import redact, register
from core.store.backup import backup_sqlite

log = logging.getLogger(__name__)

APP = "models"  # the label models.py uses in its "models.Person" references
MODELS_MODULE = "core.store.models"
MIGRATIONS_MODULE = "core.store.migrations"
DB_FILE = "outpost.db"
BACKUP_DIR = "backups"
_SQLITE_ENGINE = "tortoise.backends.sqlite"
# Applied by Tortoise's SQLite client on every connection it makes; other engines get none.
_SQLITE_PRAGMAS: dict[str, Any] = {
    "journal_mode": "WAL",
    "synchronous": "NORMAL",  # safe with WAL, and a commit costs a fraction of FULL
    "busy_timeout": 5000,  # ms; a CLI command and the service may write at the same time
    "foreign_keys": "ON",
}


def resolve_data_dir(cli_value: str | None = None) -> Path:
    """--data-dir, else $OUTPOST_DATA_DIR, else $XDG_DATA_HOME/outpost, else ~/.local/share."""
    for value in (cli_value, os.environ.get("OUTPOST_DATA_DIR")):
        if value:
            return Path(value).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "outpost"


def tortoise_config(connection: str | dict[str, Any]) -> dict[str, Any]:
    """The Tortoise config for Outpost's one app on one connection."""
    app = {
        "models": [MODELS_MODULE],
        "migrations": MIGRATIONS_MODULE,
        "default_connection": "default",
    }
    return {"connections": {"default": connection}, "apps": {APP: app}, "use_tz": True}


# For the `tortoise` command only (makemigrations never connects):
#   tortoise -c core.store.database.TORTOISE_ORM makemigrations
TORTOISE_ORM = tortoise_config("sqlite://:memory:")


def connection_info(url: str | None, data_dir: Path) -> dict[str, Any]:
    """Tortoise connection settings for `url`, or for the SQLite file in `data_dir`."""
    if url is None:
        info: dict[str, Any] = {
            "engine": _SQLITE_ENGINE,
            "credentials": {"file_path": str(data_dir / DB_FILE)},
        }
    else:
        try:
            info = expand_db_url(url)
        except (BaseORMException, ValueError) as err:
            # from None: the cause's text may quote the URL with its password
            raise errors.StoreError(
                f"unusable database URL: {redact(str(err))}", key="error.store_url"
            ) from None
    credentials = info["credentials"]
    register(credentials.get("password"))
    if info["engine"] == _SQLITE_ENGINE:
        for pragma, value in _SQLITE_PRAGMAS.items():
            credentials.setdefault(pragma, value)
    return info


class Store:
    """The process's database: `async with Store(data_dir):` opens, migrates, closes."""

    def __init__(
        self, data_dir: Path, database_url: str | None = None, *, target: str | None = None
    ) -> None:
        self.data_dir = Path(data_dir)
        self._url = database_url
        self._target = target  # a migration name to stop at; None applies all (tests, repair)
        self.backups: list[Path] = []
        self._ctx: TortoiseContext | None = None

    @property
    def database_url(self) -> str | None:
        """The URL given, else $OUTPOST_DATABASE_URL; None means the SQLite file."""
        return self._url or os.environ.get("OUTPOST_DATABASE_URL") or None

    @property
    def is_sqlite(self) -> bool:
        return bool(self._info()["engine"] == _SQLITE_ENGINE)

    @property
    def db_path(self) -> Path | None:
        """The SQLite file, or None for an in-memory or server database."""
        if not self.is_sqlite:
            return None
        path = str(self._info()["credentials"]["file_path"])
        return None if path == ":memory:" else Path(path)

    def _info(self) -> dict[str, Any]:
        return connection_info(self.database_url, self.data_dir)

    async def open(self) -> None:
        """Create the data dir, back up if migrations are pending, then apply them."""
        if self._ctx is not None:
            return
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.backups = []
        had_data = self._prepare_file()
        ctx = TortoiseContext()
        try:
            with ctx:  # current while the models bind; the fallback serves every task after
                await ctx.init(config=tortoise_config(self._info()), _enable_global_fallback=True)
        except BaseORMException as err:
            raise errors.StoreError(
                f"cannot start the ORM: {redact(str(err))}", key="error.store_open"
            ) from None
        self._ctx = ctx
        try:
            await self._migrate(ctx, backup=had_data)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Close the connections and forget Tortoise's state, so a new Store may open."""
        ctx, self._ctx = self._ctx, None
        if ctx is None:
            return
        await ctx.close_connections()  # also drops the process-wide fallback
        _forget_apps(ctx)

    async def __aenter__(self) -> Store:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _prepare_file(self) -> bool:
        """Create a missing SQLite file private (0600); say whether it held data already."""
        path = self.db_path
        if path is None:
            return not self.is_sqlite  # a server database may hold data
        if path.exists():
            return path.stat().st_size > 0
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.touch(mode=0o600)  # SQLite gives the -wal and -shm files the same mode
        return False

    async def _migrate(self, ctx: TortoiseContext, *, backup: bool) -> None:
        executor = MigrationExecutor(ctx.connections.get("default"), _apps_config())
        targets = None if self._target is None else [MigrationTarget(APP, self._target)]
        try:
            steps = await _pending(executor, targets)
            if steps and backup:
                await self._backup(steps)
            await executor.migrate(targets, direction="forward")
        except (BaseORMException, OSError, sqlite3.Error, ValueError) as err:
            raise errors.StoreError(
                f"cannot migrate the database: {redact(str(err))}", key="error.store_migrate"
            ) from None
        for step in steps:
            log.info("applied migration %s", step.migration.name)

    async def _backup(self, steps: list[PlanStep]) -> None:
        path = self.db_path
        if path is None:
            if not self.is_sqlite:
                log.warning("migrating a server database: back it up with its own tools first")
            return
        backup = await backup_sqlite(path, self.data_dir / BACKUP_DIR, steps[0].migration.name)
        self.backups.append(backup)
        log.info("backed up the database to %s before migrating", backup)


INTEGRITY_LIMIT = 10  # problems reported at most: the first few say enough


async def integrity_problems() -> list[str]:
    """What SQLite's `PRAGMA integrity_check` finds wrong with the open database (empty when
    sound, and for server databases, which check themselves); a file too damaged to read
    is one problem, not an exception."""
    from tortoise import connections

    conn = connections.get("default")
    if not conn.capabilities.dialect == "sqlite":
        return []
    try:
        _, rows = await conn.execute_query(f"PRAGMA integrity_check({INTEGRITY_LIMIT})")
    except (BaseORMException, sqlite3.Error) as err:
        return [redact(str(err))]
    found = [str(next(iter(dict(row).values()))) for row in rows]
    return [] if found == ["ok"] else found


def _apps_config() -> dict[str, dict[str, Any]]:
    return {APP: tortoise_config("")["apps"][APP]}


async def _pending(
    executor: MigrationExecutor, targets: list[MigrationTarget] | None
) -> list[PlanStep]:
    """The forward steps still to apply; refuses a database written by a newer Outpost."""
    steps = await executor.plan(targets)
    known = set(executor.loader.graph.nodes)
    unknown = [k.name for k in executor.loader.applied_migrations if k not in known]
    if unknown:
        raise errors.StoreError(
            f"the database has migrations this version does not know: {', '.join(unknown)}",
            key="error.store_newer",
            migrations=", ".join(unknown),
        )
    if any(step.backward for step in steps):
        raise errors.StoreError("refusing to migrate backwards at start", key="error.store_migrate")
    return steps


def _forget_apps(ctx: TortoiseContext) -> None:
    """Unbind the model classes from the closed context, as Tortoise's own reset does."""
    apps = ctx.apps
    if apps is not None:
        for model in apps.get_models_iterable():
            model._meta.default_connection = None
        apps.clear()
    ctx._apps = None
    ctx._inited = False
    # Tortoise caches each model's INSERT/DELETE SQL per connection name for the life of the
    # process, never per dialect: a next store on another engine would reuse SQLite's SQL.
    EXECUTOR_CACHE.clear()
