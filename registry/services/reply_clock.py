"""The reply clock of one request: its wait as of a day, from its attempts known by then, and the
due dates stored on the request whenever it changes (the listings read those)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlmodel import Session, col, select

from registry.adapters.models import (
    Brand,
    ContactAttempt,
    TransferRequest,
)
from registry.domain import clock, workflow
from registry.services.context import ClockPolicy, Context, local_day
from registry.services.request_reads import RequestRow


def attempt_facts(
    attempts: Iterable[ContactAttempt], brand: Brand | None
) -> list[clock.AttemptFact]:
    """What the reply clock needs of each attempt: its day in the brand's time zone."""
    return [
        clock.AttemptFact(local_day(a.happened_at, brand), a.direction, a.outcome, a.discounted)
        for a in attempts
    ]


def open_as_of(request: TransferRequest, brand: Brand | None, as_of: date) -> bool:
    """Whether the request existed and was open on `as_of` (a request closed since then was
    still open that day)."""
    return was_open(request.opened_on, request.state, request.closed_at, brand, as_of)


def was_open(
    opened_on: date, state: str, closed_at: datetime | None, brand: Brand | None, as_of: date
) -> bool:
    """`open_as_of` from a request's columns alone (a list reads thousands of them)."""
    if opened_on > as_of:
        return False
    if workflow.is_open(state):
        return True
    return closed_at is not None and local_day(closed_at, brand) > as_of


def status_as_of(
    request: TransferRequest,
    brand: Brand | None,
    attempts: Iterable[ContactAttempt],
    *,
    as_of: date,
    policy: ClockPolicy,
) -> clock.ReplyStatus:
    """The wait of one request as of a date, from its attempts known by then: the one
    computation behind a request's page, its API answer and every list as of a past day."""
    return clock.reply_status(
        is_open=open_as_of(request, brand, as_of),
        opened_on=request.opened_on,
        attempts=attempt_facts(attempts, brand),
        calendar=policy.calendar_for(brand),
        as_of=as_of,
        deadline_days=policy.deadline_for(brand),
    )


def reply_status(
    ctx: Context, row: RequestRow, attempts: Iterable[ContactAttempt], *, as_of: date
) -> clock.ReplyStatus:
    """The full wait of one request as of a date, from the attempts the caller has loaded,
    under the context's clock policy."""
    return status_as_of(row.request, row.brand, attempts, as_of=as_of, policy=ctx.policy)


def known_status(
    request: TransferRequest, brand: Brand | None, *, as_of: date, policy: ClockPolicy
) -> clock.ReplyStatus | None:
    """`status_as_of` without reading attempts, when the request's stored clock is its clock
    as of `as_of` (open then, no attempt after that day in the brand's zone) or it was closed
    by then; None when only its attempts can tell."""
    if request.opened_on > as_of:
        return None
    if not workflow.is_open(request.state):
        closed = request.closed_at is not None and local_day(request.closed_at, brand) <= as_of
        return clock.ReplyStatus(None, None, None, 0, 0) if closed else None
    if request.last_attempt_at is not None and local_day(request.last_attempt_at, brand) > as_of:
        return None
    return stored_clock(request, brand, as_of, policy)


def stored_clock(
    request: TransferRequest, brand: Brand | None, as_of: date, policy: ClockPolicy
) -> clock.ReplyStatus:
    """The request's status as of a day read off its stored clock (`clock.stored_status`)."""
    return clock.stored_status(
        reply_due=request.reply_due_on,
        first_contact_due=request.first_contact_due_on,
        waiting_since=request.waiting_since,
        unanswered_attempts=request.unanswered_attempts,
        calendar=policy.calendar_for(brand),
        as_of=as_of,
    )


def refresh_clock(
    session: Session, request: TransferRequest, brand: Brand | None, *, policy: ClockPolicy
) -> None:
    """Store the reply clock's due dates on the request (same transaction as the change)."""
    attempts = list(
        session.exec(
            select(ContactAttempt)
            .where(ContactAttempt.request_id == request.id)
            .order_by(col(ContactAttempt.happened_at), col(ContactAttempt.id))
        )
    )
    facts = attempt_facts(attempts, brand)
    wait = clock.PendingWait(None, None, None, 0)
    if workflow.is_open(request.state):
        wait = clock.pending_wait(
            opened_on=request.opened_on,
            attempts=facts,
            calendar=policy.calendar_for(brand),
            deadline_days=policy.deadline_for(brand),
        )
    request.reply_due_on = wait.reply_due
    request.first_contact_due_on = wait.first_contact_due
    request.waiting_since = wait.waiting_since
    request.unanswered_attempts = wait.unanswered_attempts
    request.last_attempt_at = attempts[-1].happened_at if attempts else None
    session.add(request)
