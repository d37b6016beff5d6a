"""Every record `registry gen-data` writes keeps the registry's rules, each checked with the
domain's own functions (and the services' where the rule lives there), never with a copy.

`violations` reads the whole generated registry back from the database and returns one line
per broken rule; the generated data gives none, and each corruption of one record below makes
it say so (so the check can fail)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import (
    AuditEntry,
    Brand,
    ContactAttempt,
    CustodyRecord,
    Handle,
    HandoverPlan,
    LookalikeKey,
    Platform,
    TransferRequest,
    User,
)
from registry.domain import clock, handover, limits, lookalikes, permissions, recorded, workflow
from registry.domain.handles import InvalidHandle, parse_handle
from registry.domain.messages import Explained
from registry.domain.vocabulary import HandleStatus, HolderKind, RequestKind, Terms, values
from registry.services import (
    ServiceError,
    accounts,
    attempts,
    audit,
    brands,
    context,
    proposals,
    reply_clock,
)
from registry.services.handles import HOLDER_FIELDS
from registry.services.handover import facts

TODAY = date(2026, 3, 16)
SIZES = {"handles": 300, "brands": 10, "requests": 70, "attempts": 700}


def generate(runner, seed: int = 11) -> None:
    args = ["gen-data", "--seed", str(seed), "--today", TODAY.isoformat()]
    for name, value in SIZES.items():
        args += [f"--{name}", str(value)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output


# --- the registry as read back ---------------------------------------------------------------


@dataclass
class Registry:
    policy: context.ClockPolicy
    today: date  # the data's last day
    now: datetime
    platforms: dict[int, Platform] = field(default_factory=dict)
    brands: dict[int, Brand] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    handles: dict[int, Handle] = field(default_factory=dict)
    custody: dict[int, list[CustodyRecord]] = field(default_factory=lambda: defaultdict(list))
    requests: dict[int, TransferRequest] = field(default_factory=dict)
    attempts: dict[int, list[ContactAttempt]] = field(default_factory=lambda: defaultdict(list))
    plans: dict[int, list[HandoverPlan]] = field(default_factory=lambda: defaultdict(list))
    entries: list[AuditEntry] = field(default_factory=list)
    keys: dict[int, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    trail: dict[tuple, list[AuditEntry]] = field(default_factory=lambda: defaultdict(list))

    def brand_of(self, request: TransferRequest) -> Brand | None:
        brand_id = self.handles[request.handle_id].brand_id
        return self.brands.get(brand_id) if brand_id else None

    def history(self, entity_type: str, entity_id: int, *actions: str) -> list[AuditEntry]:
        if not self.trail:
            for entry in self.entries:
                self.trail[entry.entity_type, entry.entity_id].append(entry)
        return [e for e in self.trail[entity_type, entity_id] if e.action in actions]

    def moves(self, request: TransferRequest) -> list[tuple[AuditEntry, str, str]]:
        """The request's transitions as its audit trail holds them: (entry, before, after)."""
        return [
            (e, recorded.loads(e.before).get("state"), recorded.loads(e.after).get("state"))
            for e in self.history("transfer_request", request.id, "request.transition")
        ]


def aware(moment: datetime | None) -> datetime | None:
    return context.aware(moment) if moment is not None else None


def load(session, policy: context.ClockPolicy, today: date = TODAY) -> Registry:
    session.expire_all()
    found = Registry(policy=policy, today=today, now=datetime.now(UTC))
    found.platforms = {p.id: p for p in session.exec(select(Platform))}
    found.brands = {b.id: b for b in session.exec(select(Brand))}
    found.users = {u.id: u for u in session.exec(select(User))}
    found.handles = {h.id: h for h in session.exec(select(Handle))}
    for record in session.exec(select(CustodyRecord).order_by(CustodyRecord.id)):
        found.custody[record.handle_id].append(record)
    found.requests = {r.id: r for r in session.exec(select(TransferRequest))}
    for attempt in session.exec(
        select(ContactAttempt).order_by(ContactAttempt.happened_at, ContactAttempt.id)
    ):
        found.attempts[attempt.request_id].append(attempt)
    for plan in session.exec(select(HandoverPlan).order_by(HandoverPlan.id)):
        found.plans[plan.request_id].append(plan)
    found.entries = list(session.exec(select(AuditEntry).order_by(AuditEntry.id)))
    for key in session.exec(select(LookalikeKey)):
        found.keys[key.handle_id][key.key] = key.kind
    return found


