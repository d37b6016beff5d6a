"""Personal-data rights: a member downloads what the registry holds about them, or leaves.

Leaving erases personal data but keeps the registry's history consistent: custody records,
requests and contact attempts stay, attributed to "a former member"."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, select
from werkzeug.security import check_password_hash

from registry.domain.messages import N_
from registry.models import (
    ApiToken,
    AuditEntry,
    ContactAttempt,
    CustodyRecord,
    Handle,
    TransferRequest,
    User,
    utcnow,
)
from registry.services import Invalid, audit

FORMER_MEMBER = "A former member"
# Marked for the catalogue: the privacy notice shows it in the reader's language.
RETENTION = N_(
    "Accounts are kept while they are used; a member can download their data or delete their "
    "account at any time from their profile. Registry history (custody, requests, contact "
    "attempts) is kept, without personal data once its author has left."
)


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value.isoformat() if hasattr(value, "isoformat") else value


def _rows(objects, keys) -> list[dict]:
    return [{k: _plain(getattr(o, k)) for k in keys} for o in objects]


def member_data(session: Session, user: User) -> dict:
    """Everything held about one member, as plain JSON-ready data."""
    requests = list(
        session.exec(select(TransferRequest).where(TransferRequest.proposer_id == user.id))
    )
    attempts = list(
        session.exec(select(ContactAttempt).where(ContactAttempt.logged_by_id == user.id))
    )
    held = list(session.exec(select(Handle).where(Handle.holder_contact == user.email)))
    custody = list(
        session.exec(
            select(CustodyRecord).where(
                or_(
                    CustodyRecord.holder_contact == user.email,
                    CustodyRecord.recorded_by_id == user.id,
                )
            )
        )
    )
    tokens = list(session.exec(select(ApiToken).where(ApiToken.user_id == user.id)))
    actions = list(
        session.exec(
            select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.at)
        )
    )
    return {
        "generated_at": utcnow().isoformat(),
        "account": _rows(
            [user], ("email", "display_name", "phone", "role", "locale", "timezone", "created_at")
        )[0],
        "transfer_requests": _rows(
            requests,
            (
                "id",
                "handle_id",
                "kind",
                "terms",
                "amount_cents",
                "message",
                "state",
                "opened_on",
                "closed_at",
            ),
        ),
        "contact_attempts_logged": _rows(
            attempts,
            (
                "id",
                "request_id",
                "direction",
                "channel",
                "contact_point",
                "happened_at",
                "outcome",
                "summary",
            ),
        ),
        "handles_held": _rows(held, ("id", "handle", "holder_name", "holder_contact", "status")),
        "custody_records": _rows(
            custody,
            (
                "id",
                "handle_id",
                "holder_kind",
                "holder_name",
                "holder_contact",
                "started_on",
                "ended_on",
                "note",
            ),
        ),
        "api_tokens": _rows(tokens, ("name", "prefix", "created_at", "last_used_at", "revoked_at")),
        "actions": _rows(actions, ("at", "action", "entity_type", "entity_id", "summary")),
        "retention": RETENTION,
    }


def member_data_json(session: Session, user: User) -> str:
    return json.dumps(member_data(session, user), indent=2, ensure_ascii=False)


def delete_member(session: Session, user: User, *, password: str) -> User:
    """Erase a member's personal data and close the account, in one transaction.

    History stays: their requests, attempts and custody records remain, without their
    name or contact. Custody and audit rows refuse ORM updates, so the erasure blanks their
    personal fields with explicit statements — the one rewrite that history allows."""
    if user.deleted_at is not None:
        raise Invalid("This account is already deleted.")
    if not check_password_hash(user.password_hash, password or ""):
        raise Invalid("Enter your current password to confirm.", field="password")
    email, name = user.email, user.display_name
    pseudonym = f"former-member-{user.id}@deleted.invalid"
    for table in (Handle, CustodyRecord):
        # Rows carrying their contact are rows where they are the holder.
        session.exec(  # type: ignore[call-overload]
            update(table)
            .where(table.holder_contact == email)
            .values(holder_contact="", holder_name=FORMER_MEMBER)
        )
    session.exec(  # type: ignore[call-overload]
        update(TransferRequest)
        .where(TransferRequest.proposer_id == user.id, TransferRequest.kind == "offer")
        .values(from_holder_name=FORMER_MEMBER)
    )
    _scrub_audit(session, user, {email: pseudonym, name: FORMER_MEMBER, user.phone: "[erased]"})
    session.exec(  # type: ignore[call-overload]
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
        .values(revoked_at=utcnow())
    )
    user.email = pseudonym
    user.display_name = ""
    user.phone = ""
    user.password_hash = "!"  # matches no password
    user.active = False
    user.deleted_at = utcnow()
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="user.delete",
        entity=user,
        summary=f"Member #{user.id} deleted their account; personal data erased",
    )
    return user


def _scrub_audit(session: Session, user: User, replacements: dict[str, str]) -> None:
    """Past audit entries keep who did what, with the erased values replaced."""
    session.exec(  # type: ignore[call-overload]
        update(AuditEntry)
        .where(AuditEntry.actor_id == user.id)
        .values(actor_label=replacements[user.email])
    )
    erased = {old: new for old, new in replacements.items() if old}
    columns = (AuditEntry.summary, AuditEntry.before, AuditEntry.after)
    matches = session.exec(
        select(AuditEntry.id, *columns).where(
            or_(*[column.contains(old) for old in erased for column in columns])
        )
    )
    for entry_id, *texts in list(matches):
        cleaned = []
        for text in texts:
            for old, new in erased.items():
                text = text.replace(old, new)
            cleaned.append(text)
        session.exec(  # type: ignore[call-overload]
            update(AuditEntry)
            .where(AuditEntry.id == entry_id)
            .values(summary=cleaned[0], before=cleaned[1], after=cleaned[2])
        )
