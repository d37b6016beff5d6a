"""The request page, shown by the requests' views and the handover's alike: the page model
(registry.services.request_page) and the forms this reader may use. Its views' modules
import this one, never each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask import render_template
from flask_babel import gettext as _

from registry.adapters.models import TransferRequest
from registry.domain import handover as rules
from registry.domain import workflow
from registry.domain.messages import N_
from registry.presentation import i18n
from registry.presentation.labels import LABELS, labelled, names_in_every_language
from registry.services import correspondence_page, handover_plans, request_reads, transitions
from registry.services import request_page as page_model
from registry.services.letters import Draft
from registry.web.forms import (
    AttemptForm,
    DecisionForm,
    HandoverConfirmForm,
    HandoverOutcomeForm,
    HandoverScheduleForm,
    LetterForm,
    SelectChoice,
    failure_reason_choices,
    options,
)
from registry.web.helpers import context, local_now, or_404

# The flash after a move, one whole sentence per state so that each translates on its own.
STATE_REACHED = {
    workflow.PROPOSED: N_("Request #%(id)s is now proposed."),
    workflow.CONTACTING: N_("Request #%(id)s is now contacting."),
    workflow.IN_DISCUSSION: N_("Request #%(id)s is now in discussion."),
    workflow.AGREED: N_("Request #%(id)s is now agreed."),
    workflow.COMPLETED: N_("Request #%(id)s is now completed."),
    workflow.DECLINED: N_("Request #%(id)s is now declined."),
    workflow.WITHDRAWN: N_("Request #%(id)s is now withdrawn."),
}


# The confirm step of an irreversible move: its title and its button, one sentence per move.
CONFIRM_TITLES = {
    workflow.COMPLETED: N_("Complete the handover of @%(handle)s?"),
    workflow.DECLINED: N_("Decline request #%(id)s?"),
    workflow.WITHDRAWN: N_("Withdraw request #%(id)s?"),
}
CONFIRM_BUTTONS = {
    workflow.COMPLETED: N_("Yes, complete the handover"),
    workflow.DECLINED: N_("Yes, decline the request"),
    workflow.WITHDRAWN: N_("Yes, withdraw the request"),
}
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
class Panel:
    """The handover panel: what the page model decided, and the forms this reader may use."""

    offer: page_model.HandoverOffer
    schedule_form: HandoverScheduleForm | None
    owed: str  # who owes the next step, in words
    refused: list[str]  # why a confirmation or a plan sent without its form was refused
    self_confirm: tuple[tuple[str, str], ...]  # (side, button) the reader confirms for themselves
    confirm_form: HandoverConfirmForm | None  # staff: a side and the channel it came by
    outcome_form: HandoverOutcomeForm | None
    zone: str
    timed: bool  # the platform's method needs a window (a rename); else the account changes owners


@dataclass(frozen=True)
class LetterSection:
    """The "Write to the brand" section: what the page model decided, the form, and after a
    "Preview" the letter as it would leave (its "Send" posts the same fields, confirmed)."""

    panel: correspondence_page.LetterPanel
    form: LetterForm | None  # None when nothing can be sent yet (panel.refusal says why)
    draft: Draft | None
    problem: str  # why the last send or preview was refused, when no field says it


def visible_row(request_id: int) -> request_reads.RequestRow:
    return or_404(request_reads.visible_request, context(), request_id)


def render(
    row: request_reads.RequestRow,
    *,
    attempt_form: AttemptForm | None = None,
    decision_form: DecisionForm | None = None,
    handover_forms: dict | None = None,
    letter_form: LetterForm | None = None,
    draft: Draft | None = None,
    letter_problem: str = "",
    status: int = 200,
):
    """The request page from its page model; a refused form is shown again with its
    messages (`status` 422)."""
    ctx = context()
    shown = page_model.request_page(
        ctx, row, as_of=ctx.today, department_names=names_in_every_language("department")
    )
    mail = correspondence_page.correspondence(
        ctx, row, shown.recorded_attempts, language=i18n.current_locale()
    )
    if shown.can_log:
        attempt_form = attempt_form or AttemptForm(formdata=None)
        if attempt_form.happened_at.data is None:
            attempt_form.happened_at.data = local_now()
    html = render_template(
        "requests/detail.html",
        page=shown,
        row=row,
        attempt_form=attempt_form if shown.can_log else None,
        decision_form=_decision_form(decision_form, row.request) if shown.can_decide else None,
        handover=panel(shown.handover, shown.handover_method, **(handover_forms or {}))
        if shown.handover
        else None,
        mail=mail,
        letter=letter_section(mail.letter, letter_form, draft, letter_problem)
        if mail.letter
        else None,
        outcomes=labelled("outcome"),
    )
    return html, status


def letter_section(
    panel: correspondence_page.LetterPanel,
    form: LetterForm | None,
    draft: Draft | None,
    problem: str,
) -> LetterSection:
    """The letter form with the choices the page model offers this reader."""
    if panel.refusal:
        return LetterSection(panel, None, None, problem)
    form = form or LetterForm(formdata=None, language=panel.language)
    letter_choices(form, panel)
    return LetterSection(panel, form, draft, problem)


def letter_choices(form: LetterForm, panel: correspondence_page.LetterPanel) -> None:
    """The brand's e-mail contact points and the letters that fit, as the form's choices."""
    form.contact_point.choices = options((r.id, r.shown) for r in panel.options.recipients)
    form.template.choices = options((t, LABELS["letter"][t]) for t in panel.options.templates)


def _decision_form(form: DecisionForm | None, request_: TransferRequest) -> DecisionForm:
    """The decision form offering only what the brand can still decide."""
    form = form or DecisionForm(formdata=None)
    still_open = transitions.decisions_open(request_)
    # DecisionForm's choices come from forms.options; types-WTForms predates SelectChoice.
    offered = cast("list[SelectChoice]", form.decision.choices)
    form.decision.choices = [c for c in offered if c.value in still_open]
    return form


def panel(
    offer: page_model.HandoverOffer,
    method: handover_plans.MethodView,
    *,
    schedule_form: HandoverScheduleForm | None = None,
    confirm_form: HandoverConfirmForm | None = None,
    outcome_form: HandoverOutcomeForm | None = None,
) -> Panel:
    """The handover panel's forms, for what the page model says this reader may do."""
    # A refused confirmation from a reader without the staff form: its messages, on their own.
    refused = (
        [e for f in (confirm_form.party, confirm_form.channel) for e in f.errors]
        if confirm_form is not None and not offer.staff_confirm
        else []
    )
    # A plan refused where none may be planned (a name that never changes hands): why.
    if schedule_form is not None and not offer.may_schedule:
        refused += [e for f in schedule_form for e in f.errors]
    if offer.staff_confirm:
        confirm_form = confirm_form or HandoverConfirmForm(formdata=None)
        confirm_form.party.choices = options((p, LABELS["party"][p]) for p in offer.staff_confirm)
    else:
        confirm_form = None
    owed = ", ".join(_(OWED[p]) for p in offer.view.owed_by) if offer.view else ""
    if offer.may_record_outcome:
        outcome_form = outcome_form or HandoverOutcomeForm(formdata=None)
        outcome_form.reason.choices = failure_reason_choices(rules.failure_reasons(method.method))
    else:
        outcome_form = None
    return Panel(
        offer=offer,
        schedule_form=(schedule_form or HandoverScheduleForm(formdata=None))
        if offer.may_schedule
        else None,
        owed=owed,
        refused=refused,
        self_confirm=tuple((p, _(CONFIRM_AS[p])) for p in offer.self_confirm),
        confirm_form=confirm_form,
        outcome_form=outcome_form,
        zone=i18n.zone_city(),
        timed=method.needs_window,
    )
