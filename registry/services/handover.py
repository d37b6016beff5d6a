"""The handover of an agreed request: a window, each side's confirmation, the outcome.

`completed` is reached only here (`record_outcome` with `claimed`, after both confirmations):
the request completes and the handle's custody moves in one transaction. A `failed` window
closes its plan and leaves the request agreed, ready for another. The rules (deadlines,
standing, platform warnings and steps) are in registry.domain.handover."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_
from sqlmodel import Session, col

from registry.adapters.models import HandoverPlan, TransferRequest, User
from registry.domain import clock, handover, limits, permissions, recorded, workflow
from registry.domain.messages import N_, Code
from registry.domain.notifications import EventKind
from registry.services import (
    Conflict,
    Forbidden,
    Invalid,
    audit,
    checked,
    checked_text,
    context,
    outbox,
    request_reads,
    transitions,
)
from registry.services.context import Context
from registry.services.handover_plans import facts, platform_of
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


def _locked_plan(session: Session, request_id: int) -> HandoverPlan | None:
    return locked(
        session,
        HandoverPlan,
        and_(col(HandoverPlan.request_id) == request_id, col(HandoverPlan.outcome) == ""),
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


def alternatives_of(platform_slug: str, platform_name: str) -> list[dict]:
    """What a brand can do where the name never changes hands, for a refusal's answer: each
    as its kind, its sentence (a Message, put in the reader's words where it is shown) and
    its source."""
    return [
        {"kind": kind, "text": text, "source": source}
        for kind, text, source in handover.alternatives(platform_slug, platform_name)
    ]


@use_case
def schedule(
    ctx: Context,
    request_id: int,
    *,
    window_start: datetime | None,
    window_minutes: int | None = None,
    timezone: str = "",
    notes: str = "",
) -> HandoverPlan:
    """Plan the handover of an agreed request, its deadlines in the brand's calendar: a
    window ahead of the context's now, except for an ownership change, which needs none
    (`window_start` None); refused (Conflict, with the alternatives) where the name can
    never change hands. A plan that lapsed (its confirmations missed their deadline, or
    its window began without them) is closed as failed first: a new window replaces it. A
    plan still under way is refused: record its outcome first."""
    session, actor, now = ctx.session, ctx.actor, ctx.now
    _require_staff(actor, N_("Only staff schedule a handover."))
    request = request_reads.locked_request(session, request_id)
    if request.state != workflow.AGREED:
        raise Conflict(
            N_("Only an agreed request gets a handover plan; request #%(id)s is %(state)s."),
            field="window_start",
            id=request.id,
            state=Code("state", request.state),
        )
    platform = platform_of(session, request)
    method = handover.method_of(platform.slug)
    if method == handover.IMPOSSIBLE:
        raise Conflict(
            handover.impossible_refusal(platform.name).msgid,
            field="window_start",
            extra={"method": method, "alternatives": alternatives_of(platform.slug, platform.name)},
            platform=platform.name,
        )
    timed = window_start is not None or handover.needs_window(platform.slug)
    if timed:
        window_start, window_minutes = check_window(window_start, window_minutes, now=now)
    else:  # an ownership change: nothing is freed, so no window is needed
        window_minutes = 0
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
    calendar = ctx.policy.calendar_for(brand)
    zone = context.brand_zone(brand)
    scheduled_on = context.local_day(now, brand)
    confirm_by = handover.confirm_by(scheduled_on, calendar)
    end = handover.minutes_after(window_start, window_minutes) if window_start is not None else None
    ends_on = handover.plan_ends_on(
        platform.slug,
        window_end_day=end.astimezone(zone).date() if end is not None else None,
        confirm_by=confirm_by,
    )
    assert request.id is not None  # a stored request has its id
    plan = HandoverPlan(
        request_id=request.id,
        window_start=window_start,
        window_minutes=window_minutes,
        timezone=timezone or zone.key,
        notes=notes,
        scheduled_on=scheduled_on,
        confirm_by=confirm_by,
        outcome_by=handover.outcome_by(ends_on, calendar),
        created_by_id=actor.id if actor else None,
        created_at=now,
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
    outbox.emit(
        session, EventKind.HANDOVER_PLANNED, request=request, actor=actor, data=_plan_data(plan)
    )
    return plan


@use_case
def confirm(ctx: Context, request_id: int, *, party: str, channel: str = "") -> HandoverPlan:
    """One side's confirmation of the current window, now (permissions.confirmation_refusal
    says who may give which). Confirming twice changes nothing."""
    session, actor, now = ctx.session, ctx.actor, ctx.now
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
    outbox.emit(
        session,
        EventKind.HANDOVER_CONFIRMED,
        request=request,
        actor=actor,
        data=_plan_data(plan) | {"party": party},
    )
    return plan


def _plan_data(plan: HandoverPlan) -> dict:
    """A plan as its events name it (no notes: they may name people)."""
    return {
        "handover": {
            "window_start": plan.window_start,
            "window_minutes": plan.window_minutes,
            "confirm_by": plan.confirm_by,
            "holder_confirmed": plan.holder_confirmed_at is not None,
            "brand_confirmed": plan.brand_confirmed_at is not None,
            "outcome": plan.outcome or None,
            "reason": plan.outcome_reason or None,
        }
    }


def _close(session, plan, *, actor, outcome, reason, now, note=""):
    before = audit.snapshot(plan, PLAN_FIELDS)
    plan.outcome, plan.outcome_reason, plan.outcome_note = outcome, reason, note
    plan.outcome_at, plan.outcome_by_id = now, actor.id if actor else None
    session.add(plan)
    session.flush()
    request = session.get(TransferRequest, plan.request_id)
    outbox.emit(
        session, EventKind.HANDOVER_OUTCOME, request=request, actor=actor, data=_plan_data(plan)
    )
    audit.record(
        session,
        actor=actor,
        action="handover.outcome",
        entity=request,
        summary=N_("Request #%(id)s: handover %(outcome)s"),
        params={"id": plan.request_id, "outcome": recorded.code("handover_outcome", outcome)},
        before=before,
        after=audit.snapshot(plan, PLAN_FIELDS),
    )


@use_case
def record_outcome(
    ctx: Context, request_id: int, *, outcome: str, reason: str = "", note: str = ""
) -> HandoverPlan:
    """What happened in the window. `claimed` (after both confirmations; the sides may have
    gone ahead before the window's start, and the record says when it was recorded)
    completes the request and moves custody; `failed` (with a reason) closes the plan and
    the request stays agreed, for another window. Recorded now: a claim completes the
    request on the day it is in the brand's zone."""
    session, actor, now = ctx.session, ctx.actor, ctx.now
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
        handed_over_on = context.local_day(now, brand)
        transitions.advance(ctx.on(handed_over_on), request, to=workflow.COMPLETED, note=note)
        return plan
    method = handover.method_of(platform_of(session, request).slug)
    if reason not in handover.failure_reasons(method):
        if method == handover.OWNERSHIP:  # no name is freed: none taken, no rename refused
            raise Invalid(N_("Say why the change failed: no_show or other."), field="reason")
        raise Invalid(
            N_("Say why the window failed: sniped, rename_blocked, no_show or other."),
            field="reason",
        )
    _close(session, plan, actor=actor, outcome=outcome, reason=reason, now=now, note=note)
    return plan
