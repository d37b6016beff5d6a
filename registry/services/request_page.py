"""One request as a reader sees it, decided in one call: what its page shows and what the
API answers of it. The page and the API read the same facts from here, so they cannot
disagree; the template and the JSON only show them. Forms are the site's own business: this
module says which actions the reader may take, the site builds their forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from registry.adapters.models import ContactAttempt, ContactPoint, HandoverPlan, User
from registry.domain import clock, escalation, permissions, workflow
from registry.domain import handover as rules
from registry.domain.messages import N_, Message
from registry.services import attempts as attempt_log
from registry.services import (
    audit,
    brands,
    handover_calendar,
    handover_plans,
    reply_clock,
    request_reads,
    timeline,
)
from registry.services.context import Context
from registry.services.request_reads import RequestRow

# Why the contact log is empty, or what to do about it.
NO_ATTEMPT_CLOSED = {
    workflow.COMPLETED: N_("No contact attempt was logged before the request was completed."),
    workflow.DECLINED: N_("No contact attempt was logged before the request was declined."),
    workflow.WITHDRAWN: N_("No contact attempt was logged before the request was withdrawn."),
}
NO_ATTEMPT_LOG_BELOW = N_("No contact attempt yet. Log the first one below.")
NO_ATTEMPT_OPEN = N_("No contact attempt yet.")


@dataclass(frozen=True)
class Confirmed:
    """One side's confirmation of the window shown, and who recorded it."""

    party: str
    at: datetime
    channel: str
    by: Message | str  # who recorded it, as this reader may see them named


@dataclass(frozen=True)
class HandoverOffer:
    """What the request page shows of the handover and which of its actions this reader may
    take (the site builds the forms)."""

    view: handover_plans.PlanView | None  # the window under way, or None
    confirmations: list[Confirmed]
    past: list[HandoverPlan]  # windows that failed or lapsed
    self_confirm: tuple[str, ...]  # the sides the reader confirms for themselves
    staff_confirm: tuple[str, ...]  # the sides the reader records for others (staff)
    may_schedule: bool
    may_record_outcome: bool
    can_claim: bool
    # The window under way may be added to a calendar by this reader (handover.ics).
    calendar: bool = False


@dataclass(frozen=True)
class RequestPage:
    row: RequestRow
    is_open: bool
    attempts: list[tuple[ContactAttempt, User | None]]  # the log, the decision left out
    recorded_attempts: list[ContactAttempt]  # every attempt on record, the decision included
    decision: timeline.Decision | None
    history: list[timeline.TimelineItem]
    status: clock.ReplyStatus
    escalation: escalation.Suggestion | None  # for a reader who may log attempts
    contact_points: list[ContactPoint]
    can_log: bool  # the reader may log an attempt now
    transitions: tuple[str, ...]  # the moves offered to staff
    can_withdraw: bool
    can_decide: bool  # the brand's decision may be recorded now, by this reader
    no_attempts: str  # msgid: why the log is empty
    show_private: bool  # the proposer's contact details
    show_members: bool  # other members' e-mails (who logged, who moved)
    from_holder: Message | str  # who the handle moves from
    proposer: Message | str  # who proposed it, as this reader may see them named
    proposer_erased: bool  # they erased their account: "A former member"
    proposer_contact: str  # their e-mail and phone, for readers of private data; else ""
    handover: HandoverOffer | None
    # How a name changes hands on the handle's platform: where it never can, the page says
    # so (and what the brand can do instead) before anyone plans a handover.
    handover_method: handover_plans.MethodView
    terms_warning: Message | None  # the request's terms break the platform's own rules

    def name_of(self, member: User | None, by_registry: bool = False) -> Message | str:
        """A member named on this page (who logged, moved, recorded)."""
        return permissions.member_name(
            member, by_registry=by_registry, may_see_private=self.show_members
        )


