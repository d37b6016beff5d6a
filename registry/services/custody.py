"""Who holds a handle, and since when: its custody records, a change of holder, a holder
confirmed by staff. Every change closes the open record and appends a new one, so the
history stays complete; the notes the registry writes itself are codes
(registry.domain.recorded.CUSTODY_NOTES)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from registry.adapters.models import (
    HOLDER_KINDS,
    CustodyRecord,
    Handle,
    utcnow,
)
from registry.domain import limits, recorded
from registry.domain.messages import N_
from registry.services import (
    Conflict,
    Invalid,
    audit,
    check_version,
    checked_day,
    checked_text,
    checked_url,
)
from registry.services.context import Context
from registry.services.handles import (
    CHANGED_MEANWHILE,
    HOLDER_FIELDS,
    check_choice,
    locked_handle,
    require_editor,
)
from registry.services.unit import use_case

# Notes the registry writes on custody records itself: codes (CustodyRecord.note_code), said
# in the reader's language when shown (registry.domain.recorded.CUSTODY_NOTES).
FIRST_RECORDED = recorded.FIRST_RECORDED
IMPORTED = recorded.IMPORTED
HANDED_OVER = recorded.HANDED_OVER  # note_params: {"id": the transfer request}


def current_custody(session: Session, handle_id: int) -> CustodyRecord | None:
    return session.exec(
        select(CustodyRecord)
        .where(CustodyRecord.handle_id == handle_id, CustodyRecord.ended_on.is_(None))  # type: ignore[union-attr]
        .order_by(CustodyRecord.id.desc())  # type: ignore[union-attr]
    ).first()


@use_case
def change_holder(
    ctx: Context, handle_id: int, *, expected_version: int | None = None, **values
) -> CustodyRecord:
    """Staff record a change of holder (see `move_custody`), refused from a stale copy."""
    require_editor(ctx.actor)
    record = locked_handle(ctx.session, handle_id)
    check_version(record, expected_version, CHANGED_MEANWHILE)
    return move_custody(ctx, record, **values)


def move_custody(
    ctx: Context,
    record: Handle,
    *,
    holder_kind: str,
    holder_name: str = "",
    holder_contact: str = "",
    holder_user_id: int | None = None,
    started_on: date,
    evidence_url: str = "",
    note: str = "",
    note_code: str = "",
    note_params: dict | None = None,
) -> CustodyRecord:
    """Close the open custody record and append the new one; the handle shows the new holder.
    Also the custody step of a completed transfer request. `note` is what staff typed,
    `note_code` and `note_params` what the registry says itself (recorded.CUSTODY_NOTES);
    `holder_user_id` the new holder when the holder is a member. A change is dated on or
    before the context's day."""
    session, actor = ctx.session, ctx.actor
    check_choice(holder_kind, HOLDER_KINDS, "holder_kind", "holder kind")
    holder_name = checked_text(holder_name, "holder_name", limits.NAME_MAX)
    holder_contact = checked_text(holder_contact, "holder_contact", limits.CONTACT_MAX)
    evidence_url = checked_url(evidence_url, "evidence_url")
    note = checked_text(note, "note", limits.NOTE_MAX)
    if started_on is None:
        raise Invalid("Give the day the new holder took the handle.", field="started_on")
    checked_day(started_on, "started_on")
    if started_on > ctx.today:
        raise Invalid("A change of holder cannot be dated in the future.", field="started_on")
    assert record.id is not None  # a stored handle has its id
    previous = current_custody(session, record.id)
    if previous is not None:
        if started_on < previous.started_on:
            raise Invalid(
                "The current holder has held it since %(since)s;"
                " the change cannot be dated before that.",
                field="started_on",
                since=previous.started_on,
            )
        previous.ended_on = started_on
        session.add(previous)
    before = audit.snapshot(record, HOLDER_FIELDS)
    custody = CustodyRecord(
        handle_id=record.id,
        holder_kind=holder_kind,
        holder_name=holder_name.strip(),
        holder_contact=holder_contact.strip(),
        started_on=started_on,
        holder_user_id=holder_user_id,
        evidence_url=evidence_url.strip(),
        note=note.strip(),
        note_code=note_code,
        note_params=recorded.dumps(note_params),
        recorded_by_id=actor.id if actor else None,
    )
    session.add(custody)
    record.holder_kind = holder_kind
    record.holder_name = custody.holder_name
    record.holder_contact = custody.holder_contact
    record.holder_user_id = custody.holder_user_id
    record.holder_verified = True  # staff (or a completed transfer) recorded this holder
    record.updated_at = utcnow()
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="handle.custody",
        entity=record,
        summary=N_("@%(handle)s now held by %(holder)s"),
        params={
            "handle": record.handle,
            "holder": recorded.member(holder_user_id)
            or holder_name
            or recorded.code("holder_kind", holder_kind),
        },
        before=before,
        after=audit.snapshot(record, HOLDER_FIELDS),
    )
    return custody


@use_case
def verify_holder(
    ctx: Context, handle_id: int, *, evidence_url: str, expected_version: int | None = None
) -> Handle:
    """Staff confirm the holder a fan recorded themselves, naming the page they checked
    (the profile's bio, a post, a message from the account): the handle stops saying
    "unverified". The open custody record keeps who confirmed it, when, and that page."""
    session, actor = ctx.session, ctx.actor
    require_editor(actor)
    record = locked_handle(session, handle_id)
    check_version(record, expected_version, CHANGED_MEANWHILE)
    if record.holder_verified:
        raise Conflict("This handle's holder is already confirmed.", field="evidence_url")
    evidence_url = checked_url(evidence_url, "evidence_url")
    if not evidence_url:
        raise Invalid(
            "Give the address of the page that shows who holds the handle.",
            field="evidence_url",
        )
    custody = current_custody(session, handle_id)
    if custody is not None:
        custody.holder_verified = True
        custody.verified_url = evidence_url
        custody.verified_by_id = actor.id if actor else None
        custody.verified_at = ctx.now
        session.add(custody)
    before = audit.snapshot(record, HOLDER_FIELDS)
    record.holder_verified = True
    record.updated_at = utcnow()
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="handle.verify",
        entity=record,
        summary=N_("@%(handle)s: holder confirmed (%(url)s)"),
        params={"handle": record.handle, "url": evidence_url},
        before=before,
        after=audit.snapshot(record, HOLDER_FIELDS),
    )
    return record


_CUSTODY = (
    select(CustodyRecord)
    .where(CustodyRecord.handle_id == bindparam("handle_id"))
    .order_by(col(CustodyRecord.started_on).desc(), col(CustodyRecord.id).desc())
)


def custody_history(session: Session, handle_id: int) -> list[CustodyRecord]:
    return list(session.exec(_CUSTODY, params={"handle_id": handle_id}))
