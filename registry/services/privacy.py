"""Personal-data rights: a member downloads what the registry holds about them, or leaves.

Leaving erases personal data but keeps the registry's history consistent: custody records,
requests and contact attempts stay, attributed to "a former member".

Erasure is by reference. The registry copies a member's e-mail, name and phone into exactly
these rows, each pointing at the member by id: the account itself, the handles and custody
records they hold (``holder_user_id``; also a row whose holder contact staff typed as exactly
their e-mail) and the offers they made (``proposer_id``, ``from_holder_name``). Erasing blanks
those fields of those rows and nothing else. The audit trail holds no personal data
(registry.services.audit), so no entry is rewritten; pages resolve the ids when they are
read, and an erased member reads "A former member"."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash

from registry.adapters.models import (
    ApiToken,
    AuditEntry,
    ContactAttempt,
    CustodyRecord,
    Handle,
    TransferRequest,
    User,
    Webhook,
    utcnow,
)
from registry.domain import recorded
from registry.domain.messages import N_, Message
from registry.services import Invalid, audit, notifications
from registry.services.context import Context
from registry.services.unit import use_case

FORMER_MEMBER = recorded.FORMER_MEMBER
# Marked for the catalogue: the privacy notice shows it in the reader's language.
RETENTION = N_(
    "Accounts are kept while they are used; a member can download their data or delete their "
    "account at any time from their profile. Registry history (custody, requests, contact "
    "attempts) is kept, without personal data once its author has left."
)
DELETED = N_("Member #%(id)s deleted their account; personal data erased")

Translate = Callable[[Message], str]


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value.isoformat() if hasattr(value, "isoformat") else value


def _rows(objects, keys) -> list[dict]:
    return [{k: _plain(getattr(o, k)) for k in keys} for o in objects]


def _english(message: Message) -> str:
    return str(message)


def member_data(session: Session, user: User, *, translate: Translate = _english) -> dict:
    """Everything held about one member, as plain JSON-ready data; the registry's sentences
    (custody notes, summaries of their actions) made with `translate`.

    Custody records the member only recorded (as staff) are listed without the holder's
    name and contact: those are someone else's data."""
    requests = list(
        session.exec(select(TransferRequest).where(TransferRequest.proposer_id == user.id))
    )
    attempts = list(
        session.exec(select(ContactAttempt).where(ContactAttempt.logged_by_id == user.id))
    )
    held = list(session.exec(select(Handle).where(Handle.holder_user_id == user.id)))
    custody = list(
        session.exec(
            select(CustodyRecord)
            .where(
                or_(
                    col(CustodyRecord.holder_user_id) == user.id,
                    col(CustodyRecord.recorded_by_id) == user.id,
                )
            )
            .order_by(col(CustodyRecord.id))
        )
    )
    tokens = list(session.exec(select(ApiToken).where(ApiToken.user_id == user.id)))
    actions = list(
        session.exec(
            select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(col(AuditEntry.at))
        )
    )
    members = audit.members_by_id(
        session, set().union(*(recorded.member_ids(recorded.loads(a.params)) for a in actions))
    )
    return {
        "generated_at": utcnow().isoformat(),
        "account": _rows(
            [user],
            (
                "email",
                "display_name",
                "phone",
                "role",
                "locale",
                "timezone",
                "digests",
                "created_at",
            ),
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
                "decision",
            ),
        ),
        "handles_held": _rows(held, ("id", "handle", "holder_name", "holder_contact", "status")),
        "custody_records": [_custody(record, user, translate) for record in custody],
        "api_tokens": _rows(tokens, ("name", "prefix", "created_at", "last_used_at", "revoked_at")),
        # Without a choice stored, a topic's channel is on.
        "notification_preferences": notifications.member_preferences(session, user.id),
        "actions": [
            {
                **_rows([entry], ("at", "action", "entity_type", "entity_id"))[0],
                "summary": _said(audit.summary_message(entry, members), translate),
            }
            for entry in actions
        ],
        "retention": RETENTION,
    }


def _said(message: Message | None, translate: Translate) -> str:
    if message is None:
        return ""
    try:
        return translate(message)
    except (KeyError, ValueError, TypeError):  # a translation naming a parameter it lacks
        return message.msgid


def _custody(record: CustodyRecord, user: User, translate: Translate) -> dict:
    theirs = record.holder_user_id == user.id
    parts = recorded.custody_note(record.note_code, record.note_params, record.note)
    return {
        **_rows([record], ("id", "handle_id", "holder_kind", "started_on", "ended_on"))[0],
        "holder_name": record.holder_name if theirs else "",
        "holder_contact": record.holder_contact if theirs else "",
        "note": " ".join(_said(p, translate) if isinstance(p, Message) else p for p in parts),
    }


def member_data_json(session: Session, user: User, *, translate: Translate = _english) -> str:
    return json.dumps(member_data(session, user, translate=translate), indent=2, ensure_ascii=False)


def _holds(table, user: User):
    """The rows where the member is the holder: those that refer to them, and those whose
    holder contact is exactly their e-mail address (typed by staff before they had an
    account), which are linked to them as they are blanked. Nothing is matched inside text."""
    return or_(
        table.holder_user_id == user.id,
        and_(
            table.holder_user_id.is_(None),
            table.holder_contact != "",
            func.lower(table.holder_contact) == user.email.strip().lower(),
        ),
    )


@use_case
def delete_member(ctx: Context, user: User, *, password: str) -> User:
    """Erase a member's personal data and close the account, in one transaction.

    History stays: their requests, attempts and custody records remain, without their
    name or contact. Only the rows that copy their data are touched, found by their id (see
    the module's docstring); custody records refuse ORM updates, so their holder fields are
    blanked with an explicit statement — the one rewrite that history allows. The audit
    trail is not touched: it names them by id only."""
    session = ctx.session
    if user.deleted_at is not None:
        raise Invalid("This account is already deleted.")
    if not check_password_hash(user.password_hash, password or ""):
        raise Invalid("Enter your current password to confirm.", field="password")
    for table in (Handle, CustodyRecord):
        values = {"holder_name": "", "holder_contact": "", "holder_user_id": user.id}
        if table is Handle:
            values["version"] = Handle.version + 1
        session.exec(update(table).where(_holds(table, user)).values(**values))
    # An offer is made by the handle's holder: its "from" name is the proposer's.
    session.exec(
        update(TransferRequest)
        .where(col(TransferRequest.proposer_id) == user.id, col(TransferRequest.kind) == "offer")
        .values(from_holder_name="", version=TransferRequest.version + 1)
    )
    session.exec(
        update(ApiToken)
        .where(col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=ctx.now)
    )
    # What they were told of, and their choices: theirs alone, and of no use to anyone after.
    notifications.erase_member(session, user.id)
    # Their webhooks stop with the account, deliveries under way too (no new ones are made:
    # registry.services.dispatch skips a hook whose owner left).
    session.exec(
        update(Webhook)
        .where(col(Webhook.owner_id) == user.id, col(Webhook.disabled_at).is_(None))
        .values(disabled_at=ctx.now)
    )
    user.email = f"former-member-{user.id}@deleted.invalid"
    user.display_name = ""
    user.phone = ""
    user.password_hash = "!"  # matches no password
    user.feed_token_hash = None  # the overdue feed's address stops working
    user.digests = False
    user.active = False
    user.deleted_at = ctx.now
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="user.delete",
        entity=user,
        summary=DELETED,
        params={"id": user.id},
    )
    return user
