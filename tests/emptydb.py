"""An empty database for a test, quickly: what `SQLModel.metadata.drop_all` then `create_all`
give (the tables, their triggers, their first rows, every id counter back at its start),
without paying for the DDL each time.

- SQLite: a test's database is a new file; it starts as a copy of a file made once per session
  by `create_all` (`empty_sqlite_file`).
- PostgreSQL (one database for the whole run): after one drop_all + create_all, the schema's
  catalogue is fingerprinted (tables, columns, defaults, constraints, indexes, sequences,
  triggers, functions, types); a later reset whose fingerprint still matches empties the tables
  instead (DELETE in foreign-key order, each table's id sequence back at its start, the rows
  create_all wrote — `row_count` — written again), in one transaction. A schema some test has
  changed (a migration test, a restore) no longer matches, and gets drop_all + create_all again.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from registry.adapters import db

# Every object of the current schema that DDL would create, drop or alter, each with what
# distinguishes it: any change gives another fingerprint (new objects get new oids).
_FINGERPRINT = """
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
SELECT md5(coalesce(string_agg(item, ',' ORDER BY item), '')) FROM (
  SELECT concat_ws(':', 'n', oid) FROM ns
  UNION ALL SELECT concat_ws(':', 'c', c.oid, c.relkind::text, c.relname)
    FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM ns)
  UNION ALL SELECT concat_ws(':', 'a', a.attrelid, a.attnum, a.attname, a.atttypid,
      a.attnotnull, a.attisdropped)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = (SELECT oid FROM ns) AND a.attnum > 0
  UNION ALL SELECT concat_ws(':', 'd', d.oid) FROM pg_attrdef d
    JOIN pg_class c ON c.oid = d.adrelid WHERE c.relnamespace = (SELECT oid FROM ns)
  UNION ALL SELECT concat_ws(':', 'k', oid) FROM pg_constraint
    WHERE connamespace = (SELECT oid FROM ns)
  UNION ALL SELECT concat_ws(':', 't', t.oid, t.tgenabled::text) FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = (SELECT oid FROM ns)
  UNION ALL SELECT concat_ws(':', 'p', oid) FROM pg_proc WHERE pronamespace = (SELECT oid FROM ns)
  UNION ALL SELECT concat_ws(':', 'y', oid) FROM pg_type WHERE typnamespace = (SELECT oid FROM ns)
) AS schema_objects (item)
"""

# The sequence behind each id column of a table, and the value it starts at.
_SEQUENCES = """
SELECT s.seq, p.seqstart FROM (
  SELECT pg_get_serial_sequence(quote_ident(:table), a.attname) AS seq
  FROM pg_attribute a
  WHERE a.attrelid = quote_ident(:table)::regclass AND a.attnum > 0 AND NOT a.attisdropped
) AS s JOIN pg_sequence p ON p.seqrelid = s.seq::regclass
"""


@dataclass(frozen=True)
class _EmptyState:
    fingerprint: str
    empty_sql: str  # deletes every table's rows and restarts its sequences
    first_rows: dict[str, list[dict]]  # what create_all itself wrote, by table


_known: dict[str, _EmptyState] = {}  # by database URL


def _fingerprint(connection) -> str:
    return connection.exec_driver_sql(_FINGERPRINT).scalar_one()


def _record(engine: Engine) -> None:
    """Note how to empty the schema create_all has just made."""
    tables = SQLModel.metadata.sorted_tables
    with engine.connect() as connection:
        statements = [f'DELETE FROM "{table.name}"' for table in reversed(tables)]
        for table in tables:
            for sequence, start in connection.execute(
                text(_SEQUENCES), {"table": table.name}
            ).all():
                statements.append(f"SELECT setval('{sequence}', {start}, false)")
        first_rows = {
            table.name: [dict(row) for row in connection.execute(table.select()).mappings()]
            for table in tables
        }
        _known[engine.url.render_as_string(hide_password=False)] = _EmptyState(
            fingerprint=_fingerprint(connection),
            empty_sql="; ".join(statements),
            first_rows={name: rows for name, rows in first_rows.items() if rows},
        )


def _empty_in_place(engine: Engine) -> bool:
    """Empty the tables of a schema left as create_all made it; False when it was changed."""
    state = _known.get(engine.url.render_as_string(hide_password=False))
    if state is None:
        return False
    with engine.begin() as connection:
        if _fingerprint(connection) != state.fingerprint:
            return False
        connection.exec_driver_sql(state.empty_sql)
        for name, rows in state.first_rows.items():
            connection.execute(SQLModel.metadata.tables[name].insert(), rows)
    return True


_template: Path | None = None


def empty_sqlite_file() -> Path:
    """A SQLite file with the schema and nothing else, made once per session: copy it."""
    global _template
    if _template is None:
        folder = tempfile.mkdtemp(prefix="registry-empty-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = Path(folder) / "empty.db"
        engine = db.make_engine(f"sqlite:///{path}")
        SQLModel.metadata.create_all(engine)
        engine.dispose()  # the last connection closing folds the WAL into the file
        _template = path
    return _template


def _new_sqlite_file(engine: Engine) -> Path | None:
    """The path of a SQLite database file not written yet (nothing there), else None."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    if engine.url.database == ":memory:" or engine.url.database.startswith("file:"):
        return None
    path = Path(engine.url.database)
    if path.exists() or Path(f"{path}-wal").exists():
        return None
    return path


def reset_tables(engine: Engine) -> None:
    """Every table of the models empty, as after drop_all + create_all."""
    if engine.dialect.name == "postgresql" and _empty_in_place(engine):
        return
    new_file = _new_sqlite_file(engine)
    if new_file is not None:
        engine.dispose()  # nothing may hold the file that is about to appear
        shutil.copyfile(empty_sqlite_file(), new_file)
        return
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    if engine.dialect.name == "postgresql":
        _record(engine)
