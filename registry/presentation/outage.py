"""When the database does not answer (stopped, restarting, its file out of reach): every page
answers 503 with Retry-After, a page in the reader's language or the API's JSON error,
instead of a 500; the next request after it returns is served again, on a new connection
(SQLite opens one per checkout; on PostgreSQL the engine pings a pooled connection before
using it: registry.adapters.db.make_engine)."""

from __future__ import annotations

from flask import g
from sqlalchemy.exc import DBAPIError, OperationalError

from registry.domain.messages import N_
from registry.presentation import i18n
from registry.presentation.extensions import login_manager

# Long enough for a database restart, short enough that a reader who waits is not put off.
RETRY_AFTER_SECONDS = 30
UNAVAILABLE = N_(
    "The registry cannot reach its database at the moment. Please try again in a minute."
)


def is_outage(error: BaseException) -> bool:
    """Whether a database error means "the database is not there" rather than a bug: the
    driver's OperationalError (no connection, a connection lost, a file that cannot be
    opened, a lock that outlasted its wait), or a connection SQLAlchemy found dead."""
    if isinstance(error, OperationalError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def without_database() -> None:
    """Answer the rest of this request without the database: the reader becomes anonymous
    (their account cannot be read), so the answer's language is the one chosen in the
    footer or the browser's."""
    g.database_unavailable = True
    g._login_user = login_manager.anonymous_user()  # Flask-Login's user of this request
    i18n.refresh_choices()


def retry_later(response):
    """The answer of an outage, told when to come back."""
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