Check = Callable[[Registry], Iterator[str]]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    CHECKS.append(function)
    return function


def violations(registry: Registry) -> list[str]:
    return [problem for rule in CHECKS for problem in rule(registry)]


def refused(call: Callable[[], object]) -> str | None:
    """Why a domain (or service) check refuses, or None when it accepts."""
    try:
        call()
    except (Explained, ServiceError, ValueError) as exc:
        return str(exc) or type(exc).__name__
    return None


def text_problem(value: str | None, max_length: int) -> str | None:
    """A stored text must be what limits.check_text keeps: storable, stripped, not too long."""
    try:
        kept = limits.check_text(value, max_length=max_length)
    except limits.OutOfRange as exc:
        return str(exc)
    return None if kept == (value or "") else "not stripped"


# --- handles, lookalike keys and custody -----------------------------------------------------


@check
def handles_parse_under_their_platform_s_rules(registry: Registry) -> Iterator[str]:
    seen: set[tuple[int, str]] = set()
    for handle in registry.handles.values():
        rules = registry.platforms[handle.platform_id].rules()
        try:
            parsed = parse_handle(rules, handle.handle)
        except InvalidHandle as exc:
            yield f"handle #{handle.id} @{handle.handle}: refused on {rules.slug}: {exc}"
            continue
        if (parsed.display, parsed.normalized) != (handle.handle, handle.normalized):
            yield f"handle #{handle.id}: stored {handle.normalized!r}, parse_handle gives {parsed}"
        if (handle.platform_id, handle.normalized) in seen:
            yield f"handle #{handle.id}: a second {handle.normalized!r} on its platform"
        seen.add((handle.platform_id, handle.normalized))


@check
def handles_keep_the_vocabularies_and_bounds(registry: Registry) -> Iterator[str]:
    for handle in registry.handles.values():
        if handle.holder_kind not in values(HolderKind) or handle.status not in values(
            HandleStatus
        ):
            yield f"handle #{handle.id}: holder kind {handle.holder_kind}, status {handle.status}"
        for name, bound in (
            ("holder_name", limits.NAME_MAX),
            ("holder_contact", limits.CONTACT_MAX),
            ("notes", limits.NOTE_MAX),
            ("private_notes", limits.NOTE_MAX),
        ):
            problem = text_problem(getattr(handle, name), bound)
            if problem:
                yield f"handle #{handle.id}: {name}: {problem}"
        if handle.followers is not None:
            problem = refused(
                lambda h=handle: limits.check_int(h.followers, maximum=limits.MAX_FOLLOWERS)
            )
            if problem:
                yield f"handle #{handle.id}: followers {handle.followers}: {problem}"
        if handle.followers_seen_on is not None and (
            refused(lambda h=handle: limits.check_day(h.followers_seen_on))
            or handle.followers_seen_on > registry.today
        ):
            yield f"handle #{handle.id}: followers seen on {handle.followers_seen_on}"
        if handle.holder_user_id is not None and handle.holder_user_id not in registry.users:
            yield f"handle #{handle.id}: held by member #{handle.holder_user_id}, who is unknown"


@check
def lookalike_keys_are_the_domain_s(registry: Registry) -> Iterator[str]:
    for handle in registry.handles.values():
        kind = registry.platforms[handle.platform_id].kind
        expected = lookalikes.keyed(handle.normalized, kind)
        if registry.keys.get(handle.id, {}) != expected:
            yield f"handle #{handle.id}: lookalike keys are not lookalikes.keyed()'s"
    for handle_id in set(registry.keys) - set(registry.handles):
        yield f"lookalike keys of handle #{handle_id}, which does not exist"


@check
def custody_is_one_ordered_chain_ending_in_the_open_record(registry: Registry) -> Iterator[str]:
    for handle in registry.handles.values():
        records = registry.custody.get(handle.id, [])
        if [r.ended_on for r in records].count(None) != 1 or records[-1].ended_on is not None:
            yield f"handle #{handle.id}: not exactly one open custody record, the last"
            continue
        for earlier, later in itertools.pairwise(records):
            if not earlier.started_on <= earlier.ended_on == later.started_on:
                yield f"handle #{handle.id}: custody records #{earlier.id} and #{later.id} overlap"
        for record in records:
            if refused(lambda r=record: limits.check_day(r.started_on)) or (
                record.started_on > registry.today
            ):
                yield f"custody record #{record.id}: started on {record.started_on}"
        current = records[-1]
        for name in HOLDER_FIELDS:
            if getattr(current, name) != getattr(handle, name):
                yield f"handle #{handle.id}: {name} is not its open custody record's"


