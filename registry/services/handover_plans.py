"""A request's handover plans as its page, the API and the evidence pack read them: each plan's
standing, what is owed and by whom, the platform's warnings and steps; and what the request
page offers this reader (the forms' rules, from the use cases' own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from registry.adapters.models import Brand, Handle, HandoverPlan, Platform, TransferRequest
from registry.domain import handover, permissions, workflow
from registry.domain.messages import N_, Message
from registry.services import (
    NotFound,
    context,
    request_reads,
    transitions,
)
from registry.services.context import Context


@dataclass(frozen=True)
class PlanView:
    """A plan as its pages and the API show it, with its standing and what is owed, the
    platform's handover method, its warnings and each side's steps."""

    plan: HandoverPlan
    standing: str
    owed_by: tuple[str, ...]
    warnings: list[Message]
    steps: dict[str, tuple[str, ...]]
    method: str = handover.RENAME

    @property
    def window_end(self) -> datetime | None:
        """The end of the plan's window; None for an ownership change planned without one."""
        if self.plan.window_start is None:
            return None
        return handover.minutes_after(
            context.aware(self.plan.window_start), self.plan.window_minutes
        )

    def as_dict(self) -> dict:
        plan, end = self.plan, self.window_end
        return {
            "id": plan.id,
            "method": self.method,
            "window_start": context.aware(plan.window_start).isoformat()
            if plan.window_start is not None
            else None,
            "window_end": end.isoformat() if end is not None else None,
            "window_minutes": plan.window_minutes if plan.window_start is not None else None,
            "timezone": plan.timezone,
            "notes": plan.notes,
            "confirmations": {
                handover.HOLDER: _confirmation(plan.holder_confirmed_at, plan.holder_channel),
                handover.BRAND: _confirmation(plan.brand_confirmed_at, plan.brand_channel),
            },
            "confirm_by": plan.confirm_by.isoformat(),
            "outcome_by": plan.outcome_by.isoformat(),
            "standing": self.standing,
            "owed_by": list(self.owed_by),
            "outcome": plan.outcome or None,
            "outcome_reason": plan.outcome_reason or None,
            "warnings": [str(w) for w in self.warnings],
            "steps": {party: list(done) for party, done in self.steps.items()},
        }


def _confirmation(at: datetime | None, channel: str) -> dict | None:
    if at is None:
        return None
    return {"at": context.aware(at).isoformat(), "channel": channel or None}


def facts(plan: HandoverPlan, known_at: datetime | None = None) -> handover.PlanFacts:
    """The plan as the domain reads it; with `known_at`, as it stood then (a confirmation or
    an outcome recorded later was still missing)."""

    def known(moment: datetime | None) -> bool:
        if known_at is None:
            return moment is not None
        return moment is not None and context.aware(moment) <= known_at

    # An ownership change planned without a window starts when it was planned.
    start = plan.window_start
    return handover.PlanFacts(
        window_start=context.aware(start if start is not None else plan.created_at),
        window_minutes=plan.window_minutes,
        confirm_by=plan.confirm_by,
        outcome_by=plan.outcome_by,
        holder_confirmed=known(plan.holder_confirmed_at),
        brand_confirmed=known(plan.brand_confirmed_at),
        outcome=(plan.outcome or None) if known_at is None or known(plan.outcome_at) else None,
        timed=start is not None,
    )


def view(ctx: Context, plan: HandoverPlan) -> PlanView:
    """The plan as it stands now, its warnings in the brand's calendar."""
    session, now = ctx.session, ctx.now
    request = session.get_one(TransferRequest, plan.request_id)
    handle = session.get_one(Handle, request.handle_id)
    platform = session.get_one(Platform, handle.platform_id)
    brand = session.get(Brand, handle.brand_id) if handle.brand_id else None
    fact = facts(plan)
    current = handover.standing(fact, now=now, today=context.local_day(now, brand))
    return PlanView(
        plan=plan,
        standing=current,
        owed_by=handover.owed_by(fact, current),
        warnings=_warnings(session, platform, brand, plan, request.terms, ctx.policy),
        steps=handover.steps(platform.slug),
        method=handover.method_of(platform.slug),
    )


def _warnings(session, platform, brand, plan, terms, policy) -> list[Message]:
    shared = handover.rules_for(platform.slug).shared_with
    shared_name = ""
    if shared:
        other = session.exec(select(Platform.name).where(Platform.slug == shared)).first()
        shared_name = other or ""
    start = context.aware(plan.window_start) if plan.window_start is not None else None
    return handover.warnings(
        platform.slug,
        platform.name,
        window_start=start,
        window_day=context.local_day(start, brand) if start is not None else None,
        calendar=policy.calendar_for(brand),
        shared_name=shared_name,
        terms=terms,
    )


