"""Mail in (DESIGN.md "Correspondence"): one message received, kept whole, matched to its
request (by its reply address, else by the letters it answers), classified by rule and
logged as an inbound attempt; what matches nothing waits for staff on /mail/unmatched.

Receiving is idempotent: a message is known by its Message-ID (or, without one, by its
SHA-256), and receiving it again stores nothing, so `fetch-mail` can be re-run or
interrupted at any point."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from registry.adapters.models import (
    Brand,
    ContactAttempt,
    Handle,
    MailMessage,
    TransferRequest,
    utcnow,
)
from registry.domain import clock, correspondence, limits, permissions, workflow
from registry.domain.messages import N_
from registry.domain.notifications import EventKind
from registry.services import (
    Invalid,
    NotFound,
    Page,
    audit,
    checked_text,
    clamp_page,
    handles,
    outbox,
    require,
)
from registry.services.attempts import record_attempt
from registry.services.context import FUTURE_TOLERANCE, Context, aware
from registry.services.reply_clock import refresh_clock
from registry.services.request_reads import brand_of, locked_request
from registry.services.unit import use_case

MB = 1024 * 1024
MASS_REPLY_WINDOW = timedelta(days=30)
MASS_REPLY_OTHERS = 3  # near-copies sent to this many other requests make a mass reply
MASS_REPLY_SCAN = 500  # the brand's most recent replies compared (bounded work per message)
LENGTH_RATIO = 0.7  # texts this much shorter or longer than a reply are no near-copy of it
UNMATCHED_PAGE = 25


class MailState(StrEnum):
    MATCHED = "matched"  # an inbound attempt on its request
    UNMATCHED = "unmatched"  # waits for staff
    DISCARDED = "discarded"  # staff said it belongs to no request


class MatchedBy(StrEnum):
    REPLY_ADDRESS = "reply_address"
    REFERENCES = "references"
    STAFF = "staff"


class Problem(StrEnum):
    """Why a message waits for staff."""

    NONE = ""
    TOO_LARGE = "too_large"  # over MAX_MAIL_MB: kept, not read
    UNKNOWN_ADDRESS = "unknown_address"  # a reply address no request has
    CLOSED = "closed"  # its request is closed: no more attempts
    NO_REQUEST = "no_request"  # nothing in it names a request


@dataclass(frozen=True)
class Received:
    """What became of one message: matched (with its request and attempt), unmatched, or
    a duplicate of one received before (nothing stored)."""

    status: str  # "matched", "unmatched" or "duplicate"
    mail_id: int | None
    request_id: int | None
    attempt_id: int | None = None
    outcome: str = ""
    problem: str = ""


def mail_key(parsed: correspondence.ParsedMail, sha256: str) -> str:
    return parsed.message_id[:255] if parsed.message_id else f"sha256:{sha256}"


@use_case
def receive_mail(ctx: Context, raw: bytes) -> Received:
    """Keep one message and, when it belongs to an open request, log it there."""
    session = ctx.session
    digest = hashlib.sha256(raw).hexdigest()
    too_large = len(raw) > float(ctx.settings.get("MAX_MAIL_MB", 25)) * MB
    # A message too large to read is kept whole; only its head is read, for the list.
    parsed = correspondence.parse(
        raw[: 64 * 1024] if too_large else raw,
        authserv_id=ctx.settings.get("MAIL_AUTHSERV_ID", ""),
    )
    key = mail_key(parsed, digest)
    known = session.exec(select(MailMessage.id).where(MailMessage.key == key)).first()
    if known is not None:
        return Received("duplicate", known, None)
    message = MailMessage(
        key=key,
        sha256=digest,
        raw=raw,
        size=len(raw),
        received_at=ctx.now,
        sender=parsed.sender[:254],
        sender_name=parsed.sender_name[:120],
        subject=parsed.subject[:255],
        sent_at=parsed.sent_at,
        outcome=parsed.outcome,
        rule=str(parsed.rule),
        dmarc=parsed.dmarc[:16],
        summary=parsed.summary[: limits.SUMMARY_MAX],
        problem=Problem.TOO_LARGE if too_large else Problem.NONE,
    )
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:  # the same message, received at this moment by another run
        known = session.exec(select(MailMessage.id).where(MailMessage.key == key)).first()
        return Received("duplicate", known, None)
    if too_large:
        return _unmatched(session, message, Problem.TOO_LARGE)
    request, matched_by, problem = _match(session, parsed, ctx.settings)
    if request is None:
        return _unmatched(session, message, problem)
    if not workflow.is_open(request.state):
        return _unmatched(session, message, Problem.CLOSED, request)
    attempt = _log(ctx, message, request, matched_by)
    return Received(MailState.MATCHED, message.id, request.id, attempt.id, attempt.outcome)


def _match(
    session: Session, parsed: correspondence.ParsedMail, settings
) -> tuple[TransferRequest | None, str, str]:
    """The request a message answers: by its reply address, else by the letters it names
    in In-Reply-To/References; with how, or why not."""
    problem = Problem.NO_REQUEST
    domain = settings.get("MAIL_REPLY_DOMAIN", "")
    token = correspondence.reply_token(parsed.recipients, domain) if domain else None
    if token:
        request = session.exec(
            select(TransferRequest).where(TransferRequest.reply_token == token.lower())
        ).first()
        if request is not None:
            return request, MatchedBy.REPLY_ADDRESS, ""
        problem = Problem.UNKNOWN_ADDRESS
    references = [ref[:255] for ref in parsed.references if ref]
    if references:
        request_id = session.exec(
            select(ContactAttempt.request_id)
            .where(
                col(ContactAttempt.message_id).in_(references[-50:]),
                ContactAttempt.direction == clock.OUTBOUND,
            )
            .order_by(col(ContactAttempt.id).desc())
            .limit(1)
        ).first()
        if request_id is not None:
            return session.get(TransferRequest, request_id), MatchedBy.REFERENCES, ""
    return None, "", problem


def _unmatched(
    session: Session, message: MailMessage, problem: str, request: TransferRequest | None = None
) -> Received:
    """The message waits for staff, who hear of it (an event staff only are told of)."""
    message.problem = problem
    message.request_id = request.id if request is not None else None
    outbox.emit(
        session,
        EventKind.MAIL_UNMATCHED,
        data={
            "mail": {
                "id": message.id,
                "sender": message.sender,
                "subject": message.subject,
                "problem": problem,
                "request_id": message.request_id,
            }
        },
    )
    return Received(MailState.UNMATCHED, message.id, message.request_id, problem=problem)


def _when(ctx: Context, message: MailMessage, request: TransferRequest) -> datetime:
    """When the reply was written: its Date, when that falls between the last message the
    registry logged on the request before it and now; else (no Date, a Date still to come, or
    one that would put a reply before what it answers or rewrite when the request was
    opened) when it reached the registry."""
    if message.sent_at is None:
        return ctx.now
    sent = aware(message.sent_at)
    latest = ctx.session.exec(
        select(func.max(ContactAttempt.happened_at)).where(ContactAttempt.request_id == request.id)
    ).one()
    earliest = aware(latest) if latest is not None else aware(request.created_at)
    return sent if earliest <= sent <= ctx.now + FUTURE_TOLERANCE else ctx.now


def _log(
    ctx: Context, message: MailMessage, request: TransferRequest, matched_by: str
) -> ContactAttempt:
    """The message as an inbound attempt on its request (its clock refreshed)."""
    session = ctx.session
    request = locked_request(session, request.id or 0)
    handle, brand = session.exec(
        select(Handle, Brand)
        .join(Brand, col(Brand.id) == Handle.brand_id, isouter=True)
        .where(Handle.id == request.handle_id)
    ).one()
    names = [message.sender_name, brand.name if brand else "", handle.handle if handle else ""]
    names += [request.from_holder_name, request.to_holder_name]
    message.fingerprint = (
        correspondence.mass_reply_text(message.summary, names)
        if message.outcome == "replied"
        else ""
    )
    message.brand_id = brand.id if brand else None
    mass = bool(message.fingerprint) and _is_mass_reply(session, message, request.id or 0, ctx.now)
    attempt = record_attempt(
        ctx,
        request,
        direction=clock.INBOUND,
        channel="email",
        outcome=message.outcome or "replied",
        happened_at=_when(ctx, message, request),
        contact_point=(message.sender or "")[: limits.CONTACT_POINT_MAX],
        summary=message.summary or message.subject,
        message_id=message.key if not message.key.startswith("sha256:") else "",
        mass_reply=mass,
        unverified=message.dmarc == "fail",
    )
    message.state = MailState.MATCHED
    message.matched_by = matched_by
    message.request_id = request.id
    message.attempt_id = attempt.id
    message.problem = Problem.NONE
    session.flush()
    return attempt


def _is_mass_reply(session: Session, message: MailMessage, request_id: int, now: datetime) -> bool:
    """Whether the brand sent near-copies of this reply to 3 or more other requests within
    30 days (DESIGN.md "Correspondence"; only replies counted, the newest few hundred)."""
    if message.brand_id is None:
        return False
    others = session.exec(
        select(MailMessage.request_id, MailMessage.fingerprint)
        .where(
            MailMessage.brand_id == message.brand_id,
            col(MailMessage.received_at) >= now - MASS_REPLY_WINDOW,
            MailMessage.request_id != request_id,
            MailMessage.fingerprint != "",
            MailMessage.id != message.id,
            # Near-copies are about as long: the others are ruled out by the index's rows.
            func.length(MailMessage.fingerprint).between(
                int(len(message.fingerprint) * LENGTH_RATIO),
                int(len(message.fingerprint) / LENGTH_RATIO) + 1,
            ),
        )
        .order_by(col(MailMessage.received_at).desc())
        .limit(MASS_REPLY_SCAN)
    ).all()
    copied = {
        other_request
        for other_request, fingerprint in others
        if correspondence.near_copy(message.fingerprint, fingerprint)
    }
    return len(copied) >= MASS_REPLY_OTHERS


# --- staff: unmatched mail ---------------------------------------------------------------------


def require_staff(ctx: Context) -> None:
    require(
        permissions.can_manage(ctx.actor), N_("Only staff can handle mail that matched nothing.")
    )


def unmatched(ctx: Context, page: int | str | None = 1) -> Page[MailMessage]:
    """The mail waiting for staff, newest first (without the messages' bytes)."""
    require_staff(ctx)
    page = clamp_page(page)
    waiting = MailMessage.state == MailState.UNMATCHED
    total = ctx.session.exec(select(func.count()).select_from(MailMessage).where(waiting)).one()
    rows = ctx.session.exec(
        select(MailMessage)
        .options(defer(MailMessage.raw))  # type: ignore[arg-type]
        .where(waiting)
        .order_by(col(MailMessage.received_at).desc(), col(MailMessage.id).desc())
        .offset((page - 1) * UNMATCHED_PAGE)
        .limit(UNMATCHED_PAGE)
    ).all()
    return Page(list(rows), page, UNMATCHED_PAGE, total)


def _waiting(session: Session, mail_id: int) -> MailMessage:
    message = session.get(MailMessage, mail_id)
    if message is None:
        raise NotFound(N_("No such message."))
    if message.state != MailState.UNMATCHED:
        raise Invalid(N_("This message was already handled."), status=409)
    return message


@use_case
def assign_mail(ctx: Context, mail_id: int, request_id: int) -> ContactAttempt:
    """Staff say which request an unmatched message belongs to: it is logged there."""
    require_staff(ctx)
    message = _waiting(ctx.session, mail_id)
    if message.problem == Problem.TOO_LARGE:
        raise Invalid(
            N_("This message is too large to be read here: download it and log it by hand.")
        )
    request = locked_request(ctx.session, request_id)
    attempt = _log(ctx, message, request, MatchedBy.STAFF)
    _handled(ctx, message)
    audit.record(
        ctx.session,
        actor=ctx.actor,
        action="mail.assign",
        entity=message,
        summary=N_("Message from %(sender)s assigned to request #%(id)s"),
        params={"sender": message.sender or "?", "id": request_id},
    )
    return attempt


@use_case
def discard_mail(ctx: Context, mail_id: int, *, note: str = "") -> MailMessage:
    """Staff say a message belongs to no request (kept, out of the list)."""
    require_staff(ctx)
    message = _waiting(ctx.session, mail_id)
    note = checked_text(note, "note", 500)
    message.state = MailState.DISCARDED
    _handled(ctx, message)
    audit.record(
        ctx.session,
        actor=ctx.actor,
        action="mail.discard",
        entity=message,
        summary=N_("Message from %(sender)s discarded"),
        params={"sender": message.sender or "?"},
        after={"note": note},
    )
    return message


def _handled(ctx: Context, message: MailMessage) -> None:
    """Who took the message out of the waiting list, and when."""
    message.handled_by_id = ctx.actor.id if ctx.actor else None
    message.handled_at = ctx.now


# --- staff: the outcome of a message ------------------------------------------------------------


def _mail_attempt(ctx: Context, attempt_id: int) -> tuple[ContactAttempt, TransferRequest]:
    require(permissions.can_manage(ctx.actor), N_("Only staff can correct how mail was read."))
    attempt = ctx.session.get(ContactAttempt, attempt_id)
    if attempt is None:
        raise NotFound(N_("No such contact attempt."))
    return attempt, locked_request(ctx.session, attempt.request_id)


@use_case
def correct_attempt(
    ctx: Context,
    attempt_id: int,
    *,
    outcome: str | None = None,
    mass_reply: bool | None = None,
    verified: bool | None = None,
) -> ContactAttempt:
    """Staff correct how a message was read: its outcome, whether it is a mass reply, or
    that its sender is who it says although DMARC failed. Audited; the clock follows."""
    attempt, request = _mail_attempt(ctx, attempt_id)
    before = _reading(attempt)
    if outcome is not None:
        attempt.outcome = handles.check_choice(outcome, clock.OUTCOMES, "outcome", "outcome")
    if mass_reply is not None:
        attempt.mass_reply = mass_reply
    if verified is not None:
        attempt.unverified = not verified
    after = _reading(attempt)
    if after == before:
        return attempt
    audit.record(
        ctx.session,
        actor=ctx.actor,
        action="attempt.update",
        entity=attempt,
        summary=N_("Request #%(id)s: how a message was read corrected"),
        params={"id": request.id},
        before=before,
        after=after,
    )
    request.updated_at = utcnow()
    refresh_clock(ctx.session, request, brand_of(ctx.session, request), policy=ctx.policy)
    return attempt


def _reading(attempt: ContactAttempt) -> dict[str, str | bool]:
    """How a message was read, as the audit keeps it before and after a correction."""
    return {
        "outcome": attempt.outcome,
        "mass_reply": attempt.mass_reply,
        "unverified": attempt.unverified,
    }


# --- reading the mail of a request ----------------------------------------------------------------


def mail_of_request(session: Session, request_id: int) -> dict[int, MailMessage]:
    """The messages logged on a request, by the id of their attempt (without their bytes)."""
    rows = session.exec(
        select(MailMessage)
        .options(defer(MailMessage.raw))  # type: ignore[arg-type]
        .where(MailMessage.request_id == request_id, col(MailMessage.attempt_id).is_not(None))
    ).all()
    return {row.attempt_id: row for row in rows if row.attempt_id is not None}


def original(ctx: Context, mail_id: int) -> MailMessage:
    """A message as it was received, for staff (and the brand's legal team) to download."""
    message = ctx.session.get(MailMessage, mail_id)
    if message is None:
        raise NotFound(N_("No such message."))
    brand = ctx.session.get(Brand, message.brand_id) if message.brand_id else None
    require(
        permissions.may_read_original(ctx.actor, brand),
        N_("Only staff can download the messages received."),
    )
    return message


def unmatched_count(session: Session) -> int:
    """How many messages wait for staff (the menu's badge: an indexed count)."""
    waiting = MailMessage.state == MailState.UNMATCHED
    return session.exec(select(func.count()).select_from(MailMessage).where(waiting)).one()


__all__ = [
    "MailState",
    "MatchedBy",
    "Problem",
    "Received",
    "assign_mail",
    "correct_attempt",
    "discard_mail",
    "mail_of_request",
    "original",
    "receive_mail",
    "unmatched",
]
