"""Transfer requests: propose, log contact attempts, move through states, flag the unanswered."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, bindparam, or_
from sqlmodel import Session, func, select

from registry.adapters.models import (
    REQUEST_KINDS,
    TERMS,
    AuditEntry,
    Brand,
    ContactAttempt,
    ContactPoint,
    CustodyRecord,
    Handle,
    Platform,
    TransferRequest,
    User,
    utcnow,
)
from registry.domain import clock, escalation, handover, limits, permissions, recorded, workflow
from registry.domain.messages import N_, Explained, Message
from registry.domain.permissions import (
    PROPOSE,
    can_claim,
    can_decide,
    can_log_attempt,
    can_manage,
    can_move,
    can_view,
    moves_for,
    role_can,
)
from registry.services import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Page,
    audit,
    check_version,
    checked,
    checked_day,
    checked_text,
    handles,
    require,
    require_acts_for,
)
from registry.services.context import ClockPolicy, local_day, zone_named
from registry.services.unit import locked, use_case

# Why no more attempts can be logged, one whole sentence per closed state.
CLOSED_MESSAGES = {
    workflow.COMPLETED: N_("This request is completed: no more contact attempts can be logged."),
    workflow.DECLINED: N_("This request is declined: no more contact attempts can be logged."),
    workflow.WITHDRAWN: N_("This request is withdrawn: no more contact attempts can be logged."),
}
CHANGED_MEANWHILE = N_("This request was changed by someone else meanwhile.")
NOT_THE_HOLDER = N_(
    "This handle is recorded as held by someone else, so you cannot offer it. "
    "If you hold it, write to staff with a link that shows it (a post or the "
    "profile's bio): they will record you as its holder."
)
ALREADY_DECIDED = N_("The brand's decision on request #%(id)s is already recorded.")
# Clocks on phones and servers drift; an attempt "now" may arrive a little ahead.
FUTURE_TOLERANCE = timedelta(minutes=5)
# The earliest time zone (UTC+14) starts a day this long before UTC does: an attempt stored
# before `day_starts(d + 1)` happened on day d or earlier wherever the brand is.
EARLIEST_ZONE = timedelta(hours=14)
ATTEMPT_FIELDS = (
    "request_id",
    "direction",
    "channel",
    "contact_point",
    "happened_at",
    "outcome",
    "summary",
    "decision",
)


@dataclass
class RequestRow:
    request: TransferRequest
    handle: Handle
    platform: Platform
    brand: Brand | None
    proposer: User | None


@dataclass
class ListedRequest:
    """A request in a list, with its reply clock as of the list's date."""

    request: TransferRequest
    handle: Handle
    platform: Platform
    brand: Brand | None
    proposer: User | None
    flag: str | None
    due_date: date | None
    business_days_waiting: int
    unanswered_attempts: int

    def as_dict(self) -> dict:
        return {
            "id": self.request.id,
            "handle": self.handle.handle,
            "platform": self.platform.slug,
            "brand": self.brand.slug if self.brand else None,
            "flag": self.flag,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "business_days_waiting": self.business_days_waiting,
            "unanswered_attempts": self.unanswered_attempts,
        }


def day_starts(day: date) -> datetime:
    """The first moment of `day` anywhere on Earth (as UTC): nothing stored before it
    happened on `day` or later in any time zone."""
    return datetime.combine(day, time(), UTC) - EARLIEST_ZONE


def _closed_since(later: datetime):
    """SQL: the request may have closed after the day whose end `later` bounds."""
    return and_(
        TransferRequest.closed_at.is_not(None),  # type: ignore[union-attr]
        TransferRequest.closed_at >= later,  # type: ignore[operator]
    )


def _open_or_closed_since(later: datetime):
    """SQL: the candidates for "open that day" (open now, or maybe closed after it);
    `open_as_of` decides each exactly, in the brand's time zone."""
    return or_(
        TransferRequest.state.in_(workflow.OPEN_STATES),  # type: ignore[attr-defined]
        _closed_since(later),
    )


# --- reading -------------------------------------------------------------------------------


def _rows_query():
    return (
        select(TransferRequest, Handle, Platform, Brand, User)
        .join(Handle, Handle.id == TransferRequest.handle_id)
        .join(Platform, Platform.id == Handle.platform_id)
        .join(Brand, Brand.id == Handle.brand_id, isouter=True)
        .join(User, User.id == TransferRequest.proposer_id, isouter=True)
    )


_BY_ID = _rows_query().where(TransferRequest.id == bindparam("request_id"))
_ATTEMPTS = (
    select(ContactAttempt, User)
    .join(User, User.id == ContactAttempt.logged_by_id, isouter=True)
    .where(ContactAttempt.request_id == bindparam("request_id"))
    .order_by(ContactAttempt.happened_at, ContactAttempt.id)
)  # statements built once: the request page's reads


def get_request(session: Session, request_id: int) -> RequestRow:
    row = session.exec(_BY_ID, params={"request_id": request_id}).first()
    if row is None:
        raise NotFound("No such transfer request.")
    return RequestRow(*row)


def visible_request(session: Session, request_id: int, user: User | None) -> RequestRow:
    """A request its reader may see: its proposer and the roles that read everything."""
    row = get_request(session, request_id)
    require(can_view(user, row.request), N_("Only the request's proposer and staff can see it."))
    return row


# What each kind of action on a request asks of its author, checked at the door (before
# any input is read: someone kept out learns nothing from a form's errors) and again by the
# use case itself.
DOOR_REFUSALS = {
    permissions.ATTEMPT: N_("Only the request's proposer and staff can log attempts on it."),
    permissions.MOVE: N_(
        'Only staff can move requests; a proposer may withdraw theirs (to "withdrawn").'
    ),
    permissions.DECISION: N_("Only the brand's legal team can accept or decline its requests."),
}


def may_act_on(session: Session, request_id: int, user: User | None, action: str) -> RequestRow:
    """The request, when `user` may do this kind of action on it at all ("attempt", "move",
    "decide": permissions.may_act); else NotFound or Forbidden."""
    row = get_request(session, request_id)
    require(permissions.may_act(user, row.request, row.brand, action), DOOR_REFUSALS[action])
    return row


def attempts_of(session: Session, request_id: int) -> list[tuple[ContactAttempt, User | None]]:
    return list(session.exec(_ATTEMPTS, params={"request_id": request_id}))


def _decision_on_record(session: Session, request_id: int) -> bool:
    return (
        session.exec(
            select(ContactAttempt.id).where(
                ContactAttempt.request_id == request_id, ContactAttempt.decision != ""
            )
        ).first()
        is not None
    )


# --- the request page: its history, its decision, what may still be done -------------------

_HISTORY_ACTIONS = ("request.create", "request.transition")
# The handover's steps, recorded against the request too (registry.services.handover).
_HANDOVER_ACTIONS = ("handover.schedule", "handover.confirm", "handover.outcome")
_HISTORY = (
    select(AuditEntry, User)
    .join(User, User.id == AuditEntry.actor_id, isouter=True)
    .where(
        AuditEntry.entity_type == TransferRequest.__tablename__,
        AuditEntry.entity_id == bindparam("request_id"),
        AuditEntry.action.in_(_HISTORY_ACTIONS + _HANDOVER_ACTIONS),  # type: ignore[attr-defined]
    )
    .order_by(AuditEntry.at, AuditEntry.id)
)


