"""The log-in and sign-up limits' counters in the site's own database
(RATELIMIT_STORAGE_URI=database://, the default), so that every worker of the site counts the
same attempts: with a counter in each worker's memory, 4 workers let an account try 4 times
as often as its limit says.

A storage for `limits` (the library under Flask-Limiter), which has none on SQL: the fixed
window strategy's calls, each one statement of its own transaction. A hit is one
INSERT … ON CONFLICT DO UPDATE, so two workers counting the same key at once never lose a
count (SQLite and PostgreSQL alike). A window starts with its first hit and lasts its
expiry, as in limits' own memory and Redis storages."""

from __future__ import annotations

import hashlib
import time

from limits.storage import Storage
from sqlalchemy import Engine, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from registry.adapters import db
from registry.adapters.models import RateLimitCount

SCHEME = "database"
TABLE = RateLimitCount.__table__  # type: ignore[attr-defined]  # SQLModel sets it
KEY_MAX = 255  # the column's length
# Windows that ended this long ago are deleted with the next hit: the table stays small.
KEEP_ENDED_SECONDS = 3600


def stored_key(key: str) -> str:
    """The key as stored: a key longer than the column (a long e-mail address in it) keeps
    its start and the hash of the whole, so two long keys never share a counter."""
    if len(key) <= KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: KEY_MAX - len(digest) - 1]}#{digest}"


class DatabaseStorage(Storage):
    """`database://`: the counters in the app's database (registry.adapters.db.engine()),
    read in the request that checks a limit."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 (limits' own declaration: a plain list)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    @staticmethod
    def _engine() -> Engine:
        return db.engine()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        if amount < 0:
            return self._give_back(key, -amount)
        now = time.time()
        engine = self._engine()
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        new = insert(TABLE).values(key=stored_key(key), hits=amount, expires_at=now + expiry)
        ended = TABLE.c.expires_at <= now
        statement = new.on_conflict_do_update(
            index_elements=[TABLE.c.key],
            set_={
                "hits": case((ended, amount), else_=TABLE.c.hits + amount),
                "expires_at": case((ended, now + expiry), else_=TABLE.c.expires_at),
            },
        ).returning(TABLE.c.hits)
        with engine.connect().execution_options(registry_write=True) as connection:
            hits = connection.execute(statement).scalar_one()
            connection.execute(delete(TABLE).where(TABLE.c.expires_at < now - KEEP_ENDED_SECONDS))
            connection.commit()
        return int(hits)

    def _give_back(self, key: str, amount: int) -> int:
        """Take hits off a counter (a log-in that got in): never below zero, and never
        into a window that has ended (the next one starts from zero anyway)."""
        statement = (
            update(TABLE)
            .where(TABLE.c.key == stored_key(key), TABLE.c.expires_at > time.time())
            .values(hits=case((TABLE.c.hits > amount, TABLE.c.hits - amount), else_=0))
            .returning(TABLE.c.hits)
        )
        with self._engine().connect().execution_options(registry_write=True) as connection:
            hits = connection.execute(statement).scalar()
            connection.commit()
        return int(hits or 0)

    def _current(self, key: str):
        with self._engine().connect() as connection:
            return connection.execute(
                select(TABLE.c.hits, TABLE.c.expires_at).where(
                    TABLE.c.key == stored_key(key), TABLE.c.expires_at > time.time()
                )
            ).first()

    def get(self, key: str) -> int:
        row = self._current(key)
        return int(row.hits) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._current(key)
        return float(row.expires_at) if row else time.time()

    def check(self) -> bool:
        try:
            with self._engine().connect() as connection:
                connection.execute(select(func.count()).select_from(TABLE)).scalar_one()
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self._engine().connect().execution_options(registry_write=True) as connection:
            removed = connection.execute(delete(TABLE)).rowcount
            connection.commit()
        return removed

    def clear(self, key: str) -> None:
        with self._engine().connect().execution_options(registry_write=True) as connection:
            connection.execute(delete(TABLE).where(TABLE.c.key == stored_key(key)))
            connection.commit()
