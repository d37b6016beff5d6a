"""The handover of an agreed request: a window, each side's confirmation, the outcome.

`completed` is reached only here (`record_outcome` with `claimed`, after both confirmations):
the request completes and the handle's custody moves in one transaction. A `failed` window
closes its plan and leaves the request agreed, ready for another. The rules (deadlines,
standing, platform warnings and steps) are in registry.domain.handover."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from registry.adapters.models import Brand, Handle, HandoverPlan, Platform, TransferRequest, User
from registry.domain import clock, handover, limits, permissions, recorded, reminders, workflow
from registry.domain.messages import N_, Code, Message
from registry.domain.permissions import ADMIN, LEGAL, STAFF
from registry.services import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    audit,
    checked,
    checked_text,
    context,
    request_reads,
    transitions,
)
from registry.services.context import ClockPolicy
from registry.services.unit import locked, use_case

NOTES_MAX = limits.NOTE_MAX
PLAN_FIELDS = (
    "window_start",
    "window_minutes",
    "timezone",
    "confirm_by",
    "outcome_by",
    "holder_confirmed_at",
    "holder_channel",
    "brand_confirmed_at",
    "brand_channel",
    "outcome",
    "outcome_reason",
)


@dataclass(frozen=True)
class PlanView:
    """A plan as its pages and the API show it, with its standing and what is owed."""

    plan: HandoverPlan
    standing: str
    owed_by: tuple[str, ...]
    warnings: list[Message]
    steps: dict[str, tuple[str, ...]]

    @property
    def window_end(self) -> datetime:
        return context.aware(self.plan.window_start) + timedelta(minutes=self.plan.window_minutes)

    def as_dict(self) -> dict:
        plan = self.plan
        return {
            "id": plan.id,
            "window_start": context.aware(plan.window_start).isoformat(),
            "window_end": self.window_end.isoformat(),
            "window_minutes": plan.window_minutes,
            "timezone": plan.timezone,
            "notes": plan.notes,
            "confirmations": {
                handover.HOLDER: _confirmation(plan.holder_confirmed_at, plan.holder_channel),
                handover.BRAND: _confirmation(plan.brand_confirmed_at, plan.brand_channel),
            },
            "confirm_by": plan.confirm_by.isoformat(),
            "outcome_by": plan.outcome_by.isoformat(),
            "standing": self.standing,
            "owed_by": list(self.owed_by),
            "outcome": plan.outcome or None,
            "outcome_reason": plan.outcome_reason or None,
            "warnings": [str(w) for w in self.warnings],
        }


def _confirmation(at: datetime | None, channel: str) -> dict | None:
    if at is None:
        return None
    return {"at": context.aware(at).isoformat(), "channel": channel or None}


def facts(plan: HandoverPlan, known_at: datetime | None = None) -> handover.PlanFacts:
    """The plan as the domain reads it; with `known_at`, as it stood then (a confirmation or
    an outcome recorded later was still missing)."""

    def known(moment: datetime | None) -> bool:
        if known_at is None:
            return moment is not None
        return moment is not None and context.aware(moment) <= known_at

    return handover.PlanFacts(
        window_start=context.aware(plan.window_start),
        window_minutes=plan.window_minutes,
        confirm_by=plan.confirm_by,
        outcome_by=plan.outcome_by,
        holder_confirmed=known(plan.holder_confirmed_at),
        brand_confirmed=known(plan.brand_confirmed_at),
        outcome=(plan.outcome or None) if known_at is None or known(plan.outcome_at) else None,
    )


def view(session: Session, plan: HandoverPlan, *, now: datetime, policy: ClockPolicy) -> PlanView:
    request = session.get(TransferRequest, plan.request_id)
    handle = session.get(Handle, request.handle_id)
    platform = session.get(Platform, handle.platform_id)
    brand = session.get(Brand, handle.brand_id) if handle.brand_id else None
    fact = facts(plan)
    current = handover.standing(fact, now=now, today=context.local_day(now, brand))
    return PlanView(
        plan=plan,
        standing=current,
        owed_by=handover.owed_by(fact, current),
        warnings=_warnings(session, platform, brand, plan, policy),
        steps=handover.steps(platform.slug),
    )


def _warnings(session, platform, brand, plan, policy) -> list[Message]:
    shared = handover.rules_for(platform.slug).shared_with
    shared_name = ""
    if shared:
        other = session.exec(select(Platform.name).where(Platform.slug == shared)).first()
        shared_name = other or ""
    start = context.aware(plan.window_start)
    return handover.warnings(
        platform.slug,
        platform.name,
        window_start=start,
        window_day=context.local_day(start, brand),
        calendar=policy.calendar_for(brand),
        shared_name=shared_name,
    )


def plans_of(session: Session, request_id: int) -> list[HandoverPlan]:
    """A request's plans, oldest first (failed ones, then the current one)."""
    return list(
        session.exec(
            select(HandoverPlan)
            .where(HandoverPlan.request_id == request_id)
            .order_by(HandoverPlan.id)
        )
    )


