"""The database engine and the one session each request or command works in."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Engine, event, text
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = (
    Path(__file__).resolve().parent.parent / "migrations"
)  # in the package: a wheel migrates
# Concurrent writers on SQLite wait this long for the write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            # The driver's own implicit BEGIN is turned off: the "begin" listener below says
            # which kind of transaction to open.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            # A use case takes the write lock at once (registry.services.unit): a deferred
            # transaction that reads, then writes, fails at once when another writer went
            # first, whatever the busy timeout. Reads stay deferred, so they never queue.
            write = connection.get_execution_options().get("registry_write")
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def init_app(app: Flask) -> None:
    app.extensions["registry.engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["registry.engine"]


def session() -> Session:
    """The unit of work of the current request: services flush, the view commits once."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def refresh_statistics(engine: Engine) -> None:
    """ANALYZE, so that the query planner knows how rows spread over the indexes: without
    it, SQLite takes the requests' `state` index for the flag queries and scans half the
    table. Run after the schema changes and after bulk writes (PostgreSQL's autovacuum does
    this on its own; asking again is harmless)."""
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats "%" as interpolation: escape it in passwords.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


@functools.cache
def head_revision() -> str:
    """The newest migration shipped with the code (read once: the scripts do not change
    while the process runs)."""
    from alembic.script import ScriptDirectory

    config = alembic_config("sqlite://")
    return ScriptDirectory.from_config(config).get_current_head() or ""


def readiness(engine: Engine) -> str | None:
    """Why the site cannot serve yet (a readiness probe's answer), or None when it can:
    the database answers and its schema is at the newest migration."""
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except Exception as error:  # any failure to reach or read the database means "not ready"
        if "alembic_version" in str(error):
            return "The database has no schema yet: run `registry init-db`."
        return "The database does not answer."
    current = found[0][0] if len(found) == 1 else ", ".join(row[0] for row in found) or "none"
    if current != head_revision():
        return (
            f"The database is at revision {current}, not {head_revision()}: run `registry init-db`."
        )
    return None
