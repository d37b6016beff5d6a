"""Transfer requests: propose, follow, log contact attempts, move along, decide; the dashboard."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.adapters import db
from registry.domain import limits, permissions, workflow
from registry.domain.clock import FLAGS
from registry.domain.messages import N_
from registry.domain.permissions import (
    DECIDE,
    MANAGE_REQUESTS,
    MEMBER,
    PROPOSE,
    READ_ALL,
)
from registry.presentation import words
from registry.presentation.access import requires
from registry.presentation.labels import label
from registry.services import attempts as attempt_log
from registry.services import (
    brands,
    evidence,
    handles,
    handover_deadlines,
    listings,
    platforms,
    proposals,
    request_reads,
    require_acts_for,
    timeline,
    transitions,
)
from registry.web import request_page as detail_page
from registry.web.forms import AttemptForm, DecisionForm, ProposalForm, TransitionForm, options
from registry.web.helpers import (
    actor,
    context,
    form_status,
    from_local,
    or_404,
    paging,
    refusal,
    run_use_case,
)

bp = Blueprint("requests", __name__, url_prefix="/requests")

DECISION_TITLE = N_("Record that %(brand)s declines the transfer?")
DECISION_BUTTON = N_("Yes, record the refusal")


@bp.route("/new", methods=["GET", "POST"])
@requires(PROPOSE)
def propose():
    session = db.session()
    handle_id = request.values.get("handle_id", type=int)
    row = or_404(handles.get_handle, session, handle_id) if handle_id else None
    if row is not None and row.brand is not None:
        or_404(require_acts_for, actor(), row.brand)  # legal: its own brand only
    form = _proposal_form(row)
    if form.validate_on_submit():
        created = run_use_case(form, proposals.propose, **_proposed(form, row))
        if created is not None:
            flash(
                _("Request #%(id)s is open. Log each contact attempt on it.", id=created.id),
                "success",
            )
            against_rules = proposals.terms_warning(db.session(), created)
            if against_rules is not None:
                flash(words.translate_message(against_rules), "warning")
            return redirect(url_for("requests.detail", request_id=created.id))
    # Refused because the handle already has an open request: a way to it (see _already_open).
    refused = getattr(g, "use_case_error", None)
    already_open = (
        refused.extra if refused is not None and "open_request_id" in refused.extra else None
    )
    return render_template(
        "requests/propose.html", form=form, row=row, already_open=already_open
    ), form_status(form)


def _proposal_form(row: handles.HandleRow | None) -> ProposalForm:
    """The proposal form with only the fields this proposal asks: a known handle asks only
    the terms; fans offer the handles they hold (no kind to choose)."""
    session = db.session()
    form = ProposalForm()
    form.platform.choices = options((p.slug, p.name) for p in platforms.all_platforms(session))
    form.brand.choices = options(
        [("", _l("— choose —")), *((b.id, b.name) for b in brands.all_brands(session))]
    )
    if row is not None:  # the holder is already recorded; the name choice is for new ones
        del form.platform, form.handle, form.show_name
        if row.brand is not None:
            del form.brand
    if not permissions.can_claim(actor()):
        del form.kind
    if request.method == "GET" and row is None:
        form.platform.data = request.args.get("platform", "x")
        form.handle.data = request.args.get("handle", "")
        if form.brand is not None and request.args.get("brand"):  # from the lookup's link
            named = brands.find_brand(session, request.args["brand"])
            form.brand.data = str(named.id) if named else ""
    return form


def _proposed(form: ProposalForm, row: handles.HandleRow | None) -> dict:
    """The use case's arguments from the fields the form asked."""
    return {
        "handle_id": row.handle.id if row else None,
        "platform_slug": form.platform.data if form.platform else "",
        "handle": form.handle.data if form.handle else "",
        "brand_id": int(form.brand.data) if form.brand and form.brand.data else None,
        "kind": form.kind.data if form.kind else "offer",
        "terms": form.terms.data,
        "amount": form.amount.data,
        "message": form.message.data or "",
        "opened_on": form.opened_on.data,
        "show_name": bool(form.show_name.data) if form.show_name else False,
    }


@bp.get("/mine")
@requires(PROPOSE)
def mine():
    ctx = context()
    assert ctx.actor is not None  # @requires(PROPOSE): someone is signed in
    page = listings.list_requests(
        ctx, listings.RequestFilters(proposer_id=ctx.actor.id), as_of=ctx.today, **paging()
    )
    return render_template(
        "requests/index.html",
        page=page,
        mine=True,
        filters=None,
        brands=None,
        states=workflow.STATES,
    )


@bp.get("")
@requires(READ_ALL)
def index():
    filters = listings.RequestFilters(
        state=request.args.get("state", ""), brand=request.args.get("brand", "")
    )
    ctx = context()
    page = listings.list_requests(ctx, filters, as_of=ctx.today, **paging())
    return render_template(
        "requests/index.html",
        page=page,
        mine=False,
        filters=filters,
        brands=brands.brand_menu(ctx.session, filters.brand),
        states=workflow.STATES,
    )