@check
def custody_records_keep_their_notes_and_bounds(registry: Registry) -> Iterator[str]:
    for records in registry.custody.values():
        for record in records:
            if record.note_code and record.note_code not in recorded.CUSTODY_NOTES:
                yield f"custody record #{record.id}: unknown note code {record.note_code}"
            problem = refused(
                lambda r=record: [
                    str(part) for part in recorded.custody_note(r.note_code, r.note_params, r.note)
                ]
            )
            if problem:
                yield f"custody record #{record.id}: its note does not read: {problem}"
            for name in ("evidence_url", "verified_url"):
                if refused(lambda r=record, n=name: limits.check_web_url(getattr(r, n))):
                    yield f"custody record #{record.id}: {name} is not a web address"
            for name, bound in (
                ("holder_name", limits.NAME_MAX),
                ("holder_contact", limits.CONTACT_MAX),
                ("note", limits.NOTE_MAX),
            ):
                problem = text_problem(getattr(record, name), bound)
                if problem:
                    yield f"custody record #{record.id}: {name}: {problem}"
            if aware(record.recorded_at) > registry.now:
                yield f"custody record #{record.id}: recorded in the future"


# --- transfer requests -----------------------------------------------------------------------


def reachable_states() -> set[str]:
    """The states workflow's allowed transitions reach from "proposed"."""
    found, todo = {workflow.PROPOSED}, [workflow.PROPOSED]
    while todo:
        for target in workflow.allowed_transitions(todo.pop()):
            if target not in found:
                found.add(target)
                todo.append(target)
    return found


@check
def requests_keep_the_vocabularies_and_bounds(registry: Registry) -> Iterator[str]:
    reachable = reachable_states()
    open_on: dict[int, int] = {}
    for request in registry.requests.values():
        label = f"request #{request.id}"
        if request.state not in reachable:
            yield f"{label}: state {request.state} cannot be reached from proposed"
        if request.kind not in values(RequestKind) or request.terms not in values(Terms):
            yield f"{label}: kind {request.kind}, terms {request.terms}"
        if request.terms != "free" and request.amount_cents is None:
            yield f"{label}: {request.terms} without an amount"
        if request.amount_cents is not None and refused(
            lambda r=request: limits.check_amount(r.amount_cents / 100)
        ):
            yield f"{label}: amount {request.amount_cents} out of range"
        for name, bound in (
            ("message", limits.MESSAGE_MAX),
            ("from_holder_name", limits.NAME_MAX),
            ("to_holder_name", limits.NAME_MAX),
        ):
            problem = text_problem(getattr(request, name), bound)
            if problem:
                yield f"{label}: {name}: {problem}"
        if refused(lambda r=request: proposals.check_opened_on(r.opened_on, today=registry.today)):
            yield f"{label}: opened on {request.opened_on}"
        if (request.closed_at is None) != workflow.is_open(request.state):
            yield f"{label}: {request.state} with closed_at {request.closed_at}"
        if workflow.is_open(request.state):
            if request.handle_id in open_on:
                yield f"{label}: request #{open_on[request.handle_id]} is open on its handle too"
            open_on[request.handle_id] = request.id
            if registry.handles[request.handle_id].holder_kind == "brand":
                yield f"{label}: open on a handle its brand holds"


@check
def request_histories_only_take_allowed_moves(registry: Registry) -> Iterator[str]:
    for request in registry.requests.values():
        label = f"request #{request.id}"
        created = registry.history("transfer_request", request.id, "request.create")
        if len(created) != 1 or recorded.loads(created[0].after).get("state") != workflow.PROPOSED:
            yield f"{label}: not created once as proposed"
            continue
        state, last = workflow.PROPOSED, aware(created[0].at)
        for entry, before, after in registry.moves(request):
            if before != state:
                yield f"{label}: moved from {before} while {state}"
            problem = refused(lambda b=before, a=after: workflow.check_transition(b, a))
            if problem:
                yield f"{label}: {before} → {after}: {problem}"
            params = recorded.loads(entry.params)
            if (params.get("before"), params.get("after")) != (
                recorded.code("state", before),
                recorded.code("state", after),
            ):
                yield f"{label}: entry #{entry.id} does not name its states"
            if aware(entry.at) < last:
                yield f"{label}: entry #{entry.id} is dated before the previous move"
            state, last = after, aware(entry.at)
        if state != request.state:
            yield f"{label}: its history ends in {state}, it is {request.state}"
        if request.closed_at is not None and aware(request.closed_at) != last:
            yield f"{label}: closed at {request.closed_at}, its last move at {last}"


