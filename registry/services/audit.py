"""The audit trail: one entry per change, written in the same transaction as the change."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, func, select

from registry.models import AuditEntry, Brand, Platform, User
from registry.services import Page

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


# --- reading the trail ---------------------------------------------------------------------


@dataclass
class AuditFilters:
    action: str = ""
    entity_type: str = ""
    actor: str = ""  # part of the actor's e-mail, any case
    date_from: date | None = None  # UTC days, both ends included
    date_to: date | None = None

    def active(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass
class AuditRow:
    entry: AuditEntry
    changes: list[FieldChange] = field(default_factory=list)


def list_entries(
    session: Session, filters: AuditFilters, page: int = 1, page_size: int = 25
) -> Page[AuditRow]:
    """Audit entries, newest first, each with its before/after values field by field."""
    query = select(AuditEntry)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.entity_type:
        query = query.where(AuditEntry.entity_type == filters.entity_type)
    if filters.actor:
        needle = f"%{filters.actor.strip().lower()}%"
        query = query.where(func.lower(AuditEntry.actor_label).like(needle))
    if filters.date_from:
        query = query.where(AuditEntry.at >= datetime.combine(filters.date_from, time(), UTC))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.at < end)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    entries = session.exec(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())  # type: ignore[attr-defined]
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    rows = [AuditRow(entry, field_changes(entry)) for entry in entries]
    _name_references(session, rows)
    return Page(rows, page, page_size, total)


def field_changes(entry: AuditEntry) -> list[FieldChange]:
    """The fields an entry records, with their values before and after (None when absent)."""
    before = json.loads(entry.before) if entry.before else {}
    after = json.loads(entry.after) if entry.after else {}
    return [FieldChange(k, before.get(k), after.get(k)) for k in sorted(set(before) | set(after))]


# Ids that mean little to a reader; shown as "Gallimard (#3)".
_REFERENCES = {"brand_id": (Brand, "name"), "platform_id": (Platform, "name")}


def _name_references(session: Session, rows: list[AuditRow]) -> None:
    """Put names next to brand and platform ids: one query per kind for the whole page."""
    for key, (model, attribute) in _REFERENCES.items():
        changes = [c for row in rows for c in row.changes if c.field == key]
        ids = {v for c in changes for v in (c.before, c.after) if isinstance(v, int)}
        if not ids:
            continue
        names = dict(
            session.exec(select(model.id, getattr(model, attribute)).where(model.id.in_(ids))).all()
        )
        for change in changes:
            change.before = _named(change.before, names)
            change.after = _named(change.after, names)


def _named(value: Any, names: dict) -> Any:
    if isinstance(value, int) and value in names:
        return f"{names[value]} (#{value})"
    return value


def choices(session: Session) -> tuple[list[str], list[str]]:
    """The actions and entity types the trail holds, for the filters."""
    actions = session.exec(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    types = session.exec(
        select(AuditEntry.entity_type)
        .where(AuditEntry.entity_type != "")
        .distinct()
        .order_by(AuditEntry.entity_type)
    )
    return list(actions), list(types)