def _confirm_page(
    row: request_reads.RequestRow,
    target: str,
    *,
    action: str,
    fields: dict[str, str],
    decision: bool = False,
):
    """The confirm step of an irreversible move: what it does, then Confirm or Cancel. The
    same POST again, with `confirmed`, makes the move."""
    assert row.request.id is not None  # a stored request has its id
    attempts = [attempt for attempt, _ in request_reads.attempts_of(db.session(), row.request.id)]
    confirmation = transitions.confirmation_for(row, target, attempts, decision=decision)
    names = {
        "id": row.request.id,
        "handle": row.handle.handle,
        "brand": confirmation.consequence.params["brand"],
    }
    return render_template(
        "requests/confirm.html",
        row=row,
        confirmation=confirmation,
        title=_(DECISION_TITLE if decision else detail_page.CONFIRM_TITLES[target], **names),
        button=_(DECISION_BUTTON if decision else detail_page.CONFIRM_BUTTONS[target]),
        action=action,
        fields=fields,
    )


def _asks_confirmation(row: request_reads.RequestRow, target: str, seen_state: str | None) -> bool:
    """Whether to show the confirm step rather than try the move: an irreversible move this
    user may make now, from the state they saw. Anything else goes to the use case, which
    refuses it with its own reason (and refuses an unconfirmed irreversible move too)."""
    return (
        workflow.needs_confirming(target)
        and target in permissions.moves_for(actor(), row.request, row.brand)
        and (not seen_state or seen_state == row.request.state)
    )


def _confirmed() -> bool:
    return request.form.get("confirmed") == "1"


@bp.get("/<int:request_id>")
@requires(MEMBER)
def detail(request_id: int):
    return detail_page.render(detail_page.visible_row(request_id))


@bp.get("/<int:request_id>/evidence.pdf")
@requires(MEMBER)
def evidence_pdf(request_id: int):
    """The request's evidence pack, for a platform's trademark or impersonation form."""
    content = or_404(evidence.pack, context(), request_id)
    # fpdf2 is imported when a pack is asked for, not when the app starts: every command
    # (`receive-mail`, run once per message by a mail server) builds the app.
    from registry.web import evidence as evidence_pack

    response = make_response(evidence_pack.render(content))
    response.mimetype = "application/pdf"
    name = f"evidence-request-{request_id}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@bp.post("/<int:request_id>/attempts")
@requires(MEMBER)
def log_attempt(request_id: int):
    or_404(request_reads.may_act_on, context(), request_id, permissions.ATTEMPT)
    form = AttemptForm()
    if form.validate_on_submit():
        attempt = run_use_case(
            form,
            attempt_log.log_attempt,
            request_id,
            direction=form.direction.data,
            channel=form.channel.data,
            outcome=form.outcome.data,
            happened_at=from_local(form.happened_at.data),
            contact_point=form.contact_point.data or "",
            summary=form.summary.data or "",
        )
        if attempt is not None:
            flash(_("Contact attempt logged."), "success")
            return redirect(url_for("requests.detail", request_id=request_id, _anchor="attempts"))
    return detail_page.render(detail_page.visible_row(request_id), attempt_form=form, status=422)


@bp.post("/<int:request_id>/transition")
@requires(MANAGE_REQUESTS)
def move(request_id: int):
    row = or_404(request_reads.may_act_on, context(), request_id, permissions.MOVE)
    form = TransitionForm()
    if not form.validate_on_submit():
        flash(_("Choose the state to move the request to."), "error")
        return redirect(url_for("requests.detail", request_id=request_id))
    to = form.to.data
    assert to is not None  # DataRequired: a validated form has it
    if not _confirmed() and _asks_confirmation(row, to, form.from_state.data):
        return _confirm_page(
            row,
            to,
            action=url_for("requests.move", request_id=request_id),
            fields={"to": to, "from_state": row.request.state},
        )
    moved = run_use_case(
        None,
        _transition_unless_moved,
        request_id,
        to=to,
        note=form.note.data or "",
        expected_state=form.from_state.data or None,
        confirmed=_confirmed(),
    )
    if isinstance(moved, transitions.MovedMeanwhile):
        return _moved_meanwhile(request_id)
    if moved:
        flash(_(detail_page.STATE_REACHED[to], id=request_id), "success")
    return redirect(url_for("requests.detail", request_id=request_id))


def _transition_unless_moved(ctx, request_id: int, **move):
    """The move (transitions.transition); when the request moved since the page was shown,
    the refusal is returned rather than flashed, for `_moved_meanwhile` to answer."""
    try:
        return transitions.transition(ctx, request_id, **move)
    except transitions.MovedMeanwhile as stale:
        return stale