def transition_refusal(registry: Registry, request: TransferRequest, entry, target) -> str | None:
    """Why the entry's actor could not have made the move (None when they could)."""
    brand = registry.brand_of(request)
    actor = registry.users.get(entry.actor_id)
    note = recorded.loads(entry.params).get("note")
    if note == recorded.transition_note(recorded.FIRST_CONTACT):
        first = next(
            (a for a in registry.attempts[request.id] if a.direction == clock.OUTBOUND), None
        )
        if first is None or first.logged_by_id != entry.actor_id:
            return "first contact, but not by who logged the first outbound attempt"
        return None
    if note == recorded.transition_note(recorded.BRANDS_DECISION):
        return None if permissions.can_decide(actor, brand) else "a decision by someone else"
    if target in workflow.BY_HANDOVER_ONLY:
        return None  # the handover's outcome (checked with the plans)
    return None if permissions.can_move(actor, request, target, brand) else "moved by someone else"


@check
def each_move_is_made_by_who_may_make_it(registry: Registry) -> Iterator[str]:
    for request in registry.requests.values():
        for entry, _before, after in registry.moves(request):
            problem = transition_refusal(registry, request, entry, after)
            if problem:
                yield f"request #{request.id} → {after}: {problem}"


def holder_when_opened(registry: Registry, request: TransferRequest) -> CustodyRecord:
    """The custody record of whoever held the handle when the request was opened."""
    records = [
        r
        for r in registry.custody[request.handle_id]
        if r.started_on <= request.opened_on and recorded.loads(r.note_params) != {"id": request.id}
    ]
    return records[-1] if records else registry.custody[request.handle_id][0]


@check
def proposers_may_propose(registry: Registry) -> Iterator[str]:
    for request in registry.requests.values():
        label = f"request #{request.id}"
        proposer = registry.users.get(request.proposer_id)
        if proposer is None or not permissions.acts_for(proposer, registry.brand_of(request)):
            yield f"{label}: proposed by someone who may not act for its brand"
        elif request.kind == "claim" and not permissions.can_claim(proposer):
            yield f"{label}: a claim by a {proposer.role}"
        elif request.kind == "offer" and not permissions.role_can(
            proposer.role, permissions.PROPOSE
        ):
            yield f"{label}: an offer by a {proposer.role}"
        elif request.kind == "offer":
            holder = holder_when_opened(registry, request)
            if not permissions.may_offer(proposer, holder):
                yield f"{label}: offered by someone recorded as not holding it"


# --- contact attempts and the reply clock ----------------------------------------------------


@check
def attempts_happen_while_the_request_is_open_and_not_ahead(registry: Registry) -> Iterator[str]:
    for request in registry.requests.values():
        brand = registry.brand_of(request)
        for attempt in registry.attempts[request.id]:
            label = f"attempt #{attempt.id} on request #{request.id}"
            problem = refused(
                lambda a=attempt, b=brand: clock.AttemptFact(
                    context.local_day(a.happened_at, b), a.direction, a.outcome
                )
            )
            if problem or attempt.channel not in clock.CHANNELS:
                yield f"{label}: {attempt.direction} {attempt.channel} {attempt.outcome}"
            happened = aware(attempt.happened_at)
            if refused(lambda h=happened: attempts.check_happened_at(h, now=registry.now)):
                yield f"{label}: happened in the future ({happened})"
            if context.local_day(happened, brand) < request.opened_on:
                yield f"{label}: before the request was opened ({request.opened_on})"
            if request.closed_at is not None and max(happened, aware(attempt.created_at)) > aware(
                request.closed_at
            ):
                yield f"{label}: logged after the request closed"
            for name, bound in (
                ("summary", limits.SUMMARY_MAX),
                ("contact_point", limits.CONTACT_POINT_MAX),
            ):
                problem = text_problem(getattr(attempt, name), bound)
                if problem:
                    yield f"{label}: {name}: {problem}"
            user = registry.users.get(attempt.logged_by_id)
            may = (
                permissions.can_decide(user, brand)
                if attempt.decision
                else permissions.can_log_attempt(user, request, brand)
            )
            if not may:
                yield f"{label}: logged by someone who may not log it"


