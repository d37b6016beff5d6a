"""Transfer requests: list (flagged or not), read one, propose, log attempts, move along.

Every account that can hold a token (staff, legal, admin) reads all requests; fans cannot
hold tokens. Per request, the services' own rules decide (`can_view`, `can_log_attempt`),
so a proposer-only role would see and act on its own requests only.
"""

from __future__ import annotations

from datetime import UTC, date

from flask import jsonify, url_for

from registry import db
from registry.access import requires
from registry.api import bp
from registry.api.auth import api_can, api_user
from registry.api.errors import ApiError
from registry.api.handles import brand_id_for, brand_parameter
from registry.api.inputs import (
    bad_parameter,
    body_as,
    check_known_parameters,
    choice_parameter,
    date_parameter,
    page_body,
    paging,
    run_use_case,
)
from registry.api.schemas import (
    AttemptCreate,
    AttemptOut,
    RequestCreate,
    RequestDetail,
    RequestOut,
    TransitionCreate,
)
from registry.domain import clock, workflow
from registry.domain.messages import N_, Explained
from registry.domain.roles import DECIDE, MANAGE_REQUESTS, MEMBER, PROPOSE, READ_ALL
from registry.models import Brand, Handle, Platform, TransferRequest
from registry.services import requests as transfer
from registry.web.helpers import clock_policy, now, today

LIST_PARAMETERS = ("flag", "as_of", "state", "brand", "page", "per_page")


def moves_for_caller(request: TransferRequest) -> list[str]:
    """The states this caller may move the request to now (staff: any allowed move;
    its proposer: withdrawing it)."""
    allowed = workflow.allowed_transitions(request.state)
    if api_can(MANAGE_REQUESTS):
        return list(allowed)
    if transfer.is_proposer(api_user(), request) and workflow.WITHDRAWN in allowed:
        return [workflow.WITHDRAWN]
    return []


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
        "allowed_transitions": moves_for_caller(request),
    }


def stored_flag(
    request: TransferRequest, brand: Brand | None, *, as_of: date
) -> tuple[str | None, date | None]:
    """Flag and due date from the dates stored on the request, as the dashboard reads them."""
    if not workflow.is_open(request.state) or request.opened_on > as_of:
        return None, None
    flag = clock.flag_from_due_dates(
        reply_due=request.reply_due_on,
        first_contact_due=request.first_contact_due_on,
        calendar=clock_policy().calendar_for(brand),
        as_of=as_of,
    )
    return flag, request.reply_due_on or request.first_contact_due_on


def detail_body(row: transfer.RequestRow, *, as_of: date) -> dict:
    attempts = [attempt for attempt, _ in transfer.attempts_of(db.session(), row.request.id)]
    status = transfer.reply_status(row, attempts, as_of=as_of, policy=clock_policy())
    fields = request_fields(
        row.request, row.handle, row.platform, row.brand, flag=status.flag, due_date=status.due_on
    )
    fields.update(
        waiting_since=status.waiting_since,
        business_days_waiting=status.business_days_waiting,
        unanswered_attempts=status.unanswered_attempts,
        attempts=[attempt.model_dump() for attempt in attempts],
    )
    return RequestDetail.model_validate(fields).model_dump(mode="json")


def visible_row(request_id: int) -> transfer.RequestRow:
    row = transfer.get_request(db.session(), request_id)
    if not transfer.can_view(api_user(), row.request):
        raise ApiError(403, "Only the request's proposer and staff can see it.")
    return row


def created(body: dict, location: str):
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


@bp.get("/requests")
@requires(READ_ALL)
def requests_index():
    check_known_parameters(LIST_PARAMETERS)
    session = db.session()
    flag = choice_parameter("flag", clock.FLAGS)
    state = choice_parameter("state", workflow.STATES)
    brand = brand_parameter(session)
    as_of = date_parameter("as_of", today())
    page, per_page = paging()
    if flag:
        if state and state not in workflow.OPEN_STATES:
            raise bad_parameter(
                "state", N_('Only open requests carry a flag, not "%(state)s" ones.'), state=state
            )
        rows = [
            row
            for row in transfer.flagged(session, as_of=as_of, policy=clock_policy(), brand=brand)
            if row.flag == flag and (not state or row.request.state == state)
        ]
        total = len(rows)
        items = [
            request_fields(
                r.request, r.handle, r.platform, r.brand, flag=r.flag, due_date=r.due_date
            )
            for r in rows[(page - 1) * per_page : page * per_page]
        ]
    else:
        found = transfer.list_requests(
            session,
            transfer.RequestFilters(state=state, brand=brand),
            page=page,
            page_size=per_page,
        )
        total = found.total
        items = []
        for r in found.items:
            row_flag, due_date = stored_flag(r.request, r.brand, as_of=as_of)
            items.append(
                request_fields(
                    r.request, r.handle, r.platform, r.brand, flag=row_flag, due_date=due_date
                )
            )
    return page_body(
        [RequestOut.model_validate(item).model_dump(mode="json") for item in items],
        page=page,
        per_page=per_page,
        total=total,
    )


