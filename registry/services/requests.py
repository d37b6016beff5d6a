"""Transfer requests: propose, log contact attempts, move through states, flag the unanswered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlmodel import Session, func, select

from registry.domain import clock, limits, workflow
from registry.domain.messages import N_, Explained
from registry.domain.roles import DECIDE, MANAGE_REQUESTS, READ_ALL, role_can
from registry.models import (
    REQUEST_KINDS,
    TERMS,
    Brand,
    ContactAttempt,
    Handle,
    Platform,
    TransferRequest,
    User,
    utcnow,
)
from registry.services import Forbidden, Invalid, NotFound, Page, audit, handles

# Why no more attempts can be logged, one whole sentence per closed state.
CLOSED_MESSAGES = {
    workflow.COMPLETED: N_("This request is completed: no more contact attempts can be logged."),
    workflow.DECLINED: N_("This request is declined: no more contact attempts can be logged."),
    workflow.WITHDRAWN: N_("This request is withdrawn: no more contact attempts can be logged."),
}
# Clocks on phones and servers drift; an attempt "now" may arrive a little ahead.
FUTURE_TOLERANCE = timedelta(minutes=5)
# Bound for the indexed pre-filter of "due soon": 2 business days never span more than this.
DUE_SOON_HORIZON = timedelta(days=14)
ATTEMPT_FIELDS = (
    "request_id",
    "direction",
    "channel",
    "contact_point",
    "happened_at",
    "outcome",
    "summary",
)


@dataclass(frozen=True)
class ClockPolicy:
    """Site-wide defaults of the reply clock (from the app's configuration)."""

    deadline_days: int = clock.DEFAULT_DEADLINE_DAYS
    country: str = clock.DEFAULT_COUNTRY

    @classmethod
    def from_config(cls, config) -> ClockPolicy:
        return cls(
            deadline_days=int(config["REPLY_DEADLINE_DAYS"]), country=config["DEFAULT_COUNTRY"]
        )

    def deadline_for(self, brand: Brand | None) -> int:
        return (brand.reply_deadline_days if brand else None) or self.deadline_days

    def calendar_for(self, brand: Brand | None) -> clock.BusinessCalendar:
        return clock.calendar_for((brand.country if brand else None) or self.country)


@dataclass
class RequestRow:
    request: TransferRequest
    handle: Handle
    platform: Platform
    brand: Brand | None
    proposer: User | None


@dataclass
class FlaggedRow:
    request: TransferRequest
    handle: Handle
    platform: Platform
    brand: Brand | None
    flag: str
    due_date: date
    business_days_waiting: int

    def as_dict(self) -> dict:
        return {
            "id": self.request.id,
            "handle": self.handle.handle,
            "platform": self.platform.slug,
            "brand": self.brand.slug if self.brand else None,
            "flag": self.flag,
            "due_date": self.due_date.isoformat(),
            "business_days_waiting": self.business_days_waiting,
            "unanswered_attempts": self.request.unanswered_attempts,
        }


def brand_zone(brand: Brand | None) -> ZoneInfo:
    return ZoneInfo(brand.timezone if brand and brand.timezone else "Europe/Paris")


def local_day(moment: datetime, brand: Brand | None) -> date:
    """The calendar day a moment falls on for the brand: 23:30 in Paris on Friday is Friday."""
    return moment.astimezone(brand_zone(brand)).date()


# --- reading -------------------------------------------------------------------------------


def _rows_query():
    return (
        select(TransferRequest, Handle, Platform, Brand, User)
        .join(Handle, Handle.id == TransferRequest.handle_id)
        .join(Platform, Platform.id == Handle.platform_id)
        .join(Brand, Brand.id == Handle.brand_id, isouter=True)
        .join(User, User.id == TransferRequest.proposer_id, isouter=True)
    )


def get_request(session: Session, request_id: int) -> RequestRow:
    row = session.exec(_rows_query().where(TransferRequest.id == request_id)).first()
    if row is None:
        raise NotFound("No such transfer request.")
    return RequestRow(*row)


def attempts_of(session: Session, request_id: int) -> list[tuple[ContactAttempt, User | None]]:
    return list(
        session.exec(
            select(ContactAttempt, User)
            .join(User, User.id == ContactAttempt.logged_by_id, isouter=True)
            .where(ContactAttempt.request_id == request_id)
            .order_by(ContactAttempt.happened_at, ContactAttempt.id)
        )
    )


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


def list_requests(
    session: Session, filters: RequestFilters, *, page: int = 1, page_size: int = 25
) -> Page[RequestRow]:
    query = _rows_query()
    if filters.state:
        query = query.where(TransferRequest.state == filters.state)
    if filters.brand:
        query = query.where(Brand.slug == filters.brand)
    if filters.proposer_id is not None:
        query = query.where(TransferRequest.proposer_id == filters.proposer_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(TransferRequest.updated_at.desc(), TransferRequest.id.desc())  # type: ignore[attr-defined]
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return Page([RequestRow(*row) for row in rows], page, page_size, total)


def attempt_facts(
    attempts: Iterable[ContactAttempt], brand: Brand | None
) -> list[clock.AttemptFact]:
    """What the reply clock needs of each attempt: its day in the brand's time zone."""
    return [
        clock.AttemptFact(local_day(a.happened_at, brand), a.direction, a.outcome) for a in attempts
    ]


def reply_status(
    row: RequestRow, attempts: Iterable[ContactAttempt], *, as_of: date, policy: ClockPolicy
) -> clock.ReplyStatus:
    """The full wait of one request as of a date, from the attempts the caller has loaded."""
    return clock.reply_status(
        is_open=workflow.is_open(row.request.state),
        opened_on=row.request.opened_on,
        attempts=attempt_facts(attempts, row.brand),
        calendar=policy.calendar_for(row.brand),
        as_of=as_of,
        deadline_days=policy.deadline_for(row.brand),
    )


SORTS = {
    "due": lambda r: (r.due_date, r.request.id),
    "waiting": lambda r: (-r.business_days_waiting, r.request.id),
    "attempts": lambda r: (-r.request.unanswered_attempts, r.request.id),
    "brand": lambda r: ((r.brand.name.lower() if r.brand else "~"), r.due_date, r.request.id),
}


def flagged(
    session: Session,
    *,
    as_of: date,
    policy: ClockPolicy,
    brand: str = "",
    sort: str = "due",
) -> list[FlaggedRow]:
    """Open requests needing attention as of a date, in flag order, then by ``sort``.

    An indexed comparison of the stored due dates picks the few candidates; the domain's
    one flag rule (with each brand's calendar) then decides each of them."""
    query = (
        select(TransferRequest, Handle, Platform, Brand)
        .join(Handle, Handle.id == TransferRequest.handle_id)
        .join(Platform, Platform.id == Handle.platform_id)
        .join(Brand, Brand.id == Handle.brand_id, isouter=True)
        .where(
            TransferRequest.state.in_(workflow.OPEN_STATES),  # type: ignore[attr-defined]
            TransferRequest.opened_on <= as_of,
            or_(
                TransferRequest.reply_due_on <= as_of + DUE_SOON_HORIZON,  # type: ignore[operator]
                and_(
                    TransferRequest.reply_due_on.is_(None),  # type: ignore[union-attr]
                    TransferRequest.first_contact_due_on < as_of,  # type: ignore[operator]
                ),
            ),
        )
    )
    if brand:
        query = query.where(Brand.slug == brand)
    rows = []
    for request, handle, platform, brand_row in session.exec(query):
        calendar = policy.calendar_for(brand_row)
        flag = clock.flag_from_due_dates(
            reply_due=request.reply_due_on,
            first_contact_due=request.first_contact_due_on,
            calendar=calendar,
            as_of=as_of,
        )
        if flag is None:
            continue
        waiting_since = request.waiting_since or request.opened_on
        rows.append(
            FlaggedRow(
                request,
                handle,
                platform,
                brand_row,
                flag,
                request.reply_due_on or request.first_contact_due_on,  # type: ignore[arg-type]
                clock.business_days_waiting(waiting_since, calendar=calendar, as_of=as_of),
            )
        )
    rows.sort(key=SORTS.get(sort, SORTS["due"]))
    rows.sort(key=lambda r: clock.FLAGS.index(r.flag))
    return rows


# --- rights on one request --------------------------------------------------------------------


def is_proposer(user: User | None, request: TransferRequest) -> bool:
    return user is not None and request.proposer_id == user.id


def can_view(user: User | None, request: TransferRequest) -> bool:
    return is_proposer(user, request) or role_can(user.role if user else None, READ_ALL)


def can_log_attempt(user: User | None, request: TransferRequest) -> bool:
    return is_proposer(user, request) or role_can(user.role if user else None, MANAGE_REQUESTS)


def can_decide(user: User | None, brand: Brand | None) -> bool:
    """Legal decides for the brand it is attached to; admins for any brand."""
    if user is None or brand is None or not role_can(user.role, DECIDE):
        return False
    return user.role == "admin" or user.brand_id == brand.id


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


# --- writing ---------------------------------------------------------------------------------


def refresh_clock(
    session: Session, request: TransferRequest, brand: Brand | None, *, policy: ClockPolicy
) -> None:
    """Store the reply clock's due dates on the request (same transaction as the change)."""
    attempts = session.exec(
        select(ContactAttempt)
        .where(ContactAttempt.request_id == request.id)
        .order_by(ContactAttempt.happened_at, ContactAttempt.id)
    )
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
    try:  # finite, not negative, within the column: whole cents
        return limits.check_amount(euros, field="amount")
    except limits.OutOfRange as exc:
        raise Invalid.explaining(exc, field="amount") from None


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
    policy: ClockPolicy = ClockPolicy(),
) -> TransferRequest:
    """Open a request; a handle not yet in the registry is added in the same step."""
    handles.check_choice(kind, REQUEST_KINDS, "kind", "kind of request")
    handles.check_choice(terms, TERMS, "terms", "terms")
    amount_cents = parse_amount(amount)
    if terms != "free" and amount_cents is None:
        raise Invalid("Give the amount for a donation or a sale.", field="amount")
    if handle_id is not None:
        record = session.get(Handle, handle_id)
        if record is None:
            raise NotFound("No such handle in the registry.")
    else:
        lookup = handles.lookup(session, platform_slug, handle)
        record = lookup.handle
        if record is None:
            record = handles.create_handle(
                session,
                actor=actor,
                platform_slug=platform_slug,
                handle=handle,
                today=today,
                brand_id=brand_id,
                holder_kind="fan" if kind == "offer" else "unknown",
                holder_name=(actor.display_name or "") if kind == "offer" else "",
                holder_contact=actor.email if kind == "offer" else "",
            )
    if record.brand_id is None:
        if brand_id is None:
            raise Invalid("Choose the brand this handle names.", field="brand")
        handles.update_handle(session, record, actor=actor, brand_id=brand_id)
    brand = session.get(Brand, record.brand_id)
    if record.holder_kind == "brand":
        if brand is None:
            raise Invalid("The brand already holds this handle.", field="handle")
        raise Invalid("%(brand)s already holds this handle.", field="handle", brand=brand.name)
    open_one = session.exec(
        select(TransferRequest).where(
            TransferRequest.handle_id == record.id,
            TransferRequest.state.in_(workflow.OPEN_STATES),  # type: ignore[attr-defined]
        )
    ).first()
    if open_one is not None:
        raise Invalid(
            "Request #%(id)s for this handle is still open.", field="handle", id=open_one.id
        )
    request = TransferRequest(
        handle_id=record.id,
        kind=kind,
        from_holder_kind=record.holder_kind,
        from_holder_name=record.holder_name,
        to_holder_kind="brand",
        to_holder_name=brand.name if brand else "",
        proposer_id=actor.id,
        terms=terms,
        amount_cents=amount_cents,
        message=message.strip(),
        state=workflow.PROPOSED,
        opened_on=today,
    )
    session.add(request)
    session.flush()
    refresh_clock(session, request, brand, policy=policy)
    audit.record(
        session,
        actor=actor,
        action="request.create",
        entity=request,
        summary=f"Request #{request.id}: @{record.handle} to {request.to_holder_name}",
        after=audit.snapshot(request, ("handle_id", "kind", "terms", "amount_cents", "state")),
    )
    session.flush()
    return request


def log_attempt(
    session: Session,
    request: TransferRequest,
    *,
    actor: User | None,
    direction: str,
    channel: str,
    outcome: str,
    happened_at: datetime,
    now: datetime | None = None,
    contact_point: str = "",
    summary: str = "",
    policy: ClockPolicy = ClockPolicy(),
) -> ContactAttempt:
    handles.check_choice(direction, clock.DIRECTIONS, "direction", "direction")
    handles.check_choice(channel, clock.CHANNELS, "channel", "channel")
    handles.check_choice(outcome, clock.OUTCOMES, "outcome", "outcome")
    if not workflow.is_open(request.state):
        raise Invalid(CLOSED_MESSAGES[request.state])
    if happened_at.tzinfo is None:
        raise Invalid("Give the time of the attempt with its time zone.", field="happened_at")
    if happened_at > (now or utcnow()) + FUTURE_TOLERANCE:
        raise Invalid("A contact attempt cannot be dated in the future.", field="happened_at")
    attempt = ContactAttempt(
        request_id=request.id,
        direction=direction,
        channel=channel,
        contact_point=contact_point.strip(),
        logged_by_id=actor.id if actor else None,
        happened_at=happened_at,
        outcome=outcome,
        summary=summary.strip(),
    )
    session.add(attempt)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="attempt.create",
        entity=attempt,
        summary=f"Request #{request.id}: {direction} {channel}, {outcome}",
        after=audit.snapshot(attempt, ATTEMPT_FIELDS),
    )
    brand = _brand_of(session, request)
    if request.state == workflow.PROPOSED and direction == clock.OUTBOUND:
        _move(session, request, workflow.CONTACTING, actor=actor, note="first contact attempt")
    request.updated_at = utcnow()
    refresh_clock(session, request, brand, policy=policy)
    session.flush()
    return attempt


