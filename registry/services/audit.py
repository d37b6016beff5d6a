"""The audit trail: one entry per change, written in the same transaction as the change.

An entry is never rewritten, not even when a member erases their account, because it holds
no member's personal data to erase:

- the actor is ``actor_id``; who that is gets resolved when the trail is read, and an erased
  member then reads "A former member";
- the summary is a msgid with JSON parameters (registry.domain.recorded), made a sentence in
  the reader's language when shown; a member in it is a ``{"member": id}`` parameter;
- before/after never copy a member's e-mail, name or phone: the fields are recorded as
  changed, their values replaced by a marker (`PERSONAL`). The same holds for a holder's
  contact, always (an e-mail or a phone, private, possibly of someone who joins later), and
  for a holder's name while the holder is a member (``holder_user_id``, itself kept as the
  reference). The values live only on the rows they describe, which the erasure blanks
  (registry.services.privacy).

Why markers rather than values: keeping the values would mean rewriting entries at erasure,
that is, rewriting history, and finding them by text, which rewrote other people's entries.
What staff call a holder who is not a member (a squatter, an agency) is registry data and is
kept as typed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import and_, event, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from registry.adapters.bulk import insert_rows
from registry.adapters.models import AuditChain, AuditEntry, Brand, Platform, User, utcnow
from registry.domain import chain, recorded
from registry.domain.messages import N_, Message
from registry.services import Page
from registry.services.unit import wrote

PRIVATE_KEYS = frozenset({"password_hash", "token_hash"})
SYSTEM_ACTOR = "system"  # actor_label of an entry without actor: the commands, the demo loader
SYSTEM_LABEL = N_("System")
# A member's own personal data (User rows): recorded as changed, never copied.
MEMBER_KEYS = frozenset({"email", "display_name", "phone"})
# A holder's contact is always private; their name is a member's personal data while the
# holder is a member (holder_user_id).
CONTACT_KEYS = frozenset({"holder_contact"})
HOLDER_KEYS = frozenset({"holder_name", "holder_contact"})


def snapshot(obj: Any, keys: tuple[str, ...] | None = None) -> dict:
    """The plain values of a row, for before/after. Secrets are never written to the audit."""
    data = obj.model_dump() if hasattr(obj, "model_dump") else dict(obj)
    if keys is not None:
        data = {k: data.get(k) for k in keys}
    return {k: v for k, v in data.items() if k not in PRIVATE_KEYS}


def redact(values: dict | None) -> dict | None:
    """The values with every member's personal data replaced by `recorded.PERSONAL` (an
    empty value says nothing about anyone and is kept, so "added a phone" still reads so)."""
    if values is None:
        return None
    personal = MEMBER_KEYS | CONTACT_KEYS
    if values.get("holder_user_id") is not None:
        personal |= HOLDER_KEYS
    return {
        k: (recorded.PERSONAL if k in personal and v not in (None, "") else v)
        for k, v in values.items()
    }


class Identified(Protocol):
    """Whoever acts, as an entry records them: by id (a member, or a stand-in for one)."""

    @property
    def id(self) -> int | None: ...


def entry_values(
    *,
    actor: Identified | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    summary: str = "",
    params: dict | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> dict:
    """An entry's column values, not written yet (`record` writes one, `record_all` many).
    `summary` is an English msgid marked N_() with named parameters; `params` their values:
    data (ids, handles, states, names of brands and platforms), a member as
    ``recorded.member(id)``, never a member's name or e-mail."""
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after.get(k) for k in sorted(changed)}
    return {
        "at": utcnow(),
        "actor_id": actor.id if actor else None,
        "actor_label": "" if actor else SYSTEM_ACTOR,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "summary": summary[:500],
        "params": recorded.dumps(params),
        "before": recorded.dumps(redact(before)),
        "after": recorded.dumps(redact(after)),
    }


