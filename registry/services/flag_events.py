"""Flags raised, as events: a request that became overdue, due soon or still not contacted
is told once to whoever listens (its brand's legal team hears of a reply due soon; webhooks
of `flag.raised`), not at every look at the dashboard.

Flags are read off the clock as of a day (registry.services.listings, in SQL); each one is an
event the first time it is seen for its due date, known by its key, so a job that looks every
hour — or two workers looking at once — raises each one once. A due date moved by a new
attempt makes a new flag: it is told again.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from registry.adapters.models import Event
from registry.domain.notifications import EventKind
from registry.services import listings, outbox
from registry.services.context import Context
from registry.services.unit import use_case

CHUNK = 500  # keys looked up per query


def flag_key(request_id: int | None, flag: str, due_date: date | None) -> str:
    due = due_date.isoformat() if due_date else "none"
    return f"flag:{request_id}:{flag}:{due}"


@use_case
def raise_flags(ctx: Context, *, as_of: date) -> int:
    """Write an event for each flag as of `as_of` not raised before; how many were new."""
    session = ctx.session
    rows = {
        flag_key(row.request.id, row.flag or "", row.due_date): row
        for row in listings.flagged(ctx, as_of=as_of)
        if row.flag
    }
    keys = list(rows)
    known: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        known.update(
            k for k in session.exec(select(Event.key).where(col(Event.key).in_(chunk))) if k
        )
    new = [key for key in keys if key not in known]
    for key in new:
        row = rows[key]
        outbox.emit(
            session,
            EventKind.FLAG_RAISED,
            request=row.request,
            data={
                "flag": {
                    "flag": row.flag,
                    "due_date": row.due_date,
                    "as_of": as_of,
                    "business_days_waiting": row.business_days_waiting,
                    "unanswered_attempts": row.unanswered_attempts,
                }
            },
            key=key,
        )
    session.flush()
    return len(new)