def _moved_meanwhile(request_id: int):
    """A move sent from a page older than the request's state: nothing is done, and the
    request page shows the request as it is now, saying so, with 409 (as the API answers)."""
    row = detail_page.visible_row(request_id)
    flash(
        _(
            "Someone else changed request #%(id)s first: it is now “%(state)s”. Nothing was "
            "done; here is the request as it is now.",
            id=request_id,
            state=label(row.request.state, "state"),
        ),
        "error",
    )
    html, _status = detail_page.render(row)
    return html, 409


@bp.post("/<int:request_id>/withdraw")
@requires(MEMBER)
def withdraw(request_id: int):
    # CSRFProtect has already checked the token of this bare POST.
    row = detail_page.visible_row(request_id)
    seen_state = request.form.get("from_state") or None
    if not _confirmed() and _asks_confirmation(row, workflow.WITHDRAWN, seen_state):
        return _confirm_page(
            row,
            workflow.WITHDRAWN,
            action=url_for("requests.withdraw", request_id=request_id),
            fields={"from_state": row.request.state},
        )
    withdrawn = run_use_case(
        None,
        _transition_unless_moved,
        request_id,
        to=workflow.WITHDRAWN,
        expected_state=seen_state,
        confirmed=_confirmed(),
    )
    if isinstance(withdrawn, transitions.MovedMeanwhile):
        return _moved_meanwhile(request_id)
    if withdrawn:
        flash(_("Request #%(id)s is withdrawn.", id=request_id), "success")
    return redirect(url_for("requests.detail", request_id=request_id))


@bp.post("/<int:request_id>/decision")
@requires(DECIDE)
def decide(request_id: int):
    row = or_404(request_reads.may_act_on, context(), request_id, permissions.DECISION)
    form = DecisionForm()
    if form.validate_on_submit():
        accept = form.decision.data == "accept"
        target = workflow.AGREED if accept else workflow.DECLINED
        if not accept and not _confirmed() and _may_decide_now(row):
            return _confirm_page(
                row,
                target,
                action=url_for("requests.decide", request_id=request_id),
                fields={
                    "decision": form.decision.data,
                    "channel": form.channel.data,
                    "summary": form.summary.data or "",
                },
                decision=True,
            )
        decided = run_use_case(
            form,
            transitions.decide,
            request_id,
            accept=accept,
            channel=form.channel.data,
            summary=form.summary.data or "",
            confirmed=_confirmed(),
        )
        if decided is not None:
            flash(_("The brand's decision is recorded."), "success")
            return redirect(url_for("requests.detail", request_id=request_id))
        row = detail_page.visible_row(request_id)
        if not _may_decide_now(row):  # decided or closed meanwhile: no form to show it on
            flash(refusal(g.use_case_error), "error")
            return redirect(url_for("requests.detail", request_id=request_id))
    return detail_page.render(detail_page.visible_row(request_id), decision_form=form, status=422)


def _may_decide_now(row: request_reads.RequestRow) -> bool:
    assert row.request.id is not None  # a stored request has its id
    decision = timeline.decision_in(request_reads.attempts_of(db.session(), row.request.id))
    return permissions.can_decide_now(actor(), row.request, row.brand, decided=decision is not None)


def parse_as_of(raw: str | None) -> date:
    """The dashboard's day: a date within 1900-2100, else today, with a flash saying why."""
    if not raw:
        return context().today
    try:
        return limits.parse_day(raw, field="as_of")
    except limits.OutOfRange as exc:
        flash(_("%(problem)s Showing today.", problem=refusal(exc)), "error")
        return context().today


DASHBOARD_GROUP_LIMIT = 10  # rows per group, the rest one click away: quick to scan and to render
# The dashboard's orders (listings.SORTS), as its "Sort by" menu names them.
DASHBOARD_SORTS = (
    ("due", _l("Due date, soonest first")),
    ("waiting", _l("Longest waiting first")),
    ("attempts", _l("Most unanswered attempts first")),
    ("brand", _l("Brand")),
)


@bp.get("/attention")
@requires(READ_ALL)
def dashboard():
    ctx = context()
    as_of = parse_as_of(request.args.get("as_of"))
    brand = request.args.get("brand", "")
    sort = request.args.get("sort", "due")
    if sort not in dict(DASHBOARD_SORTS):
        sort = "due"
    show = request.args.get("show", "")
    # A long group is cut so the page stays quick; ?show=FLAG lists the whole group.
    found = listings.flagged_groups(
        ctx,
        as_of=as_of,
        brand=brand,
        sort=sort,
        limit=DASHBOARD_GROUP_LIMIT,
        show=show,
    )
    groups = [(flag, found.rows[flag], found.counts[flag]) for flag in FLAGS]
    return render_template(
        "requests/dashboard.html",
        groups=groups,
        as_of=as_of,
        brand=brand,
        sort=sort,
        sorts=DASHBOARD_SORTS,
        brands=brands.brand_menu(ctx.session, brand),
        total=found.total,
        handover_due=handover_deadlines.due_handovers(ctx, as_of=as_of, brand_slug=brand),
    )
