"""Transfer requests: list (flagged or not), read one, propose, log attempts, move along.

Every account that can hold a token (staff, legal, admin) reads all requests; fans cannot
hold tokens. Per request, registry.domain.permissions decides (`can_view`, `can_log_attempt`),
so a proposer-only role would see and act on its own requests only.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from flask import jsonify, url_for

from registry.adapters.models import Brand, Handle, HandoverPlan, Platform, TransferRequest
from registry.api import bp
from registry.api.auth import context
from registry.api.handles import brand_id_for, brand_parameter
from registry.api.inputs import (
    body_as,
    check_known_parameters,
    choice_parameter,
    date_parameter,
    etag_of,
    expected_version,
    page_body,
    paging,
    precondition_failed,
    refused_parameter,
    run_use_case,
)
from registry.api.schemas import (
    AttemptCreate,
    AttemptOut,
    LetterCreate,
    LetterPreview,
    LetterSent,
    RequestCreate,
    RequestDetail,
    RequestOut,
    TransitionCreate,
)
from registry.domain import clock, permissions, workflow
from registry.domain.messages import N_
from registry.domain.permissions import MEMBER, PROPOSE, READ_ALL
from registry.presentation.access import requires
from registry.presentation.labels import names_in_every_language
from registry.presentation.words import translate_message
from registry.services import (
    Forbidden,
    Stale,
    handover_plans,
    letters,
    listings,
    proposals,
    request_page,
    request_reads,
    transitions,
)
from registry.services import attempts as attempt_log

LIST_PARAMETERS = ("flag", "as_of", "state", "brand", "page", "per_page")


def request_fields(
    request: TransferRequest,
    handle: Handle,
    platform: Platform,
    brand: Brand | None,
    *,
    flag: str | None,
    due_date: date | None,
) -> dict:
    return {
        **request.model_dump(),
        "handle": handle.handle,
        "platform": platform.slug,
        "brand": brand.slug if brand else None,
        "amount": request.amount_cents / 100 if request.amount_cents is not None else None,
        "flag": flag,
        "due_date": due_date,
        "allowed_transitions": list(permissions.moves_for(context().actor, request, brand)),
    }


def plan_body(plan: HandoverPlan | None) -> dict | None:
    """A handover plan as the API answers it, its warnings in the caller's language."""
    if plan is None:
        return None
    shown = handover_plans.view(context(), plan)
    body = shown.as_dict()
    body["warnings"] = [translate_message(warning) for warning in shown.warnings]
    body["steps"] = {
        party: [translate_message(step) for step in done] for party, done in shown.steps.items()
    }
    return body


def detail_body(row: request_reads.RequestRow, *, as_of: date) -> dict:
    """A request as the API answers it: the same page model as the site's request page."""
    ctx = context()
    shown = request_page.request_page(
        ctx, row, as_of=as_of, department_names=names_in_every_language("department")
    )
    status = shown.status
    fields = request_fields(
        row.request, row.handle, row.platform, row.brand, flag=status.flag, due_date=status.due_on
    )
    assert row.request.id is not None  # a stored request has its id
    fields.update(
        waiting_since=status.waiting_since,
        business_days_waiting=status.business_days_waiting,
        unanswered_attempts=status.unanswered_attempts,
        attempts=[attempt.model_dump() for attempt in shown.recorded_attempts],
        escalation=shown.escalation.as_dict() if shown.escalation else None,
        handover=plan_body(handover_plans.current_plan(ctx.session, row.request.id)),
        warnings=[translate_message(shown.terms_warning)] if shown.terms_warning else [],
    )
    return RequestDetail.model_validate(fields).model_dump(mode="json")


def visible_row(request_id: int) -> request_reads.RequestRow:
    return request_reads.visible_request(context(), request_id)


def created(body: dict, location: str):
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def with_etag(body: dict, request: TransferRequest):
    response = jsonify(body)
    response.set_etag(etag_of(request))
    return response


@bp.get("/requests")
@requires(READ_ALL)
def requests_index():
    check_known_parameters(LIST_PARAMETERS)
    ctx = context()
    flag = choice_parameter("flag", clock.FLAGS)
    state = choice_parameter("state", workflow.STATES)
    brand = brand_parameter(ctx.session)
    as_of = date_parameter("as_of", ctx.today)
    if flag and state and state not in workflow.OPEN_STATES:
        raise refused_parameter(
            "state", N_('Only open requests carry a flag, not "%(state)s" ones.'), state=state
        )
    page, per_page = paging()
    found = listings.list_requests(
        ctx,
        listings.RequestFilters(state=state, brand=brand, flag=flag),
        as_of=as_of,
        page=page,
        page_size=per_page,
    )
    items = [
        request_fields(r.request, r.handle, r.platform, r.brand, flag=r.flag, due_date=r.due_date)
        for r in found.items
    ]
    return page_body(
        [RequestOut.model_validate(item).model_dump(mode="json") for item in items],
        page=page,
        per_page=per_page,
        total=found.total,
    )


