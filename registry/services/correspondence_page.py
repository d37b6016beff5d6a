"""The correspondence as the site shows it (DESIGN.md "Correspondence"), decided here so that
templates only show it: on a request page, the letter this reader may write now and, for
each attempt of the log that is a letter sent or a message received, who wrote, its badges
and the corrections this reader may make; the staff's list of mail that matched nothing; the
admin's wordings of the letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import defer
from sqlmodel import Session, select

from registry.adapters.models import ContactAttempt, LetterWording, MailMessage
from registry.domain import clock, letters, permissions, workflow
from registry.domain.letters import LetterLanguage, LetterTemplate, Wording
from registry.domain.messages import N_
from registry.services import NotFound, Page, mail_intake
from registry.services import letters as letter_service
from registry.services.context import Context
from registry.services.request_reads import RequestRow

# Why the clock does not take a reply as an answer (ContactAttempt.discounted), in a line.
DISCOUNTED = {
    "mass_reply": N_(
        "A near-copy of what the brand sent to several other requests: the reply clock does "
        "not count it as an answer."
    ),
    "unverified": N_(
        "The sender's domain failed its DMARC check: the reply clock does not count it until "
        "staff confirm the sender."
    ),
}
EXCERPT = 240  # characters of a message's summary shown in the staff's list


@dataclass(frozen=True)
class LetterPanel:
    """The "Write to the brand" section of a member who may write about the request:
    the choices, or why nothing can be sent yet (`refusal`, a msgid)."""

    options: letter_service.LetterOptions
    refusal: str | None
    language: str  # the reader's language if letters are written in it, else English


@dataclass(frozen=True)
class MailItem:
    """An attempt of the log that is mail: a letter the registry sent, or a message it
    received, and what this reader may do about it."""

    attempt_id: int
    sent: bool  # a letter from the registry; else a message received
    from_name: str  # a message's sender as it named itself ("" for a letter)
    address: str  # the brand's address a letter went to, or the sender's address
    subject: str
    summary: str  # a message's new text (its quoted thread left out); "" for a letter
    body: str  # a letter's whole text
    template: str  # a letter's template, a code of LABELS["letter"]
    badges: tuple[str, ...]  # "mass_reply", "unverified": why the clock does not count it
    mail_id: int | None  # the original to download, for a reader who may
    may_correct: bool  # staff: correct the outcome, the mass reply, the sender
    may_mark_mass_reply: bool
    may_confirm_sender: bool
    by_registry: bool  # logged by the registry itself (mail received), not by a member

    def explain(self, badge: str) -> str:
        return DISCOUNTED[badge]


@dataclass(frozen=True)
class Correspondence:
    letter: LetterPanel | None  # None: this reader may not write about this request now
    items: dict[int, MailItem]  # by attempt id


def correspondence(
    ctx: Context, row: RequestRow, attempts: list[ContactAttempt], *, language: str
) -> Correspondence:
    """What the request page shows of the request's mail to this reader (`language`: the
    reader's, the letter form's default)."""
    request_id = row.request.id or 0
    sent = letter_service.letters_of(ctx.session, request_id)
    received = mail_intake.mail_of_request(ctx.session, request_id)
    staff = permissions.can_manage(ctx.actor)
    may_download = permissions.may_read_original(ctx.actor, row.brand)
    items: dict[int, MailItem] = {}
    for attempt in attempts:
        if attempt.id is None:
            continue
        if attempt.id in sent:
            letter = sent[attempt.id]
            items[attempt.id] = MailItem(
                attempt_id=attempt.id,
                sent=True,
                from_name="",
                address=letter.to_address,
                subject=letter.subject,
                summary="",
                body=letter.body,
                template=letter.template,
                badges=(),
                mail_id=None,
                may_correct=False,
                may_mark_mass_reply=False,
                may_confirm_sender=False,
                by_registry=False,
            )
        elif attempt.id in received:
            items[attempt.id] = _received(attempt, received[attempt.id], staff, may_download)
    return Correspondence(letter_panel(ctx, row, language=language), items)


def _received(
    attempt: ContactAttempt, message: MailMessage, staff: bool, may_download: bool
) -> MailItem:
    assert attempt.id is not None  # a stored attempt has its id
    badges = tuple(
        badge
        for badge, on in (("mass_reply", attempt.mass_reply), ("unverified", attempt.unverified))
        if on
    )
    return MailItem(
        attempt_id=attempt.id,
        sent=False,
        from_name=message.sender_name,
        address=message.sender,
        subject=message.subject,
        summary=attempt.summary if attempt.summary != message.subject else "",
        body="",
        template="",
        badges=badges,
        mail_id=message.id if may_download else None,
        may_correct=staff,
        may_mark_mass_reply=staff
        and (attempt.mass_reply or attempt.outcome in clock.REAL_REPLY_OUTCOMES),
        may_confirm_sender=staff and attempt.unverified,
        by_registry=attempt.logged_by_id is None,
    )


def letter_panel(ctx: Context, row: RequestRow, *, language: str) -> LetterPanel | None:
    """The letter form of a member who may write about this open request; nothing for a
    member who may not write (the page does not tell them about letters at all)."""
    if not workflow.is_open(row.request.state):
        return None
    if not permissions.can_send_letter(ctx.actor, row.request, row.brand):
        return None
    options = letter_service.letter_options(ctx, row)
    shown = language if language in options.languages else LetterLanguage.EN.value
    return LetterPanel(options, options.refusal, shown)


# --- the staff's unmatched mail ---------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """A message that matched no request, as the staff's list shows it."""

    message: MailMessage
    problem: str  # a code of LABELS["mail_problem"]
    excerpt: str  # the start of its summary
    may_assign: bool  # a message too large to read cannot be logged from here


