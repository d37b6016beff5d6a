"""Letters to a brand (DESIGN.md "Correspondence"): which ones a member may write about a
request, the letter filled with the request's facts (the preview), sending it through
SMTP_URL with the request's own reply address, logged as an outbound attempt in the same
transaction, and the wordings an admin adjusts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr

from babel.dates import format_date
from babel.numbers import format_currency
from sqlmodel import Session, col, select

from registry.adapters import smtp
from registry.adapters.models import (
    ContactAttempt,
    ContactPoint,
    Letter,
    LetterWording,
    TransferRequest,
    User,
)
from registry.domain import clock, handles, letters, limits, permissions, recorded
from registry.domain.letters import LetterLanguage, LetterTemplate, Wording
from registry.domain.messages import N_, Refusal
from registry.domain.vocabulary import values
from registry.services import Forbidden, Invalid, ServiceError, audit, brands, checked_text
from registry.services.attempts import record_attempt
from registry.services.context import Context, local_day
from registry.services.request_reads import (
    RequestRow,
    get_request,
    locked_request,
)
from registry.services.unit import use_case


class NotSent(ServiceError):
    """The mail server refused the letter or could not be reached: nothing was logged."""

    status = 502


class NoMailServer(ServiceError):
    status = 503


NOTE_MAX = 2_000
HOLDER_WORDS = {
    LetterLanguage.EN: {
        "brand": "the brand",
        "fan": "a fan",
        "agency": "an agency",
        "squatter": "a third party",
        "unknown": "a third party",
    },
    LetterLanguage.FR: {
        "brand": "la marque",
        "fan": "un fan",
        "agency": "une agence",
        "squatter": "un tiers",
        "unknown": "un tiers",
    },
}
TERMS_WORDS = {
    LetterLanguage.EN: {
        "free": "free of charge",
        "donation": "against a donation of %s to a charity",
        "sale": "at a price of %s",
    },
    LetterLanguage.FR: {
        "free": "à titre gratuit",
        "donation": "contre un don de %s à une association",
        "sale": "au prix de %s",
    },
}
# Who signs a letter sent by a member who gave no name (the next line says Handle Registry).
TEAM = {LetterLanguage.EN: "The team", LetterLanguage.FR: "L'équipe"}


@dataclass(frozen=True)
class Recipient:
    """A brand's contact point a letter can go to: one with an e-mail address."""

    id: int
    label: str
    address: str

    @property
    def shown(self) -> str:
        return formataddr((self.label, self.address)) if self.label else self.address


@dataclass(frozen=True)
class LetterOptions:
    """What a member may write about one request now: the templates that fit it, the
    brand's e-mail contact points, the languages; `refusal` says why nothing can be sent."""

    templates: tuple[str, ...]
    recipients: tuple[Recipient, ...]
    languages: tuple[str, ...]
    refusal: str | None


@dataclass(frozen=True)
class Draft:
    """A letter as it would leave: the preview, and what `send_letter` sends."""

    template: str
    language: str
    recipient: Recipient
    reply_to: str
    subject: str
    body: str
    wording_id: int | None


# --- wordings ---------------------------------------------------------------------------------


def wording_in_use(session: Session, template: str, language: str) -> tuple[Wording, int | None]:
    """The newest wording an admin saved for a template and language, or the built-in one."""
    row = session.exec(
        select(LetterWording)
        .where(LetterWording.template == template, LetterWording.language == language)
        .order_by(col(LetterWording.id).desc())
        .limit(1)
    ).first()
    if row is None:
        return letters.BUILT_IN[(template, language)], None
    return Wording(row.subject, row.body), row.id


def _check_template(template: str, language: str) -> None:
    if template not in values(LetterTemplate):
        raise Invalid(
            N_('Unknown letter "%(template)s".'),
            field="template",
            template=template,
        )
    if language not in values(LetterLanguage):
        raise Invalid(N_("Letters are written in French (fr) or English (en)."), field="language")


