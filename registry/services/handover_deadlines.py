"""Handover plans near or past a deadline: the dashboard's plans past one (as of any day), and
the reminders before a window (`registry remind-handovers`), each sent once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeGuard, cast

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from registry.adapters.models import Brand, Handle, HandoverPlan, Platform, TransferRequest, User
from registry.domain import handover, reminders, workflow
from registry.domain.messages import N_
from registry.domain.permissions import ADMIN, LEGAL, STAFF
from registry.services import (
    NotFound,
    context,
    request_reads,
)
from registry.services.context import Context
from registry.services.handover_calendar import HandoverEvent, event_of
from registry.services.handover_plans import facts
from registry.services.unit import locked, use_case


def _end_of(day: date, brand: Brand | None) -> datetime:
    """The last moment of `day` where the brand is."""
    zone = context.brand_zone(brand)
    next_day = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    return next_day - timedelta(microseconds=1)


def due_handovers(ctx: Context, *, as_of: date | None, brand_slug: str = "") -> list[DueHandover]:
    """The plans past a deadline, with their handle, platform and brand, in one query: now,
    or as the registry stood at the end of `as_of` in each brand's zone (a confirmation or an
    outcome recorded later was still missing then); only `brand_slug`'s when given.

    SQL keeps the candidates (by dates that hold in every time zone); each one's standing is
    then read in its brand's zone, as the request page reads it."""
    session, now = ctx.session, ctx.now
    day = as_of if as_of is not None else now.date()
    # Recorded before this moment: recorded by the end of `day` in every zone.
    settled = min(now, context.day_starts(day + timedelta(days=1)))
    missing = or_(
        col(HandoverPlan.holder_confirmed_at).is_(None),
        col(HandoverPlan.brand_confirmed_at).is_(None),
        col(HandoverPlan.holder_confirmed_at) >= settled,
        col(HandoverPlan.brand_confirmed_at) >= settled,
    )
    # sqlmodel's `select` is typed for up to four entities; for more it builds this Select,
    # whose entities' types a constructor call cannot tell mypy: they are named here.
    query = cast(
        "Select[HandoverPlan, TransferRequest, Handle, Platform, Brand | None]",
        Select(HandoverPlan, TransferRequest, Handle, Platform, Brand)
        .join(TransferRequest, col(TransferRequest.id) == HandoverPlan.request_id)
        .join(Handle, col(Handle.id) == TransferRequest.handle_id)
        .join(Platform, col(Platform.id) == Handle.platform_id)
        .join(Brand, col(Brand.id) == Handle.brand_id, isouter=True)
        .where(
            col(HandoverPlan.scheduled_on) <= day + timedelta(days=1),
            or_(col(HandoverPlan.outcome) == "", col(HandoverPlan.outcome_at) >= settled),
            # A plan of a request closed before that day is moot (a claimed outcome recorded
            # since then closed it: it was agreed that day).
            or_(
                col(TransferRequest.state) == workflow.AGREED,
                col(TransferRequest.closed_at) >= settled,
            ),
            or_(
                and_(
                    missing,
                    or_(
                        col(HandoverPlan.confirm_by) < day + timedelta(days=1),
                        col(HandoverPlan.window_start) < _end_of(day, None) + timedelta(days=1),
                    ),
                ),
                col(HandoverPlan.outcome_by) < day + timedelta(days=1),
            ),
        )
        .order_by(col(HandoverPlan.confirm_by), col(HandoverPlan.id)),
    )
    if brand_slug:
        query = query.where(col(Brand.slug) == brand_slug)
    listed = []
    for plan, request, handle, platform, brand in session.exec(query).all():
        # Today is now; another day is read at its end, with what was known by then (all
        # of it, for a day ahead: what will be late by then if nothing else happens).
        if as_of is None or as_of == context.local_day(now, brand):
            moment = now
        else:
            moment = _end_of(as_of, brand)
        known_at = min(now, moment)
        today = context.local_day(moment, brand)
        if plan.scheduled_on > context.local_day(known_at, brand) or not _agreed_at(
            request, known_at
        ):
            continue
        fact = facts(plan, known_at=known_at)
        if handover.standing(fact, now=moment, today=today) not in handover.DUE:
            continue
        late = "outcome" if fact.confirmed else "confirmations"
        deadline = plan.outcome_by if fact.confirmed else plan.confirm_by
        began = not fact.confirmed and today <= plan.confirm_by
        listed.append(DueHandover(plan, request, handle, platform, brand, late, deadline, began))
    return listed


def _agreed_at(request: TransferRequest, moment: datetime) -> bool:
    """Whether the request was still agreed at `moment`: agreed now, or closed after it."""
    if request.state == workflow.AGREED:
        return True
    return request.closed_at is not None and context.aware(request.closed_at) > moment