def unmatched_page(ctx: Context, page: int | str | None) -> Page[Waiting]:
    """The mail waiting for staff, newest first (mail_intake.unmatched refuses others)."""
    found = mail_intake.unmatched(ctx, page)
    shown = [
        Waiting(
            message=message,
            problem=message.problem or mail_intake.Problem.NO_REQUEST.value,
            excerpt=_excerpt(message.summary),
            may_assign=message.problem != mail_intake.Problem.TOO_LARGE,
        )
        for message in found.items
    ]
    return Page(shown, found.page, found.page_size, found.total)


def waiting_message(ctx: Context, mail_id: int) -> MailMessage:
    """One message waiting for staff (the discard's confirm step), without its bytes."""
    mail_intake.require_staff(ctx)
    message = ctx.session.exec(
        select(MailMessage)
        .options(defer(MailMessage.raw))  # type: ignore[arg-type]
        .where(MailMessage.id == mail_id)
    ).first()
    if message is None:
        raise NotFound(N_("No such message."))
    return message


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT:
        return flat
    return flat[:EXCERPT].rsplit(" ", 1)[0] + "…"


# --- the admin's wordings ---------------------------------------------------------------------


@dataclass(frozen=True)
class WordingShown:
    """The wording in use of one letter in one language: an admin's, or the built-in one."""

    template: str
    language: str
    wording: Wording
    built_in: Wording
    changed_at: datetime | None  # when an admin saved it; None: the built-in wording


def wording(session: Session, template: str, language: str) -> WordingShown:
    in_use, wording_id = letter_service.wording_in_use(session, template, language)
    saved = session.get(LetterWording, wording_id) if wording_id is not None else None
    return WordingShown(
        template=template,
        language=language,
        wording=in_use,
        built_in=letters.BUILT_IN[(template, language)],
        changed_at=saved.created_at if saved else None,
    )


def wordings(session: Session) -> list[WordingShown]:
    """Every letter in every language, in the order the admin's page lists them."""
    return [
        wording(session, template, language)
        for template in LetterTemplate
        for language in LetterLanguage
    ]


def is_letter(template: str, language: str) -> bool:
    """Whether an address names a letter and a language (else the page is not found)."""
    return (template, language) in letters.BUILT_IN


FACTS = letters.FACTS  # what a wording may name, each with what it holds (msgids)