def current_plan(session: Session, request_id: int) -> HandoverPlan | None:
    """The request's plan without an outcome, if any (there is at most one)."""
    return session.exec(
        select(HandoverPlan).where(
            HandoverPlan.request_id == request_id, HandoverPlan.outcome == ""
        )
    ).first()


def _locked_plan(session: Session, request_id: int) -> HandoverPlan | None:
    return locked(
        session,
        HandoverPlan,
        and_(HandoverPlan.request_id == request_id, HandoverPlan.outcome == ""),
    )


def _require_agreed(request: TransferRequest) -> None:
    """A window is confirmed or its outcome recorded only while the request is agreed: a
    withdrawn or declined request's plan no longer applies."""
    if request.state != workflow.AGREED:
        raise Conflict(
            N_("Request #%(id)s is %(state)s: its handover window no longer applies."),
            id=request.id,
            state=Code("state", request.state),
        )


def _require_staff(actor: User | None, message: str) -> None:
    if actor is not None and not permissions.can_manage(actor):
        raise Forbidden(message)


# What planning and closing a window ask of their author, checked at the API's door (before
# the body is read) and again by the use cases themselves.
DOOR_REFUSALS = {
    "schedule": N_("Only staff schedule a handover."),
    "outcome": N_("Only staff record a handover's outcome."),
}


def require_door(actor: User | None, action: str) -> None:
    """Forbidden unless `actor` may plan a window ("schedule") or record its outcome."""
    _require_staff(actor, DOOR_REFUSALS[action])


def check_window(
    window_start: datetime | None, minutes: int | None, *, now: datetime
) -> tuple[datetime, int]:
    """A window ahead of now, of a length the registry accepts."""
    if window_start is None or window_start.tzinfo is None:
        raise Invalid(N_("Give the start of the window with its time zone."), field="window_start")
    checked(limits.check_moment, window_start, "window_start")
    if window_start <= now:
        raise Invalid(N_("The window must start in the future."), field="window_start")
    minutes = handover.DEFAULT_WINDOW_MINUTES if minutes is None else minutes
    if not handover.MIN_WINDOW_MINUTES <= minutes <= handover.MAX_WINDOW_MINUTES:
        raise Invalid(
            N_("A window lasts from %(min)s to %(max)s minutes."),
            field="window_minutes",
            min=handover.MIN_WINDOW_MINUTES,
            max=handover.MAX_WINDOW_MINUTES,
        )
    return window_start, minutes


