"""Which requests carry a flag as of a day, decided in SQL. A request's flag as of a day is
decided by its stored due dates and its brand's calendar (clock.flag_from_due_dates). The
calendar enters only through two cut-off days per distinct calendar, worked out in Python, so
the whole decision is a WHERE clause: flagged requests are counted, sorted and paged by the
database, never loaded whole into Python. Requests changed after the day (an attempt dated
later, a closing) are found here and recomputed by registry.services.listings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_
from sqlmodel import Session, col, func, select

from registry.adapters.models import (
    Brand,
    Handle,
    TransferRequest,
)
from registry.domain import clock, workflow
from registry.services.context import FUTURE_TOLERANCE, ClockPolicy, zone_named


def closed_since(later: datetime):
    """SQL: the request may have closed after the day whose end `later` bounds."""
    return and_(
        col(TransferRequest.closed_at).is_not(None),
        col(TransferRequest.closed_at) >= later,
    )


def open_or_closed_since(later: datetime):
    """SQL: the candidates for "open that day" (open now, or maybe closed after it);
    `open_as_of` decides each exactly, in the brand's time zone."""
    return or_(
        col(TransferRequest.state).in_(workflow.OPEN_STATES),
        closed_since(later),
    )


@dataclass(frozen=True)
class FlagCutoffs:
    """For one calendar and one "as of" day: due_soon is a reply due from as_of through
    `due_soon_until`; not_contacted a first contact due before `contacted_by` (the last
    business day on or before as_of: the flag needs a business day after the due date)."""

    due_soon_until: date
    contacted_by: date

    @classmethod
    def of(cls, calendar: clock.BusinessCalendar, as_of: date) -> FlagCutoffs:
        third = calendar.add_business_days(as_of, clock.DUE_SOON_DAYS + 1)
        last = as_of
        while not calendar.is_business_day(last):
            last -= timedelta(days=1)
        return cls(due_soon_until=third - timedelta(days=1), contacted_by=last)


def _brand_of_request():
    """SQL: the brand of the request's handle, as a subquery, so that counting flagged
    requests reads the requests table (and its indexes) without joining every row."""
    return (
        select(Handle.brand_id).where(col(Handle.id) == TransferRequest.handle_id).scalar_subquery()
    )


def brands_where(*conditions):
    """SQL: the request's brand is one of the brands meeting `conditions` (no brand: False)."""
    return _brand_of_request().in_(select(Brand.id).where(*conditions))


def calendar_cases(session: Session, policy: ClockPolicy, as_of: date):
    """(SQL condition naming a calendar's requests, its cut-offs), for every calendar in use."""
    cases = []
    for country, subdivision in session.exec(select(Brand.country, Brand.subdivision).distinct()):
        calendar = policy.calendar_of(country, subdivision)
        cases.append(
            (
                brands_where(col(Brand.country) == country, col(Brand.subdivision) == subdivision),
                FlagCutoffs.of(calendar, as_of),
            )
        )
    cases.append((_brand_of_request().is_(None), FlagCutoffs.of(policy.calendar_for(None), as_of)))
    return cases


def _within(column, bound: str, cases):
    """SQL: `column` is before (or on) each calendar's own cut-off `bound`. The earliest
    cut-off holds for every calendar and needs no brand: only rows between the earliest and
    the latest look their brand up."""
    cuts = [(which, getattr(cut, bound)) for which, cut in cases]
    earliest, latest = min(c for _, c in cuts), max(c for _, c in cuts)
    before = (lambda c: column <= c) if bound == "due_soon_until" else (lambda c: column < c)
    if earliest == latest:
        return before(earliest)
    return and_(
        before(latest),
        or_(before(earliest), *(and_(which, before(c)) for which, c in cuts if c != earliest)),
    )


def flag_condition(flag: str, cases, as_of: date):
    """SQL: the open, unchanged-since request has this flag as of `as_of`."""
    due, first = col(TransferRequest.reply_due_on), col(TransferRequest.first_contact_due_on)
    if flag == clock.OVERDUE:
        return and_(due.is_not(None), due < as_of)
    if flag == clock.DUE_SOON:
        return and_(due >= as_of, _within(due, "due_soon_until", cases))
    return and_(due.is_(None), _within(first, "contacted_by", cases))


