"""erasure by reference; codes instead of stored sentences

Members are referred to by id: handles and custody records gain `holder_user_id`, linked
here to the member whose e-mail the row holds as the holder's contact (the rows the former
erasure matched by e-mail). Audit entries lose every copy of a member's personal data: the
actor is `actor_id` alone (`actor_label` is emptied for members), a member's e-mail, name and
phone in before/after become a marker, so does every holder's contact, and a member holder's
name (with `holder_user_id` beside it); the English summaries become a msgid plus JSON
`params` naming members by id. Custody notes the registry wrote (`First recorded…`, `Recorded by a
CSV import.`, `Handed over through transfer request #N.` and what was typed after it) become
`note_code` + `note_params`, the typed rest staying in `note`; the brand's decisions become
`contact_attempt.decision`. Every row is kept; a sentence this revision does not recognise
is kept as it is (it is shown as stored).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the code wrote before this revision, and what it writes from now on. Written out here
# rather than imported, so that this revision keeps meaning what it meant.
PERSONAL = {"personal": True}
MEMBER_KEYS = ("email", "display_name", "phone")
HOLDER_KEYS = ("holder_name", "holder_contact")
FORMER_MEMBER = "A former member"

NOTES = {
    "First recorded in the registry.": "first_recorded",
    "Recorded by a CSV import.": "imported",
}
NOTE_SENTENCES = {
    "first_recorded": "First recorded in the registry.",
    "imported": "Recorded by a CSV import.",
    "handed_over": "Handed over through transfer request #%(id)s.",
}
HANDED_OVER = re.compile(r"Handed over through transfer request #(\d+)\.(?: (.*))?", re.S)

DECISION_POINT = "Legal department"
DECISIONS = {
    "replied": ("accept", "The brand accepts the transfer."),
    "refused": ("decline", "The brand declines the transfer."),
}
TRANSITION_NOTES = {"first contact attempt", "brand's decision"}

handle_t = sa.table(
    "handle",
    sa.column("id", sa.Integer),
    sa.column("holder_contact", sa.String),
    sa.column("holder_user_id", sa.Integer),
)
custody_t = sa.table(
    "custody_record",
    sa.column("id", sa.Integer),
    sa.column("holder_contact", sa.String),
    sa.column("holder_user_id", sa.Integer),
    sa.column("note", sa.Text),
    sa.column("note_code", sa.String),
    sa.column("note_params", sa.Text),
)
attempt_t = sa.table(
    "contact_attempt",
    sa.column("id", sa.Integer),
    sa.column("direction", sa.String),
    sa.column("contact_point", sa.String),
    sa.column("outcome", sa.String),
    sa.column("summary", sa.Text),
    sa.column("logged_by_id", sa.Integer),
    sa.column("decision", sa.String),
)
audit_t = sa.table(
    "audit_entry",
    sa.column("id", sa.Integer),
    sa.column("actor_id", sa.Integer),
    sa.column("actor_label", sa.String),
    sa.column("entity_type", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("summary", sa.String),
    sa.column("params", sa.Text),
    sa.column("before", sa.Text),
    sa.column("after", sa.Text),
)
user_t = sa.table(
    "user_account",
    sa.column("id", sa.Integer),
    sa.column("email", sa.String),
    sa.column("role", sa.String),
    sa.column("deleted_at", sa.DateTime),
)
token_t = sa.table("api_token", sa.column("id", sa.Integer), sa.column("user_id", sa.Integer))
request_t = sa.table(
    "transfer_request",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("from_holder_name", sa.String),
    sa.column("proposer_id", sa.Integer),
)


def _dumps(values: dict | None) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False) if values else ""


def _loads(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _member(user_id: int | None):
    return None if user_id is None else {"member": user_id}


# --- upgrade ---------------------------------------------------------------------------------


def upgrade() -> None:
    for table in ("handle", "custody_record"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("holder_user_id", sa.Integer(), nullable=True))
            batch_op.create_index(
                batch_op.f(f"ix_{table}_holder_user_id"), ["holder_user_id"], unique=False
            )
            batch_op.create_foreign_key(
                f"fk_{table}_holder_user_id", "user_account", ["holder_user_id"], ["id"]
            )
    with op.batch_alter_table("custody_record", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "note_code",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("note_params", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("contact_attempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "decision",
                sqlmodel.sql.sqltypes.AutoString(length=8),
                nullable=False,
                server_default="",
            )
        )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.Text(), nullable=False, server_default=""))

    conn = op.get_bind()
    users = {
        email.lower(): uid for uid, email in conn.execute(sa.select(user_t.c.id, user_t.c.email))
    }
    _link_holders(conn, users)
    _convert_custody_notes(conn)
    _convert_decisions(conn)
    _convert_audit(conn, users)
    # Offers of erased members said "A former member" in English; the page now says it in the
    # reader's language from the proposer's erasure.
    erased = sa.select(user_t.c.id).where(user_t.c.deleted_at.is_not(None))
    conn.execute(
        request_t.update()
        .where(
            request_t.c.kind == "offer",
            request_t.c.from_holder_name == FORMER_MEMBER,
            request_t.c.proposer_id.in_(erased),
        )
        .values(from_holder_name="")
    )


def _link_holders(conn, users: dict[str, int]) -> None:
    for table in (handle_t, custody_t):
        rows = conn.execute(
            sa.select(table.c.id, table.c.holder_contact).where(table.c.holder_contact != "")
        ).all()
        for row_id, contact in rows:
            user_id = users.get(contact.strip().lower())
            if user_id is not None:
                conn.execute(
                    table.update().where(table.c.id == row_id).values(holder_user_id=user_id)
                )


def _convert_custody_notes(conn) -> None:
    rows = conn.execute(
        sa.select(custody_t.c.id, custody_t.c.note).where(custody_t.c.note != "")
    ).all()
    for row_id, note in rows:
        code, params, rest = None, None, note
        if note in NOTES:
            code, rest = NOTES[note], ""
        else:
            match = HANDED_OVER.fullmatch(note)
            if match:
                code, params, rest = "handed_over", {"id": int(match[1])}, (match[2] or "").strip()
        if code:
            conn.execute(
                custody_t.update()
                .where(custody_t.c.id == row_id)
                .values(note_code=code, note_params=_dumps(params), note=rest)
            )


def _convert_decisions(conn) -> None:
    rows = conn.execute(
        sa.select(attempt_t.c.id, attempt_t.c.outcome, attempt_t.c.summary, user_t.c.role)
        .select_from(attempt_t.outerjoin(user_t, user_t.c.id == attempt_t.c.logged_by_id))
        .where(
            attempt_t.c.contact_point == DECISION_POINT,
            attempt_t.c.direction == "inbound",
            attempt_t.c.outcome.in_(list(DECISIONS)),
        )
    ).all()
    for row_id, outcome, summary, role in rows:
        decision, sentence = DECISIONS[outcome]
        if summary != sentence and role not in ("legal", "admin"):
            continue  # an ordinary reply from a legal department, typed by someone
        conn.execute(
            attempt_t.update()
            .where(attempt_t.c.id == row_id)
            .values(
                decision=decision,
                contact_point="legal",
                summary="" if summary == sentence else summary,
            )
        )


# Summaries as the code wrote them: a pattern, the msgid it becomes, and how to find its
# parameters (None: leave the sentence as it is).
Parse = Callable[[re.Match, dict], dict | None]


def _groups(match: re.Match, _entry: dict) -> dict:
    return {k: (int(v) if k == "id" else v) for k, v in match.groupdict().items()}


def _account(match: re.Match, entry: dict) -> dict | None:
    """The account the sentence named by e-mail, as a reference (from the entry itself)."""
    if entry["account_id"] is None:
        return None
    params = {k: v for k, v in match.groupdict().items() if k != "email"}
    return {**params, "account": {"member": entry["account_id"]}}


def _transition(match: re.Match, _entry: dict) -> dict:
    params = {"id": int(match["id"]), "before": match["before"], "after": match["after"]}
    note = match["note"]
    if note and not note.startswith("withdrawn by "):  # the actor by e-mail: the entry says who
        params["note"] = {"phrase": note} if note in TRANSITION_NOTES else note
    return params


def _holder(match: re.Match, entry: dict) -> dict:
    holder_id = (entry["after"] or {}).get("holder_user_id")
    holder = {"member": holder_id} if holder_id is not None else match["holder"]
    return {"handle": match["handle"], "holder": holder}


TRANSITION = "Request #%(id)s: %(before)s → %(after)s"
SUMMARIES: list[tuple[re.Pattern, str, Parse]] = [
    (re.compile(pattern, re.S), msgid, parse)
    for pattern, msgid, parse in (
        (r"Account (?P<email>.+) created with role (?P<role>\w+)",
         "Account %(account)s created with role %(role)s", _account),
        (r"(?P<email>[^:]+): role (?P<role>\w+), active",
         "%(account)s: role %(role)s, active", _account),
        (r"(?P<email>[^:]+): role (?P<role>\w+), deactivated",
         "%(account)s: role %(role)s, deactivated", _account),
        (r"Profile updated", "Profile updated", _groups),
        (r"Member #(?P<id>\d+) deleted their account; personal data erased",
         "Member #%(id)s deleted their account; personal data erased", _groups),
        (r"API token “(?P<name>.*)” \((?P<prefix>[^)]*)…\) created for (?P<email>.+)",
         "API token “%(name)s” (%(prefix)s…) created for %(account)s", _account),
        (r"API token “(?P<name>.*)” \((?P<prefix>[^)]*)…\) revoked",
         "API token “%(name)s” (%(prefix)s…) revoked", _groups),
        (r"Brand (?P<brand>.+) created", "Brand %(brand)s created", _groups),
        (r"Brand (?P<brand>.+) updated", "Brand %(brand)s updated", _groups),
        (r"(?P<brand>.+): contact point (?P<kind>\w+) added",
         "%(brand)s: contact point %(kind)s added", _groups),
        (r"Request #(?P<id>\d+): @(?P<handle>\S+) to (?P<brand>.*)",
         "Request #%(id)s: @%(handle)s to %(brand)s", _groups),
        (r"Request #(?P<id>\d+): (?P<direction>inbound|outbound) (?P<channel>\w+),"
         r" (?P<outcome>\w+)",
         "Request #%(id)s: %(direction)s %(channel)s, %(outcome)s", _groups),
        (r"Request #(?P<id>\d+): opened on moved back to (?P<day>[0-9-]+)",
         "Request #%(id)s: opened on moved back to %(day)s", _groups),
        (r"Request #(?P<id>\d+): (?P<before>\w+) → (?P<after>\w+)(?: \((?P<note>.*)\))?",
         TRANSITION, _transition),
        (r"(?P<platform>[^@]+) @(?P<handle>\S+) added", "%(platform)s @%(handle)s added", _groups),
        (r"@(?P<handle>\S+) updated", "@%(handle)s updated", _groups),
        (r"@(?P<handle>\S+) now held by (?P<holder>.*)", "@%(handle)s now held by %(holder)s",
         _holder),
    )
]  # fmt: skip


def _convert_summary(summary: str, entry: dict) -> tuple[str, dict] | None:
    for pattern, msgid, parse in SUMMARIES:
        match = pattern.fullmatch(summary)
        if match is None:
            continue
        params = parse(match, entry)
        if params is None:
            return None
        if msgid == TRANSITION and "note" in params:
            msgid = TRANSITION + " (%(note)s)"
        return msgid, params
    return None


def _redact(values: dict | None, entity_type: str, users: dict[str, int]) -> dict | None:
    """A before/after without members' personal data (see registry.services.audit.redact)."""
    if values is None:
        return None
    values = dict(values)
    if entity_type == "user_account":
        for key in MEMBER_KEYS:
            if values.get(key) not in (None, ""):
                values[key] = PERSONAL
    contact = values.get("holder_contact")
    if isinstance(contact, str) and contact.strip().lower() in users:
        values["holder_user_id"] = users[contact.strip().lower()]
    if contact not in (None, ""):
        values["holder_contact"] = PERSONAL  # private, whoever it is
    if values.get("holder_user_id") is not None:
        for key in HOLDER_KEYS:
            if values.get(key) not in (None, ""):
                values[key] = PERSONAL
    return values