@use_case
def schedule(
    session: Session,
    request_id: int,
    *,
    actor: User | None,
    window_start: datetime | None,
    window_minutes: int | None = None,
    timezone: str = "",
    notes: str = "",
    now: datetime,
    policy: ClockPolicy,
) -> HandoverPlan:
    """Plan the window of an agreed request. A plan that lapsed (its confirmations missed
    their deadline, or its window began without them) is closed as failed first: a new
    window replaces it. A plan still under way is refused: record its outcome first."""
    _require_staff(actor, N_("Only staff schedule a handover."))
    request = request_reads.locked_request(session, request_id)
    if request.state != workflow.AGREED:
        raise Conflict(
            N_("Only an agreed request gets a handover plan; request #%(id)s is %(state)s."),
            field="window_start",
            id=request.id,
            state=Code("state", request.state),
        )
    window_start, window_minutes = check_window(window_start, window_minutes, now=now)
    notes = checked_text(notes, "notes", NOTES_MAX)
    brand = request_reads.brand_of(session, request)
    existing = _locked_plan(session, request_id)
    if existing is not None:
        fact = facts(existing)
        if handover.standing(fact, now=now, today=context.local_day(now, brand)) != handover.LAPSED:
            raise Conflict(
                N_(
                    "Request #%(id)s already has a handover plan under way: record its "
                    "outcome before planning another window."
                ),
                field="window_start",
                id=request.id,
            )
        _close(
            session,
            existing,
            actor=actor,
            outcome=handover.FAILED,
            reason=handover.LAPSED_REASON,
            now=now,
        )
    calendar = policy.calendar_for(brand)
    zone = context.brand_zone(brand)
    scheduled_on = context.local_day(now, brand)
    end = window_start + timedelta(minutes=window_minutes)
    plan = HandoverPlan(
        request_id=request.id,
        window_start=window_start,
        window_minutes=window_minutes,
        timezone=timezone or zone.key,
        notes=notes,
        scheduled_on=scheduled_on,
        confirm_by=handover.confirm_by(scheduled_on, calendar),
        outcome_by=handover.outcome_by(end.astimezone(zone).date(), calendar),
        created_by_id=actor.id if actor else None,
    )
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="handover.schedule",
        entity=request,
        summary=N_("Request #%(id)s: handover window planned"),
        params={"id": request.id},
        after=audit.snapshot(plan, PLAN_FIELDS),
    )
    return plan


@use_case
def confirm(
    session: Session,
    request_id: int,
    *,
    actor: User | None,
    party: str,
    channel: str = "",
    now: datetime,
) -> HandoverPlan:
    """One side's confirmation of the current window (handover.confirmation_refusal says who
    may give which). Confirming twice changes nothing."""
    request = request_reads.locked_request(session, request_id)
    _require_agreed(request)
    brand = request_reads.brand_of(session, request)
    for_itself = permissions.confirms_for_itself(actor, request, brand, party)
    channel = "" if for_itself else (channel or "")
    if channel and channel not in clock.CHANNELS:
        raise Invalid(N_('Unknown channel "%(channel)s".'), field="channel", channel=channel)
    refused = permissions.confirmation_refusal(actor, request, brand, party, channel)
    if refused is not None:
        kind, message = refused
        field = (
            "party" if party not in handover.PARTIES or kind == handover.FORBIDDEN else "channel"
        )
        raise (Forbidden if kind == handover.FORBIDDEN else Invalid)(message, field=field)
    plan = _locked_plan(session, request_id)
    if plan is None:
        raise Conflict(N_("Request #%(id)s has no handover window to confirm."), id=request.id)
    if getattr(plan, f"{party}_confirmed_at") is not None:
        return plan
    current = handover.standing(facts(plan), now=now, today=context.local_day(now, brand))
    if current == handover.LAPSED:
        raise Conflict(
            N_(
                "The window of request #%(id)s lapsed: both confirmations were due by "
                "%(day)s and before the window began. Staff plan a new one."
            ),
            id=request.id,
            day=plan.confirm_by,
        )
    before = audit.snapshot(plan, PLAN_FIELDS)
    setattr(plan, f"{party}_confirmed_at", now)
    setattr(plan, f"{party}_confirmed_by_id", actor.id if actor else None)
    setattr(plan, f"{party}_channel", channel)
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="handover.confirm",
        entity=request,
        summary=N_("Request #%(id)s: %(party)s confirmed the handover window"),
        params={"id": request.id, "party": recorded.code("party", party)},
        before=before,
        after=audit.snapshot(plan, PLAN_FIELDS),
    )
    return plan


