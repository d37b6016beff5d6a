"""The lookalike index: each handle's keys (registry.domain.lookalikes.index_keys) in the
`lookalike_key` table, written in the same transaction as the handle by every writer (the
services' `add_handles`, the synthetic generator), rebuilt whole by `registry
reindex-lookalikes`. No Flask, no session of its own: it takes the caller's connection or
session, as registry.adapters.bulk does."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session
from sqlmodel import col

from registry.adapters.bulk import insert_rows
from registry.adapters.models import Handle, LookalikeKey, Platform
from registry.domain import lookalikes as rule

CHUNK = 5000

HandleKeys = tuple[int, int, str, str]  # handle id, platform id, normalized, platform kind


def key_rows(written: Iterable[HandleKeys]) -> list[dict]:
    """The index's rows for handles, as `insert_rows` takes them."""
    return [
        {"handle_id": handle_id, "platform_id": platform_id, "key": key, "kind": what}
        for handle_id, platform_id, normalized, kind in written
        for key, what in rule.keyed(normalized, kind).items()
    ]


def write_keys(executor: Connection | Session, rows: list[dict]) -> None:
    """INSERT index rows (`key_rows`) in the caller's transaction. On SQLite through the
    driver's own executemany: SQLAlchemy's costs ten times more per row, most of a rebuild's
    time at 1.7 million keys; elsewhere as every bulk writer does (registry.adapters.bulk)."""
    if not rows:
        return
    connection = executor.connection() if isinstance(executor, Session) else executor
    if connection.dialect.name != "sqlite":
        insert_rows(connection, LookalikeKey, rows)
        return
    connection.exec_driver_sql(
        "INSERT INTO lookalike_key (handle_id, key, platform_id, kind) VALUES (?, ?, ?, ?)",
        [(row["handle_id"], row["key"], row["platform_id"], row["kind"]) for row in rows],
    )


def index_handles(executor: Connection | Session, written: Iterable[HandleKeys]) -> None:
    """Index new handles, in the caller's transaction."""
    write_keys(executor, key_rows(written))


def _all_handles(executor: Connection | Session):
    return executor.execute(
        select(col(Handle.id), col(Handle.platform_id), col(Handle.normalized), col(Platform.kind))
        .join(Platform, col(Platform.id) == Handle.platform_id)
        .order_by(col(Handle.id))
    )


def rebuild_index(executor: Connection | Session) -> int:
    """Rebuild the whole index from the handles, in the caller's transaction; the keys
    written. The lookup index is dropped meanwhile and built again once at the end, which
    costs a third of keeping it up to date row by row."""
    connection = executor.connection() if isinstance(executor, Session) else executor
    executor.execute(delete(LookalikeKey))
    [by_key] = LookalikeKey.metadata.tables["lookalike_key"].indexes
    by_key.drop(connection)
    written, batch = 0, []
    for row in _all_handles(executor):
        batch.append(tuple(row))
        if len(batch) == CHUNK:
            rows = key_rows(batch)
            write_keys(executor, rows)
            written, batch = written + len(rows), []
    rows = key_rows(batch)
    write_keys(executor, rows)
    by_key.create(connection)
    return written + len(rows)


def handles_out_of_index(executor: Connection | Session) -> list[int]:
    """The handles whose stored keys are not the ones the rule gives (none when every path
    that writes handles keeps the index right)."""
    stored: dict[int, set[str]] = {}
    for handle_id, key in executor.execute(
        select(col(LookalikeKey.handle_id), col(LookalikeKey.key))
    ):
        stored.setdefault(handle_id, set()).add(key)
    return [
        handle_id
        for handle_id, _platform_id, normalized, kind in _all_handles(executor)
        if stored.pop(handle_id, set()) != rule.index_keys(normalized, kind)
    ] + sorted(stored)  # keys of handles that are gone