@use_case
def save_wording(
    ctx: Context, template: str, language: str, *, subject: str, body: str
) -> LetterWording:
    """An admin's new wording of one letter (kept beside the older ones: letters sent keep
    pointing at theirs)."""
    if ctx.actor is None or not permissions.role_can(ctx.actor.role, permissions.MANAGE_USERS):
        raise Forbidden(N_("Only admins can change the wording of letters."))
    _check_template(template, language)
    try:
        wording = letters.check_wording(Wording(subject, body))
    except Refusal as error:
        raise Invalid.explaining(error, field=error.field) from None
    row = LetterWording(
        template=template,
        language=language,
        subject=wording.subject,
        body=wording.body,
        created_by_id=ctx.actor.id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(
        ctx.session,
        actor=ctx.actor,
        action="letter_wording.create",
        entity=row,
        summary=N_("Wording of the %(template)s letter (%(language)s) changed"),
        params={"template": recorded.code("letter", template), "language": language},
        after={"subject": wording.subject},
    )
    return row


def sample_facts(language: str) -> dict[str, str]:
    """Facts of an imaginary request, to preview a wording before any letter uses it."""
    french = language == LetterLanguage.FR
    return {
        "brand": "Gallimard",
        "handle": "@Gallimard",
        "platform": "X",
        "link": "https://x.com/Gallimard",
        "holder": "un fan" if french else "a fan",
        "terms": TERMS_WORDS[LetterLanguage(language)]["free"],
        "deadline": format_date(date(2026, 5, 20), format="long", locale=language),
        "sender": "Camille Martin",
        "note": "",
        "reply_address": "reply+exampletoken@registry.example",
        "reference": "#42",
    }


def preview_wording(language: str, *, subject: str, body: str) -> Wording:
    """A wording an admin is writing, filled with sample facts (refused as saving would)."""
    try:
        wording = letters.check_wording(Wording(subject, body))
    except Refusal as error:
        raise Invalid.explaining(error, field=error.field) from None
    return letters.fill(wording, sample_facts(language))


# --- who may write what --------------------------------------------------------------------


def _is_address(value: str) -> bool:
    _name, address = parseaddr(value)
    local, _, domain = address.partition("@")
    return bool(local) and "." in domain and " " not in address and address == value.strip()


def recipients(session: Session, brand_id: int | None) -> tuple[Recipient, ...]:
    """The brand's contact points that have an e-mail address."""
    if brand_id is None:
        return ()
    return tuple(
        _as_recipient(point)
        for point in brands.contact_points(session, brand_id)
        if _is_address(point.value)
    )


def _as_recipient(point: ContactPoint) -> Recipient:
    return Recipient(point.id or 0, point.label, point.value.strip())


def fitting_templates(session: Session, request: TransferRequest) -> tuple[str, ...]:
    """The letters that suit the request now (domain.letters.template_fits): a decision
    notice only once the brand's decision is on record."""
    has_decision = (
        session.exec(
            select(ContactAttempt.id)
            .where(ContactAttempt.request_id == request.id, ContactAttempt.decision != "")
            .limit(1)
        ).first()
        is not None
    )
    return tuple(
        template.value
        for template in LetterTemplate
        if letters.template_fits(template, request_kind=request.kind, has_decision=has_decision)
    )


def letter_options(ctx: Context, row: RequestRow) -> LetterOptions:
    """What the context's actor may write about the request now (the request page's form)."""
    refusal = None
    if not permissions.can_send_letter(ctx.actor, row.request, row.brand):
        refusal = permissions.LETTER_REFUSAL
    elif row.brand is None:
        refusal = N_("This handle names no brand: there is nobody to write to.")
    elif not ctx.settings.get("SMTP_URL") or not ctx.settings.get("MAIL_REPLY_DOMAIN"):
        refusal = N_("Letters cannot be sent: the registry has no mail server configured.")
    templates = fitting_templates(ctx.session, row.request)
    found = recipients(ctx.session, row.brand.id if row.brand else None)
    if refusal is None and not found:
        refusal = N_("The brand has no e-mail contact point yet: staff can add one.")
    return LetterOptions(templates, found, tuple(LetterLanguage), refusal)


def _recipient(session: Session, brand_id: int, contact_point: str | int) -> Recipient:
    """The contact point a letter goes to, by its id or its e-mail address."""
    given = str(contact_point).strip()
    if not given:
        raise Invalid(N_("Choose the contact point to write to."), field="contact_point")
    for point in brands.contact_points(session, brand_id):
        if given == str(point.id) or given.lower() == point.value.strip().lower():
            if not _is_address(point.value):
                raise Invalid(
                    N_("This contact point has no e-mail address: a letter cannot go there."),
                    field="contact_point",
                    status=400,
                )
            return _as_recipient(point)
    raise Invalid(N_("This is not one of the brand's contact points."), field="contact_point")


# --- the letter itself ----------------------------------------------------------------------


def _facts(
    ctx: Context, row: RequestRow, language: str, note: str, reply_to: str
) -> dict[str, str]:
    request, handle, platform = row.request, row.handle, row.platform
    words = LetterLanguage(language)
    amount = (
        format_currency(request.amount_cents / 100, "EUR", locale=language)
        if request.amount_cents is not None
        else ""
    )
    terms = TERMS_WORDS[words].get(request.terms, request.terms)
    if "%s" in terms:
        terms = terms % amount
    # The day the brand's answer is due: the running clock's, or a full deadline from today
    # when none runs or it has passed (a follow-up never asks for an answer by a past day).
    today = local_day(ctx.now, row.brand)
    deadline_day = request.reply_due_on
    if deadline_day is None or deadline_day < today:
        deadline_day = clock.due_after(
            today,
            ctx.policy.deadline_for(row.brand),
            calendar=ctx.policy.calendar_for(row.brand),
        )
    actor: User | None = ctx.actor
    return {
        "brand": row.brand.name if row.brand else "",
        "handle": handle.handle,
        "platform": platform.name,
        "link": handles.profile_url(platform.rules(), handle.handle),
        "holder": handle.holder_name or HOLDER_WORDS[words].get(handle.holder_kind, ""),
        "terms": terms,
        "deadline": format_date(deadline_day, format="long", locale=language),
        "sender": (actor.display_name if actor and actor.display_name else TEAM[words]),
        "note": note,
        "reply_address": reply_to,
        "reference": f"#{request.id}",
    }


def _draft(
    ctx: Context,
    row: RequestRow,
    *,
    contact_point: str | int,
    template: str,
    language: str,
    note: str,
    token: str,
) -> Draft:
    _check_template(template, language)
    if not permissions.can_send_letter(ctx.actor, row.request, row.brand):
        raise Forbidden(permissions.LETTER_REFUSAL)
    if row.brand is None:
        raise Invalid(N_("This handle names no brand: there is nobody to write to."))
    if template not in fitting_templates(ctx.session, row.request):
        raise Invalid(N_("This letter does not fit this request."), field="template")
    note = checked_text(note, "note", NOTE_MAX)
    assert row.brand.id is not None  # a stored brand has its id
    recipient = _recipient(ctx.session, row.brand.id, contact_point)
    domain = ctx.settings.get("MAIL_REPLY_DOMAIN") or "reply.invalid"
    reply_to = letters.reply_address(token, domain)
    wording, wording_id = wording_in_use(ctx.session, template, language)
    filled = letters.fill(wording, _facts(ctx, row, language, note, reply_to))
    return Draft(template, language, recipient, reply_to, filled.subject, filled.body, wording_id)


def preview_letter(
    ctx: Context,
    request_id: int,
    *,
    contact_point: str | int,
    template: str,
    language: str,
    note: str = "",
) -> Draft:
    """The letter as it would leave now (nothing is stored or sent)."""
    row = get_request(ctx.session, request_id)
    token = row.request.reply_token or "xxxxxxxxxxxxxxxxxxxxxxxxxx"
    return _draft(
        ctx,
        row,
        contact_point=contact_point,
        template=template,
        language=language,
        note=note,
        token=token,
    )


@use_case
def send_letter(
    ctx: Context,
    request_id: int,
    *,
    contact_point: str | int,
    template: str,
    language: str,
    note: str = "",
) -> Letter:
    """Send the letter and log it as an outbound e-mail attempt, in one transaction: the
    attempt and the letter are written first, the message leaves last, and a refusal from
    the mail server rolls both back (nothing is logged, the member is told why)."""
    request = locked_request(ctx.session, request_id)
    if request.reply_token is None:
        request.reply_token = letters.new_reply_token()
    row = get_request(ctx.session, request_id)
    draft = _draft(
        ctx,
        row,
        contact_point=contact_point,
        template=template,
        language=language,
        note=note,
        token=request.reply_token,
    )
    if not ctx.settings.get("SMTP_URL") or not ctx.settings.get("MAIL_REPLY_DOMAIN"):
        raise NoMailServer(
            N_("Letters cannot be sent: the registry has no mail server configured.")
        )
    message_id = make_msgid(domain=ctx.settings["MAIL_REPLY_DOMAIN"])
    attempt = record_attempt(
        ctx,
        request,
        direction=clock.OUTBOUND,
        channel="email",
        outcome="no_answer",
        happened_at=ctx.now,
        contact_point=draft.recipient.shown[: limits.CONTACT_POINT_MAX],
        summary=draft.subject,
        message_id=message_id.strip("<>"),
    )
    letter = Letter(
        request_id=request_id,
        attempt_id=attempt.id or 0,
        template=template,
        language=language,
        wording_id=draft.wording_id,
        to_address=draft.recipient.address,
        subject=draft.subject,
        body=draft.body,
        message_id=attempt.message_id,
        sent_by_id=ctx.actor.id if ctx.actor else None,
        sent_at=ctx.now,
    )
    ctx.session.add(letter)
    ctx.session.flush()
    _send(ctx, draft, message_id, _thread_of(ctx.session, request_id, attempt.id))
    return letter


def _thread_of(session: Session, request_id: int, but: int | None) -> list[str]:
    """The Message-IDs of the letters already sent for the request, oldest first, so the
    brand's mail program shows the new one in the same conversation."""
    ids = session.exec(
        select(Letter.message_id)
        .where(Letter.request_id == request_id, Letter.attempt_id != but)
        .order_by(col(Letter.id))
    ).all()
    return [f"<{message_id}>" for message_id in ids]


def _send(ctx: Context, draft: Draft, message_id: str, thread: list[str]) -> None:
    message = EmailMessage()
    message["From"] = ctx.settings.get("MAIL_FROM", "Handle Registry <no-reply@localhost>")
    message["To"] = draft.recipient.shown
    message["Reply-To"] = draft.reply_to
    message["Subject"] = draft.subject
    message["Message-ID"] = message_id
    if thread:
        message["In-Reply-To"] = thread[-1]
        message["References"] = " ".join(thread[-20:])
    message["Content-Language"] = draft.language
    message.set_content(draft.body)
    try:
        smtp.deliver(ctx.settings, message)
    except smtp.MailNotSent as error:
        raise NotSent(
            N_("The letter was not sent, and nothing was logged: %(reason)s"),
            reason=str(error),
        ) from None


def reply_to_of(ctx: Context, request_id: int) -> str:
    """The request's reply address ("" before its first letter)."""
    request = ctx.session.get(TransferRequest, request_id)
    if request is None or request.reply_token is None:
        return ""
    return letters.reply_address(request.reply_token, ctx.settings.get("MAIL_REPLY_DOMAIN", ""))


def letters_of(session: Session, request_id: int) -> dict[int, Letter]:
    """The letters sent for a request, by the id of their attempt (the conversation)."""
    rows = session.exec(select(Letter).where(Letter.request_id == request_id)).all()
    return {letter.attempt_id: letter for letter in rows}


__all__ = [
    "Draft",
    "LetterOptions",
    "NoMailServer",
    "NotSent",
    "Recipient",
    "letter_options",
    "preview_letter",
    "save_wording",
    "send_letter",
    "wording_in_use",
]
