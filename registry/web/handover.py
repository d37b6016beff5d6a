"""The handover on the request page: its panel, and the forms that plan a window, confirm
it for a side and record its outcome (the rules are registry.services.handover's)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from registry.adapters import db
from registry.adapters.models import HandoverPlan, User
from registry.domain import handover as rules
from registry.domain import permissions, workflow
from registry.domain.messages import N_
from registry.domain.permissions import MANAGE_REQUESTS, MEMBER
from registry.presentation import i18n
from registry.presentation.access import requires
from registry.presentation.labels import LABELS
from registry.services import Forbidden, audit, handover_plans, request_reads
from registry.services import handover as handovers
from registry.web import requests as request_pages
from registry.web.forms import HandoverConfirmForm, HandoverOutcomeForm, HandoverScheduleForm
from registry.web.helpers import (
    actor,
    context,
    from_local,
    or_404,
    refuse,
    run_use_case,
)

bp = Blueprint("handover", __name__, url_prefix="/requests")

# Who owes the plan's next step, one phrase per side (handover.owed_by).
OWED = {
    rules.HOLDER: N_("the holder's confirmation"),
    rules.BRAND: N_("the brand's confirmation"),
    "staff": N_("staff, to record the outcome"),
}
# A side's own confirmation button, one whole sentence per side.
CONFIRM_AS = {
    rules.HOLDER: N_("Confirm for the holder"),
    rules.BRAND: N_("Confirm for the brand"),
}


@dataclass(frozen=True)
class Confirmed:
    party: str
    at: object
    channel: str
    by: User | None


@dataclass(frozen=True)
class Panel:
    """What the request page shows of the handover, and the forms this reader may use."""

    view: handover_plans.PlanView | None
    confirmations: list[Confirmed]
    past: list[HandoverPlan]
    schedule_form: HandoverScheduleForm | None
    owed: str  # who owes the next step, in words
    refused: list[str]  # why a confirmation sent without the staff form was refused
    self_confirm: tuple[tuple[str, str], ...]  # (side, button) the reader confirms for themselves
    confirm_form: HandoverConfirmForm | None  # staff: a side and the channel it came by
    outcome_form: HandoverOutcomeForm | None
    can_claim: bool
    zone: str


def panel(
    row: request_reads.RequestRow, *, schedule_form=None, confirm_form=None, outcome_form=None
):
    """The handover panel of a request page, or None: shown for an agreed request and for
    any request with plans."""
    ctx = context()
    session, user, request_ = ctx.session, ctx.actor, row.request
    plans = handover_plans.plans_of(session, request_.id)
    if request_.state != workflow.AGREED and not plans:
        return None
    shown = plans[-1] if plans and plans[-1].outcome in ("", rules.CLAIMED) else None
    past = [plan for plan in plans if plan is not shown]
    view = handover_plans.view(ctx, shown) if shown else None
    confirmations = []
    if shown is not None:
        members = audit.members_by_id(
            session, {shown.holder_confirmed_by_id, shown.brand_confirmed_by_id}
        )
        for party in rules.PARTIES:
            at = getattr(shown, f"{party}_confirmed_at")
            if at is not None:
                by = members.get(getattr(shown, f"{party}_confirmed_by_id"))
                confirmations.append(
                    Confirmed(party, at, getattr(shown, f"{party}_channel") or "", by)
                )
    may_confirm = [
        party
        for party in rules.PARTIES
        if handover_plans.can_confirm_as(ctx, request_, row.brand, party)
    ]
    self_confirm = tuple(
        p for p in may_confirm if permissions.confirms_for_itself(user, request_, row.brand, p)
    )
    recorded_by_staff = [p for p in may_confirm if p not in self_confirm]
    # A refused confirmation from a reader without the staff form: its messages, on their own.
    refused = (
        [e for f in (confirm_form.party, confirm_form.channel) for e in f.errors]
        if confirm_form is not None and not recorded_by_staff
        else []
    )
    owed = ", ".join(_(OWED[p]) for p in view.owed_by) if view else ""
    if recorded_by_staff:
        confirm_form = confirm_form or HandoverConfirmForm(formdata=None)
        confirm_form.party.choices = [(p, LABELS["party"][p]) for p in recorded_by_staff]
    else:
        confirm_form = None
    may_schedule = handover_plans.can_schedule(ctx, request_)
    may_record = handover_plans.can_record_outcome(ctx, request_)
    return Panel(
        view=view,
        confirmations=confirmations,
        past=past,
        schedule_form=(schedule_form or HandoverScheduleForm(formdata=None))
        if may_schedule
        else None,
        owed=owed,
        refused=refused,
        self_confirm=tuple((p, _(CONFIRM_AS[p])) for p in self_confirm),
        confirm_form=confirm_form,
        outcome_form=(outcome_form or HandoverOutcomeForm(formdata=None)) if may_record else None,
        can_claim=handover_plans.can_claim(ctx, request_),
        zone=i18n.zone_city(),
    )


def _again(request_id: int, **forms):
    """The request page again with a refused form's messages (422)."""
    return request_pages._render_detail(
        request_pages._visible_row(request_id), handover_forms=forms, status=422
    )


def _back(request_id: int):
    return redirect(url_for("requests.detail", request_id=request_id, _anchor="handover"))


@bp.post("/<int:request_id>/handover")
@requires(MANAGE_REQUESTS)
def schedule(request_id: int):
    or_404(request_reads.may_act_on, context(), request_id, permissions.MOVE)
    form = HandoverScheduleForm()
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
    row = request_pages._visible_row(request_id)
    if not permissions.confirmable_parties(actor(), row.request, row.brand):
        refuse(
            Forbidden(
                N_("Only the holder, the brand's legal team and staff confirm a handover window.")
            )
        )
    form = HandoverConfirmForm()
    form.party.choices = [(p, LABELS["party"][p]) for p in rules.PARTIES]
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
                flash(_(request_pages.STATE_REACHED[workflow.COMPLETED], id=request_id), "success")
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
        title=_(request_pages.CONFIRM_TITLES[workflow.COMPLETED], **names),
        button=_(request_pages.CONFIRM_BUTTONS[workflow.COMPLETED]),
        action=url_for("handover.outcome", request_id=row.request.id),
        fields={"outcome": rules.CLAIMED, "note": form.note.data or ""},
    )
