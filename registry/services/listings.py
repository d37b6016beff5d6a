"""The one listing of requests (the dashboard, the lists, the API, the CLI, the CSV export, the
digests): filters, a flag and an "as of" day, paged, each request with its reply clock."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import case, literal
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import Select

from registry.adapters.models import (
    Brand,
    ContactAttempt,
    Handle,
    Platform,
    TransferRequest,
    User,
)
from registry.domain import clock, workflow
from registry.services import (
    Page,
)
from registry.services.context import ClockPolicy, Context, day_starts
from registry.services.flags import (
    SQL_SORTS,
    calendar_cases,
    changed_after,
    closed_since,
    flag_condition,
    flagged_where,
    open_or_closed_since,
    zone_ends,
)
from registry.services.reply_clock import known_status, open_as_of, status_as_of, stored_clock
from registry.services.request_reads import RequestTuple, rows_query


@dataclass
class ListedRequest:
    """A request in a list, with its reply clock as of the list's date."""

    request: TransferRequest
    handle: Handle
    platform: Platform
    brand: Brand | None
    proposer: User | None
    flag: str | None
    due_date: date | None
    business_days_waiting: int
    unanswered_attempts: int

    def as_dict(self) -> dict:
        return {
            "id": self.request.id,
            "handle": self.handle.handle,
            "platform": self.platform.slug,
            "brand": self.brand.slug if self.brand else None,
            "flag": self.flag,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "business_days_waiting": self.business_days_waiting,
            "unanswered_attempts": self.unanswered_attempts,
        }


@dataclass
class RequestFilters:
    state: str = ""
    brand: str = ""
    proposer_id: int | None = None
    flag: str = ""  # one of clock.FLAGS: only the requests carrying it (as of the list's date)


def _listed(row: RequestTuple, status: clock.ReplyStatus) -> ListedRequest:
    return ListedRequest(
        *row,
        flag=status.flag,
        due_date=status.due_on,
        business_days_waiting=status.business_days_waiting,
        unanswered_attempts=status.unanswered_attempts,
    )


# ContactAttempt.discounted, in SQL: why an attempt is not taken as a reply ("" when it may be).
DISCOUNTED = case(
    (col(ContactAttempt.mass_reply), literal("mass_reply")),
    (col(ContactAttempt.unverified), literal("unverified")),
    else_=literal(""),
).label("discounted")


def attempts_by_request(session: Session, ids: list[int]) -> dict[int, list]:
    """What the clock reads of the attempts of many requests (when, which way, outcome,
    through which channel), in one query per 500 requests, each request's in date order:
    plain rows, not whole records."""
    found: dict[int, list] = defaultdict(list)
    for start in range(0, len(ids), 500):
        # sqlmodel's `select` is typed for up to four columns; for more it builds this
        # Select, whose columns' types a constructor call cannot tell mypy: named here.
        query = cast(
            "Select[int, datetime, str, str, str, str]",
            Select(
                col(ContactAttempt.request_id),
                col(ContactAttempt.happened_at),
                col(ContactAttempt.direction),
                col(ContactAttempt.outcome),
                col(ContactAttempt.channel),
                DISCOUNTED,
            )
            .where(col(ContactAttempt.request_id).in_(ids[start : start + 500]))
            .order_by(col(ContactAttempt.happened_at), col(ContactAttempt.id)),
        )
        for attempt in session.exec(query):
            request_id, *_ = attempt
            found[request_id].append(attempt)
    return found


def _id(row: RequestTuple) -> int:
    request_id = row[0].id
    assert request_id is not None  # a stored request has its id
    return request_id


def _with_status(
    session: Session, rows: list[RequestTuple], *, as_of: date, policy: ClockPolicy
) -> list[ListedRequest]:
    """Rows (request, handle, platform, brand, proposer) with their exact status as of a day:
    from the stored clock where it holds (today, mostly), else from the attempts known then."""
    known = {_id(row): known_status(row[0], row[3], as_of=as_of, policy=policy) for row in rows}
    attempts = attempts_by_request(session, [i for i, status in known.items() if status is None])
    listed = []
    for row in rows:
        status = known[_id(row)] or status_as_of(
            row[0], row[3], attempts[_id(row)], as_of=as_of, policy=policy
        )
        listed.append(_listed(row, status))
    return listed


def _filtered(query, filters: RequestFilters):
    if filters.state:
        query = query.where(TransferRequest.state == filters.state)
    if filters.brand:
        query = query.where(Brand.slug == filters.brand)
    if filters.proposer_id is not None:
        query = query.where(TransferRequest.proposer_id == filters.proposer_id)
    return query


