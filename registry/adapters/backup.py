"""Backups of the whole registry, every table, and their restore.

SQLite: the online backup API (a consistent copy while the site serves). PostgreSQL: the
server's own tools, `pg_dump` (custom format) and `pg_restore`, found on PATH. A restore
refuses a registry that holds data unless forced: it replaces everything."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

# A registry "holds data" when any of these has a row (a schema alone, from init-db, is empty).
HOLDING_TABLES = ("user_account", "brand", "handle", "transfer_request", "audit_entry")


class BackupError(Exception):
    """Why a backup or a restore cannot be done, in one line."""


def backup(engine: Engine, path: str | Path) -> None:
    target = Path(path)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file.")
    if not target.parent.is_dir():
        raise BackupError(f"Cannot write {target}: no such folder.")
    if engine.dialect.name == "sqlite":
        _copy_sqlite(engine, into=target)
        return
    _run(_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", _libpq(engine))


def _copy_sqlite(engine: Engine, *, into: Path | None = None, source: Path | None = None) -> None:
    """SQLite's online backup, from the registry `into` a file, or from a `source` file into
    the registry: a consistent copy while others read and write."""
    connection = engine.raw_connection()
    try:
        registry = connection.driver_connection
        assert registry is not None, "a connection in use has its driver's connection"
        path = into if into is not None else source
        assert path is not None, "a backup is copied into a file or from one"
        with sqlite3.connect(path) as file:
            if into is not None:
                registry.backup(file)
            else:
                file.backup(registry)
        file.close()
    finally:
        connection.close()


def restore(engine: Engine, path: str | Path, *, force: bool = False) -> None:
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"Cannot read {source}: no such file.")
    if not force and holds_data(engine):
        raise BackupError(
            "The registry holds data; restoring would replace all of it. Add --force to do so."
        )
    if engine.dialect.name == "sqlite":
        _check_sqlite_backup(source)
        engine.dispose()  # no pooled connection keeps the old pages
        _copy_sqlite(engine, source=source)
        engine.dispose()
        return
    engine.dispose()
    _run(
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        f"--dbname={_libpq(engine)}",
        str(source),
    )


def holds_data(engine: Engine) -> bool:
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in HOLDING_TABLES:
            if (
                table in present
                and connection.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first()
            ):
                return True
    return False


def _check_sqlite_backup(source: Path) -> None:
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as copy:
            copy.execute("SELECT version_num FROM alembic_version").fetchall()
        copy.close()
    except sqlite3.DatabaseError:
        raise BackupError(f"{source} is not a registry backup (no SQLite registry in it).") from (
            None
        )


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH: install PostgreSQL's client tools"
            " (Debian: postgresql-client) of the server's version or newer."
        )
    return found


def _libpq(engine: Engine) -> str:
    """The database's URL as PostgreSQL's tools read it (no SQLAlchemy driver suffix)."""
    return make_url(engine.url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(*command: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
        raise BackupError(f"{Path(command[0]).name} failed: {detail[-1]}")
