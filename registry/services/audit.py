"""The audit trail: one entry per change, written in the same transaction as the change."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from registry.models import AuditEntry, User

PRIVATE_KEYS = frozenset({"password_hash", "token_hash"})


def snapshot(obj: Any, keys: tuple[str, ...] | None = None) -> dict:
    """The plain values of a row, for before/after. Secrets are never written to the audit."""
    data = obj.model_dump() if hasattr(obj, "model_dump") else dict(obj)
    if keys is not None:
        data = {k: data.get(k) for k in keys}
    return {k: v for k, v in data.items() if k not in PRIVATE_KEYS}


def _json(values: dict | None) -> str:
    if not values:
        return ""

    def default(value: Any) -> str:
        if isinstance(value, date | datetime):
            return value.isoformat()
        return str(value)

    return json.dumps(values, default=default, sort_keys=True, ensure_ascii=False)


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    entity: Any,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after.get(k) for k in sorted(changed)}
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else "system",
        action=action,
        entity_type=type(entity).__tablename__ if hasattr(entity, "__tablename__") else "",
        entity_id=getattr(entity, "id", None),
        summary=summary[:500],
        before=_json(before),
        after=_json(after),
    )
    session.add(entry)
    return entry
