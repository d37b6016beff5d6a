"""What keeps a second request off a handle: its open request (at most one), and the lock after
its handover (HANDOVER_LOCK_DAYS)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, func, select

from registry.adapters.models import (
    CustodyRecord,
    TransferRequest,
)
from registry.domain import handover, recorded, workflow
from registry.services.context import Context


def open_request_on(session: Session, handle_id: int) -> TransferRequest | None:
    """The handle's open request: there is at most one (see propose)."""
    return session.exec(
        select(TransferRequest).where(
            TransferRequest.handle_id == handle_id,
            TransferRequest.state.in_(workflow.OPEN_STATES),  # type: ignore[attr-defined]
        )
    ).first()


def lock_until(ctx: Context, handle_id: int) -> date | None:
    """The first day a new request on the handle is accepted after its latest handover
    (the configured HANDOVER_LOCK_DAYS later), while that day is still ahead of the
    context's day (else None): the lock against a name bounced back and forth (DESIGN
    "Handover"; ICANN locks a domain 60 days after a transfer)."""
    last = ctx.session.exec(
        select(func.max(CustodyRecord.started_on)).where(
            CustodyRecord.handle_id == handle_id, CustodyRecord.note_code == recorded.HANDED_OVER
        )
    ).one()
    if last is None:
        return None
    ends = handover.lock_ends(last, ctx.policy.lock_days)
    return ends if ends > ctx.today else None
