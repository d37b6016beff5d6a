"""The evidence pack of a transfer request: what a platform's trademark or impersonation form
asks for, in one place. One brand per pack (the request's), as Meta asks one mark per report.

`pack()` builds its content once, as plain data (codes, dates, Messages), for its two
readers: the JSON of the API and the PDF of the site, which each put it in words. Who may
read it is who may read the request; private data (the proposer's e-mail and phone, a
holder's contact) only for those the request page shows it to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

from sqlmodel import select

from registry.adapters.models import ContactPoint
from registry.domain import handover as rules
from registry.domain import permissions, recorded
from registry.domain.permissions import VIEW_PRIVATE, role_can
from registry.services import (
    custody,
    follower_counts,
    handover_plans,
    platforms,
    request_reads,
    timeline,
)
from registry.services.context import Context


@overload
def _aware(moment: datetime) -> datetime: ...
@overload
def _aware(moment: None) -> None: ...
@overload
def _aware(moment: datetime | None) -> datetime | None: ...
def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pack(ctx: Context, request_id: int) -> dict:
    """The pack of one request the context's actor may see (NotFound, Forbidden otherwise),
    generated now."""
    session, actor, now = ctx.session, ctx.actor, ctx.now
    row = request_reads.visible_request(ctx, request_id)
    request, handle, platform, brand = row.request, row.handle, row.platform, row.brand
    private = permissions.may_see_private(actor, request)
    members_private = role_can(actor.role if actor else None, VIEW_PRIVATE)
    proposer = row.proposer
    if proposer is None or proposer.deleted_at is not None:
        proposer_part = {"name": "", "former_member": proposer is not None}
    else:
        proposer_part = {"name": proposer.display_name, "former_member": False}
        if private:
            proposer_part.update(email=proposer.email, phone=proposer.phone)
    points = (
        {
            p.value: p.kind
            for p in session.exec(select(ContactPoint).where(ContactPoint.brand_id == brand.id))
        }
        if brand
        else {}
    )
    attempts = request_reads.attempts_of(session, request_id)
    decision = timeline.decision_in(attempts)
    return {
        "request": {
            "id": request.id,
            "kind": request.kind,
            "state": request.state,
            "opened_on": request.opened_on,
            "closed_at": _aware(request.closed_at),
            "terms": request.terms,
            "amount": request.amount_cents / 100 if request.amount_cents is not None else None,
            "message": request.message,
            "from_holder_kind": request.from_holder_kind,
            "from_holder_name": request.from_holder_name,
            "to_holder_name": request.to_holder_name,
            "proposer": proposer_part,
        },
        "handle": {
            "handle": handle.handle,
            "platform": platform.slug,
            "platform_name": platform.name,
            "url": platforms.url_for_handle(platform, handle.handle),
            "followers_history": [
                {"count": seen.followers, "seen_on": seen.seen_on}
                for seen in follower_counts.history(session, request.handle_id)
            ],
        },
        "brand": {
            "slug": brand.slug,
            "name": brand.name,
            "country": brand.country,
            "website": brand.website,
        }
        if brand
        else None,
        "custody": [
            {
                "holder_kind": record.holder_kind,
                "holder_name": record.holder_name,
                "holder_verified": record.holder_verified,
                "started_on": record.started_on,
                "ended_on": record.ended_on,
                "evidence_url": record.evidence_url,
                "note": recorded.custody_note(record.note_code, record.note_params, record.note),
                **({"holder_contact": record.holder_contact} if members_private else {}),
            }
            for record in sorted(
                custody.custody_history(session, request.handle_id),
                key=lambda record: (record.started_on, record.id),
            )
        ],
        "contacts": [
            {
                "happened_at": _aware(attempt.happened_at),
                "direction": attempt.direction,
                "channel": attempt.channel,
                "department": points.get(attempt.contact_point, ""),
                "contact_point": attempt.contact_point,
                "outcome": attempt.outcome,
                "summary": attempt.summary,
                "decision": attempt.decision,
            }
            for attempt, _logger in sorted(attempts, key=lambda pair: _aware(pair[0].happened_at))
        ],
        "decision": {
            "decision": decision.code,
            "at": _aware(decision.at),
            "channel": decision.channel,
            "summary": decision.summary,
        }
        if decision
        else None,
        "plans": [
            _plan(handover_plans.view(ctx, plan))
            for plan in handover_plans.plans_of(session, request_id)
        ],
        "private": private,
        "generated_at": now,
    }


def _plan(view: handover_plans.PlanView) -> dict:
    plan = view.plan
    return {
        "window_start": _aware(plan.window_start),
        "window_end": view.window_end,
        "window_minutes": plan.window_minutes if plan.window_start is not None else None,
        "timezone": plan.timezone,
        "confirm_by": plan.confirm_by,
        "outcome_by": plan.outcome_by,
        "confirmations": {
            party: (
                {"at": _aware(at), "channel": getattr(plan, f"{party}_channel") or None}
                if (at := getattr(plan, f"{party}_confirmed_at")) is not None
                else None
            )
            for party in rules.PARTIES
        },
        "standing": view.standing,
        "outcome": plan.outcome or None,
        "outcome_reason": plan.outcome_reason or None,
        "outcome_at": _aware(plan.outcome_at),
        "outcome_note": plan.outcome_note,
        "warnings": list(view.warnings),
    }