@bp.get("/requests/<int:request_id>")
@requires(MEMBER)
def request_detail(request_id: int):
    check_known_parameters(("as_of",))
    row = visible_row(request_id)
    as_of = date_parameter("as_of", context().today)
    return with_etag(detail_body(row, as_of=as_of), row.request)


@bp.post("/requests")
@requires(PROPOSE)
def request_create():
    body = body_as(RequestCreate)
    ctx = context()
    proposed = run_use_case(
        proposals.propose,
        handle_id=body.handle_id,
        platform_slug=body.platform,
        handle=body.handle,
        brand_id=brand_id_for(ctx.session, body.brand),
        kind=body.kind,
        terms=body.terms,
        amount=body.amount,
        message=body.message,
        opened_on=body.opened_on,
        show_name=body.show_name,
    )
    assert proposed.id is not None  # a stored request has its id
    row = request_reads.get_request(ctx.session, proposed.id)
    return created(
        detail_body(row, as_of=ctx.today), url_for("api.request_detail", request_id=proposed.id)
    )


@bp.post("/requests/<int:request_id>/attempts")
@requires(MEMBER)
def attempt_create(request_id: int):
    ctx = context()
    request_reads.may_act_on(ctx, request_id, permissions.ATTEMPT)  # before the body
    body = body_as(AttemptCreate)
    happened_at = body.happened_at or ctx.now
    if happened_at.tzinfo is None:  # documented: a time without an offset is UTC
        happened_at = happened_at.replace(tzinfo=UTC)
    happened_at = happened_at.astimezone(UTC)  # answered as stored, whatever the offset sent
    attempt = run_use_case(
        attempt_log.log_attempt,
        request_id,
        direction=body.direction,
        channel=body.channel,
        outcome=body.outcome,
        happened_at=happened_at,
        contact_point=body.contact_point,
        summary=body.summary,
    )
    return created(
        AttemptOut.model_validate(attempt.model_dump()).model_dump(mode="json"),
        url_for("api.request_detail", request_id=request_id),
    )


@bp.post("/requests/<int:request_id>/letters")
@requires(MEMBER)
def letter_create(request_id: int):
    """A letter to the brand (DESIGN.md "Correspondence"): `"preview": true` answers its
    subject and text and sends nothing; otherwise it is sent and logged (201)."""
    ctx = context()
    row = request_reads.get_request(ctx.session, request_id)
    if not permissions.can_send_letter(ctx.actor, row.request, row.brand):
        raise Forbidden(permissions.LETTER_REFUSAL)  # before the body
    body = body_as(LetterCreate)
    fields: dict[str, Any] = {
        "contact_point": body.contact_point,
        "template": body.template,
        "language": body.language,
        "note": body.note,
    }
    if body.preview:
        draft = letters.preview_letter(ctx, request_id, **fields)
        return jsonify(LetterPreview(subject=draft.subject, body=draft.body).model_dump())
    letter = run_use_case(letters.send_letter, request_id, **fields)
    reply_to = letters.reply_to_of(ctx, request_id)
    answer = LetterSent(
        attempt_id=letter.attempt_id, message_id=letter.message_id, reply_to=reply_to
    )
    return created(answer.model_dump(), url_for("api.request_detail", request_id=request_id))


@bp.post("/requests/<int:request_id>/transition")
@requires(MEMBER)
def request_transition(request_id: int):
    """A compare-and-set on the state: `from_state` in the body, or an If-Match ETag from
    the request's answer, makes a move from a stale read fail (409, or 412) instead of
    applying to a request that has moved since."""
    ctx = context()
    request_reads.may_act_on(ctx, request_id, permissions.MOVE)  # before the body
    body = body_as(TransitionCreate)
    try:
        run_use_case(
            transitions.transition,
            request_id,
            to=body.to,
            note=body.note,
            expected_state=body.from_state,
            expected_version=expected_version(),
            # A call to the API is itself deliberate (a script or a person who wrote the
            # body): it needs no second step; the web asks on a confirm page first.
            confirmed=True,
        )
    except Stale as exc:
        raise precondition_failed(exc.current) from None
    row = request_reads.get_request(ctx.session, request_id)
    return with_etag(detail_body(row, as_of=ctx.today), row.request)