def _brand_of(session: Session, request: TransferRequest) -> Brand | None:
    handle = session.get(Handle, request.handle_id)
    return session.get(Brand, handle.brand_id) if handle and handle.brand_id else None


def _move(session: Session, request: TransferRequest, target: str, *, actor, note: str = ""):
    try:
        workflow.check_transition(request.state, target)
    except Explained as exc:
        raise Invalid.explaining(exc, field="to") from None
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
        summary=f"Request #{request.id}: {before} → {target}" + (f" ({note})" if note else ""),
        before={"state": before},
        after={"state": target},
    )


def transition(
    session: Session,
    request: TransferRequest,
    *,
    actor: User | None,
    to: str,
    today: date,
    note: str = "",
    policy: ClockPolicy = ClockPolicy(),
) -> TransferRequest:
    """Move a request one allowed step. Completing it moves the handle's custody too."""
    _move(session, request, to, actor=actor, note=note)
    if to == workflow.COMPLETED:
        record = session.get(Handle, request.handle_id)
        handles.change_holder(
            session,
            record,
            actor=actor,
            holder_kind=request.to_holder_kind,
            holder_name=request.to_holder_name,
            started_on=today,
            today=today,
            note=handles.HANDED_OVER % {"id": request.id} + (f" {note}" if note else ""),
        )
    refresh_clock(session, request, _brand_of(session, request), policy=policy)
    session.flush()
    return request


def decide(
    session: Session,
    request: TransferRequest,
    *,
    actor: User,
    accept: bool,
    channel: str,
    summary: str,
    now: datetime,
    today: date,
    policy: ClockPolicy = ClockPolicy(),
) -> TransferRequest:
    """The brand's answer: logged as an inbound attempt, then the matching transitions."""
    require(
        can_decide(actor, _brand_of(session, request)),
        N_("Only the brand's legal team can accept or decline its requests."),
    )
    target = workflow.AGREED if accept else workflow.DECLINED
    try:
        steps = workflow.path_to(request.state, target)
    except Explained as exc:
        raise Invalid.explaining(exc, field="to") from None
    log_attempt(
        session,
        request,
        actor=actor,
        direction=clock.INBOUND,
        channel=channel,
        outcome="replied" if accept else "refused",
        happened_at=now,
        now=now,
        contact_point="Legal department",
        summary=summary
        or ("The brand accepts the transfer." if accept else "The brand declines the transfer."),
        policy=policy,
    )
    for step in steps:
        if request.state != step:
            transition(
                session,
                request,
                actor=actor,
                to=step,
                today=today,
                note="brand's decision",
                policy=policy,
            )
    return request
