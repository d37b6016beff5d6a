"""Dispatch what the outbox holds: each committed event becomes one notification per member
it concerns and one delivery per webhook registered for it, then is marked dispatched — all
in one transaction, so a dispatch interrupted halfway is done again whole, and the unique
keys (member, event) and (hook, event) keep anyone from being told twice.

Who is told (registry.domain.notifications.audiences): never the member who acted, never a
member who may not read the request (registry.domain.permissions.can_view), never of a
topic their role does not hear of, and on each channel only if they left it on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from registry.adapters.models import (
    Event,
    Notification,
    NotificationPreference,
    TransferRequest,
    User,
    Webhook,
    WebhookDelivery,
)
from registry.domain import notifications, permissions
from registry.domain.notifications import Audience, Channel, EventFacts, Topic
from registry.services.context import Context
from registry.services.unit import use_case

BATCH = 200  # events per transaction


@dataclass
class Dispatched:
    """What a dispatch made: the notifications to e-mail and the deliveries to send."""

    events: int = 0
    emails: list[int] = field(default_factory=list)
    deliveries: list[int] = field(default_factory=list)


def facts_of(event: Event, data: dict) -> EventFacts:
    attempt = data.get("attempt") or {}
    return EventFacts(
        kind=event.kind,
        request_kind=(data.get("request") or {}).get("kind", ""),
        direction=attempt.get("direction", ""),
        outcome=attempt.get("outcome", ""),
        decision=attempt.get("decision") or "",
        to_state=(data.get("transition") or {}).get("to", ""),
        flag=(data.get("flag") or {}).get("flag", ""),
    )


def _audience(
    session: Session, audience: Audience, event: Event, data: dict, request
) -> list[User]:
    """The active members an audience names for this event."""
    query = select(User).where(col(User.active).is_(True), col(User.deleted_at).is_(None))
    if audience == Audience.PROPOSER:
        if request is None or request.proposer_id is None:
            return []
        query = query.where(User.id == request.proposer_id)
    elif audience == Audience.BRAND_LEGAL:
        if event.brand_id is None:
            return []
        query = query.where(User.role == permissions.LEGAL, User.brand_id == event.brand_id)
    elif audience == Audience.STAFF:
        query = query.where(col(User.role).in_((permissions.STAFF, permissions.ADMIN)))
    else:  # OWNER
        owner = data.get("owner_id")
        if not isinstance(owner, int):
            return []
        query = query.where(User.id == owner)
    return list(session.exec(query.order_by(col(User.id))))


def _preferences(session: Session, users: Iterable[User]) -> dict[tuple[int, str, str], bool]:
    ids = [u.id for u in users]
    if not ids:
        return {}
    rows = session.exec(
        select(NotificationPreference).where(col(NotificationPreference.user_id).in_(ids))
    )
    return {(p.user_id, p.topic, p.channel): p.enabled for p in rows}


def recipients(
    session: Session, event: Event, data: dict, request: TransferRequest | None
) -> list[tuple[User, Topic]]:
    """Each member this event concerns, once, with the topic it is for them."""
    chosen: dict[int, tuple[User, Topic]] = {}
    for topic, audience in notifications.audiences(facts_of(event, data)):
        for user in _audience(session, audience, event, data, request):
            assert user.id is not None
            if user.id in chosen or user.id == event.actor_id:
                continue
            if topic not in notifications.topics_for(user.role):
                continue
            if request is not None and not permissions.can_view(user, request):
                continue
            chosen[user.id] = (user, topic)
    return list(chosen.values())


def _notify(session: Session, event: Event, data: dict, request, out: Dispatched) -> None:
    assert event.id is not None
    told = recipients(session, event, data, request)
    choices = _preferences(session, (user for user, _ in told))
    # An event dispatched again (a worker stopped before marking it): who was told stays told.
    already = set(
        session.exec(select(Notification.user_id).where(Notification.event_id == event.id))
    )
    made = []
    for user, topic in told:
        assert user.id is not None
        if user.id in already:
            continue
        on_site = choices.get((user.id, topic, Channel.SITE), True)
        by_email = choices.get((user.id, topic, Channel.EMAIL), True)
        if not (on_site or by_email):
            continue
        row = Notification(
            user_id=user.id, event_id=event.id, topic=topic, on_site=on_site, by_email=by_email
        )
        session.add(row)
        made.append(row)
    session.flush()
    out.emails.extend(row.id for row in made if row.by_email and row.id is not None)


def hooks_for(hooks: Sequence[Webhook], event: Event) -> list[Webhook]:
    """The hooks registered for this event's kind: an admin's for every brand, a legal
    team's for its own brand's events only."""
    if event.kind not in notifications.WEBHOOK_EVENTS:
        return []
    return [
        hook
        for hook in hooks
        if event.kind in json.loads(hook.events or "[]")
        and (hook.brand_id is None or hook.brand_id == event.brand_id)
    ]


def _active_hooks(session: Session) -> list[Webhook]:
    owners_active = select(User.id).where(
        col(User.active).is_(True), col(User.deleted_at).is_(None)
    )
    return list(
        session.exec(
            select(Webhook).where(
                col(Webhook.disabled_at).is_(None), col(Webhook.owner_id).in_(owners_active)
            )
        )
    )


@use_case
def dispatch(ctx: Context, *, limit: int = BATCH) -> Dispatched:
    """Dispatch up to `limit` committed events, oldest first (another worker's batch is
    skipped on PostgreSQL, and waited for on SQLite)."""
    session, now = ctx.session, ctx.now
    events = list(
        session.exec(
            select(Event)
            .where(col(Event.dispatched_at).is_(None))
            .order_by(col(Event.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    out = Dispatched(events=len(events))
    if not events:
        return out
    request_ids = {e.request_id for e in events if e.request_id is not None}
    requests = {
        r.id: r
        for r in session.exec(
            select(TransferRequest).where(col(TransferRequest.id).in_(request_ids))
        )
    }
    hooks = _active_hooks(session)
    for event in events:
        data = json.loads(event.data or "{}")
        request = requests.get(event.request_id) if event.request_id is not None else None
        _notify(session, event, data, request, out)
        sent = set(
            session.exec(
                select(WebhookDelivery.webhook_id).where(WebhookDelivery.event_id == event.id)
            )
        )
        for hook in hooks_for(hooks, event):
            assert hook.id is not None and event.id is not None
            if hook.id in sent:
                continue
            delivery = WebhookDelivery(webhook_id=hook.id, event_id=event.id, next_attempt_at=now)
            session.add(delivery)
            session.flush()
            assert delivery.id is not None
            out.deliveries.append(delivery.id)
        event.dispatched_at = now
        session.add(event)
    session.flush()
    return out


def pending_events(session: Session) -> int:
    """How many committed events wait for dispatch (a bounded health check)."""
    return len(
        session.exec(select(Event.id).where(col(Event.dispatched_at).is_(None)).limit(10_000)).all()
    )
