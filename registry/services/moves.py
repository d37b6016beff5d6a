"""One step of a request's state: checked against the workflow, recorded in the audit trail.
The use cases that move a request (a transition, a decision, a first contact, a handover)
all step through `move`."""

from __future__ import annotations

from sqlmodel import Session

from registry.adapters.models import (
    TransferRequest,
    utcnow,
)
from registry.domain import recorded, workflow
from registry.domain.messages import N_, Explained
from registry.domain.notifications import EventKind
from registry.services import (
    Conflict,
    Invalid,
    audit,
    outbox,
)


def check_move(current: str, target: str) -> None:
    try:
        workflow.check_transition(current, target)
    except workflow.TransitionNotAllowed as exc:
        # 409: the move is well-formed; the request's current state refuses it.
        raise Conflict.explaining(
            exc, field="to", extra={"allowed_transitions": list(exc.allowed)}
        ) from None
    except Explained as exc:
        raise Invalid.explaining(exc, field="to") from None


def move(session: Session, request: TransferRequest, target: str, *, actor, note: str = ""):
    check_move(request.state, target)
    before = request.state
    request.state = target
    request.updated_at = utcnow()
    if not workflow.is_open(target):
        request.closed_at = utcnow()
    session.add(request)
    audit.record(
        session,
        actor=actor,
        action="request.transition",
        entity=request,
        summary=N_("Request #%(id)s: %(before)s → %(after)s (%(note)s)")
        if note
        else N_("Request #%(id)s: %(before)s → %(after)s"),
        params={
            "id": request.id,
            "before": recorded.code("state", before),
            "after": recorded.code("state", target),
        }
        | ({"note": recorded.transition_note(note)} if note else {}),
        before={"state": before},
        after={"state": target},
    )
    outbox.emit(
        session,
        EventKind.REQUEST_TRANSITIONED,
        request=request,
        actor=actor,
        data={"transition": {"from": before, "to": target}},
    )
