"""The handover of an agreed request (plan a window, each side's confirmation, the outcome)
and the request's evidence pack. The rules are the services' (registry.services.handover,
registry.services.evidence); these views read the body and answer JSON."""

from __future__ import annotations

from flask import jsonify

from registry.api import bp
from registry.api.auth import context
from registry.api.inputs import body_as, check_known_parameters, run_use_case
from registry.api.requests import created, plan_body, visible_row
from registry.api.schemas import (
    EvidencePack,
    HandoverAlternative,
    HandoverConfirm,
    HandoverCreate,
    HandoverOutcome,
    HandoverPlanOut,
    HandoverPlans,
)
from registry.domain import limits
from registry.domain.messages import N_
from registry.domain.permissions import MEMBER
from registry.presentation.access import requires
from registry.presentation.words import as_text, translate_message
from registry.services import Conflict, NotFound, evidence, handover, handover_plans


def _request_id(raw: str) -> int:
    """The id in /requests/<id>/handover, read by the view: its GET and POST are two views on
    one address, and werkzeug answers 405, not 404, when the `int` converter refuses an id
    there (out of range, not a number)."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or not limits.is_id(int(raw)):
        raise NotFound(N_("No such transfer request."))
    return int(raw)


def _alternatives_in_words(refused: Conflict) -> None:
    """A refusal naming what the brand can do instead (a platform where the name never
    changes hands): each alternative in the caller's language."""
    if "alternatives" in refused.extra:
        refused.extra["alternatives"] = [
            HandoverAlternative.model_validate(
                {**each, "text": translate_message(each["text"])}
            ).model_dump(mode="json")
            for each in refused.extra["alternatives"]
        ]


def _plan_out(plan) -> dict:
    return HandoverPlanOut.model_validate(plan_body(plan)).model_dump(mode="json")


@bp.get("/requests/<request_id>/handover")
@requires(MEMBER)
def handover_detail(request_id: str):
    check_known_parameters(())
    number = _request_id(request_id)
    row = visible_row(number)
    plans = handover_plans.plans_of(context().session, number)
    if not plans:
        raise NotFound(N_("Request #%(id)s has no handover plan yet."), id=row.request.id)
    current = next((plan for plan in plans if not plan.outcome), None)
    body = HandoverPlans.model_validate(
        {
            "current": _plan_out(current) if current else None,
            "past": [_plan_out(plan) for plan in plans if plan.outcome],
        }
    )
    return jsonify(body.model_dump(mode="json"))


@bp.post("/requests/<request_id>/handover")
@requires(MEMBER)
def handover_schedule(request_id: str):
    number = _request_id(request_id)
    visible_row(number)  # before the body: someone kept out learns nothing from it
    handover.require_door(context().actor, "schedule")
    body = body_as(HandoverCreate)
    try:
        plan = run_use_case(
            handover.schedule,
            number,
            window_start=body.window_start,
            window_minutes=body.window_minutes,
            notes=body.notes,
        )
    except Conflict as refused:
        _alternatives_in_words(refused)
        raise
    return created(_plan_out(plan), f"/api/v1/requests/{number}/handover")


@bp.post("/requests/<int:request_id>/handover/confirm")
@requires(MEMBER)
def handover_confirm(request_id: int):
    visible_row(request_id)
    body = body_as(HandoverConfirm)
    plan = run_use_case(
        handover.confirm,
        request_id,
        party=body.party,
        channel=body.channel,
    )
    return jsonify(_plan_out(plan))


@bp.post("/requests/<int:request_id>/handover/outcome")
@requires(MEMBER)
def handover_outcome(request_id: int):
    visible_row(request_id)
    handover.require_door(context().actor, "outcome")
    body = body_as(HandoverOutcome)
    plan = run_use_case(
        handover.record_outcome,
        request_id,
        outcome=body.outcome,
        reason=body.reason,
        note=body.note,
    )
    return jsonify(_plan_out(plan))


@bp.get("/requests/<int:request_id>/evidence")
@requires(MEMBER)
def request_evidence(request_id: int):
    check_known_parameters(())
    content = evidence.pack(context(), request_id)
    return jsonify(EvidencePack.model_validate(as_json(content)).model_dump(mode="json"))


def as_json(content: dict) -> dict:
    """The pack with its Messages (custody notes, warnings) in the caller's language."""
    return {
        **content,
        "custody": [
            {**entry, "note": " ".join(as_text(part) for part in entry["note"])}
            for entry in content["custody"]
        ],
        "plans": [
            {**plan, "warnings": [translate_message(w) for w in plan["warnings"]]}
            for plan in content["plans"]
        ],
    }