def _convert_audit(conn, users: dict[str, int]) -> None:
    conn.execute(audit_t.update().where(audit_t.c.actor_id.is_not(None)).values(actor_label=""))
    token_owners = dict(conn.execute(sa.select(token_t.c.id, token_t.c.user_id)).all())
    rows = conn.execute(
        sa.select(
            audit_t.c.id,
            audit_t.c.entity_type,
            audit_t.c.entity_id,
            audit_t.c.summary,
            audit_t.c.before,
            audit_t.c.after,
        )
    ).all()
    for row_id, entity_type, entity_id, summary, before_text, after_text in rows:
        before = _redact(_loads(before_text), entity_type, users)
        after = _redact(_loads(after_text), entity_type, users)
        changes = {}
        if before_text and before is not None and _dumps(before) != before_text:
            changes["before"] = _dumps(before)
        if after_text and after is not None and _dumps(after) != after_text:
            changes["after"] = _dumps(after)
        account_id = entity_id if entity_type == "user_account" else None
        if entity_type == "api_token":
            account_id = token_owners.get(entity_id)
        converted = _convert_summary(
            summary or "", {"account_id": account_id, "before": before, "after": after}
        )
        if converted is not None:
            changes["summary"], params = converted
            changes["params"] = _dumps(params)
        if changes:
            conn.execute(audit_t.update().where(audit_t.c.id == row_id).values(**changes))