@dataclass(frozen=True)
class StateChange:
    """One step of a request's history: opened (`before` None) or moved from one state to
    another, by a member (`actor`, None for the registry itself) with an optional note."""

    at: datetime
    before: str | None
    after: str
    actor: User | None
    by_registry: bool
    note: Message | str | None


@dataclass(frozen=True)
class Decision:
    """The brand's decision as legal recorded it (stored as an inbound attempt)."""

    at: datetime
    accepted: bool
    channel: str
    contact_point: str
    summary: str
    actor: User | None
    code: str


@dataclass(frozen=True)
class HandoverEvent:
    """One step of the request's handover: a window planned (`schedule`), a side's
    confirmation (`confirm`, with its `party` and the `channel` staff named), an outcome
    (`outcome`: claimed, or failed with its `reason`)."""

    at: datetime
    step: str
    actor: User | None
    by_registry: bool
    window_start: datetime | None = None
    window_minutes: int | None = None
    party: str = ""
    channel: str = ""
    outcome: str = ""
    reason: str = ""


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    change: StateChange | None = None
    decision: Decision | None = None
    handover: HandoverEvent | None = None


def _state_change(entry: AuditEntry, actor: User | None) -> StateChange | None:
    before = recorded.loads(entry.before).get("state")
    after = recorded.loads(entry.after).get("state")
    if after not in workflow.STATES:
        return None
    note = recorded.loads(entry.params).get("note")
    return StateChange(
        at=entry.at,
        before=before if entry.action == "request.transition" else None,
        after=after,
        actor=actor,
        by_registry=entry.actor_id is None,
        note=recorded.resolve(note, lambda _id: Message(recorded.FORMER_MEMBER)) if note else None,
    )


def _handover_event(entry: AuditEntry, actor: User | None) -> HandoverEvent:
    after = recorded.loads(entry.after)
    params = recorded.loads(entry.params)
    step = entry.action.partition(".")[2]
    party = params.get("party") or {}
    start = after.get("window_start")
    try:
        window_start = aware(datetime.fromisoformat(start)) if start else None
    except (TypeError, ValueError):
        window_start = None
    channel = after.get(f"{party.get('value')}_channel", "") if step == "confirm" else ""
    return HandoverEvent(
        at=entry.at,
        step=step,
        actor=actor,
        by_registry=entry.actor_id is None,
        window_start=window_start if step == "schedule" else None,
        window_minutes=after.get("window_minutes") if step == "schedule" else None,
        party=str(party.get("value", "")) if isinstance(party, dict) else "",
        channel=channel or "",
        outcome=(after.get("outcome") or "") if step == "outcome" else "",
        reason=(after.get("outcome_reason") or "") if step == "outcome" else "",
    )


def events_of(session: Session, request_id: int) -> tuple[list[StateChange], list[HandoverEvent]]:
    """The request's state changes and its handover's steps, oldest first, read from its
    audit entries (one query)."""
    changes, events = [], []
    for entry, actor in session.exec(_HISTORY, params={"request_id": request_id}):
        if entry.action in _HANDOVER_ACTIONS:
            events.append(_handover_event(entry, actor))
        elif change := _state_change(entry, actor):
            changes.append(change)
    return changes, events


def history_of(session: Session, request_id: int) -> list[StateChange]:
    """The request's state changes, oldest first, read from its audit entries (one query)."""
    return events_of(session, request_id)[0]


def decision_in(attempts: Iterable[tuple[ContactAttempt, User | None]]) -> Decision | None:
    """The brand's decision among a request's attempts (the last one, were there several)."""
    found = None
    for attempt, logger in attempts:
        if attempt.decision:
            found = Decision(
                at=attempt.happened_at,
                accepted=attempt.decision == recorded.ACCEPT,
                channel=attempt.channel,
                contact_point=attempt.contact_point,
                summary=attempt.summary,
                actor=logger,
                code=attempt.decision,
            )
    return found


def timeline(
    changes: list[StateChange],
    decision: Decision | None,
    handover_events: Iterable[HandoverEvent] = (),
) -> list[TimelineItem]:
    """State changes, the decision and the handover's steps in one list, oldest first; a
    decision or an outcome comes before the moves it caused (recorded a moment later)."""
    items = [TimelineItem(at=aware(c.at), change=c) for c in changes]
    if decision is not None:
        items.append(TimelineItem(at=aware(decision.at), decision=decision))
    items.extend(TimelineItem(at=aware(e.at), handover=e) for e in handover_events)
    return sorted(items, key=lambda item: (item.at, item.change is not None))


def aware(moment: datetime) -> datetime:
    """A stored moment as an aware UTC time (SQLite gives them back naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def has_reply(attempts: Iterable[ContactAttempt]) -> bool:
    """Whether any real reply from the other party is on record (DESIGN: a reply is an
    inbound attempt, or one whose outcome is replied, meeting or refused)."""
    return any(clock.is_real_reply(a.direction, a.outcome) for a in attempts)


def decisions_open(request: TransferRequest) -> tuple[str, ...]:
    """What the brand can still decide: both, until staff mark the request agreed; then only
    to decline it (accepting an agreed request is refused as already agreed)."""
    if request.state == workflow.AGREED:
        return (recorded.DECLINE,)
    return (recorded.ACCEPT, recorded.DECLINE)


# What an irreversible move does, said on its confirm step; one whole sentence per move.
CONSEQUENCES = {
    workflow.COMPLETED: N_(
        "Custody of @%(handle)s on %(platform)s moves to %(holder)s. This cannot be undone."
    ),
    workflow.DECLINED: N_(
        "The request is closed as declined: %(brand)s is no longer asked, and no more "
        "contact attempts can be logged. This cannot be undone."
    ),
    workflow.WITHDRAWN: N_(
        "The request is closed as withdrawn: %(brand)s is no longer asked, and no more "
        "contact attempts can be logged. This cannot be undone."
    ),
}
DECLINE_CONSEQUENCE = N_(
    "%(brand)s declines the transfer of @%(handle)s on %(platform)s: the request is closed "
    "as declined. This cannot be undone."
)
NO_REPLY_WARNING = N_("No reply from %(brand)s is on record: only unanswered attempts.")
NO_ATTEMPT_WARNING = N_("No contact attempt is on record at all.")


@dataclass(frozen=True)
class Confirmation:
    """The confirm step of an irreversible move: what it does, and what to check first."""

    target: str
    consequence: Message
    warnings: tuple[Message, ...]


def confirmation_for(
    row: RequestRow, target: str, attempts: list[ContactAttempt], *, decision: bool = False
) -> Confirmation:
    """What confirming `target` does, in words (`decision`: legal declining for the brand)."""
    request = row.request
    params = {
        "handle": row.handle.handle,
        "platform": row.platform.name,
        "brand": request.to_holder_name or (row.brand.name if row.brand else ""),
        "holder": request.to_holder_name,
    }
    msgid = DECLINE_CONSEQUENCE if decision else CONSEQUENCES[target]
    warnings: list[Message] = []
    if target == workflow.COMPLETED:
        if not attempts:
            warnings.append(Message(NO_ATTEMPT_WARNING))
        elif not has_reply(attempts):
            warnings.append(Message(NO_REPLY_WARNING, brand=params["brand"]))
    return Confirmation(target, Message(msgid, **params), tuple(warnings))


def requests_for_handle(session: Session, handle_id: int) -> list[TransferRequest]:
    return list(
        session.exec(
            select(TransferRequest)
            .where(TransferRequest.handle_id == handle_id)
            .order_by(TransferRequest.id.desc())  # type: ignore[union-attr]
        )
    )


@dataclass
class RequestFilters:
    state: str = ""
    brand: str = ""
    proposer_id: int | None = None
    flag: str = ""  # one of clock.FLAGS: only the requests carrying it (as of the list's date)


def attempt_facts(
    attempts: Iterable[ContactAttempt], brand: Brand | None
) -> list[clock.AttemptFact]:
    """What the reply clock needs of each attempt: its day in the brand's time zone."""
    return [
        clock.AttemptFact(local_day(a.happened_at, brand), a.direction, a.outcome) for a in attempts
    ]


