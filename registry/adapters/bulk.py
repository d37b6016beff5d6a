"""Writing many rows at once, the same way for every bulk writer (the CSV import, the
synthetic registry): no Flask, no session of its own."""

from __future__ import annotations

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session


def insert_rows(executor: Connection | Session, table, rows: list[dict]) -> None:
    """INSERT many rows (dicts with the same keys, the column names) into `table` (a Table
    or a model) in the executor's transaction, the fastest way each database offers.

    SQLite: one executemany. PostgreSQL: COPY. Its driver would otherwise send multi-row
    VALUES statements of a thousand rows whose placeholders it re-parses in Python each
    time (most of a bulk write's time), and COPY fires the row counters' statement
    triggers (registry.adapters.counts) once."""
    if not rows:
        return
    connection = executor.connection() if isinstance(executor, Session) else executor
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    table = getattr(table, "__table__", table)
    columns = list(rows[0])
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    driver = connection.connection.driver_connection
    assert driver is not None, "a connection in use has its driver's connection"
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in columns])
