"""One use case, one transaction: the unit of work every write of the registry goes through.

A use case decorated with `use_case` runs in a fresh write transaction (on SQLite a
`BEGIN IMMEDIATE`, so concurrent writers queue on the busy timeout instead of failing when a
read turns into a write), commits once when it returns and rolls back when it raises.
Conflicts that a second try resolves — a row changed by a concurrent writer (the version
counter's `StaleDataError`), a PostgreSQL serialization failure or deadlock, a locked SQLite
database — roll back and run the whole use case again, so its rules are checked against the
newer data: a racing transition then finds the request moved and is refused with 409, a
racing contact attempt is simply logged after the other. A use case called from inside
another joins its transaction.

A use case takes the Context first (registry.services.context): the session it runs in, who
acts, when, under which settings."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from registry.domain.messages import N_
from registry.services import Conflict
from registry.services.context import Context

P = ParamSpec("P")
T = TypeVar("T")

ATTEMPTS = 8
WRITE_OPTIONS = {"registry_write": True}  # read by registry.adapters.db's SQLite "begin" listener
_ACTIVE = "registry.use_case"
CHANGED_MEANWHILE = N_("This was changed by someone else meanwhile; please try again.")


def retryable(error: BaseException) -> bool:
    """A conflict with a concurrent transaction, which running the use case again resolves."""
    if isinstance(error, StaleDataError):
        return True
    if isinstance(error, DBAPIError):
        if getattr(error.orig, "sqlstate", None) in ("40001", "40P01"):
            return True  # PostgreSQL: serialization failure, deadlock detected
        if isinstance(error, OperationalError) and "locked" in str(error.orig):
            return True  # SQLite: "database is locked" after the busy timeout
    return False


def use_case(
    function: Callable[Concatenate[Context, P], T],
) -> Callable[Concatenate[Context, P], T]:
    """Make `function(ctx, ...)` own its transaction, in `ctx.session` (see the module's
    docstring)."""

    @wraps(function)
    def run(ctx: Context, /, *args: P.args, **kwargs: P.kwargs) -> T:
        assert isinstance(ctx, Context), "a use case takes the context first"
        session = ctx.session
        if session.info.get(_ACTIVE):
            return function(ctx, *args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            begin_write(session)
            session.info[_ACTIVE] = True
            try:
                result = function(ctx, *args, **kwargs)
                session.commit()
                return result
            except Exception as error:
                session.rollback()
                if not retryable(error):
                    raise
                if attempt == ATTEMPTS:
                    raise Conflict(CHANGED_MEANWHILE) from error
                time.sleep(random.uniform(0, 0.02 * attempt))
            finally:
                session.info.pop(_ACTIVE, None)
        raise AssertionError("unreachable")  # pragma: no cover

    return run


def locked(session: Session, model, condition):
    """The row `condition` selects, read afresh and locked for this transaction (PostgreSQL:
    FOR UPDATE; SQLite's write transaction already holds the database), so that concurrent
    changes to it queue instead of overwriting each other. None when there is none."""
    return session.exec(
        select(model).where(condition).with_for_update().execution_options(populate_existing=True)
    ).first()


class UnsavedWrites(RuntimeError):
    """A use case was called on a session holding writes nobody committed: starting the use
    case's own transaction would throw them away without a word."""


_WROTE = "registry.wrote"  # set on a session by a flush, cleared when its transaction ends


@event.listens_for(Session, "after_flush")
def _note_write(session, _context) -> None:
    session.info[_WROTE] = True


def wrote(session: Session) -> None:
    """Note a write made without a flush (a batched INSERT through session.execute)."""
    session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_writes(session, *_args) -> None:
    session.info.pop(_WROTE, None)


def begin_write(session: Session) -> None:
    """End whatever the caller read (its snapshot may be stale) and open a write transaction.
    Writes the caller made and did not commit are refused, never silently rolled back."""
    if session.new or session.dirty or session.deleted or session.info.get(_WROTE):
        raise UnsavedWrites(f"{session!r} holds uncommitted writes; commit them first")
    if session.in_transaction():
        session.rollback()
    session.connection(execution_options=WRITE_OPTIONS)