def open_as_of(request: TransferRequest, brand: Brand | None, as_of: date) -> bool:
    """Whether the request existed and was open on `as_of` (a request closed since then was
    still open that day)."""
    if request.opened_on > as_of:
        return False
    if workflow.is_open(request.state):
        return True
    return request.closed_at is not None and local_day(request.closed_at, brand) > as_of


def status_as_of(
    request: TransferRequest,
    brand: Brand | None,
    attempts: Iterable[ContactAttempt],
    *,
    as_of: date,
    policy: ClockPolicy,
) -> clock.ReplyStatus:
    """The wait of one request as of a date, from its attempts known by then: the one
    computation behind a request's page, its API answer and every list as of a past day."""
    return clock.reply_status(
        is_open=open_as_of(request, brand, as_of),
        opened_on=request.opened_on,
        attempts=attempt_facts(attempts, brand),
        calendar=policy.calendar_for(brand),
        as_of=as_of,
        deadline_days=policy.deadline_for(brand),
    )


def reply_status(
    row: RequestRow, attempts: Iterable[ContactAttempt], *, as_of: date, policy: ClockPolicy
) -> clock.ReplyStatus:
    """The full wait of one request as of a date, from the attempts the caller has loaded."""
    return status_as_of(row.request, row.brand, attempts, as_of=as_of, policy=policy)


def escalation_for(
    session: Session,
    row: RequestRow,
    policy: ClockPolicy,
    *,
    attempts: Iterable[ContactAttempt] | None = None,
    department_names: dict[str, tuple[str, ...]] | None = None,
) -> escalation.Suggestion | None:
    """The ladder's suggestion for an open request (registry.domain.escalation), or None.

    ``attempts`` when the caller has loaded them; ``department_names`` the names of each
    contact point kind a member may have typed (the request page offers them in the reader's
    language), so an attempt "to" the press office names the brand's press office point."""
    if not workflow.is_open(row.request.state):
        return None
    if attempts is None:
        attempts = [attempt for attempt, _ in attempts_of(session, row.request.id)]
    attempts = list(attempts)
    facts = [
        escalation.ChannelAttempt(fact, attempt.channel, attempt.contact_point or "")
        for attempt, fact in zip(attempts, attempt_facts(attempts, row.brand), strict=True)
    ]
    points = []
    if row.brand is not None:
        points = [
            escalation.Point(point.kind, point.label, point.value)
            for point in session.exec(
                select(ContactPoint)
                .where(ContactPoint.brand_id == row.brand.id)
                .order_by(ContactPoint.id)
            )
        ]
    return escalation.suggestion(
        facts,
        points,
        escalate_after=policy.escalate_after,
        department_names=department_names,
    )


def _listed(row: tuple, status: clock.ReplyStatus) -> ListedRequest:
    return ListedRequest(
        *row,
        flag=status.flag,
        due_date=status.due_on,
        business_days_waiting=status.business_days_waiting,
        unanswered_attempts=status.unanswered_attempts,
    )


def attempts_by_request(session: Session, ids: list[int]) -> dict[int, list]:
    """What the clock reads of the attempts of many requests (when, which way, outcome,
    through which channel), in one query per 500 requests, each request's in date order:
    plain rows, not whole records."""
    found: dict[int, list] = defaultdict(list)
    for start in range(0, len(ids), 500):
        for attempt in session.exec(
            select(
                ContactAttempt.request_id,
                ContactAttempt.happened_at,
                ContactAttempt.direction,
                ContactAttempt.outcome,
                ContactAttempt.channel,
            )
            .where(ContactAttempt.request_id.in_(ids[start : start + 500]))  # type: ignore[attr-defined]
            .order_by(ContactAttempt.happened_at, ContactAttempt.id)
        ):
            found[attempt.request_id].append(attempt)
    return found


def _known_status(
    request: TransferRequest, brand: Brand | None, *, as_of: date, policy: ClockPolicy
) -> clock.ReplyStatus | None:
    """`status_as_of` without reading attempts, when the request's stored clock is its clock
    as of `as_of` (open then, no attempt after that day in the brand's zone) or it was closed
    by then; None when only its attempts can tell."""
    if request.opened_on > as_of:
        return None
    if not workflow.is_open(request.state):
        closed = request.closed_at is not None and local_day(request.closed_at, brand) <= as_of
        return clock.ReplyStatus(None, None, None, 0, 0) if closed else None
    if request.last_attempt_at is not None and local_day(request.last_attempt_at, brand) > as_of:
        return None
    return _stored_clock(request, brand, as_of, policy)


def _stored_clock(
    request: TransferRequest, brand: Brand | None, as_of: date, policy: ClockPolicy
) -> clock.ReplyStatus:
    """The request's status as of a day read off its stored clock (`clock.stored_status`)."""
    return clock.stored_status(
        reply_due=request.reply_due_on,
        first_contact_due=request.first_contact_due_on,
        waiting_since=request.waiting_since,
        unanswered_attempts=request.unanswered_attempts,
        calendar=policy.calendar_for(brand),
        as_of=as_of,
    )


def _with_status(
    session: Session, rows: list[tuple], *, as_of: date, policy: ClockPolicy
) -> list[ListedRequest]:
    """Rows (request, handle, platform, brand, proposer) with their exact status as of a day:
    from the stored clock where it holds (today, mostly), else from the attempts known then."""
    known = {row[0].id: _known_status(row[0], row[3], as_of=as_of, policy=policy) for row in rows}
    attempts = attempts_by_request(session, [i for i, status in known.items() if status is None])
    listed = []
    for row in rows:
        status = known[row[0].id] or status_as_of(
            row[0], row[3], attempts[row[0].id], as_of=as_of, policy=policy
        )
        listed.append(_listed(row, status))
    return listed


def _filtered(query, filters: RequestFilters):
    if filters.state:
        query = query.where(TransferRequest.state == filters.state)
    if filters.brand:
        query = query.where(Brand.slug == filters.brand)
    if filters.proposer_id is not None:
        query = query.where(TransferRequest.proposer_id == filters.proposer_id)
    return query


