"""Contact attempts: log one, check when it happened, and the ladder's suggestion of what to
try next on an open request."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import col, select

from registry.adapters.models import (
    ContactAttempt,
    ContactPoint,
    TransferRequest,
    utcnow,
)
from registry.domain import clock, escalation, limits, permissions, recorded, workflow
from registry.domain.messages import N_
from registry.domain.notifications import EventKind
from registry.domain.permissions import (
    can_log_attempt,
)
from registry.services import (
    Invalid,
    audit,
    checked,
    checked_text,
    handles,
    outbox,
    require,
)
from registry.services.context import FUTURE_TOLERANCE, Context, local_day
from registry.services.moves import move
from registry.services.reply_clock import attempt_facts, refresh_clock
from registry.services.request_reads import (
    DOOR_REFUSALS,
    RequestRow,
    attempts_of,
    brand_of,
    locked_request,
)
from registry.services.unit import use_case

# Why no more attempts can be logged, one whole sentence per closed state.
CLOSED_MESSAGES = {
    workflow.COMPLETED: N_("This request is completed: no more contact attempts can be logged."),
    workflow.DECLINED: N_("This request is declined: no more contact attempts can be logged."),
    workflow.WITHDRAWN: N_("This request is withdrawn: no more contact attempts can be logged."),
}
ATTEMPT_FIELDS = (
    "request_id",
    "direction",
    "channel",
    "contact_point",
    "happened_at",
    "outcome",
    "summary",
    "decision",
)


def check_happened_at(happened_at: datetime | None, *, now: datetime) -> datetime:
    """When an attempt happened: an aware moment, in the registry's range, not ahead of now."""
    if happened_at is None or happened_at.tzinfo is None:
        raise Invalid("Give the time of the attempt with its time zone.", field="happened_at")
    checked(limits.check_moment, happened_at, "happened_at")
    if happened_at > now + FUTURE_TOLERANCE:
        raise Invalid("A contact attempt cannot be dated in the future.", field="happened_at")
    return happened_at


@use_case
def log_attempt(
    ctx: Context,
    request_id: int,
    *,
    direction: str,
    channel: str,
    outcome: str,
    happened_at: datetime | None,
    contact_point: str = "",
    summary: str = "",
) -> ContactAttempt:
    """Log one contact attempt, happened at the latest a few minutes after the context's
    now. An attempt dated before the request's `opened_on` moves it back: the request was
    made at the latest then."""
    request = locked_request(ctx.session, request_id)
    require(
        ctx.actor is None or can_log_attempt(ctx.actor, request, brand_of(ctx.session, request)),
        DOOR_REFUSALS[permissions.ATTEMPT],
    )
    return record_attempt(
        ctx,
        request,
        direction=direction,
        channel=channel,
        outcome=outcome,
        happened_at=happened_at,
        contact_point=contact_point,
        summary=summary,
    )


def record_attempt(
    ctx: Context,
    request: TransferRequest,
    *,
    direction: str,
    channel: str,
    outcome: str,
    happened_at: datetime | None,
    contact_point: str,
    summary: str,
    decision: str = "",
    message_id: str = "",
    mass_reply: bool = False,
    unverified: bool = False,
) -> ContactAttempt:
    """The attempt itself, once the caller has the right to log it (`message_id`,
    `mass_reply` and `unverified` for mail: registry.services.mail_intake)."""
    session, actor = ctx.session, ctx.actor
    handles.check_choice(direction, clock.DIRECTIONS, "direction", "direction")
    handles.check_choice(channel, clock.CHANNELS, "channel", "channel")
    handles.check_choice(outcome, clock.OUTCOMES, "outcome", "outcome")
    if not workflow.is_open(request.state):
        raise Invalid(CLOSED_MESSAGES[request.state])
    happened_at = check_happened_at(happened_at, now=ctx.now)
    assert request.id is not None  # a stored request has its id
    attempt = ContactAttempt(
        request_id=request.id,
        direction=direction,
        channel=channel,
        contact_point=checked_text(contact_point, "contact_point", limits.CONTACT_POINT_MAX),
        logged_by_id=actor.id if actor else None,
        happened_at=happened_at,
        outcome=outcome,
        summary=checked_text(summary, "summary", limits.SUMMARY_MAX),
        decision=decision,
        message_id=message_id,
        mass_reply=mass_reply,
        unverified=unverified,
    )
    session.add(attempt)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="attempt.create",
        entity=attempt,
        summary=N_("Request #%(id)s: %(direction)s %(channel)s, %(outcome)s"),
        params={
            "id": request.id,
            "direction": recorded.code("direction", direction),
            "channel": recorded.code("channel", channel),
            "outcome": recorded.code("outcome", outcome),
        },
        after=audit.snapshot(attempt, ATTEMPT_FIELDS),
    )
    outbox.emit(
        session,
        EventKind.ATTEMPT_LOGGED,
        request=request,
        actor=actor,
        data={
            "attempt": {
                "id": attempt.id,
                "direction": direction,
                "channel": channel,
                "outcome": outcome,
                "happened_at": happened_at,
                "decision": decision or None,
            }
        },
    )
    brand = brand_of(session, request)
    attempt_day = local_day(happened_at, brand)
    if attempt_day < request.opened_on:
        audit.record(
            session,
            actor=actor,
            action="request.update",
            entity=request,
            summary=N_("Request #%(id)s: opened on moved back to %(day)s"),
            params={"id": request.id, "day": recorded.day(attempt_day)},
            before={"opened_on": request.opened_on},
            after={"opened_on": attempt_day},
        )
        request.opened_on = attempt_day
    if request.state == workflow.PROPOSED and direction == clock.OUTBOUND:
        move(session, request, workflow.CONTACTING, actor=actor, note=recorded.FIRST_CONTACT)
    request.updated_at = utcnow()
    refresh_clock(session, request, brand, policy=ctx.policy)
    session.flush()
    return attempt


def escalation_for(
    ctx: Context,
    row: RequestRow,
    *,
    attempts: Iterable[ContactAttempt] | None = None,
    department_names: dict[str, tuple[str, ...]] | None = None,
) -> escalation.Suggestion | None:
    """The ladder's suggestion for an open request (registry.domain.escalation), or None.

    ``attempts`` when the caller has loaded them; ``department_names`` the names of each
    contact point kind a member may have typed (the request page offers them in the reader's
    language), so an attempt "to" the press office names the brand's press office point.
    A channel is given up on after the configured ESCALATE_AFTER unanswered attempts."""
    session = ctx.session
    if not workflow.is_open(row.request.state):
        return None
    if attempts is None:
        assert row.request.id is not None  # a listed request is a stored row
        attempts = [attempt for attempt, _ in attempts_of(session, row.request.id)]
    attempts = list(attempts)
    facts = [
        escalation.ChannelAttempt(fact, attempt.channel, attempt.contact_point or "")
        for attempt, fact in zip(attempts, attempt_facts(attempts, row.brand), strict=True)
    ]
    points = []
    if row.brand is not None:
        points = [
            escalation.Point(point.kind, point.label, point.value)
            for point in session.exec(
                select(ContactPoint)
                .where(ContactPoint.brand_id == row.brand.id)
                .order_by(col(ContactPoint.id))
            )
        ]
    return escalation.suggestion(
        facts,
        points,
        escalate_after=ctx.policy.escalate_after,
        department_names=department_names,
    )
