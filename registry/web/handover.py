"""The handover on the request page: its panel, the forms that plan a window, confirm it
for a side and record its outcome (the rules are registry.services.handover's), and the
window as a calendar file (registry.presentation.calendar)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from wtforms.validators import Optional

from registry.adapters import db
from registry.domain import handover as rules
from registry.domain import limits, permissions, workflow
from registry.domain.messages import N_
from registry.domain.permissions import MANAGE_REQUESTS, MEMBER
from registry.presentation import calendar, i18n
from registry.presentation.access import requires
from registry.presentation.labels import LABELS
from registry.services import Forbidden, NotFound, handover_calendar, handover_plans, request_reads
from registry.services import handover as handovers
from registry.web import request_page as detail_page
from registry.web.forms import (
    HandoverConfirmForm,
    HandoverOutcomeForm,
    HandoverScheduleForm,
    options,
)
from registry.web.helpers import (
    actor,
    context,
    from_local,
    or_404,
    refuse,
    run_use_case,
)

bp = Blueprint("handover", __name__, url_prefix="/requests")


def _again(request_id: int, **forms):
    """The request page again with a refused form's messages (422)."""
    return detail_page.render(detail_page.visible_row(request_id), handover_forms=forms, status=422)


def _back(request_id: int):
    return redirect(url_for("requests.detail", request_id=request_id, _anchor="handover"))


@bp.post("/<int:request_id>/handover")
@requires(MANAGE_REQUESTS)
def schedule(request_id: int):
    row = or_404(request_reads.may_act_on, context(), request_id, permissions.MOVE)
    form = HandoverScheduleForm()
    if not rules.needs_window(row.platform.slug):  # an ownership change: the start is optional
        form.window_start.validators = [Optional()]
    if form.validate_on_submit():
        plan = run_use_case(
            form,
            handovers.schedule,
            request_id,
            window_start=from_local(form.window_start.data),
            window_minutes=form.window_minutes.data,
            timezone=i18n.select_timezone(),
            notes=form.notes.data or "",
        )
        if plan is not None:
            flash(_("The handover window is planned: each side confirms it now."), "success")
            return _back(request_id)
    return _again(request_id, schedule_form=form)


@bp.post("/<int:request_id>/handover/confirm")
@requires(MEMBER)
def confirm(request_id: int):
    row = detail_page.visible_row(request_id)
    if not permissions.confirmable_parties(actor(), row.request, row.brand):
        refuse(
            Forbidden(
                N_("Only the holder, the brand's legal team and staff confirm a handover window.")
            )
        )
    form = HandoverConfirmForm()
    form.party.choices = options((p, LABELS["party"][p]) for p in rules.PARTIES)
    if form.validate_on_submit():
        plan = run_use_case(
            form,
            handovers.confirm,
            request_id,
            party=form.party.data,
            channel=form.channel.data or "",
        )
        if plan is not None:
            flash(_("The confirmation is recorded."), "success")
            return _back(request_id)
    return _again(request_id, confirm_form=form)


@bp.post("/<int:request_id>/handover/outcome")
@requires(MANAGE_REQUESTS)
def outcome(request_id: int):
    ctx = context()
    row = or_404(request_reads.may_act_on, ctx, request_id, permissions.MOVE)
    form = HandoverOutcomeForm()
    if form.validate_on_submit():
        claimed = form.outcome.data == rules.CLAIMED
        confirmed = request.form.get("confirmed") == "1"
        if claimed and not confirmed and handover_plans.can_claim(ctx, row.request):
            return _claim_page(row, form)
        plan = run_use_case(
            form,
            handovers.record_outcome,
            request_id,
            outcome=form.outcome.data,
            reason="" if claimed else form.reason.data or "",
            note=form.note.data or "",
        )
        if plan is not None:
            if claimed:
                flash(_(detail_page.STATE_REACHED[workflow.COMPLETED], id=request_id), "success")
            else:
                flash(_("The failed window is recorded: a new one can be planned."), "success")
            return _back(request_id)
    return _again(request_id, outcome_form=form)


def _claim_page(row: request_reads.RequestRow, form: HandoverOutcomeForm):
    """The confirm step of `claimed`: completion's consequence (custody moves to the brand,
    for good) and its warnings; Confirm sends the same POST with `confirmed`."""
    confirmation = handover_plans.claim_confirmation(db.session(), row)
    names = {
        "id": row.request.id,
        "handle": row.handle.handle,
        "brand": confirmation.consequence.params["brand"],
    }
    return render_template(
        "requests/confirm.html",
        row=row,
        confirmation=confirmation,
        title=_(detail_page.CONFIRM_TITLES[workflow.COMPLETED], **names),
        button=_(detail_page.CONFIRM_BUTTONS[workflow.COMPLETED]),
        action=url_for("handover.outcome", request_id=row.request.id),
        fields={"outcome": rules.CLAIMED, "note": form.note.data or ""},
    )


@bp.get("/<int:request_id>/handover.ics")
@requires(MEMBER)
def calendar_file(request_id: int):
    """The request's handover window as a calendar event, for its parties and staff (403 for
    other readers; 404, saying why, without a window)."""
    if not limits.is_id(request_id):
        abort(404)
    try:
        event = handover_calendar.calendar_event(context(), request_id)
    except (NotFound, Forbidden) as refused:
        refuse(refused)
    public_url = current_app.config.get("PUBLIC_URL") or ""
    # On the site, a link to the page read even without PUBLIC_URL: the reader came from it.
    url = calendar.request_url(request_id) or url_for(
        "requests.detail", request_id=request_id, _external=True
    )
    response = make_response(calendar.ics(event, url=url, public_url=public_url))
    response.headers["Content-Type"] = calendar.CONTENT_TYPE
    name = calendar.filename(request_id)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