def chain_head(session: Session) -> AuditChain:
    """The audit chain's head, locked for this transaction (PostgreSQL: FOR UPDATE; SQLite's
    write transaction holds the database), so that concurrent writers chain their entries
    one after the other. Made at the first entry of a registry whose schema was made without
    the migrations (`create_all`). Read once per transaction (a batched import chains each
    batch to the same head)."""
    cached = session.info.get(_HEAD)
    if cached is not None:
        return cached
    query = select(AuditChain).where(AuditChain.id == 1).with_for_update()
    head = session.exec(query).first()
    if head is not None:
        session.info[_HEAD] = head
        return head
    try:
        with session.begin_nested():
            head = AuditChain(id=1, head=chain.GENESIS)
            session.add(head)
            session.flush()
    except IntegrityError:  # made meanwhile by a concurrent first writer
        head = session.exec(query).one()
    session.info[_HEAD] = head
    return head


_HEAD = "registry.audit_chain_head"  # the head, locked by this session's transaction


@event.listens_for(Session, "after_transaction_end")
def _forget_head(session, transaction) -> None:
    if transaction.parent is None:  # the lock ends with the transaction, not a savepoint
        session.info.pop(_HEAD, None)


def chained(session: Session, entries: list[dict]) -> list[dict]:
    """The entries (`entry_values`), in order, each linked to the one before it, the head
    moved past them."""
    head = chain_head(session)
    previous = head.head
    for values in entries:
        values["prev_hash"] = previous
        values["hash"] = previous = chain.link(values, previous)
    head.head = previous
    session.add(head)
    return entries


def record(session: Session, *, entity: Any, **values) -> AuditEntry:
    """Write an entry about `entity` (a row; `entry_values`' other keyword arguments) with
    the session's next flush, chained after the trail's last."""
    [written] = chained(
        session,
        [
            entry_values(
                entity_type=getattr(entity, "__tablename__", ""),
                entity_id=getattr(entity, "id", None),
                **values,
            )
        ],
    )
    entry = AuditEntry(**written)
    session.add(entry)
    return entry


def record_all(session: Session, entries: list[dict]) -> None:
    """Write many entries (`entry_values`) in one batched INSERT (the CSV import's),
    chained in their order."""
    if entries:
        session.flush()  # the entries added before these come first in the chain
        insert_rows(session, AuditEntry, chained(session, entries))
        session.flush()
        wrote(session)


# --- members, resolved when read ------------------------------------------------------------


def members_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    """The accounts of these ids; None (no account) names none."""
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    members = {}
    for user in session.exec(select(User).where(col(User.id).in_(ids))):
        assert user.id is not None  # a stored row has its id
        members[user.id] = user
    return members


def member_label(user: User | None) -> str | Message:
    """How the trail names a member: their e-mail, or "A former member" once erased."""
    if user is None or user.deleted_at is not None:
        return Message(recorded.FORMER_MEMBER)
    return user.email


def _labeller(members: dict[int, User]):
    return lambda user_id: member_label(members.get(user_id))


def summary_message(entry: AuditEntry, members: dict[int, User]) -> Message | None:
    """The entry's summary as a Message to translate (a summary written before codes, with
    no parameters, is looked up as it is and shown as it was)."""
    return recorded.message(entry.summary, entry.params, _labeller(members))


def actor_of(entry: AuditEntry, members: dict[int, User]) -> str | Message:
    """Who made the change: a member by id, else what `actor_label` says ("system")."""
    if entry.actor_id is not None:
        return member_label(members.get(entry.actor_id))
    if entry.actor_label in ("", SYSTEM_ACTOR):
        return Message(SYSTEM_LABEL)
    return entry.actor_label


# --- reading the trail ---------------------------------------------------------------------


@dataclass
class AuditFilters:
    action: str = ""
    entity_type: str = ""
    actor: str = ""  # part of the actor's e-mail, any case (erased members match nothing)
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
    actor: str | Message = ""
    summary: Message | None = None

    @property
    def is_new(self) -> bool:
        """A record created by the entry: it has no values before."""
        return all(change.before is None for change in self.changes)

    @property
    def shown_changes(self) -> list[FieldChange]:
        """What the trail shows: every change; for a new record, its values alone, leaving
        out the empty ones."""
        if self.is_new:
            return [c for c in self.changes if c.after is not None and c.after != ""]
        return self.changes