@check
def the_first_outbound_attempt_moves_a_proposed_request(registry: Registry) -> Iterator[str]:
    for request in registry.requests.values():
        outbound = [a for a in registry.attempts[request.id] if a.direction == clock.OUTBOUND]
        moved = [m for m in registry.moves(request) if m[1:] == (workflow.PROPOSED, "contacting")]
        if outbound and (request.state == workflow.PROPOSED or not moved):
            yield f"request #{request.id}: contacted, yet never moved to contacting"
        if moved and outbound and aware(moved[0][0].at) > aware(outbound[0].created_at):
            yield f"request #{request.id}: moved to contacting after its first outbound attempt"


@check
def decisions_are_given_once_and_move_the_request(registry: Registry) -> Iterator[str]:
    for request in registry.requests.values():
        decisions = [a for a in registry.attempts[request.id] if a.decision]
        if len(decisions) > 1:
            yield f"request #{request.id}: {len(decisions)} decisions"
        for attempt in decisions:
            accept = attempt.decision == recorded.ACCEPT
            expected = (clock.INBOUND, "replied" if accept else "refused")
            if (attempt.direction, attempt.outcome) != expected or (
                attempt.contact_point != recorded.DECISION_CONTACT_POINT
            ):
                yield f"request #{request.id}: decision attempt #{attempt.id} is not decide()'s"
            target = workflow.AGREED if accept else workflow.DECLINED
            reached = [e for e, _b, after in registry.moves(request) if after == target]
            if not reached or aware(reached[0].at) != aware(attempt.created_at):
                yield f"request #{request.id}: the decision did not move it to {target}"


@check
def stored_clocks_are_what_the_clock_computes(registry: Registry) -> Iterator[str]:
    policy = registry.policy
    for request in registry.requests.values():
        brand = registry.brand_of(request)
        attempts = registry.attempts[request.id]
        wait = clock.PendingWait(None, None, None, 0)
        if workflow.is_open(request.state):
            wait = clock.pending_wait(
                opened_on=request.opened_on,
                attempts=reply_clock.attempt_facts(attempts, brand),
                calendar=policy.calendar_for(brand),
                deadline_days=policy.deadline_for(brand),
            )
        stored = clock.PendingWait(
            request.reply_due_on,
            request.first_contact_due_on,
            request.waiting_since,
            request.unanswered_attempts,
        )
        if stored != wait:
            yield f"request #{request.id}: stored {stored}, the clock gives {wait}"
        last = max((aware(a.happened_at) for a in attempts), default=None)
        if aware(request.last_attempt_at) != last:
            yield f"request #{request.id}: last attempt at {request.last_attempt_at}, not {last}"


# --- handovers -------------------------------------------------------------------------------


@check
def completed_requests_were_claimed_in_a_confirmed_window(registry: Registry) -> Iterator[str]:
    for request in registry.requests.values():
        plans = registry.plans.get(request.id, [])
        claimed = [p for p in plans if p.outcome == handover.CLAIMED]
        if request.state != workflow.COMPLETED:
            if claimed:
                yield f"request #{request.id}: claimed in a window, yet {request.state}"
            continue
        if len(claimed) != 1 or not facts(claimed[0]).confirmed:
            yield f"request #{request.id}: completed without one claimed, confirmed window"
            continue
        completing = [e for e, _b, after in registry.moves(request) if after == request.state]
        if not completing or aware(completing[0].at) != aware(claimed[0].outcome_at):
            yield f"request #{request.id}: not completed when its window's outcome was recorded"
        elif completing[0].actor_id != claimed[0].outcome_by_id:
            yield f"request #{request.id}: completed by someone else than the outcome's recorder"