def list_requests(
    session: Session,
    filters: RequestFilters,
    *,
    as_of: date,
    policy: ClockPolicy,
    page: int = 1,
    page_size: int = 25,
    sort: str = "due",
) -> Page[ListedRequest]:
    """The one listing of requests: filters, a flag and an "as of" day, paged.

    Without a flag, one page of rows in SQL, each with its exact clock as of the day; with a
    flag, the flagged requests of that day, paged by the database (`flagged_page`), or, when
    something changed after that day, flagged exactly (`flagged`) and paged after."""
    if filters.flag:
        return flagged_page(
            session,
            flag=filters.flag,
            as_of=as_of,
            policy=policy,
            filters=filters,
            sort=sort,
            page=page,
            page_size=page_size,
        )
    query = _filtered(_rows_query(), filters)
    total = count_requests(session, filters)
    rows = list(
        session.exec(
            query.order_by(TransferRequest.updated_at.desc(), TransferRequest.id.desc())  # type: ignore[attr-defined]
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    )
    return Page(_with_status(session, rows, as_of=as_of, policy=policy), page, page_size, total)


def count_requests(session: Session, filters: RequestFilters) -> int:
    """How many requests the filters (but a flag) select, counted on the requests table
    alone: joined to handles and brands only to filter by brand."""
    query = select(func.count(TransferRequest.id))  # type: ignore[arg-type]
    if filters.brand:
        query = query.join(Handle, Handle.id == TransferRequest.handle_id).join(
            Brand, Brand.id == Handle.brand_id
        )
    return session.exec(_filtered(query, filters)).one()


SORTS = {
    "due": lambda r: (r.due_date, r.request.id),
    # Longest wait first: the earlier the wait began, the more business days it counts (the
    # order the database gives, see SQL_SORTS).
    "waiting": lambda r: (
        r.request.waiting_since or r.request.opened_on,
        r.request.opened_on,
        r.request.id,
    ),
    "attempts": lambda r: (-r.unanswered_attempts, r.request.id),
    "brand": lambda r: ((r.brand.name.lower() if r.brand else "~"), r.due_date, r.request.id),
}


# --- flags in SQL -----------------------------------------------------------------------------
# A request's flag as of a day is decided by its stored due dates and its brand's calendar
# (clock.flag_from_due_dates). The calendar enters only through two cut-off days per distinct
# calendar, worked out in Python, so the whole decision is a WHERE clause: flagged requests are
# counted, sorted and paged by the database, never loaded whole into Python.


@dataclass(frozen=True)
class FlagCutoffs:
    """For one calendar and one "as of" day: due_soon is a reply due from as_of through
    `due_soon_until`; not_contacted a first contact due before `contacted_by` (the last
    business day on or before as_of: the flag needs a business day after the due date)."""

    due_soon_until: date
    contacted_by: date

    @classmethod
    def of(cls, calendar: clock.BusinessCalendar, as_of: date) -> FlagCutoffs:
        third = calendar.add_business_days(as_of, clock.DUE_SOON_DAYS + 1)
        last = as_of
        while not calendar.is_business_day(last):
            last -= timedelta(days=1)
        return cls(due_soon_until=third - timedelta(days=1), contacted_by=last)


def _brand_of_request():
    """SQL: the brand of the request's handle, as a subquery, so that counting flagged
    requests reads the requests table (and its indexes) without joining every row."""
    return select(Handle.brand_id).where(Handle.id == TransferRequest.handle_id).scalar_subquery()


def _brands_where(*conditions):
    """SQL: the request's brand is one of the brands meeting `conditions` (no brand: False)."""
    return _brand_of_request().in_(select(Brand.id).where(*conditions))


def _calendar_cases(session: Session, policy: ClockPolicy, as_of: date):
    """(SQL condition naming a calendar's requests, its cut-offs), for every calendar in use."""
    cases = []
    for country, subdivision in session.exec(select(Brand.country, Brand.subdivision).distinct()):
        calendar = policy.calendar_of(country, subdivision)
        cases.append(
            (
                _brands_where(Brand.country == country, Brand.subdivision == subdivision),
                FlagCutoffs.of(calendar, as_of),
            )
        )
    cases.append((_brand_of_request().is_(None), FlagCutoffs.of(policy.calendar_for(None), as_of)))
    return cases


def _within(column, bound: str, cases):
    """SQL: `column` is before (or on) each calendar's own cut-off `bound`. The earliest
    cut-off holds for every calendar and needs no brand: only rows between the earliest and
    the latest look their brand up."""
    cuts = [(which, getattr(cut, bound)) for which, cut in cases]
    earliest, latest = min(c for _, c in cuts), max(c for _, c in cuts)
    before = (lambda c: column <= c) if bound == "due_soon_until" else (lambda c: column < c)
    if earliest == latest:
        return before(earliest)
    return and_(
        before(latest),
        or_(before(earliest), *(and_(which, before(c)) for which, c in cuts if c != earliest)),
    )


def _flag_condition(flag: str, cases, as_of: date):
    """SQL: the open, unchanged-since request has this flag as of `as_of`."""
    due, first = TransferRequest.reply_due_on, TransferRequest.first_contact_due_on
    if flag == clock.OVERDUE:
        return and_(due.is_not(None), due < as_of)  # type: ignore[union-attr,operator]
    if flag == clock.DUE_SOON:
        return and_(due >= as_of, _within(due, "due_soon_until", cases))  # type: ignore[operator]
    return and_(due.is_(None), _within(first, "contacted_by", cases))  # type: ignore[union-attr]


# Each flag's "due" order is one stored column (the coalesce of both dates is that column for
# the flag's rows), so the database reads a page off that column's index and stops.
DUE_COLUMN = {
    clock.OVERDUE: TransferRequest.reply_due_on,
    clock.DUE_SOON: TransferRequest.reply_due_on,
    clock.NOT_CONTACTED: TransferRequest.first_contact_due_on,
}

SQL_SORTS = {
    "due": lambda flag: (DUE_COLUMN[flag],),
    # Longest wait first: the earlier the wait began, the more business days it counts.
    "waiting": lambda flag: (
        func.coalesce(TransferRequest.waiting_since, TransferRequest.opened_on),
        TransferRequest.opened_on,
    ),
    "attempts": lambda flag: (TransferRequest.unanswered_attempts.desc(),),  # type: ignore[attr-defined]
    "brand": lambda flag: (func.lower(func.coalesce(Brand.name, "~")), DUE_COLUMN[flag]),
}


def _zone_ends(session: Session, as_of: date) -> list[tuple]:
    """(time zone of brands in use, or None for requests without a brand; the moment `as_of`
    ends there): "after that day" is decided where each brand is."""
    after = as_of + timedelta(days=1)
    zones = [*session.exec(select(Brand.timezone).distinct()), None]
    ends = [(z, datetime.combine(after, time(), zone_named(z)).astimezone(UTC)) for z in zones]
    if min(end for _, end in ends) > utcnow() + FUTURE_TOLERANCE:
        return []  # the day has not ended anywhere yet (today): nothing can be dated after it
    return ends


def _active_since(moment: datetime):
    """SQL: the request's latest attempt, or its closing, came at `moment` or later (both
    columns are indexed: the few such requests are found without a scan)."""
    return or_(TransferRequest.last_attempt_at >= moment, _closed_since(moment))  # type: ignore[operator]


def _changed_ids(ends: list[tuple]):
    """SQL: the ids of the requests with an attempt dated after the day, or closed after it,
    in their brand's time zone: their stored due dates do not say what was known that day.
    The few active since the earliest end are found on the indexes, then joined to their
    brand for its zone's own end."""
    earliest = min(end for _, end in ends)
    zone_ends = [(zone, end) for zone, end in ends if zone is not None]
    no_brand_end = next(end for zone, end in ends if zone is None)
    return (
        select(TransferRequest.id)
        .join(Handle, Handle.id == TransferRequest.handle_id)
        .join(Brand, Brand.id == Handle.brand_id, isouter=True)
        .where(
            _active_since(earliest),
            or_(
                *(and_(Brand.timezone == zone, _active_since(end)) for zone, end in zone_ends),
                and_(Brand.id.is_(None), _active_since(no_brand_end)),  # type: ignore[union-attr]
            ),
        )
    )


# Up to this many requests changed after the day asked are named by their ids in the flag
# queries (read once); more (a day long past), and each query reads them itself.
CHANGED_BY_ID = 2000


def _changed(session: Session, ends: list[tuple]):
    """The requests changed after the day (see `_changed_ids`): None when none can be or
    none is; else their ids, or for very many the query that finds them."""
    if not ends:
        return None
    query = _changed_ids(ends)
    ids = list(session.exec(query.limit(CHANGED_BY_ID + 1)))
    if not ids:
        return None
    return ids if len(ids) <= CHANGED_BY_ID else query


def _recomputed(
    session: Session, as_of: date, policy: ClockPolicy, brand: str, changed, flag: str = ""
) -> list[ListedRequest]:
    """The few requests changed since `as_of`, flagged from the attempts known that day."""
    if changed is None:
        return []
    later = day_starts(as_of + timedelta(days=1))
    base = _rows_query().where(
        TransferRequest.opened_on <= as_of,
        _open_or_closed_since(later),
        TransferRequest.id.in_(changed),  # type: ignore[union-attr]
    )
    if brand:
        base = base.where(Brand.slug == brand)
    rows = _with_status(session, list(session.exec(base)), as_of=as_of, policy=policy)
    return [r for r in rows if r.flag and (not flag or r.flag == flag)]


def _flagged_where(brand: str, as_of: date, changed) -> list:
    """SQL on the requests table alone: open requests opened by `as_of` whose stored due
    dates decide their flag that day (of one brand, when named)."""
    conditions = [
        TransferRequest.opened_on <= as_of,
        TransferRequest.state.in_(workflow.OPEN_STATES),  # type: ignore[attr-defined]
    ]
    if changed is not None:
        conditions.append(TransferRequest.id.not_in(changed))  # type: ignore[union-attr]
    if brand:
        conditions.append(_brands_where(Brand.slug == brand))
    return conditions


@dataclass
class FlaggedGroups:
    """The dashboard's groups: each flag's first rows and how many there are in all."""

    rows: dict[str, list[ListedRequest]]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _flag_page(
    session: Session,
    where: list,
    flag: str,
    cases: list,
    *,
    as_of: date,
    policy: ClockPolicy,
    recomputed: list[ListedRequest],
    sort: str,
    limit: int | None,
    offset: int = 0,
) -> tuple[list[ListedRequest], int]:
    """One flag's rows [offset, offset + limit) and its count: the database counts, sorts
    and cuts the requests its stored dates decide; the recomputed ones (changed since the
    day, none for today) are merged in, in the same order."""
    where = [*where, _flag_condition(flag, cases, as_of)]
    total = session.exec(select(func.count()).select_from(TransferRequest).where(*where)).one()
    extra = [r for r in recomputed if r.flag == flag]
    if not extra:
        return _stored_rows(session, where, flag, sort, as_of, policy, limit, offset), total
    wanted = None if limit is None else offset + limit
    merged = _stored_rows(session, where, flag, sort, as_of, policy, wanted, 0) + extra
    merged.sort(key=SORTS.get(sort, SORTS["due"]))
    end = None if limit is None else offset + limit
    return merged[offset:end], total + len(extra)


def flagged_groups(
    session: Session,
    *,
    as_of: date,
    policy: ClockPolicy,
    brand: str = "",
    sort: str = "due",
    limit: int | None = 100,
    show: str = "",
) -> FlaggedGroups:
    """Per flag, the first `limit` requests (all of the `show` group) and the count, exactly
    as `flagged` lists them, counted and cut by the database."""
    changed = _changed(session, _zone_ends(session, as_of))
    recomputed = _recomputed(session, as_of, policy, brand, changed)
    where, cases = _flagged_where(brand, as_of, changed), _calendar_cases(session, policy, as_of)
    groups, counts = {}, {}
    for flag in clock.FLAGS:
        groups[flag], counts[flag] = _flag_page(
            session,
            where,
            flag,
            cases,
            as_of=as_of,
            policy=policy,
            recomputed=recomputed,
            sort=sort,
            limit=None if flag == show else limit,
        )
    return FlaggedGroups(groups, counts)


def flagged_page(
    session: Session,
    *,
    flag: str,
    as_of: date,
    policy: ClockPolicy,
    filters: RequestFilters,
    sort: str = "due",
    page: int = 1,
    page_size: int = 25,
) -> Page[ListedRequest]:
    """One page of the requests with `flag` as of a day, paged by the database."""
    changed = _changed(session, _zone_ends(session, as_of))
    recomputed = [
        r
        for r in _recomputed(session, as_of, policy, filters.brand, changed, flag)
        if (not filters.state or r.request.state == filters.state)
        and (filters.proposer_id is None or r.request.proposer_id == filters.proposer_id)
    ]
    where = _flagged_where(filters.brand, as_of, changed)
    if filters.state:
        where.append(TransferRequest.state == filters.state)
    if filters.proposer_id is not None:
        where.append(TransferRequest.proposer_id == filters.proposer_id)
    rows, total = _flag_page(
        session,
        where,
        flag,
        _calendar_cases(session, policy, as_of),
        as_of=as_of,
        policy=policy,
        recomputed=recomputed,
        sort=sort,
        limit=page_size,
        offset=(page - 1) * page_size,
    )
    return Page(rows, page, page_size, total)


def _stored_rows(session, where, flag, sort, as_of, policy, limit, offset) -> list[ListedRequest]:
    """The flag's rows in `sort` order: their ids first, read off the indexes, then only
    those rows with their handle, platform, brand and proposer."""
    ordered = select(TransferRequest.id).where(*where)
    if sort == "brand":
        ordered = ordered.join(Handle, Handle.id == TransferRequest.handle_id).join(
            Brand, Brand.id == Handle.brand_id, isouter=True
        )
    ordered = ordered.order_by(*SQL_SORTS.get(sort, SQL_SORTS["due"])(flag), TransferRequest.id)
    if limit is not None:
        ordered = ordered.limit(limit).offset(offset)
    ids = list(session.exec(ordered))
    found = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in session.exec(_rows_query().where(TransferRequest.id.in_(chunk))):  # type: ignore[union-attr]
            found[row[0].id] = row
    # The flag's rows are open and unchanged since the day: their stored clock is their
    # clock that day (the flag is the one the query decided, which is the same).
    rows = [found[i] for i in ids]
    return [
        _listed(row, replace(_stored_clock(row[0], row[3], as_of, policy), flag=flag))
        for row in rows
    ]


def flagged(
    session: Session,
    *,
    as_of: date,
    policy: ClockPolicy,
    brand: str = "",
    sort: str = "due",
) -> list[ListedRequest]:
    """Every request needing attention as of a day, in flag order, then by ``sort``: exact
    for any day (see `flagged_groups`), for the command line and the CSV export."""
    groups = flagged_groups(session, as_of=as_of, policy=policy, brand=brand, sort=sort, limit=None)
    return [row for flag in clock.FLAGS for row in groups.rows[flag]]


def open_request_ids(session: Session, as_of: date) -> dict[int, list[int]]:
    """The numbers of the requests open on `as_of` (closed since counts as open then), by
    handle, in number order: ids for the open ones, whole rows only for the few closed
    since, whose day of closing is read in their brand's zone."""
    later = day_starts(as_of + timedelta(days=1))
    found: dict[int, list[int]] = defaultdict(list)
    opened = TransferRequest.opened_on <= as_of
    for request_id, handle_id in session.exec(
        select(TransferRequest.id, TransferRequest.handle_id)
        .where(opened, TransferRequest.state.in_(workflow.OPEN_STATES))  # type: ignore[attr-defined]
        .order_by(TransferRequest.id)
    ):
        found[handle_id].append(request_id)
    for request, brand in session.exec(
        select(TransferRequest, Brand)
        .join(Handle, Handle.id == TransferRequest.handle_id)
        .join(Brand, Brand.id == Handle.brand_id, isouter=True)
        .where(opened, TransferRequest.state.not_in(workflow.OPEN_STATES), _closed_since(later))  # type: ignore[attr-defined]
    ):
        if open_as_of(request, brand, as_of):
            found[request.handle_id].append(request.id)
    return {handle: sorted(ids) for handle, ids in found.items()}


def flag_by_handle(session: Session, *, as_of: date, policy: ClockPolicy) -> dict[int, str]:
    """The most urgent flag among each handle's requests as of a day (overdue, due_soon,
    not_contacted), decided as the dashboard decides it: handle ids only, no rows."""
    changed = _changed(session, _zone_ends(session, as_of))
    where, cases = _flagged_where("", as_of, changed), _calendar_cases(session, policy, as_of)
    recomputed = _recomputed(session, as_of, policy, "", changed)
    flags: dict[int, str] = {}
    for flag in clock.FLAGS:  # most urgent first
        for handle_id in session.exec(
            select(TransferRequest.handle_id).where(*where, _flag_condition(flag, cases, as_of))
        ):
            flags.setdefault(handle_id, flag)
        for row in recomputed:
            if row.flag == flag:
                flags.setdefault(row.handle.id, flag)
    return flags


# --- writing ---------------------------------------------------------------------------------


def _locked(session: Session, request_id: int) -> TransferRequest:
    request = locked(session, TransferRequest, TransferRequest.id == request_id)
    if request is None:
        raise NotFound("No such transfer request.")
    return request


def refresh_clock(
    session: Session, request: TransferRequest, brand: Brand | None, *, policy: ClockPolicy
) -> None:
    """Store the reply clock's due dates on the request (same transaction as the change)."""
    attempts = session.exec(
        select(ContactAttempt)
        .where(ContactAttempt.request_id == request.id)
        .order_by(ContactAttempt.happened_at, ContactAttempt.id)
    )
    attempts = list(attempts)
    facts = attempt_facts(attempts, brand)
    wait = clock.PendingWait(None, None, None, 0)
    if workflow.is_open(request.state):
        wait = clock.pending_wait(
            opened_on=request.opened_on,
            attempts=facts,
            calendar=policy.calendar_for(brand),
            deadline_days=policy.deadline_for(brand),
        )
    request.reply_due_on = wait.reply_due
    request.first_contact_due_on = wait.first_contact_due
    request.waiting_since = wait.waiting_since
    request.unanswered_attempts = wait.unanswered_attempts
    request.last_attempt_at = attempts[-1].happened_at if attempts else None
    session.add(request)


def parse_amount(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        euros = float(str(value).replace(",", ".").replace(" ", "").replace("€", ""))
    except ValueError:
        raise Invalid(
            '"%(value)s" is not an amount in euros.', field="amount", value=value
        ) from None
    return checked(limits.check_amount, euros, "amount")  # finite, not negative: whole cents


def check_opened_on(opened_on: date | None, *, today: date) -> date:
    """The day a request was first made: today unless given; never in the future."""
    if opened_on is None:
        return today
    checked_day(opened_on, "opened_on")
    if opened_on > today:
        raise Invalid("A request cannot be dated in the future.", field="opened_on")
    return opened_on


@use_case
def propose(
    session: Session,
    *,
    actor: User,
    today: date,
    handle_id: int | None = None,
    platform_slug: str = "",
    handle: str = "",
    brand_id: int | None = None,
    kind: str = "offer",
    terms: str = "free",
    amount=None,
    message: str = "",
    opened_on: date | None = None,
    show_name: bool = False,
    policy: ClockPolicy,
) -> TransferRequest:
    """Open a request; a handle not yet in the registry is added in the same step, held by
    the fan who offers it (unverified, and named in public only with `show_name`)."""
    require(
        actor is not None and role_can(actor.role, PROPOSE),
        N_("Log in to propose a transfer."),
    )
    handles.check_choice(kind, REQUEST_KINDS, "kind", "kind of request")
    if kind != "offer" and not can_claim(actor):
        raise Forbidden(
            N_('Only staff, legal and admin accounts can open a "claim".'), field="kind"
        )
    handles.check_choice(terms, TERMS, "terms", "terms")
    amount_cents = parse_amount(amount)
    if terms != "free" and amount_cents is None:
        raise Invalid("Give the amount for a donation or a sale.", field="amount")
    opened_on = check_opened_on(opened_on, today=today)
    message = checked_text(message, "message", limits.MESSAGE_MAX)
    if handle_id is not None and (platform_slug or handle):
        raise Invalid(
            N_("Name the handle by handle_id, or by platform and handle, not both."),
            field="handle_id",
        )
    if handle_id is None and not (platform_slug and handle):
        raise Invalid(N_("Name the handle: handle_id, or platform and handle."), field="handle")
    if handle_id is not None:
        record = session.get(Handle, handle_id)
        if record is None:
            raise NotFound("No such handle in the registry.")
    else:
        record = handles.lookup(session, platform_slug, handle).handle
    if record is not None and kind == "offer" and not permissions.may_offer(actor, record):
        raise Conflict(NOT_THE_HOLDER, field="handle")
    if record is None:
        require_acts_for(actor, session.get(Brand, brand_id) if brand_id else None)
        offer = kind == "offer"
        record = handles.add_typed_handle(
            session,
            actor=actor,
            platform_slug=platform_slug,
            handle=handle,
            today=today,
            brand_id=brand_id,
            holder_kind="fan" if offer else "unknown",
            # A fan's name is public only if they chose to show it; staff see the member.
            holder_name=(actor.display_name or "") if offer and show_name else "",
            holder_contact=actor.email if offer else "",
            holder_user_id=actor.id if offer else None,
            # What a fan says of themselves, until staff confirm it.
            holder_verified=not offer or can_manage(actor),
        )
    if record.brand_id is None:
        if brand_id is None:
            raise Invalid("Choose the brand this handle names.", field="brand")
        handles.edit_handle(session, record, actor=actor, brand_id=brand_id)
    brand = session.get(Brand, record.brand_id)
    require_acts_for(actor, brand)
    if record.holder_kind == "brand":
        if brand is None:
            raise Invalid("The brand already holds this handle.", field="handle")
        raise Invalid("%(brand)s already holds this handle.", field="handle", brand=brand.name)
    open_one = open_request_on(session, record.id)
    if open_one is not None:
        raise _already_open(actor, open_one)
    locked_until = lock_until(session, record.id, today=today, policy=policy)
    if locked_until is not None:
        raise Conflict(
            N_(
                "@%(handle)s changed hands recently: no new request on it before %(day)s "
                "(%(days)s days after its handover)."
            ),
            field="handle",
            extra={"locked_until": locked_until.isoformat()},
            handle=record.handle,
            day=locked_until,
            days=policy.lock_days,
        )
    from_kind, from_name = offered_from(actor, record, kind)
    request = TransferRequest(
        handle_id=record.id,
        kind=kind,
        from_holder_kind=from_kind,
        from_holder_name=from_name,
        to_holder_kind="brand",
        to_holder_name=brand.name if brand else "",
        proposer_id=actor.id,
        terms=terms,
        amount_cents=amount_cents,
        message=message,
        state=workflow.PROPOSED,
        opened_on=opened_on,
    )
    session.add(request)
    session.flush()
    refresh_clock(session, request, brand, policy=policy)
    audit.record(
        session,
        actor=actor,
        action="request.create",
        entity=request,
        summary=N_("Request #%(id)s: @%(handle)s to %(brand)s"),
        params={"id": request.id, "handle": record.handle, "brand": request.to_holder_name},
        after=audit.snapshot(request, ("handle_id", "kind", "terms", "amount_cents", "state")),
    )
    session.flush()
    return request


def open_request_on(session: Session, handle_id: int) -> TransferRequest | None:
    """The handle's open request: there is at most one (see propose)."""
    return session.exec(
        select(TransferRequest).where(
            TransferRequest.handle_id == handle_id,
            TransferRequest.state.in_(workflow.OPEN_STATES),  # type: ignore[attr-defined]
        )
    ).first()


def lock_until(
    session: Session, handle_id: int, *, today: date, policy: ClockPolicy
) -> date | None:
    """The first day a new request on the handle is accepted after its latest handover,
    while that day is still ahead (else None): the lock against a name bounced back and
    forth (DESIGN "Handover"; ICANN locks a domain 60 days after a transfer)."""
    last = session.exec(
        select(func.max(CustodyRecord.started_on)).where(
            CustodyRecord.handle_id == handle_id, CustodyRecord.note_code == recorded.HANDED_OVER
        )
    ).one()
    if last is None:
        return None
    ends = handover.lock_ends(last, policy.lock_days)
    return ends if ends > today else None


def proposable(session: Session, record: Handle, *, today: date, policy: ClockPolicy) -> bool:
    """Whether a page should offer to propose this handle to its brand: what `propose`
    refuses whoever asks — a handle its brand holds, one with a request open, one still
    locked after its handover — is not."""
    return (
        record.holder_kind != "brand"
        and open_request_on(session, record.id) is None
        and lock_until(session, record.id, today=today, policy=policy) is None
    )


def _already_open(actor: User, open_one: TransferRequest) -> Invalid:
    """The refusal of a second request on one handle, saying where to go instead: the open
    request itself for whoever may read it, else the handle's public page (someone else's
    request is private, but that a transfer is under way is not)."""
    visible = can_view(actor, open_one)
    details = {"open_request_id": open_one.id, "handle_id": open_one.handle_id, "visible": visible}
    if visible:
        return Invalid(
            "Request #%(id)s for this handle is still open: follow it there rather than "
            "opening another.",
            field="handle",
            extra=details,
            id=open_one.id,
        )
    return Invalid(
        "Request #%(id)s for this handle is still open, proposed by someone else; staff follow "
        "it. The handle's page shows where it stands.",
        field="handle",
        extra=details,
        id=open_one.id,
    )


def offered_from(actor: User, record: Handle, kind: str) -> tuple[str, str]:
    """Who a request moves the handle from, as the request records it. A fan offering a
    handle whose holder nobody knew says they hold it: the request is from a fan (named in
    public only when the handle's record names them); otherwise from the recorded holder."""
    unknown = record.holder_kind == "unknown" and record.holder_user_id is None
    if kind == "offer" and unknown and not can_manage(actor):
        return "fan", ""
    return record.holder_kind, record.holder_name


def check_happened_at(happened_at: datetime | None, *, now: datetime) -> datetime:
    """When an attempt happened: an aware moment, in the registry's range, not ahead of now."""
    if happened_at is None or happened_at.tzinfo is None:
        raise Invalid("Give the time of the attempt with its time zone.", field="happened_at")
    checked(limits.check_moment, happened_at, "happened_at")
    if happened_at > now + FUTURE_TOLERANCE:
        raise Invalid("A contact attempt cannot be dated in the future.", field="happened_at")
    return happened_at


@use_case
def log_attempt(
    session: Session,
    request_id: int,
    *,
    actor: User | None,
    direction: str,
    channel: str,
    outcome: str,
    happened_at: datetime | None,
    now: datetime | None = None,
    contact_point: str = "",
    summary: str = "",
    decision: str = "",
    policy: ClockPolicy,
) -> ContactAttempt:
    """Log one contact attempt. An attempt dated before the request's `opened_on` moves it
    back: the request was made at the latest then."""
    request = _locked(session, request_id)
    require(
        actor is None or can_log_attempt(actor, request, _brand_of(session, request)),
        DOOR_REFUSALS[permissions.ATTEMPT],
    )
    return _record_attempt(
        session,
        request,
        actor=actor,
        direction=direction,
        channel=channel,
        outcome=outcome,
        happened_at=happened_at,
        now=now,
        contact_point=contact_point,
        summary=summary,
        decision=decision,
        policy=policy,
    )


def _record_attempt(
    session: Session,
    request: TransferRequest,
    *,
    actor: User | None,
    direction: str,
    channel: str,
    outcome: str,
    happened_at: datetime | None,
    now: datetime | None,
    contact_point: str,
    summary: str,
    policy: ClockPolicy,
    decision: str = "",
) -> ContactAttempt:
    """The attempt itself, once the caller has the right to log it."""
    handles.check_choice(direction, clock.DIRECTIONS, "direction", "direction")
    handles.check_choice(channel, clock.CHANNELS, "channel", "channel")
    handles.check_choice(outcome, clock.OUTCOMES, "outcome", "outcome")
    if not workflow.is_open(request.state):
        raise Invalid(CLOSED_MESSAGES[request.state])
    happened_at = check_happened_at(happened_at, now=now or utcnow())
    attempt = ContactAttempt(
        request_id=request.id,
        direction=direction,
        channel=channel,
        contact_point=checked_text(contact_point, "contact_point", limits.CONTACT_POINT_MAX),
        logged_by_id=actor.id if actor else None,
        happened_at=happened_at,
        outcome=outcome,
        summary=checked_text(summary, "summary", limits.SUMMARY_MAX),
        decision=decision,
    )
    session.add(attempt)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="attempt.create",
        entity=attempt,
        summary=N_("Request #%(id)s: %(direction)s %(channel)s, %(outcome)s"),
        params={
            "id": request.id,
            "direction": recorded.code("direction", direction),
            "channel": recorded.code("channel", channel),
            "outcome": recorded.code("outcome", outcome),
        },
        after=audit.snapshot(attempt, ATTEMPT_FIELDS),
    )
    brand = _brand_of(session, request)
    attempt_day = local_day(happened_at, brand)
    if attempt_day < request.opened_on:
        audit.record(
            session,
            actor=actor,
            action="request.update",
            entity=request,
            summary=N_("Request #%(id)s: opened on moved back to %(day)s"),
            params={"id": request.id, "day": recorded.day(attempt_day)},
            before={"opened_on": request.opened_on},
            after={"opened_on": attempt_day},
        )
        request.opened_on = attempt_day
    if request.state == workflow.PROPOSED and direction == clock.OUTBOUND:
        _move(session, request, workflow.CONTACTING, actor=actor, note=recorded.FIRST_CONTACT)
    request.updated_at = utcnow()
    refresh_clock(session, request, brand, policy=policy)
    session.flush()
    return attempt


def _brand_of(session: Session, request: TransferRequest) -> Brand | None:
    handle = session.get(Handle, request.handle_id)
    return session.get(Brand, handle.brand_id) if handle and handle.brand_id else None


def _check_move(current: str, target: str) -> None:
    try:
        workflow.check_transition(current, target)
    except workflow.TransitionNotAllowed as exc:
        # 409: the move is well-formed; the request's current state refuses it.
        raise Conflict.explaining(
            exc, field="to", extra={"allowed_transitions": list(exc.allowed)}
        ) from None
    except Explained as exc:
        raise Invalid.explaining(exc, field="to") from None


UNCONFIRMED = N_('Moving the request to "%(target)s" cannot be undone: confirm it first.')


def require_confirmed(target: str, confirmed: bool) -> None:
    """An irreversible move (workflow.IRREVERSIBLE) is made only once confirmed."""
    if workflow.needs_confirming(target) and not confirmed:
        raise Invalid(UNCONFIRMED, field="confirmed", target=target)


def _move(session: Session, request: TransferRequest, target: str, *, actor, note: str = ""):
    _check_move(request.state, target)
    before = request.state
    request.state = target
    request.updated_at = utcnow()
    if not workflow.is_open(target):
        request.closed_at = utcnow()
    session.add(request)
    audit.record(
        session,
        actor=actor,
        action="request.transition",
        entity=request,
        summary=N_("Request #%(id)s: %(before)s → %(after)s (%(note)s)")
        if note
        else N_("Request #%(id)s: %(before)s → %(after)s"),
        params={
            "id": request.id,
            "before": recorded.code("state", before),
            "after": recorded.code("state", target),
        }
        | ({"note": recorded.transition_note(note)} if note else {}),
        before={"state": before},
        after={"state": target},
    )


@use_case
def transition(
    session: Session,
    request_id: int,
    *,
    actor: User | None,
    to: str,
    today: date,
    note: str = "",
    expected_state: str | None = None,
    expected_version: int | None = None,
    confirmed: bool = False,
    policy: ClockPolicy,
) -> TransferRequest:
    """Move a request one allowed step. Completing it moves the handle's custody too.

    A compare-and-set on the state: the request is locked, and a caller that says which
    state it saw (`expected_state`) is refused with 409 when the request has moved since.
    A move that cannot be undone (completing, declining, withdrawing) needs `confirmed`."""
    request = _locked(session, request_id)
    require(
        actor is None or can_move(actor, request, to, _brand_of(session, request)),
        DOOR_REFUSALS[permissions.MOVE],
    )
    check_version(request, expected_version, CHANGED_MEANWHILE)
    if expected_state and expected_state != request.state:
        raise Conflict(
            N_("Request #%(id)s is %(state)s now, not %(expected)s: it changed meanwhile."),
            field="to",
            extra={
                "allowed_transitions": list(moves_for(actor, request, _brand_of(session, request)))
            },
            id=request.id,
            state=request.state,
            expected=expected_state,
        )
    _check_move(request.state, to)
    if to in workflow.BY_HANDOVER_ONLY:
        raise Conflict(
            N_(
                "A request is completed by its handover: plan a window, get both sides' "
                "confirmations, then record that the brand claimed the name."
            ),
            field="to",
            extra={
                "allowed_transitions": list(moves_for(actor, request, _brand_of(session, request)))
            },
        )
    require_confirmed(to, confirmed)
    return _advance(session, request, actor=actor, to=to, today=today, note=note, policy=policy)


def _advance(
    session: Session,
    request: TransferRequest,
    *,
    actor: User | None,
    to: str,
    today: date,
    note: str,
    policy: ClockPolicy,
) -> TransferRequest:
    """The move itself, once the caller has the right to make it."""
    note = checked_text(note, "note", limits.NOTE_MAX)
    _move(session, request, to, actor=actor, note=note)
    if to == workflow.COMPLETED:
        handles.move_custody(
            session,
            session.get(Handle, request.handle_id),
            actor=actor,
            holder_kind=request.to_holder_kind,
            holder_name=request.to_holder_name,
            started_on=today,
            today=today,
            note=note,
            note_code=recorded.HANDED_OVER,
            note_params={"id": request.id},
        )
    refresh_clock(session, request, _brand_of(session, request), policy=policy)
    session.flush()
    return request


@use_case
def decide(
    session: Session,
    request_id: int,
    *,
    actor: User,
    accept: bool,
    channel: str,
    summary: str,
    now: datetime,
    today: date,
    confirmed: bool = False,
    policy: ClockPolicy,
) -> TransferRequest:
    """The brand's answer, given once: logged as an inbound attempt (a real reply for the
    reply clock, its `decision` saying which), then the matching transitions. Declining
    closes the request for good, so it needs `confirmed`."""
    request = _locked(session, request_id)
    require(can_decide(actor, _brand_of(session, request)), DOOR_REFUSALS[permissions.DECISION])
    target = workflow.AGREED if accept else workflow.DECLINED
    if _decision_on_record(session, request.id):
        raise Conflict(ALREADY_DECIDED, field="decision", id=request.id)
    try:
        steps = workflow.path_to(request.state, target)
    except Explained as exc:
        raise Conflict.explaining(exc, field="to") from None
    require_confirmed(target, confirmed)
    _record_attempt(
        session,
        request,
        actor=actor,
        direction=clock.INBOUND,
        channel=channel,
        outcome="replied" if accept else "refused",
        happened_at=now,
        now=now,
        contact_point=recorded.DECISION_CONTACT_POINT,
        summary=summary,
        decision=recorded.ACCEPT if accept else recorded.DECLINE,
        policy=policy,
    )
    for step in steps:
        if request.state != step:
            _advance(
                session,
                request,
                actor=actor,
                to=step,
                today=today,
                note=recorded.BRANDS_DECISION,
                policy=policy,
            )
    return request
