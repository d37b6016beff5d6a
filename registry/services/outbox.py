"""The outbox: an event written beside the audit entry of the change it reports, in the same
transaction, so that a change rolled back notifies nobody and a change committed is never
lost to a crash before its notifications went out (registry.services.notifications
dispatches what is committed; the job queue runs it: registry.jobs.notifications).

An event's data is what a webhook receives (DESIGN.md: `{id, event, occurred_at, data}`):
the request as the registry's public words name it (id, kind, state, the handle, its
platform and brand), never a member's personal data nor a holder's contact.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from registry.adapters.models import Brand, Event, Handle, Platform, TransferRequest
from registry.domain import workflow
from registry.domain.notifications import EventKind
from registry.services.context import Context
from registry.services.unit import use_case

EMITTED = "registry.emitted"  # set on a session that wrote an event; cleared at commit
REPLAYING = "registry.replaying"  # set while a session replays the past (the demo's history)


def _plain(value: Any) -> Any:
    """A value as JSON writes it: dates and moments in ISO 8601."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def request_data(session: Session, request: TransferRequest) -> dict:
    """The request as every event about it names it."""
    handle = session.get(Handle, request.handle_id)
    platform = session.get(Platform, handle.platform_id) if handle else None
    brand = session.get(Brand, handle.brand_id) if handle and handle.brand_id else None
    return {
        "request": {
            "id": request.id,
            "kind": request.kind,
            "state": request.state,
            "due_date": request.reply_due_on,
        },
        "handle": {
            "id": handle.id if handle else None,
            "platform": platform.slug if platform else None,
            "handle": handle.handle if handle else None,
        },
        "brand": brand.slug if brand else None,
    }


def emit(
    session: Session,
    kind: EventKind,
    *,
    request: TransferRequest | None = None,
    brand_id: int | None = None,
    actor: Any = None,
    data: dict | None = None,
    key: str | None = None,
) -> Event:
    """Write an event with the session's next flush (the caller's transaction). About a
    request, its brand and public facts are filled in; `data` adds the event's own."""
    payload: dict[str, Any] = {}
    if request is not None:
        payload = request_data(session, request)
        if brand_id is None:
            handle = session.get(Handle, request.handle_id)
            brand_id = handle.brand_id if handle else None
    payload |= data or {}
    event = Event(
        kind=kind.value,
        request_id=request.id if request is not None else None,
        brand_id=brand_id,
        actor_id=getattr(actor, "id", None),
        data=json.dumps(payload, sort_keys=True, default=_plain),
        key=key,
    )
    if session.info.get(REPLAYING):
        event.dispatched_at = event.occurred_at  # history told to nobody: see `replayed`
    session.add(event)
    session.info[EMITTED] = True
    return event


class Replaying:
    """Changes written as history (the demo's past, loaded at once), in a `with` block:
    their events are kept but told to nobody, since they are not news; `tell_open` then tells
    what is still under way."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __enter__(self) -> None:
        self.session.info[REPLAYING] = True

    def __exit__(self, *_exc: object) -> None:
        self.session.info.pop(REPLAYING, None)


@use_case
def tell_open(ctx: Context) -> None:
    """Tell, after a replay, the events of the requests still open: their members hear of
    what awaits them (dispatched once committed)."""
    session = ctx.session
    still_open = select(TransferRequest.id).where(
        col(TransferRequest.state).in_(workflow.OPEN_STATES)
    )
    session.exec(
        update(Event)
        .where(col(Event.request_id).in_(still_open), col(Event.dispatched_at).is_not(None))
        .values(dispatched_at=None)
    )
    session.info[EMITTED] = True


def emit_once(session: Session, kind: EventKind, *, key: str, **values: Any) -> Event | None:
    """`emit`, unless an event of this key was written already (a flag noticed on each run
    of a job is one event): None then. Safe against a concurrent writer of the same key."""
    if session.exec(select(Event.id).where(Event.key == key)).first() is not None:
        return None
    try:
        with session.begin_nested():
            event = emit(session, kind, key=key, **values)
            session.flush()
    except IntegrityError:
        return None
    return event