@check
def completed_requests_moved_custody(registry: Registry) -> Iterator[str]:
    for request in registry.requests.values():
        if request.state != workflow.COMPLETED:
            continue
        records = registry.custody[request.handle_id]
        handle = registry.handles[request.handle_id]
        handed = [r for r in records if r.note_code == recorded.HANDED_OVER]
        params = [recorded.loads(r.note_params) for r in handed]
        if {"id": request.id} not in params:
            yield f"request #{request.id}: completed, but no custody record says so"
            continue
        record = handed[params.index({"id": request.id})]
        day = context.local_day(aware(request.closed_at), registry.brand_of(request))
        if (record.holder_kind, record.holder_name) != (
            request.to_holder_kind,
            request.to_holder_name,
        ) or record.started_on != day:
            yield f"request #{request.id}: custody record #{record.id} is not its handover's"
        index = records.index(record)
        if index == 0 or records[index - 1].ended_on != day:
            yield f"request #{request.id}: the previous holder's record was not closed that day"
        if record is records[-1] and handle.holder_kind != request.to_holder_kind:
            yield f"request #{request.id}: the handle is not held by whom it was handed to"


@check
def handovers_happen_after_a_handle_s_lock(registry: Registry) -> Iterator[str]:
    for request in registry.requests.values():
        for record in registry.custody[request.handle_id]:
            if record.note_code != recorded.HANDED_OVER:
                continue
            if recorded.loads(record.note_params) == {"id": request.id}:
                continue
            lock = handover.lock_ends(record.started_on, registry.policy.lock_days)
            if record.started_on <= request.opened_on < lock:
                yield f"request #{request.id}: opened on {request.opened_on}, locked until {lock}"


def plan_refusals(registry: Registry, request: TransferRequest, plan: HandoverPlan) -> list[str]:
    brand = registry.brand_of(request)
    calendar = registry.policy.calendar_for(brand)
    created = aware(plan.created_at)
    window_end = context.local_day(
        aware(plan.window_start) + timedelta(minutes=plan.window_minutes), brand
    )
    found = []
    scheduled_on = context.local_day(created, brand)
    if plan.scheduled_on != scheduled_on or aware(plan.window_start) <= created:
        found.append("not scheduled ahead of its window")
    if plan.confirm_by != handover.confirm_by(plan.scheduled_on, calendar):
        found.append(f"confirm by {plan.confirm_by}, the rule gives another day")
    if plan.outcome_by != handover.outcome_by(window_end, calendar):
        found.append(f"outcome by {plan.outcome_by}, the rule gives another day")
    if not handover.MIN_WINDOW_MINUTES <= plan.window_minutes <= handover.MAX_WINDOW_MINUTES:
        found.append(f"a window of {plan.window_minutes} minutes")
    if plan.outcome not in ("", *handover.OUTCOMES):
        found.append(f"outcome {plan.outcome}")
    reasons = (*handover.FAILURE_REASONS, handover.LAPSED_REASON)
    if plan.outcome == handover.FAILED and plan.outcome_reason not in reasons:
        found.append(f"failed for {plan.outcome_reason!r}")
    for party in handover.PARTIES:
        found += confirmation_refusals(registry, request, plan, party)
    return found


def confirmation_refusals(
    registry: Registry, request: TransferRequest, plan: HandoverPlan, party: str
) -> list[str]:
    moment = aware(getattr(plan, f"{party}_confirmed_at"))
    if moment is None:
        return []
    brand = registry.brand_of(request)
    before = facts(plan, known_at=moment - timedelta(microseconds=1))
    standing = handover.standing(before, now=moment, today=context.local_day(moment, brand))
    found = [] if standing != handover.LAPSED else [f"{party} confirmed a lapsed window"]
    actor = registry.users.get(getattr(plan, f"{party}_confirmed_by_id"))
    legal = actor is not None and actor.role == permissions.LEGAL
    refusal = handover.confirmation_refusal(
        party,
        offer=request.kind == "offer",
        proposer=permissions.is_proposer(actor, request),
        legal_of_brand=legal and permissions.acts_for(actor, brand),
        legal=legal,
        staff=permissions.can_manage(actor),
        system=actor is None,
        channel=getattr(plan, f"{party}_channel"),
    )
    if refusal is not None:
        found.append(f"{party} confirmed by someone who may not: {refusal[1]}")
    if plan.outcome and aware(plan.outcome_at) < moment:
        found.append(f"{party} confirmed after the outcome")
    return found


