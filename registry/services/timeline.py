"""A request's history: its state changes and its handover's steps (read from its audit
entries), the brand's decision (an inbound attempt), in one list oldest first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from registry.adapters.models import (
    AuditEntry,
    ContactAttempt,
    TransferRequest,
    User,
)
from registry.domain import recorded, workflow
from registry.domain.messages import Message
from registry.services.context import aware


def decision_on_record(session: Session, request_id: int) -> bool:
    return (
        session.exec(
            select(ContactAttempt.id).where(
                ContactAttempt.request_id == request_id, ContactAttempt.decision != ""
            )
        ).first()
        is not None
    )


_HISTORY_ACTIONS = ("request.create", "request.transition")
# The handover's steps, recorded against the request too (registry.services.handover).
_HANDOVER_ACTIONS = ("handover.schedule", "handover.confirm", "handover.outcome")
_HISTORY = (
    select(AuditEntry, User)
    .join(User, col(User.id) == AuditEntry.actor_id, isouter=True)
    .where(
        AuditEntry.entity_type == TransferRequest.__tablename__,
        AuditEntry.entity_id == bindparam("request_id"),
        col(AuditEntry.action).in_(_HISTORY_ACTIONS + _HANDOVER_ACTIONS),
    )
    .order_by(col(AuditEntry.at), col(AuditEntry.id))
)


@dataclass(frozen=True)
class StateChange:
    """One step of a request's history: opened (`before` None) or moved from one state to
    another, by a member (`actor`, None for the registry itself) with an optional note."""

    at: datetime
    before: str | None
    after: str
    actor: User | None
    by_registry: bool
    note: Message | str | None


@dataclass(frozen=True)
class Decision:
    """The brand's decision as legal recorded it (stored as an inbound attempt)."""

    at: datetime
    accepted: bool
    channel: str
    contact_point: str
    summary: str
    actor: User | None
    code: str


@dataclass(frozen=True)
class HandoverEvent:
    """One step of the request's handover: a window planned (`schedule`), a side's
    confirmation (`confirm`, with its `party` and the `channel` staff named), an outcome
    (`outcome`: claimed, or failed with its `reason`)."""

    at: datetime
    step: str
    actor: User | None
    by_registry: bool
    window_start: datetime | None = None
    window_minutes: int | None = None
    party: str = ""
    channel: str = ""
    outcome: str = ""
    reason: str = ""


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    change: StateChange | None = None
    decision: Decision | None = None
    handover: HandoverEvent | None = None


def _state_change(entry: AuditEntry, actor: User | None) -> StateChange | None:
    before = recorded.loads(entry.before).get("state")
    after = recorded.loads(entry.after).get("state")
    if after not in workflow.STATES:
        return None
    note = recorded.loads(entry.params).get("note")
    return StateChange(
        at=entry.at,
        before=before if entry.action == "request.transition" else None,
        after=after,
        actor=actor,
        by_registry=entry.actor_id is None,
        note=recorded.resolve(note, lambda _id: Message(recorded.FORMER_MEMBER)) if note else None,
    )


def _handover_event(entry: AuditEntry, actor: User | None) -> HandoverEvent:
    after = recorded.loads(entry.after)
    params = recorded.loads(entry.params)
    step = entry.action.partition(".")[2]
    party = params.get("party") or {}
    start = after.get("window_start")
    try:
        window_start = aware(datetime.fromisoformat(start)) if start else None
    except (TypeError, ValueError):
        window_start = None
    channel = after.get(f"{party.get('value')}_channel", "") if step == "confirm" else ""
    return HandoverEvent(
        at=entry.at,
        step=step,
        actor=actor,
        by_registry=entry.actor_id is None,
        window_start=window_start if step == "schedule" else None,
        window_minutes=after.get("window_minutes") if step == "schedule" else None,
        party=str(party.get("value", "")) if isinstance(party, dict) else "",
        channel=channel or "",
        outcome=(after.get("outcome") or "") if step == "outcome" else "",
        reason=(after.get("outcome_reason") or "") if step == "outcome" else "",
    )


def events_of(session: Session, request_id: int) -> tuple[list[StateChange], list[HandoverEvent]]:
    """The request's state changes and its handover's steps, oldest first, read from its
    audit entries (one query)."""
    changes, events = [], []
    for entry, actor in session.exec(_HISTORY, params={"request_id": request_id}):
        if entry.action in _HANDOVER_ACTIONS:
            events.append(_handover_event(entry, actor))
        elif change := _state_change(entry, actor):
            changes.append(change)
    return changes, events


def history_of(session: Session, request_id: int) -> list[StateChange]:
    """The request's state changes, oldest first, read from its audit entries (one query)."""
    return events_of(session, request_id)[0]


def decision_in(attempts: Iterable[tuple[ContactAttempt, User | None]]) -> Decision | None:
    """The brand's decision among a request's attempts (the last one, were there several)."""
    found = None
    for attempt, logger in attempts:
        if attempt.decision:
            found = Decision(
                at=attempt.happened_at,
                accepted=attempt.decision == recorded.ACCEPT,
                channel=attempt.channel,
                contact_point=attempt.contact_point,
                summary=attempt.summary,
                actor=logger,
                code=attempt.decision,
            )
    return found


def timeline(
    changes: list[StateChange],
    decision: Decision | None,
    handover_events: Iterable[HandoverEvent] = (),
) -> list[TimelineItem]:
    """State changes, the decision and the handover's steps in one list, oldest first; a
    decision or an outcome comes before the moves it caused (recorded a moment later)."""
    items = [TimelineItem(at=aware(c.at), change=c) for c in changes]
    if decision is not None:
        items.append(TimelineItem(at=aware(decision.at), decision=decision))
    items.extend(TimelineItem(at=aware(e.at), handover=e) for e in handover_events)
    return sorted(items, key=lambda item: (item.at, item.change is not None))