# --- downgrade -------------------------------------------------------------------------------


def downgrade() -> None:
    conn = op.get_bind()
    emails = dict(conn.execute(sa.select(user_t.c.id, user_t.c.email)).all())

    def said(msgid: str, params: dict) -> str:
        def value(v):
            if isinstance(v, dict) and set(v) == {"member"}:
                return emails.get(v["member"], FORMER_MEMBER)
            if isinstance(v, dict) and "phrase" in v:
                return v["phrase"]
            return v

        try:
            return msgid % {k: value(v) for k, v in params.items()} if params else msgid
        except (KeyError, ValueError, TypeError):
            return msgid

    for row_id, code, params, note in conn.execute(
        sa.select(
            custody_t.c.id, custody_t.c.note_code, custody_t.c.note_params, custody_t.c.note
        ).where(custody_t.c.note_code != "")
    ).all():
        sentence = said(NOTE_SENTENCES.get(code, code), _loads(params) or {})
        conn.execute(
            custody_t.update()
            .where(custody_t.c.id == row_id)
            .values(note=f"{sentence} {note}" if note else sentence)
        )
    for row_id, decision, summary in conn.execute(
        sa.select(attempt_t.c.id, attempt_t.c.decision, attempt_t.c.summary).where(
            attempt_t.c.decision != ""
        )
    ).all():
        sentence = dict(DECISIONS.values()).get(decision, "")
        conn.execute(
            attempt_t.update()
            .where(attempt_t.c.id == row_id)
            .values(contact_point=DECISION_POINT, summary=summary or sentence)
        )
    for row_id, actor_id, summary, params in conn.execute(
        sa.select(audit_t.c.id, audit_t.c.actor_id, audit_t.c.summary, audit_t.c.params)
    ).all():
        values = {"summary": said(summary or "", _loads(params) or {})[:500]}
        if actor_id is not None:
            values["actor_label"] = emails.get(actor_id, "")
        conn.execute(audit_t.update().where(audit_t.c.id == row_id).values(**values))

    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("params")
    with op.batch_alter_table("contact_attempt", schema=None) as batch_op:
        batch_op.drop_column("decision")
    with op.batch_alter_table("custody_record", schema=None) as batch_op:
        batch_op.drop_column("note_params")
        batch_op.drop_column("note_code")
    for table in ("custody_record", "handle"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_holder_user_id", type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_holder_user_id"))
            batch_op.drop_column("holder_user_id")