@check
def handover_plans_keep_the_handover_rules(registry: Registry) -> Iterator[str]:
    for request_id, plans in registry.plans.items():
        request = registry.requests[request_id]
        agreed = [e for e, _b, after in registry.moves(request) if after == workflow.AGREED]
        if not agreed:
            yield f"request #{request_id}: handover plans, yet never agreed"
            continue
        active = 0
        for plan in plans:
            if aware(plan.created_at) < aware(agreed[0].at):
                yield f"handover plan #{plan.id}: planned before the request was agreed"
            for problem in plan_refusals(registry, request, plan):
                yield f"handover plan #{plan.id}: {problem}"
            fact = facts(plan)
            standing = handover.standing(
                fact, now=registry.now, today=context.local_day(registry.now, None)
            )
            active += standing in handover.ACTIVE
        if active > 1:
            yield f"request #{request_id}: {active} handover plans under way"


# --- brands, members, the audit trail --------------------------------------------------------


@check
def brands_keep_their_bounds(registry: Registry) -> Iterator[str]:
    for brand in registry.brands.values():
        label = f"brand #{brand.id}"
        if refused(lambda b=brand: clock.check_subdivision(b.country, b.subdivision)) or (
            clock.check_subdivision(brand.country, brand.subdivision) != brand.subdivision
        ):
            yield f"{label}: subdivision {brand.subdivision!r} of {brand.country}"
        if refused(lambda b=brand: accounts.check_time_zone(b.timezone)):
            yield f"{label}: time zone {brand.timezone}"
        if text_problem(brand.name, limits.NAME_MAX) or text_problem(
            brand.slug, limits.BRAND_SLUG_MAX
        ):
            yield f"{label}: name or slug too long"
        if brands.slugify(brand.slug) != brand.slug:
            yield f"{label}: slug {brand.slug!r} is not one registry.services.brands makes"
        if refused(lambda b=brand: limits.check_web_url(b.website, max_length=limits.WEBSITE_MAX)):
            yield f"{label}: website {brand.website}"
        if brand.reply_deadline_days is not None and refused(
            lambda b=brand: limits.check_int(b.reply_deadline_days, minimum=1)
        ):
            yield f"{label}: a deadline of {brand.reply_deadline_days} days"


@check
def members_keep_their_bounds(registry: Registry) -> Iterator[str]:
    for user in registry.users.values():
        label = f"member #{user.id}"
        legal = user.role == permissions.LEGAL
        if user.role not in permissions.ROLES or legal != (user.brand_id is not None):
            yield f"{label}: role {user.role} with brand {user.brand_id}"
        if refused(lambda u=user: accounts.normalise_email(u.email)) or (
            accounts.normalise_email(user.email) != user.email
        ):
            yield f"{label}: e-mail {user.email}"
        if refused(lambda u=user: accounts.check_time_zone(u.timezone)):
            yield f"{label}: time zone {user.timezone}"
        for name, bound in (("display_name", limits.NAME_MAX), ("phone", limits.PHONE_MAX)):
            problem = text_problem(getattr(user, name), bound)
            if problem:
                yield f"{label}: {name}: {problem}"


@check
def audit_entries_read_and_keep_no_personal_data(registry: Registry) -> Iterator[str]:
    previous = None
    personal = audit.MEMBER_KEYS | audit.CONTACT_KEYS
    for entry in registry.entries:
        label = f"audit entry #{entry.id}"
        if entry.actor_id is not None and entry.actor_id not in registry.users:
            yield f"{label}: by member #{entry.actor_id}, who is unknown"
        if (entry.actor_id is None) != (entry.actor_label == audit.SYSTEM_ACTOR):
            yield f"{label}: actor label {entry.actor_label!r}"
        params = recorded.loads(entry.params)
        for member_id in recorded.member_ids(params) - set(registry.users):
            yield f"{label}: names member #{member_id}, who is unknown"
        problem = refused(
            lambda e=entry: str(recorded.message(e.summary, e.params, lambda i: f"#{i}"))
        )
        if problem or len(entry.summary) > 500:
            yield f"{label}: its summary does not read: {problem}"
        for side in (recorded.loads(entry.before), recorded.loads(entry.after)):
            for key in personal & set(side):
                if side[key] not in ("", None) and not recorded.is_personal(side[key]):
                    yield f"{label}: keeps {key} in the trail"
        if previous is not None and aware(entry.at) < aware(previous.at):
            yield f"{label}: dated before entry #{previous.id}"
        previous = entry


# --- the tests -------------------------------------------------------------------------------