def _close(session, plan, *, actor, outcome, reason, now, note=""):
    before = audit.snapshot(plan, PLAN_FIELDS)
    plan.outcome, plan.outcome_reason, plan.outcome_note = outcome, reason, note
    plan.outcome_at, plan.outcome_by_id = now, actor.id if actor else None
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="handover.outcome",
        entity=session.get(TransferRequest, plan.request_id),
        summary=N_("Request #%(id)s: handover %(outcome)s"),
        params={"id": plan.request_id, "outcome": recorded.code("handover_outcome", outcome)},
        before=before,
        after=audit.snapshot(plan, PLAN_FIELDS),
    )


@use_case
def record_outcome(
    session: Session,
    request_id: int,
    *,
    actor: User | None,
    outcome: str,
    reason: str = "",
    note: str = "",
    now: datetime,
    policy: ClockPolicy,
) -> HandoverPlan:
    """What happened in the window. `claimed` (after both confirmations; the sides may have
    gone ahead before the window's start, and the record says when it was recorded)
    completes the request and moves custody; `failed` (with a reason) closes the plan and
    the request stays agreed, for another window."""
    _require_staff(actor, N_("Only staff record a handover's outcome."))
    if outcome not in handover.OUTCOMES:
        raise Invalid(N_('The outcome is "claimed" or "failed".'), field="outcome")
    note = checked_text(note, "note", NOTES_MAX)
    request = request_reads.locked_request(session, request_id)
    _require_agreed(request)
    brand = request_reads.brand_of(session, request)
    plan = _locked_plan(session, request_id)
    if plan is None:
        raise Conflict(N_("Request #%(id)s has no handover window: plan one first."), id=request.id)
    fact = facts(plan)
    if outcome == handover.CLAIMED:
        if not fact.confirmed:
            raise Conflict(
                N_(
                    "Both sides must confirm the window before the brand can claim the name: "
                    "the holder's and the brand's confirmations are needed."
                ),
                field="outcome",
            )
        _close(session, plan, actor=actor, outcome=outcome, reason="", now=now, note=note)
        today = context.local_day(now, brand)
        transitions.advance(
            session,
            request,
            actor=actor,
            to=workflow.COMPLETED,
            today=today,
            note=note,
            policy=policy,
        )
        return plan
    if reason not in handover.FAILURE_REASONS:
        raise Invalid(
            N_("Say why the window failed: sniped, rename_blocked, no_show or other."),
            field="reason",
        )
    _close(session, plan, actor=actor, outcome=outcome, reason=reason, now=now, note=note)
    return plan


# --- plans past a deadline -------------------------------------------------------------------


def _end_of(day: date, brand: Brand | None) -> datetime:
    """The last moment of `day` where the brand is."""
    zone = context.brand_zone(brand)
    next_day = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    return next_day - timedelta(microseconds=1)