def platform_of(session: Session, request: TransferRequest) -> Platform:
    """The platform of a request's handle."""
    handle = session.get_one(Handle, request.handle_id)
    return session.get_one(Platform, handle.platform_id)


@dataclass(frozen=True)
class MethodView:
    """How a request's name changes hands on its platform, as its page says it before
    anyone plans: the method, whether a window is needed, and where the name can never
    change hands, why and what the brand can do instead (kind, sentence, source)."""

    method: str
    needs_window: bool
    refusal: Message | None
    alternatives: list[tuple[str, Message, str]]
    source: str


def method_view(platform: Platform) -> MethodView:
    rules = handover.rules_for(platform.slug)
    impossible = rules.method == handover.IMPOSSIBLE
    return MethodView(
        method=rules.method,
        needs_window=handover.needs_window(platform.slug),
        refusal=handover.impossible_refusal(platform.name) if impossible else None,
        alternatives=handover.alternatives(platform.slug, platform.name) if impossible else [],
        source=rules.source,
    )


def plans_of(session: Session, request_id: int) -> list[HandoverPlan]:
    """A request's plans, oldest first (failed ones, then the current one)."""
    return list(
        session.exec(
            select(HandoverPlan)
            .where(HandoverPlan.request_id == request_id)
            .order_by(col(HandoverPlan.id))
        )
    )


def current_plan(session: Session, request_id: int) -> HandoverPlan | None:
    """The request's plan without an outcome, if any (there is at most one)."""
    return session.exec(
        select(HandoverPlan).where(
            HandoverPlan.request_id == request_id, HandoverPlan.outcome == ""
        )
    ).first()


def get_request_plan(session: Session, request_id: int) -> HandoverPlan:
    plan = current_plan(session, request_id)
    if plan is None:
        raise NotFound(N_("Request #%(id)s has no handover window."), id=request_id)
    return plan


def _standing_of(session: Session, plan: HandoverPlan, request, *, now: datetime) -> str:
    brand = request_reads.brand_of(session, request)
    return handover.standing(facts(plan), now=now, today=context.local_day(now, brand))


def can_schedule(ctx: Context, request: TransferRequest) -> bool:
    """schedule()'s rule for the actor, now: staff, an agreed request on a platform where
    the name can change hands, no plan under way (or one that lapsed)."""
    if not permissions.can_manage(ctx.actor) or request.state != workflow.AGREED:
        return False
    if handover.method_of(platform_of(ctx.session, request).slug) == handover.IMPOSSIBLE:
        return False
    assert request.id is not None  # a stored request has its id
    plan = current_plan(ctx.session, request.id)
    return plan is None or _standing_of(ctx.session, plan, request, now=ctx.now) == handover.LAPSED


def can_confirm_as(ctx: Context, request: TransferRequest, brand: Brand | None, party: str) -> bool:
    """confirm()'s rule: the actor may confirm for `party`, whose confirmation the current
    window of an agreed request still awaits now."""
    if request.state != workflow.AGREED:
        return False
    if party not in permissions.confirmable_parties(ctx.actor, request, brand):
        return False
    assert request.id is not None  # a stored request has its id
    plan = current_plan(ctx.session, request.id)
    if plan is None or getattr(plan, f"{party}_confirmed_at") is not None:
        return False
    standing = _standing_of(ctx.session, plan, request, now=ctx.now)
    return standing == handover.AWAITING_CONFIRMATIONS


def can_record_outcome(ctx: Context, request: TransferRequest) -> bool:
    """record_outcome()'s rule for the actor: staff, and a window without an outcome on an
    agreed request."""
    if not permissions.can_manage(ctx.actor) or request.state != workflow.AGREED:
        return False
    assert request.id is not None  # a stored request has its id
    return current_plan(ctx.session, request.id) is not None


def can_claim(ctx: Context, request: TransferRequest) -> bool:
    """Whether the actor may record the outcome `claimed` now: after both confirmations."""
    if not permissions.can_manage(ctx.actor) or request.state != workflow.AGREED:
        return False
    assert request.id is not None  # a stored request has its id
    plan = current_plan(ctx.session, request.id)
    return plan is not None and facts(plan).confirmed


def claim_confirmation(session: Session, row: request_reads.RequestRow) -> transitions.Confirmation:
    """What recording `claimed` does, in words, and what to check first: completion's own
    consequence and warnings (custody moves to the brand; no reply on record)."""
    assert row.request.id is not None  # a stored request has its id
    attempts = [attempt for attempt, _logger in request_reads.attempts_of(session, row.request.id)]
    return transitions.confirmation_for(row, workflow.COMPLETED, attempts)