@bp.get("/requests/<int:request_id>")
@requires(MEMBER)
def request_detail(request_id: int):
    check_known_parameters(("as_of",))
    row = visible_row(request_id)
    return detail_body(row, as_of=date_parameter("as_of", today()))


@bp.post("/requests")
@requires(PROPOSE)
def request_create():
    body = body_as(RequestCreate)
    kind = body.kind
    if kind != "offer" and not (api_can(MANAGE_REQUESTS) or api_can(DECIDE)):
        message = N_('Only staff, legal and admin accounts can open a "claim".')
        raise ApiError(403, message, fields={"kind": message})
    if body.handle_id is not None and (body.platform or body.handle):
        message = N_("Name the handle by handle_id, or by platform and handle, not both.")
        raise ApiError(422, message, fields={"handle_id": message})
    if body.handle_id is None and not (body.platform and body.handle):
        message = N_("Name the handle: handle_id, or platform and handle.")
        raise ApiError(422, message, fields={"handle": message})
    session = db.session()
    proposed = run_use_case(
        transfer.propose,
        actor=api_user(),
        today=today(),
        handle_id=body.handle_id,
        platform_slug=body.platform,
        handle=body.handle,
        brand_id=brand_id_for(session, body.brand),
        kind=kind,
        terms=body.terms,
        amount=body.amount,
        message=body.message,
        policy=clock_policy(),
    )
    row = transfer.get_request(session, proposed.id)
    return created(
        detail_body(row, as_of=today()), url_for("api.request_detail", request_id=proposed.id)
    )


@bp.post("/requests/<int:request_id>/attempts")
@requires(MEMBER)
def attempt_create(request_id: int):
    row = visible_row(request_id)
    if not transfer.can_log_attempt(api_user(), row.request):
        raise ApiError(403, "Only the request's proposer and staff can log attempts on it.")
    body = body_as(AttemptCreate)
    happened_at = body.happened_at or now()
    if happened_at.tzinfo is None:  # documented: a time without an offset is UTC
        happened_at = happened_at.replace(tzinfo=UTC)
    happened_at = happened_at.astimezone(UTC)  # answered as stored, whatever the offset sent
    attempt = run_use_case(
        transfer.log_attempt,
        row.request,
        actor=api_user(),
        direction=body.direction,
        channel=body.channel,
        outcome=body.outcome,
        happened_at=happened_at,
        now=now(),
        contact_point=body.contact_point,
        summary=body.summary,
        policy=clock_policy(),
    )
    return created(
        AttemptOut.model_validate(attempt.model_dump()).model_dump(mode="json"),
        url_for("api.request_detail", request_id=request_id),
    )


@bp.post("/requests/<int:request_id>/transition")
@requires(MEMBER)
def request_transition(request_id: int):
    row = visible_row(request_id)
    body = body_as(TransitionCreate)
    if not api_can(MANAGE_REQUESTS) and not (
        transfer.is_proposer(api_user(), row.request) and body.to == workflow.WITHDRAWN
    ):
        raise ApiError(
            403, 'Only staff can move requests; a proposer may withdraw theirs (to "withdrawn").'
        )
    try:
        workflow.check_transition(row.request.state, body.to)
    except workflow.TransitionNotAllowed as exc:
        # 409: the move is well-formed, the request's current state refuses it.
        raise ApiError(
            409,
            exc.msgid,
            fields={"to": exc.message},
            extra={"allowed_transitions": exc.allowed},
            **exc.params,
        ) from None
    except Explained as exc:
        raise ApiError(422, exc.msgid, fields={"to": exc.message}, **exc.params) from None
    run_use_case(
        transfer.transition,
        row.request,
        actor=api_user(),
        to=body.to,
        today=today(),
        note=body.note,
        policy=clock_policy(),
    )
    return detail_body(transfer.get_request(db.session(), request_id), as_of=today())