def request_page(
    ctx: Context,
    row: RequestRow,
    *,
    as_of: date,
    department_names: dict[str, tuple[str, ...]] | None = None,
) -> RequestPage:
    """Everything a reader is shown of one request they may see (`request_reads.visible_request`
    found it), its reply clock as of `as_of` (the page: the context's day). `department_names`:
    each kind of contact point in every language, to match what members typed."""
    session, user, request = ctx.session, ctx.actor, row.request
    assert request.id is not None  # a stored request has its id
    logged = request_reads.attempts_of(session, request.id)
    attempts = [attempt for attempt, _ in logged]
    decision = timeline.decision_in(logged)
    changes, handover_events = timeline.events_of(session, request.id)
    is_open = workflow.is_open(request.state)
    may_log = permissions.can_log_attempt(user, request, row.brand)
    moves = permissions.moves_for(user, request, row.brand)
    show_members = permissions.may_see_members(user)
    return RequestPage(
        row=row,
        is_open=is_open,
        # The decision is shown as a decision, in the history; it stays an attempt on record.
        attempts=[(attempt, logger) for attempt, logger in logged if not attempt.decision],
        recorded_attempts=attempts,
        decision=decision,
        history=timeline.timeline(changes, decision, handover_events),
        status=reply_clock.reply_status(ctx, row, attempts, as_of=as_of),
        escalation=attempt_log.escalation_for(
            ctx, row, attempts=attempts, department_names=department_names
        )
        if may_log
        else None,
        contact_points=brands.contact_points(session, row.brand.id)
        if row.brand and row.brand.id is not None
        else [],
        can_log=is_open and may_log,
        transitions=moves if permissions.can_manage(user) else (),
        can_withdraw=workflow.WITHDRAWN in moves,
        can_decide=permissions.can_decide_now(
            user, request, row.brand, decided=decision is not None
        ),
        no_attempts=_no_attempts(request.state, is_open and may_log),
        show_private=permissions.may_see_private(user, request),
        show_members=show_members,
        from_holder=permissions.from_holder_name(request, row.proposer),
        proposer=permissions.proposer_name(row.proposer),
        proposer_erased=row.proposer is None or row.proposer.deleted_at is not None,
        proposer_contact=_contact(row.proposer)
        if permissions.may_see_private(user, request)
        else "",
        handover=handover_offer(ctx, row, may_see_private=show_members),
        handover_method=handover_plans.method_view(row.platform),
        terms_warning=rules.terms_warning(row.platform.slug, request.terms),
    )


def _contact(proposer: User | None) -> str:
    if proposer is None or proposer.deleted_at is not None:
        return ""
    return " · ".join(part for part in (proposer.email, proposer.phone) if part)


def _no_attempts(state: str, can_log: bool) -> str:
    if state in NO_ATTEMPT_CLOSED:
        return NO_ATTEMPT_CLOSED[state]
    return NO_ATTEMPT_LOG_BELOW if can_log else NO_ATTEMPT_OPEN


def handover_offer(ctx: Context, row: RequestRow, *, may_see_private: bool) -> HandoverOffer | None:
    """The handover as the request page shows it, or None: shown for an agreed request and
    for any request with plans; not where the name can never change hands and nothing was
    planned (the page's platform rules say why, and what the brand can do instead)."""
    request = row.request
    assert request.id is not None  # a stored request has its id
    plans = handover_plans.plans_of(ctx.session, request.id)
    if not plans and (
        request.state != workflow.AGREED or rules.method_of(row.platform.slug) == rules.IMPOSSIBLE
    ):
        return None
    shown = plans[-1] if plans and plans[-1].outcome in ("", rules.CLAIMED) else None
    may_confirm = [
        party
        for party in rules.PARTIES
        if handover_plans.can_confirm_as(ctx, request, row.brand, party)
    ]
    self_confirm = tuple(
        party
        for party in may_confirm
        if permissions.confirms_for_itself(ctx.actor, request, row.brand, party)
    )
    view = handover_plans.view(ctx, shown) if shown else None
    return HandoverOffer(
        view=view,
        confirmations=_confirmations(ctx, shown, may_see_private) if shown else [],
        past=[plan for plan in plans if plan is not shown],
        self_confirm=self_confirm,
        staff_confirm=tuple(party for party in may_confirm if party not in self_confirm),
        may_schedule=handover_plans.can_schedule(ctx, request),
        may_record_outcome=handover_plans.can_record_outcome(ctx, request),
        can_claim=handover_plans.can_claim(ctx, request),
        calendar=handover_calendar.offered(ctx, row, view),
    )


def _confirmations(ctx: Context, plan: HandoverPlan, may_see_private: bool) -> list[Confirmed]:
    members = audit.members_by_id(
        ctx.session, {plan.holder_confirmed_by_id, plan.brand_confirmed_by_id}
    )
    confirmed = []
    for party in rules.PARTIES:
        at = getattr(plan, f"{party}_confirmed_at")
        if at is None:
            continue
        by_id = getattr(plan, f"{party}_confirmed_by_id")
        by = permissions.member_name(
            members.get(by_id), by_registry=by_id is None, may_see_private=may_see_private
        )
        confirmed.append(Confirmed(party, at, getattr(plan, f"{party}_channel") or "", by))
    return confirmed