@dataclass(frozen=True)
class DueHandover:
    """A plan past a deadline as the dashboard lists it: what is late and since when."""

    plan: HandoverPlan
    request: TransferRequest
    handle: Handle
    platform: Platform
    brand: Brand | None
    late: str  # "confirmations" or "outcome"
    deadline: date  # the day it was due by
    window_began: bool  # confirmations still missing when the window began (before deadline)


@dataclass(frozen=True)
class Reminder:
    """A plan whose parties are to be reminded of its window, and who they are: each member
    with the side they act for (holder, brand or staff); its window as a calendar event
    (attached to the reminders)."""

    plan: HandoverPlan
    request: TransferRequest
    handle: Handle
    platform: Platform
    brand: Brand | None
    recipients: tuple[tuple[User, str], ...]
    steps: dict[str, tuple[str, ...]]
    event: HandoverEvent


STAFF_SIDE = "staff"


def _reachable(user: User | None) -> TypeGuard[User]:
    return user is not None and user.active and user.deleted_at is None and bool(user.email)


def reminder_recipients(
    session: Session, request: TransferRequest, brand: Brand | None
) -> tuple[tuple[User, str], ...]:
    """The proposing fan of an offer (the holder side), the brand's legal accounts, and
    staff; each member once, active and not erased."""
    found: list[tuple[User, str]] = []
    seen: set[int] = set()

    def add(user: User | None, side: str) -> None:
        if not _reachable(user):
            return
        assert user.id is not None  # a stored user has its id
        if user.id not in seen:
            seen.add(user.id)
            found.append((user, side))

    if request.kind == "offer" and request.proposer_id:
        add(session.get(User, request.proposer_id), handover.HOLDER)
    if brand is not None:
        for user in session.exec(
            select(User)
            .where(col(User.role) == LEGAL, col(User.brand_id) == brand.id)
            .order_by(col(User.id))
        ):
            add(user, handover.BRAND)
    for user in session.exec(
        select(User).where(col(User.role).in_((STAFF, ADMIN))).order_by(col(User.id))
    ):
        add(user, STAFF_SIDE)
    return tuple(found)


def reminders_due(ctx: Context, *, as_of: date) -> list[Reminder]:
    """Plans whose window starts within the next business day of `as_of` in their brand's
    calendar and whose parties were not reminded yet, as of the context's now
    (registry.domain.reminders)."""
    session, now = ctx.session, ctx.now
    rows = session.exec(
        select(HandoverPlan, TransferRequest)
        .join(TransferRequest, col(TransferRequest.id) == HandoverPlan.request_id)
        .where(
            col(HandoverPlan.outcome) == "",
            col(TransferRequest.state) == workflow.AGREED,
            col(HandoverPlan.reminded_at).is_(None),
            col(HandoverPlan.window_start) > now,
            # A generous bound; each brand's calendar decides below.
            col(HandoverPlan.window_start)
            < datetime.combine(as_of, datetime.min.time(), UTC)
            + timedelta(days=_REMINDER_SPAN_DAYS),
        )
        .order_by(col(HandoverPlan.window_start), col(HandoverPlan.id))
    ).all()
    found = []
    for plan, request in rows:
        brand = request_reads.brand_of(session, request)
        assert plan.window_start is not None  # kept by the query: a plan with a window
        start = context.aware(plan.window_start)
        due = reminders.reminder_due(
            facts(plan),
            reminded=plan.reminded_at is not None,
            window_day=context.local_day(start, brand),
            as_of=as_of,
            now=now,
            calendar=ctx.policy.calendar_for(brand),
        )
        if not due:
            continue
        handle = session.get(Handle, request.handle_id)
        assert handle is not None  # a request's handle is stored (a foreign key)
        platform = session.get(Platform, handle.platform_id)
        assert platform is not None  # a handle's platform is stored (a foreign key)
        event = event_of(ctx, request, handle=handle, platform=platform, brand=brand)
        assert event is not None  # the plan reminded has a window (the query keeps no other)
        found.append(
            Reminder(
                plan=plan,
                request=request,
                handle=handle,
                platform=platform,
                brand=brand,
                recipients=reminder_recipients(session, request, brand),
                steps=handover.steps(platform.slug),
                event=event,
            )
        )
    return found


# The longest run of days off between two business days is far below this (a weekend and a
# week of holidays); the calendar of each brand has the last word.
_REMINDER_SPAN_DAYS = 16


@use_case
def mark_reminded(ctx: Context, plan_id: int) -> HandoverPlan:
    """Record that the plan's parties were reminded (now): its reminder is never sent
    again."""
    session = ctx.session
    plan = locked(session, HandoverPlan, HandoverPlan.id == plan_id)
    if plan is None:
        raise NotFound(N_("No such handover plan."))
    if plan.reminded_at is None:
        plan.reminded_at = ctx.now
        session.add(plan)
        session.flush()
    return plan