def due_handovers(
    session: Session, *, now: datetime, as_of: date | None = None, brand_slug: str = ""
) -> list[DueHandover]:
    """The plans past a deadline, with their handle, platform and brand, in one query: now,
    or as the registry stood at the end of `as_of` in each brand's zone (a confirmation or an
    outcome recorded later was still missing then); only `brand_slug`'s when given.

    SQL keeps the candidates (by dates that hold in every time zone); each one's standing is
    then read in its brand's zone, as the request page reads it."""
    day = as_of if as_of is not None else now.date()
    # Recorded before this moment: recorded by the end of `day` in every zone.
    settled = min(now, context.day_starts(day + timedelta(days=1)))
    missing = or_(
        HandoverPlan.holder_confirmed_at.is_(None),
        HandoverPlan.brand_confirmed_at.is_(None),
        HandoverPlan.holder_confirmed_at >= settled,
        HandoverPlan.brand_confirmed_at >= settled,
    )
    query = (
        select(HandoverPlan, TransferRequest, Handle, Platform, Brand)
        .join(TransferRequest, TransferRequest.id == HandoverPlan.request_id)
        .join(Handle, Handle.id == TransferRequest.handle_id)
        .join(Platform, Platform.id == Handle.platform_id)
        .join(Brand, Brand.id == Handle.brand_id, isouter=True)
        .where(
            HandoverPlan.scheduled_on <= day + timedelta(days=1),
            or_(HandoverPlan.outcome == "", HandoverPlan.outcome_at >= settled),
            # A plan of a request closed before that day is moot (a claimed outcome recorded
            # since then closed it: it was agreed that day).
            or_(TransferRequest.state == workflow.AGREED, TransferRequest.closed_at >= settled),
            or_(
                and_(
                    missing,
                    or_(
                        HandoverPlan.confirm_by < day + timedelta(days=1),
                        HandoverPlan.window_start < _end_of(day, None) + timedelta(days=1),
                    ),
                ),
                HandoverPlan.outcome_by < day + timedelta(days=1),
            ),
        )
        .order_by(HandoverPlan.confirm_by, HandoverPlan.id)
    )
    if brand_slug:
        query = query.where(Brand.slug == brand_slug)
    listed = []
    for plan, request, handle, platform, brand in session.exec(query).all():
        # Today is now; another day is read at its end, with what was known by then (all
        # of it, for a day ahead: what will be late by then if nothing else happens).
        today_there = as_of is None or as_of == context.local_day(now, brand)
        moment = now if today_there else _end_of(as_of, brand)
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


def get_request_plan(session: Session, request_id: int) -> HandoverPlan:
    plan = current_plan(session, request_id)
    if plan is None:
        raise NotFound(N_("Request #%(id)s has no handover window."), id=request_id)
    return plan


# --- reminders before a window -----------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """A plan whose parties are to be reminded of its window, and who they are: each member
    with the side they act for (holder, brand or staff)."""

    plan: HandoverPlan
    request: TransferRequest
    handle: Handle
    platform: Platform
    brand: Brand | None
    recipients: tuple[tuple[User, str], ...]
    steps: dict[str, tuple[str, ...]]


STAFF_SIDE = "staff"


def _reachable(user: User | None) -> bool:
    return user is not None and user.active and user.deleted_at is None and bool(user.email)


def reminder_recipients(
    session: Session, request: TransferRequest, brand: Brand | None
) -> tuple[tuple[User, str], ...]:
    """The proposing fan of an offer (the holder side), the brand's legal accounts, and
    staff; each member once, active and not erased."""
    found: list[tuple[User, str]] = []
    seen: set[int] = set()

    def add(user: User | None, side: str) -> None:
        if _reachable(user) and user.id not in seen:
            seen.add(user.id)
            found.append((user, side))

    if request.kind == "offer" and request.proposer_id:
        add(session.get(User, request.proposer_id), handover.HOLDER)
    if brand is not None:
        for user in session.exec(
            select(User).where(User.role == LEGAL, User.brand_id == brand.id).order_by(User.id)
        ):
            add(user, handover.BRAND)
    for user in session.exec(
        select(User).where(User.role.in_((STAFF, ADMIN))).order_by(User.id)  # type: ignore[attr-defined]
    ):
        add(user, STAFF_SIDE)
    return tuple(found)


def reminders_due(
    session: Session, *, as_of: date, now: datetime, policy: ClockPolicy
) -> list[Reminder]:
    """Plans whose window starts within the next business day of `as_of` in their brand's
    calendar and whose parties were not reminded yet (registry.domain.reminders)."""
    rows = session.exec(
        select(HandoverPlan, TransferRequest)
        .join(TransferRequest, TransferRequest.id == HandoverPlan.request_id)
        .where(
            HandoverPlan.outcome == "",
            TransferRequest.state == workflow.AGREED,
            HandoverPlan.reminded_at.is_(None),  # type: ignore[union-attr]
            HandoverPlan.window_start > now,
            # A generous bound; each brand's calendar decides below.
            HandoverPlan.window_start
            < datetime.combine(as_of, datetime.min.time(), UTC)
            + timedelta(days=_REMINDER_SPAN_DAYS),
        )
        .order_by(HandoverPlan.window_start, HandoverPlan.id)
    ).all()
    found = []
    for plan, request in rows:
        brand = request_reads.brand_of(session, request)
        start = context.aware(plan.window_start)
        due = reminders.reminder_due(
            facts(plan),
            reminded=plan.reminded_at is not None,
            window_day=context.local_day(start, brand),
            as_of=as_of,
            now=now,
            calendar=policy.calendar_for(brand),
        )
        if not due:
            continue
        handle = session.get(Handle, request.handle_id)
        platform = session.get(Platform, handle.platform_id)
        found.append(
            Reminder(
                plan=plan,
                request=request,
                handle=handle,
                platform=platform,
                brand=brand,
                recipients=reminder_recipients(session, request, brand),
                steps=handover.steps(platform.slug),
            )
        )
    return found


# The longest run of days off between two business days is far below this (a weekend and a
# week of holidays); the calendar of each brand has the last word.
_REMINDER_SPAN_DAYS = 16


@use_case
def mark_reminded(session: Session, plan_id: int, *, now: datetime) -> HandoverPlan:
    """Record that the plan's parties were reminded: its reminder is never sent again."""
    plan = locked(session, HandoverPlan, HandoverPlan.id == plan_id)
    if plan is None:
        raise NotFound(N_("No such handover plan."))
    if plan.reminded_at is None:
        plan.reminded_at = now
        session.add(plan)
        session.flush()
    return plan