@pytest.fixture
def generated(runner, app):
    generate(runner)
    with app.app_context():
        session = db.session()
        yield session, context.ClockPolicy.from_config(app.config)
        session.rollback()


@pytest.mark.parametrize("seed", [11, 8])
def test_every_generated_record_keeps_the_domain_s_rules(runner, app, seed):
    generate(runner, seed)
    with app.app_context():
        registry = load(db.session(), context.ClockPolicy.from_config(app.config))
        found = violations(registry)
    assert len(registry.handles) == SIZES["handles"]
    assert {r.state for r in registry.requests.values()} == set(workflow.STATES)
    outcomes = {plan.outcome for plans in registry.plans.values() for plan in plans}
    assert {"", handover.CLAIMED} <= outcomes  # windows under way, and claimed ones
    assert found == []


def first(session, model, *where):
    return session.exec(select(model).where(*where).order_by(model.id)).first()


def corrupt_handle(session) -> tuple[str, str]:
    handle = first(session, Handle)
    session.execute(update(Handle.__table__).where(Handle.id == handle.id).values(normalized="x"))
    return f"handle #{handle.id}", "parse_handle gives"


def corrupt_custody(session) -> tuple[str, str]:
    record = first(session, CustodyRecord, CustodyRecord.ended_on.is_not(None))
    table = CustodyRecord.__table__
    session.execute(update(table).where(table.c.id == record.id).values(ended_on=None))
    return f"handle #{record.handle_id}", "not exactly one open custody record"


def corrupt_state(session) -> tuple[str, str]:
    request = first(session, TransferRequest, TransferRequest.state == workflow.CONTACTING)
    table = TransferRequest.__table__
    session.execute(update(table).where(table.c.id == request.id).values(state="agreed"))
    return f"request #{request.id}", "its history ends in contacting"


def corrupt_attempt(session) -> tuple[str, str]:
    attempt = first(session, ContactAttempt)
    table = ContactAttempt.__table__
    future = datetime.now(UTC) + timedelta(days=3)
    session.execute(update(table).where(table.c.id == attempt.id).values(happened_at=future))
    return f"attempt #{attempt.id}", "happened in the future"


def corrupt_due_date(session) -> tuple[str, str]:
    request = first(session, TransferRequest, TransferRequest.reply_due_on.is_not(None))
    table = TransferRequest.__table__
    later = request.reply_due_on + timedelta(days=1)
    session.execute(update(table).where(table.c.id == request.id).values(reply_due_on=later))
    return f"request #{request.id}", "the clock gives"


def corrupt_handover(session) -> tuple[str, str]:
    request = first(session, TransferRequest, TransferRequest.state == workflow.COMPLETED)
    table = HandoverPlan.__table__
    session.execute(
        update(table).where(table.c.request_id == request.id).values(brand_confirmed_at=None)
    )
    return f"request #{request.id}", "without one claimed, confirmed window"


def corrupt_lookalike_key(session) -> tuple[str, str]:
    key = session.exec(select(LookalikeKey).order_by(LookalikeKey.handle_id)).first()
    table = LookalikeKey.__table__
    where = (table.c.handle_id == key.handle_id) & (table.c.key == key.key)
    session.execute(update(table).where(where).values(key=key.key + "!"))
    return f"handle #{key.handle_id}", "lookalike keys"


def corrupt_length(session) -> tuple[str, str]:
    handle = first(session, Handle)
    table = Handle.__table__
    # A TEXT column: PostgreSQL refuses a name beyond its VARCHAR, not a note beyond its bound.
    long_notes = "N" * (limits.NOTE_MAX + 1)
    session.execute(update(table).where(table.c.id == handle.id).values(notes=long_notes))
    return f"handle #{handle.id}", "notes"


CORRUPTIONS = (
    corrupt_handle,
    corrupt_custody,
    corrupt_state,
    corrupt_attempt,
    corrupt_due_date,
    corrupt_handover,
    corrupt_lookalike_key,
    corrupt_length,
)


def test_one_corrupted_record_is_caught(generated):
    """Each corruption of one record, alone on the generated registry (rolled back after),
    is named by the check of the rule it breaks."""
    session, policy = generated
    for corrupt in CORRUPTIONS:
        who, what = corrupt(session)
        found = violations(load(session, policy))
        assert any(line.startswith(who) and what in line for line in found), (corrupt, found)
        session.rollback()
    assert violations(load(session, policy)) == []  # nothing left corrupted