def list_entries(
    session: Session, filters: AuditFilters, *, page: int, page_size: int
) -> Page[AuditRow]:
    """Audit entries, newest first, each with its before/after values field by field."""
    query = select(AuditEntry)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.entity_type:
        query = query.where(AuditEntry.entity_type == filters.entity_type)
    if filters.actor:
        needle = f"%{filters.actor.strip().lower()}%"
        members = select(User.id).where(
            User.deleted_at.is_(None),  # type: ignore[union-attr]
            func.lower(User.email).like(needle),
        )
        query = query.where(
            or_(
                AuditEntry.actor_id.in_(members),  # type: ignore[union-attr]
                and_(
                    AuditEntry.actor_id.is_(None),  # type: ignore[union-attr]
                    func.lower(AuditEntry.actor_label).like(needle),
                ),
            )
        )
    if filters.date_from:
        query = query.where(AuditEntry.at >= datetime.combine(filters.date_from, time(), UTC))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.at < end)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    entries = session.exec(
        query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    rows = [AuditRow(entry, field_changes(entry)) for entry in entries]
    _name_references(session, rows)
    _name_members(session, rows)
    return Page(rows, page, page_size, total)


def field_changes(entry: AuditEntry) -> list[FieldChange]:
    """The fields an entry records, with their values before and after (None when absent)."""
    before = json.loads(entry.before) if entry.before else {}
    after = json.loads(entry.after) if entry.after else {}
    return [FieldChange(k, before.get(k), after.get(k)) for k in sorted(set(before) | set(after))]


# Ids that mean little to a reader; shown as "Gallimard (#3)".
_REFERENCES: dict[str, tuple[type[Brand] | type[Platform], str]] = {
    "brand_id": (Brand, "name"),
    "platform_id": (Platform, "name"),
}


def _name_references(session: Session, rows: list[AuditRow]) -> None:
    """Put names next to brand and platform ids: one query per kind for the whole page."""
    for key, (model, attribute) in _REFERENCES.items():
        changes = [c for row in rows for c in row.changes if c.field == key]
        ids = {v for c in changes for v in (c.before, c.after) if isinstance(v, int)}
        if not ids:
            continue
        names = dict(
            session.exec(
                select(col(model.id), getattr(model, attribute)).where(col(model.id).in_(ids))
            ).all()
        )
        for change in changes:
            change.before = _named(change.before, names)
            change.after = _named(change.after, names)


def _named(value: Any, names: dict) -> Any:
    if isinstance(value, int) and value in names:
        return f"{names[value]} (#{value})"
    return value


# Fields of before/after that name a member.
MEMBER_FIELDS = frozenset({"holder_user_id", "user_id", "proposer_id", "logged_by_id"})


def _name_members(session: Session, rows: list[AuditRow]) -> None:
    """Actors, members in summaries and member fields, resolved now: one query per page."""
    ids: set[int] = set()
    for row in rows:
        ids.add(row.entry.actor_id)  # type: ignore[arg-type]
        ids |= recorded.member_ids(recorded.loads(row.entry.params))
        ids |= {
            v
            for c in row.changes
            if c.field in MEMBER_FIELDS
            for v in (c.before, c.after)
            if isinstance(v, int)
        }
    members = members_by_id(session, ids)
    for row in rows:
        row.actor = actor_of(row.entry, members)
        row.summary = summary_message(row.entry, members)
        for change in row.changes:
            if change.field in MEMBER_FIELDS:
                change.before = _member_value(change.before, members)
                change.after = _member_value(change.after, members)
            change.before = recorded.resolve(change.before, _labeller(members))
            change.after = recorded.resolve(change.after, _labeller(members))


def _member_value(value: Any, members: dict[int, User]) -> Any:
    if isinstance(value, int):
        return Message(MEMBER_WITH_ID, member=member_label(members.get(value)), id=value)
    return value


MEMBER_WITH_ID = "%(member)s (#%(id)s)"


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