def list_requests(
    ctx: Context,
    filters: RequestFilters,
    *,
    as_of: date,
    page: int,
    page_size: int,
    sort: str = "due",
) -> Page[ListedRequest]:
    """The one listing of requests: filters, a flag and an "as of" day, paged, each request's
    clock under the context's policy.

    Without a flag, one page of rows in SQL, each with its exact clock as of the day; with a
    flag, the flagged requests of that day, paged by the database (`flagged_page`), or, when
    something changed after that day, flagged exactly (`flagged`) and paged after."""
    session, policy = ctx.session, ctx.policy
    if filters.flag:
        return flagged_page(
            ctx,
            flag=filters.flag,
            as_of=as_of,
            filters=filters,
            sort=sort,
            page=page,
            page_size=page_size,
        )
    query = _filtered(rows_query(), filters)
    total = count_requests(session, filters)
    rows = list(
        session.exec(
            query.order_by(col(TransferRequest.updated_at).desc(), col(TransferRequest.id).desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    )
    return Page(_with_status(session, rows, as_of=as_of, policy=policy), page, page_size, total)


def count_requests(session: Session, filters: RequestFilters) -> int:
    """How many requests the filters (but a flag) select, counted on the requests table
    alone: joined to handles and brands only to filter by brand."""
    query = select(func.count(col(TransferRequest.id)))
    if filters.brand:
        query = query.join(Handle, col(Handle.id) == TransferRequest.handle_id).join(
            Brand, col(Brand.id) == Handle.brand_id
        )
    return session.exec(_filtered(query, filters)).one()


SORTS = {
    "due": lambda r: (r.due_date, r.request.id),
    # Longest wait first: the earlier the wait began, the more business days it counts (the
    # order the database gives, see SQL_SORTS).
    "waiting": lambda r: (
        r.request.waiting_since or r.request.opened_on,
        r.request.opened_on,
        r.request.id,
    ),
    "attempts": lambda r: (-r.unanswered_attempts, r.request.id),
    "brand": lambda r: ((r.brand.name.lower() if r.brand else "~"), r.due_date, r.request.id),
}


def _recomputed(
    session: Session, as_of: date, policy: ClockPolicy, brand: str, changed, flag: str = ""
) -> list[ListedRequest]:
    """The few requests changed since `as_of`, flagged from the attempts known that day."""
    if changed is None:
        return []
    later = day_starts(as_of + timedelta(days=1))
    base = rows_query().where(
        TransferRequest.opened_on <= as_of,
        open_or_closed_since(later),
        col(TransferRequest.id).in_(changed),
    )
    if brand:
        base = base.where(Brand.slug == brand)
    rows = _with_status(session, list(session.exec(base)), as_of=as_of, policy=policy)
    return [r for r in rows if r.flag and (not flag or r.flag == flag)]


@dataclass
class FlaggedGroups:
    """The dashboard's groups: each flag's first rows and how many there are in all."""

    rows: dict[str, list[ListedRequest]]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _flag_page(
    session: Session,
    where: list,
    flag: str,
    cases: list,
    *,
    as_of: date,
    policy: ClockPolicy,
    recomputed: list[ListedRequest],
    sort: str,
    limit: int | None,
    offset: int = 0,
) -> tuple[list[ListedRequest], int]:
    """One flag's rows [offset, offset + limit) and its count: the database counts, sorts
    and cuts the requests its stored dates decide; the recomputed ones (changed since the
    day, none for today) are merged in, in the same order."""
    where = [*where, flag_condition(flag, cases, as_of)]
    total = session.exec(select(func.count()).select_from(TransferRequest).where(*where)).one()
    extra = [r for r in recomputed if r.flag == flag]
    if not extra:
        return _stored_rows(session, where, flag, sort, as_of, policy, limit, offset), total
    wanted = None if limit is None else offset + limit
    merged = _stored_rows(session, where, flag, sort, as_of, policy, wanted, 0) + extra
    merged.sort(key=SORTS.get(sort, SORTS["due"]))
    end = None if limit is None else offset + limit
    return merged[offset:end], total + len(extra)


def flagged_groups(
    ctx: Context,
    *,
    as_of: date,
    brand: str = "",
    sort: str = "due",
    limit: int | None = 100,
    show: str = "",
) -> FlaggedGroups:
    """Per flag, the first `limit` requests (all of the `show` group) and the count, exactly
    as `flagged` lists them, counted and cut by the database."""
    session, policy = ctx.session, ctx.policy
    changed = changed_after(session, zone_ends(session, as_of, now=ctx.now))
    recomputed = _recomputed(session, as_of, policy, brand, changed)
    where, cases = flagged_where(brand, as_of, changed), calendar_cases(session, policy, as_of)
    groups, counts = {}, {}
    for flag in clock.FLAGS:
        groups[flag], counts[flag] = _flag_page(
            session,
            where,
            flag,
            cases,
            as_of=as_of,
            policy=policy,
            recomputed=recomputed,
            sort=sort,
            limit=None if flag == show else limit,
        )
    return FlaggedGroups(groups, counts)


def flagged_page(
    ctx: Context,
    *,
    flag: str,
    as_of: date,
    filters: RequestFilters,
    sort: str,
    page: int,
    page_size: int,
) -> Page[ListedRequest]:
    """One page of the requests with `flag` as of a day, paged by the database."""
    session, policy = ctx.session, ctx.policy
    changed = changed_after(session, zone_ends(session, as_of, now=ctx.now))
    recomputed = [
        r
        for r in _recomputed(session, as_of, policy, filters.brand, changed, flag)
        if (not filters.state or r.request.state == filters.state)
        and (filters.proposer_id is None or r.request.proposer_id == filters.proposer_id)
    ]
    where = flagged_where(filters.brand, as_of, changed)
    if filters.state:
        where.append(TransferRequest.state == filters.state)
    if filters.proposer_id is not None:
        where.append(TransferRequest.proposer_id == filters.proposer_id)
    rows, total = _flag_page(
        session,
        where,
        flag,
        calendar_cases(session, policy, as_of),
        as_of=as_of,
        policy=policy,
        recomputed=recomputed,
        sort=sort,
        limit=page_size,
        offset=(page - 1) * page_size,
    )
    return Page(rows, page, page_size, total)


def _stored_rows(session, where, flag, sort, as_of, policy, limit, offset) -> list[ListedRequest]:
    """The flag's rows in `sort` order: their ids first, read off the indexes, then only
    those rows with their handle, platform, brand and proposer."""
    ordered = select(TransferRequest.id).where(*where)
    if sort == "brand":
        ordered = ordered.join(Handle, col(Handle.id) == TransferRequest.handle_id).join(
            Brand, col(Brand.id) == Handle.brand_id, isouter=True
        )
    ordered = ordered.order_by(
        *SQL_SORTS.get(sort, SQL_SORTS["due"])(flag), col(TransferRequest.id)
    )
    if limit is not None:
        ordered = ordered.limit(limit).offset(offset)
    ids = list(session.exec(ordered))
    found = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in session.exec(rows_query().where(col(TransferRequest.id).in_(chunk))):
            found[row[0].id] = row
    # The flag's rows are open and unchanged since the day: their stored clock is their
    # clock that day (the flag is the one the query decided, which is the same).
    rows = [found[i] for i in ids]
    return [
        _listed(row, replace(stored_clock(row[0], row[3], as_of, policy), flag=flag))
        for row in rows
    ]


def flagged(
    ctx: Context, *, as_of: date, brand: str = "", sort: str = "due"
) -> list[ListedRequest]:
    """Every request needing attention as of a day, in flag order, then by ``sort``: exact
    for any day (see `flagged_groups`), for the command line and the CSV export."""
    groups = flagged_groups(ctx, as_of=as_of, brand=brand, sort=sort, limit=None)
    return [row for flag in clock.FLAGS for row in groups.rows[flag]]


def open_request_ids(session: Session, as_of: date) -> dict[int, list[int]]:
    """The numbers of the requests open on `as_of` (closed since counts as open then), by
    handle, in number order: ids for the open ones, whole rows only for the few closed
    since, whose day of closing is read in their brand's zone."""
    later = day_starts(as_of + timedelta(days=1))
    found: dict[int, list[int]] = defaultdict(list)
    opened = TransferRequest.opened_on <= as_of
    for request_id, handle_id in session.exec(
        select(TransferRequest.id, TransferRequest.handle_id)
        .where(opened, col(TransferRequest.state).in_(workflow.OPEN_STATES))
        .order_by(col(TransferRequest.id))
    ):
        assert request_id is not None  # a stored request has its id
        found[handle_id].append(request_id)
    for request, brand in session.exec(
        select(TransferRequest, Brand)
        .join(Handle, col(Handle.id) == TransferRequest.handle_id)
        .join(Brand, col(Brand.id) == Handle.brand_id, isouter=True)
        .where(opened, col(TransferRequest.state).not_in(workflow.OPEN_STATES), closed_since(later))
    ):
        if open_as_of(request, brand, as_of):
            assert request.id is not None  # a stored request has its id
            found[request.handle_id].append(request.id)
    return {handle: sorted(ids) for handle, ids in found.items()}


def flag_by_handle(ctx: Context, *, as_of: date) -> dict[int, str]:
    """The most urgent flag among each handle's requests as of a day (overdue, due_soon,
    not_contacted), decided as the dashboard decides it: handle ids only, no rows."""
    session, policy = ctx.session, ctx.policy
    changed = changed_after(session, zone_ends(session, as_of, now=ctx.now))
    where, cases = flagged_where("", as_of, changed), calendar_cases(session, policy, as_of)
    recomputed = _recomputed(session, as_of, policy, "", changed)
    flags: dict[int, str] = {}
    for flag in clock.FLAGS:  # most urgent first
        for handle_id in session.exec(
            select(TransferRequest.handle_id).where(*where, flag_condition(flag, cases, as_of))
        ):
            flags.setdefault(handle_id, flag)
        for row in recomputed:
            if row.flag == flag:
                assert row.handle.id is not None  # a stored handle has its id
                flags.setdefault(row.handle.id, flag)
    return flags
