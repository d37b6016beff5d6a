"""Responsiveness: one brand's figures over a period, and the ranking of every brand.

Which requests count: the *offers* (a holder offering the handle to its brand) of the
brand's handles, opened in the period (`opened_on` between `from` and `to`, both included;
an end left out does not bound), and opened by the day the figures are worked out for. A
claim — the brand asking for its own name back — is left out: its replies are the holder's,
not the brand's. The figures themselves are those of that day (today on the site and in the
API): a request opened in March and answered in May counts as answered.

The rules are registry.domain.responsiveness's, over the reply clock's. Here: the reads, in
a few queries whatever the number of requests (the requests with their brands in one, their
attempts in one per 500 requests), and only aggregates come out: no name, no e-mail, no
message.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlmodel import Session, col
from sqlmodel.sql.expression import Select

from registry.adapters.models import Brand, Handle, TransferRequest
from registry.domain import clock, limits
from registry.domain import responsiveness as figures_of
from registry.domain.escalation import ChannelAttempt
from registry.domain.messages import Explained
from registry.domain.vocabulary import RequestKind
from registry.services import Invalid, brands, checked, context, csv_format, listings, reply_clock
from registry.services.context import Context

Period = figures_of.Period
Responsiveness = figures_of.Responsiveness
ALL_TIME = Period()


def period(raw_from: str | None, raw_to: str | None) -> Period:
    """The period a client asked for, from its `from` and `to` (YYYY-MM-DD, either may be
    left empty): refused (Invalid, on the field at fault) when a date is not one, is outside
    1900-2100, or when the period ends before it starts."""
    start = checked(limits.parse_day, raw_from, "from") if (raw_from or "").strip() else None
    end = checked(limits.parse_day, raw_to, "to") if (raw_to or "").strip() else None
    try:
        return Period(start, end)
    except Explained as refusal:
        raise Invalid.explaining(refusal, field=refusal.field) from None


@dataclass(frozen=True)
class Ranked:
    """A brand (its public fields are shown: name, slug), its figures, and the business days
    within which its replies are due (the clock policy's)."""

    brand: Brand
    figures: Responsiveness
    deadline_days: int


def _facts(
    session: Session,
    *,
    period: Period,
    as_of: date,
    policy: context.ClockPolicy,
    brand: Brand | None = None,
) -> tuple[dict[str, Brand], list[figures_of.RequestFacts]]:
    """The counted requests' facts, each naming its brand by slug, and those brands."""
    # sqlmodel's `select` is typed for up to four columns; for more it builds this Select,
    # whose columns' types a constructor call cannot tell mypy: they are named here.
    query = cast(
        "Select[int, date, str, datetime | None, Brand]",
        Select(
            col(TransferRequest.id),
            col(TransferRequest.opened_on),
            col(TransferRequest.state),
            col(TransferRequest.closed_at),
            Brand,
        )
        .join(Handle, col(Handle.id) == TransferRequest.handle_id)
        .join(Brand, col(Brand.id) == Handle.brand_id)
        .where(col(TransferRequest.kind) == RequestKind.OFFER.value)
        .where(col(TransferRequest.opened_on) <= as_of),
    )
    if period.start is not None:
        query = query.where(col(TransferRequest.opened_on) >= period.start)
    if period.end is not None:
        query = query.where(col(TransferRequest.opened_on) <= period.end)
    if brand is not None:
        query = query.where(col(Handle.brand_id) == brand.id)
    rows = list(session.exec(query.order_by(col(TransferRequest.id))))
    attempts = listings.attempts_by_request(session, [row[0] for row in rows])
    found: dict[str, Brand] = {}
    facts = []
    for row in rows:
        request_id, opened_on, state, closed_at, row_brand = row
        owner = found.setdefault(row_brand.slug, row_brand)
        logged = attempts.get(request_id, [])
        facts.append(
            figures_of.RequestFacts(
                brand=owner.slug,
                opened_on=opened_on,
                is_open=reply_clock.was_open(opened_on, state, closed_at, owner, as_of),
                attempts=tuple(
                    ChannelAttempt(fact, attempt.channel)
                    for attempt, fact in zip(
                        logged, reply_clock.attempt_facts(logged, owner), strict=True
                    )
                ),
                calendar=policy.calendar_for(owner),
                deadline_days=policy.deadline_for(owner),
            )
        )
    return found, facts


def brand_figures(ctx: Context, slug: str, *, period: Period = ALL_TIME, as_of: date) -> Ranked:
    """One brand's figures over the period (zeros when no request counts), under the
    context's clock policy. NotFound for a brand the registry does not have."""
    session, policy = ctx.session, ctx.policy
    brand = brands.get_brand(session, slug)
    _found, facts = _facts(session, period=period, as_of=as_of, policy=policy, brand=brand)
    figures = figures_of.figures(brand.slug, facts, as_of=as_of)
    return Ranked(brand, figures, policy.deadline_for(brand))


# What a column sorts on: a name, a count or a rate, or None (no reply yet).
SortValue = str | float | None


def _by(attribute: str) -> Callable[[Ranked], SortValue]:
    return lambda row: getattr(row.figures, attribute)


def _by_name(row: Ranked) -> str:
    return row.brand.name.casefold()


# The ranking's columns a reader may sort by, and the value each sorts on.
SORTS: dict[str, Callable[[Ranked], SortValue]] = {
    "brand": _by_name,
    "requests": _by("requests"),
    "contacted": _by("contacted"),
    "replied": _by("replied"),
    "reply_rate": _by("reply_rate"),
    "median": _by("median_business_days_to_first_reply"),
    "worst": _by("worst_business_days_to_first_reply"),
    "late": _by("late_replies"),
    "overdue": _by("overdue_now"),
}


def ranking(
    ctx: Context,
    *,
    period: Period = ALL_TIME,
    as_of: date,
    sort: str = "",
    descending: bool = False,
) -> list[Ranked]:
    """Every brand with a request counted in the period, with its figures: in the ranking's
    order (domain.responsiveness.rank_key), or by one column (`SORTS`; an unknown one means
    the ranking's order). A brand without a value in that column (no reply yet) comes last
    either way."""
    policy = ctx.policy
    found, facts = _facts(ctx.session, period=period, as_of=as_of, policy=policy)
    rows = [
        Ranked(found[row.brand], row, policy.deadline_for(found[row.brand]))
        for row in figures_of.ranking(facts, as_of=as_of)
    ]
    key = SORTS.get(sort)
    if key is None:
        return rows
    by_name = sorted(rows, key=_by_name)
    with_value = [(value, row) for row in by_name if (value := key(row)) is not None]
    ordered = sorted(
        with_value, key=lambda pair: pair[0], reverse=descending
    )  # stable: ties by name
    return [row for _value, row in ordered] + [row for row in by_name if key(row) is None]


CSV_COLUMNS = (
    "brand",
    "name",
    "requests",
    "contacted",
    "replied",
    "reply_rate",
    "median_business_days_to_first_reply",
    "worst_business_days_to_first_reply",
    "late_replies",
    "overdue_now",
    "auto_replied",
    "mass_replied",
    "reply_deadline_days",
    *(f"unanswered_{channel}" for channel in clock.CHANNELS),
)


def ranking_csv(rows: list[Ranked]) -> str:
    """The ranking's table as CSV, one brand a line, its fields named as in the API (a reply
    rate as a fraction, 0.5; an empty cell where there is no value)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        shown = row.figures
        by_channel = dict(shown.unanswered_by_channel)
        rate = shown.reply_rate
        writer.writerow(
            [
                csv_format.escape_cell(row.brand.slug),
                csv_format.escape_cell(row.brand.name),
                shown.requests,
                shown.contacted,
                shown.replied,
                "" if rate is None else round(rate, 4),
                _cell(shown.median_business_days_to_first_reply),
                _cell(shown.worst_business_days_to_first_reply),
                shown.late_replies,
                shown.overdue_now,
                shown.auto_replied,
                shown.mass_replied,
                row.deadline_days,
                *(by_channel.get(channel, 0) for channel in clock.CHANNELS),
            ]
        )
    return buffer.getvalue()


def _cell(value) -> str:
    return "" if value is None else str(value)