# --- what the request page offers: the forms' rules, from the use cases' own -----------------


def _standing_of(session: Session, plan: HandoverPlan, request, *, now: datetime) -> str:
    brand = request_reads.brand_of(session, request)
    return handover.standing(facts(plan), now=now, today=context.local_day(now, brand))


def can_schedule(
    session: Session, user: User | None, request: TransferRequest, *, now: datetime
) -> bool:
    """schedule()'s rule: staff, an agreed request, no plan under way (or one that lapsed)."""
    if not permissions.can_manage(user) or request.state != workflow.AGREED:
        return False
    plan = current_plan(session, request.id)
    return plan is None or _standing_of(session, plan, request, now=now) == handover.LAPSED


def can_confirm_as(
    session: Session,
    user: User | None,
    request: TransferRequest,
    brand: Brand | None,
    party: str,
    *,
    now: datetime,
) -> bool:
    """confirm()'s rule: `user` may confirm for `party`, whose confirmation the current
    window of an agreed request still awaits."""
    if request.state != workflow.AGREED:
        return False
    if party not in permissions.confirmable_parties(user, request, brand):
        return False
    plan = current_plan(session, request.id)
    if plan is None or getattr(plan, f"{party}_confirmed_at") is not None:
        return False
    return _standing_of(session, plan, request, now=now) == handover.AWAITING_CONFIRMATIONS


def can_record_outcome(
    session: Session, user: User | None, request: TransferRequest, *, now: datetime
) -> bool:
    """record_outcome()'s rule: staff, and a window without an outcome on an agreed request."""
    if not permissions.can_manage(user) or request.state != workflow.AGREED:
        return False
    return current_plan(session, request.id) is not None


def can_claim(session: Session, user: User | None, request: TransferRequest) -> bool:
    """Whether the outcome `claimed` may be recorded now: after both confirmations."""
    if not permissions.can_manage(user) or request.state != workflow.AGREED:
        return False
    plan = current_plan(session, request.id)
    return plan is not None and facts(plan).confirmed


def claim_confirmation(session: Session, row: request_reads.RequestRow) -> transitions.Confirmation:
    """What recording `claimed` does, in words, and what to check first: completion's own
    consequence and warnings (custody moves to the brand; no reply on record)."""
    attempts = [attempt for attempt, _logger in request_reads.attempts_of(session, row.request.id)]
    return transitions.confirmation_for(row, workflow.COMPLETED, attempts)


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