# Each flag's "due" order is one stored column (the coalesce of both dates is that column for
# the flag's rows), so the database reads a page off that column's index and stops.
DUE_COLUMN = {
    clock.OVERDUE: col(TransferRequest.reply_due_on),
    clock.DUE_SOON: col(TransferRequest.reply_due_on),
    clock.NOT_CONTACTED: col(TransferRequest.first_contact_due_on),
}

SQL_SORTS = {
    "due": lambda flag: (DUE_COLUMN[flag],),
    # Longest wait first: the earlier the wait began, the more business days it counts.
    "waiting": lambda flag: (
        func.coalesce(TransferRequest.waiting_since, TransferRequest.opened_on),
        col(TransferRequest.opened_on),
    ),
    "attempts": lambda flag: (col(TransferRequest.unanswered_attempts).desc(),),
    "brand": lambda flag: (func.lower(func.coalesce(Brand.name, "~")), DUE_COLUMN[flag]),
}


def zone_ends(session: Session, as_of: date, *, now: datetime) -> list[tuple]:
    """(time zone of brands in use, or None for requests without a brand; the moment `as_of`
    ends there): "after that day" is decided where each brand is."""
    after = as_of + timedelta(days=1)
    zones = [*session.exec(select(Brand.timezone).distinct()), None]
    ends = [(z, datetime.combine(after, time(), zone_named(z)).astimezone(UTC)) for z in zones]
    if min(end for _, end in ends) > now + FUTURE_TOLERANCE:
        return []  # the day has not ended anywhere yet (today): nothing can be dated after it
    return ends


def _active_since(moment: datetime):
    """SQL: the request's latest attempt, or its closing, came at `moment` or later (both
    columns are indexed: the few such requests are found without a scan)."""
    return or_(col(TransferRequest.last_attempt_at) >= moment, closed_since(moment))


def _changed_ids(ends: list[tuple]):
    """SQL: the ids of the requests with an attempt dated after the day, or closed after it,
    in their brand's time zone: their stored due dates do not say what was known that day.
    The few active since the earliest end are found on the indexes, then joined to their
    brand for its zone's own end."""
    earliest = min(end for _, end in ends)
    zone_ends = [(zone, end) for zone, end in ends if zone is not None]
    no_brand_end = next(end for zone, end in ends if zone is None)
    return (
        select(TransferRequest.id)
        .join(Handle, col(Handle.id) == TransferRequest.handle_id)
        .join(Brand, col(Brand.id) == Handle.brand_id, isouter=True)
        .where(
            _active_since(earliest),
            or_(
                *(and_(col(Brand.timezone) == zone, _active_since(end)) for zone, end in zone_ends),
                and_(col(Brand.id).is_(None), _active_since(no_brand_end)),
            ),
        )
    )


# Up to this many requests changed after the day asked are named by their ids in the flag
# queries (read once); more (a day long past), and each query reads them itself.
CHANGED_BY_ID = 2000


def changed_after(session: Session, ends: list[tuple]):
    """The requests changed after the day (see `_changed_ids`): None when none can be or
    none is; else their ids, or for very many the query that finds them."""
    if not ends:
        return None
    query = _changed_ids(ends)
    ids = list(session.exec(query.limit(CHANGED_BY_ID + 1)))
    if not ids:
        return None
    return ids if len(ids) <= CHANGED_BY_ID else query


def flagged_where(brand: str, as_of: date, changed) -> list:
    """SQL on the requests table alone: open requests opened by `as_of` whose stored due
    dates decide their flag that day (of one brand, when named)."""
    conditions = [
        col(TransferRequest.opened_on) <= as_of,
        col(TransferRequest.state).in_(workflow.OPEN_STATES),
    ]
    if changed is not None:
        conditions.append(col(TransferRequest.id).not_in(changed))
    if brand:
        conditions.append(brands_where(col(Brand.slug) == brand))
    return conditions
