"""Correspondence on the site (DESIGN.md "Correspondence"): a letter to the brand from the
request page (previewed, then sent), the staff's corrections of how a message was read, the
mail that matched no request (/mail/unmatched) and a message's original, to download."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _

from registry.adapters import db
from registry.adapters.models import ContactAttempt
from registry.domain import permissions
from registry.domain.permissions import MANAGE_REQUESTS, MEMBER
from registry.presentation import i18n
from registry.presentation.access import requires
from registry.presentation.labels import label
from registry.services import Forbidden, correspondence_page, letters, mail_intake
from registry.web import request_page as detail_page
from registry.web.forms import AssignMailForm, DiscardMailForm, LetterForm, MailReadingForm
from registry.web.helpers import context, or_404, paging, refuse, run_use_case, try_use_case

bp = Blueprint("correspondence", __name__)


# --- a letter to the brand --------------------------------------------------------------------


@bp.post("/requests/<int:request_id>/letters")
@requires(MEMBER)
def letter(request_id: int):
    """ "Preview" shows the letter filled in, on the request page; the preview's "Send"
    (the same fields, confirmed) sends it and logs it, or says why not."""
    row = detail_page.visible_row(request_id)
    ctx = context()
    panel = correspondence_page.letter_panel(ctx, row, language=i18n.current_locale())
    if panel is None:
        if not permissions.can_send_letter(ctx.actor, row.request, row.brand):
            refuse(Forbidden(permissions.LETTER_REFUSAL))
        flash(_("This request is closed: no more letters are sent for it."), "error")
        return redirect(url_for("requests.detail", request_id=request_id))
    form = LetterForm()
    detail_page.letter_choices(form, panel)
    if panel.refusal or not form.validate_on_submit():
        return detail_page.render(row, letter_form=form, status=422)
    fields = {
        "contact_point": form.contact_point.data or "",
        "template": form.template.data or "",
        "language": form.language.data or "",
        "note": form.note.data or "",
    }
    if form.send.data and form.confirmed.data == "1":
        sent, problem = try_use_case(form, letters.send_letter, request_id, **fields)
        if sent is not None:
            flash(_("Letter sent to %(address)s.", address=sent.to_address), "success")
            return redirect(url_for("requests.detail", request_id=request_id, _anchor="attempts"))
        # Refused (the mail server, a field): the letter shown again, to send once put right.
        row = detail_page.visible_row(request_id)
        draft, _unused = try_use_case(
            LetterForm(formdata=None), letters.preview_letter, request_id, **fields
        )
        return detail_page.render(
            row, letter_form=form, draft=draft, letter_problem=problem, status=422
        )
    draft, problem = try_use_case(form, letters.preview_letter, request_id, **fields)
    return detail_page.render(
        row,
        letter_form=form,
        draft=draft,
        letter_problem=problem,
        status=200 if draft is not None else 422,
    )


# --- staff: how a message was read ------------------------------------------------------------


@bp.post("/requests/<int:request_id>/attempts/<int:attempt_id>/reading")
@requires(MANAGE_REQUESTS)
def correct(request_id: int, attempt_id: int):
    """Correct a message's outcome, mark or unmark it as a mass reply, or confirm its sender
    (audited; the reply clock follows)."""
    attempt = db.session().get(ContactAttempt, attempt_id)
    if attempt is None or attempt.request_id != request_id:
        abort(404)
    form = MailReadingForm()
    change = {
        "outcome": form.outcome.data or None,
        "mass_reply": {"yes": True, "no": False}.get(form.mass_reply.data or ""),
        "verified": True if form.verified.data == "yes" else None,
    }
    back = url_for("requests.detail", request_id=request_id, _anchor=f"attempt-{attempt_id}")
    if not form.validate_on_submit() or all(value is None for value in change.values()):
        flash(_("Choose what to correct."), "error")
        return redirect(back)
    if run_use_case(None, mail_intake.correct_attempt, attempt_id, **change) is not None:
        flash(_corrected(change), "success")
    return redirect(back)


def _corrected(change: dict) -> str:
    if change["outcome"]:
        return _(
            "The message now reads as “%(outcome)s”.", outcome=label(change["outcome"], "outcome")
        )
    if change["mass_reply"] is True:
        return _("Marked as a mass reply: the reply clock does not count it.")
    if change["mass_reply"] is False:
        return _("No longer a mass reply: the reply clock counts it.")
    return _("Sender confirmed: the reply clock counts this message.")


# --- staff: mail that matched no request ------------------------------------------------------


@bp.get("/mail/unmatched")
@requires(MANAGE_REQUESTS)
def unmatched():
    return _unmatched_page()


def _unmatched_page(
    problems: dict[int, str] | None = None, status: int = 200, typed: dict[int, str] | None = None
):
    """The list, newest first; `problems`: why an action on a message was refused, by id;
    `typed`: the request number typed for it, shown again beside the refusal."""
    page = or_404(correspondence_page.unmatched_page, context(), paging()["page"])
    return render_template(
        "correspondence/unmatched.html", page=page, problems=problems or {}, typed=typed or {}
    ), status


@bp.post("/mail/<int:mail_id>/assign")
@requires(MANAGE_REQUESTS)
def assign(mail_id: int):
    form = AssignMailForm()
    if not form.validate_on_submit():
        problem = " ".join(map(str, form.request_id.errors)) or _(
            "Enter the number of the request."
        )
        return _unmatched_page({mail_id: problem}, 422, {mail_id: _typed(form)})
    request_id = form.request_id.data
    attempt, problem = try_use_case(form, mail_intake.assign_mail, mail_id, request_id)
    if attempt is None:
        problem = problem or " ".join(map(str, form.request_id.errors))
        return _unmatched_page({mail_id: problem}, 422, {mail_id: _typed(form)})
    flash(_("The message is now on request #%(id)s.", id=request_id), "success")
    return redirect(url_for("correspondence.unmatched"))


def _typed(form: AssignMailForm) -> str:
    """What the member typed as the request number, as typed (bounded)."""
    return (form.request_id.raw_data or [""])[0][:20]


@bp.post("/mail/<int:mail_id>/discard")
@requires(MANAGE_REQUESTS)
def discard(mail_id: int):
    """A first POST asks to confirm (the message leaves the list); the confirmed one
    discards it, with the staff's note in the audit trail."""
    form = DiscardMailForm()
    if not form.validate_on_submit():
        return _unmatched_page({mail_id: " ".join(map(str, form.note.errors))}, 422)
    if form.confirmed.data != "1":
        message = or_404(correspondence_page.waiting_message, context(), mail_id)
        return render_template("correspondence/discard.html", message=message, form=form)
    if run_use_case(None, mail_intake.discard_mail, mail_id, note=form.note.data or ""):
        flash(_("Message discarded: it stays on record, out of this list."), "success")
    return redirect(url_for("correspondence.unmatched"))


# --- the original of a message ----------------------------------------------------------------


@bp.get("/mail/<int:mail_id>/original")
@requires(MEMBER)
def original(mail_id: int):
    """The message as received, byte for byte, as a file (never shown as a page)."""
    message = or_404(mail_intake.original, context(), mail_id)
    response = make_response(bytes(message.raw))
    response.mimetype = "message/rfc822"
    response.headers["Content-Disposition"] = f'attachment; filename="message-{mail_id}.eml"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
