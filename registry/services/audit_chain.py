"""Checking the audit trail's hash chain (`registry verify`): walked in id order, in batches,
each entry's hash recomputed from its content and its link to the one before it checked;
the first break is named (registry.domain.chain says why it breaks)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from registry.adapters.models import AuditChain, AuditEntry
from registry.domain import chain

BATCH = 2000


@dataclass(frozen=True)
class Verified:
    entries: int  # entries read (up to the break, when there is one)
    problem: chain.Break | None


def verify(session: Session, *, batch: int = BATCH) -> Verified:
    """Walk the whole trail; the first break, or None when the chain holds to its head."""
    expected, count, after = chain.GENESIS, 0, 0
    while True:
        rows = list(
            session.exec(
                select(AuditEntry)
                .where(col(AuditEntry.id) > after)
                .order_by(col(AuditEntry.id))
                .limit(batch)
            )
        )
        for entry in rows:
            problem = chain.check(entry.model_dump(), expected)
            if problem is not None:
                return Verified(count, problem)
            expected, count = entry.hash, count + 1
        if len(rows) < batch:
            break
        after = rows[-1].id or 0
        session.expunge_all()  # a long trail is read, not kept
    head = session.get(AuditChain, 1)
    if (head.head if head else chain.GENESIS) != expected:
        return Verified(count, chain.Break(None, chain.TAIL_REMOVED))
    return Verified(count, None)
