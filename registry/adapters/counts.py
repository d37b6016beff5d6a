"""Row counts kept by the database itself: triggers add and subtract every inserted and
deleted row in `row_count` (registry.adapters.models.RowCount), in the same transaction, so a count
is exact, costs one read, and holds whoever writes (the services, the bulk generator, SQL).

SQLite has row triggers only; PostgreSQL gets statement triggers over transition tables, so
a bulk INSERT of 100,000 rows updates the count once, not 100,000 times (and TRUNCATE resets
it). The triggers are installed with the schema: by migration 0012, and after
`metadata.create_all` (the tests' schema) through the metadata event below."""

from __future__ import annotations

from sqlalchemy import Connection, event, text
from sqlmodel import SQLModel

COUNTED = ("handle",)

_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS {table}_rows_inserted AFTER INSERT ON {table}
    BEGIN UPDATE row_count SET rows = rows + 1 WHERE table_name = '{table}'; END""",
    """CREATE TRIGGER IF NOT EXISTS {table}_rows_deleted AFTER DELETE ON {table}
    BEGIN UPDATE row_count SET rows = rows - 1 WHERE table_name = '{table}'; END""",
]

_POSTGRESQL_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION row_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE row_count SET rows = rows + (SELECT count(*) FROM new_rows)
      WHERE table_name = TG_TABLE_NAME;
      RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION row_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE row_count SET rows = rows - (SELECT count(*) FROM old_rows)
      WHERE table_name = TG_TABLE_NAME;
      RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION row_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE row_count SET rows = 0 WHERE table_name = TG_TABLE_NAME;
      RETURN NULL;
    END $$""",
]

_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS {table}_rows_inserted ON {table}",
    """CREATE TRIGGER {table}_rows_inserted AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION row_count_inserted()""",
    "DROP TRIGGER IF EXISTS {table}_rows_deleted ON {table}",
    """CREATE TRIGGER {table}_rows_deleted AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION row_count_deleted()""",
    "DROP TRIGGER IF EXISTS {table}_rows_truncated ON {table}",
    """CREATE TRIGGER {table}_rows_truncated AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION row_count_truncated()""",
]


def install(connection: Connection) -> None:
    """Create the triggers (again) and set each count from the table as it is now."""
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        for statement in _POSTGRESQL_FUNCTIONS:
            connection.execute(text(statement))
    for table in COUNTED:
        for statement in _POSTGRESQL if postgresql else _SQLITE:
            connection.execute(text(statement.format(table=table)))
        connection.execute(text(f"DELETE FROM row_count WHERE table_name = '{table}'"))
        connection.execute(
            text(
                f"INSERT INTO row_count (table_name, rows) SELECT '{table}', count(*) FROM {table}"
            )
        )


def uninstall(connection: Connection) -> None:
    for table in COUNTED:
        for suffix in ("inserted", "deleted", "truncated"):
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_rows_{suffix} ON {table}"))
            else:
                connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_rows_{suffix}"))
    if connection.dialect.name == "postgresql":
        for name in ("inserted", "deleted", "truncated"):
            connection.execute(text(f"DROP FUNCTION IF EXISTS row_count_{name}()"))


@event.listens_for(SQLModel.metadata, "after_create")
def _after_create(_metadata, connection: Connection, **_kw) -> None:
    install(connection)
