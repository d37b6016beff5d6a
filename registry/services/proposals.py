"""Proposing a transfer: who may offer or claim which handle, on what terms, from when; a
handle the registry does not know yet is added in the same step."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from registry.adapters.models import (
    REQUEST_KINDS,
    TERMS,
    Brand,
    Handle,
    TransferRequest,
    User,
)
from registry.domain import handover, limits, permissions, workflow
from registry.domain.messages import N_, Message
from registry.domain.notifications import EventKind
from registry.domain.permissions import (
    PROPOSE,
    can_claim,
    can_manage,
    can_view,
    role_can,
)
from registry.services import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    audit,
    checked,
    checked_day,
    checked_text,
    handles,
    outbox,
    require_acts_for,
)
from registry.services.context import Context
from registry.services.handover_plans import platform_of
from registry.services.locks import lock_until, open_request_on
from registry.services.reply_clock import refresh_clock
from registry.services.unit import use_case

NOT_THE_HOLDER = N_(
    "This handle is recorded as held by someone else, so you cannot offer it. "
    "If you hold it, write to staff with a link that shows it (a post or the "
    "profile's bio): they will record you as its holder."
)


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
    ctx: Context,
    *,
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
) -> TransferRequest:
    """The actor opens a request on a handle, named by `handle_id` or by platform and handle;
    a handle not yet in the registry is added in the same step, held by the fan who offers it
    (unverified, and named in public only with `show_name`). The request is made on the
    context's day unless `opened_on` says earlier."""
    actor = _proposer(ctx.actor, kind)
    handles.check_choice(terms, TERMS, "terms", "terms")
    amount_cents = parse_amount(amount)
    if terms != "free" and amount_cents is None:
        raise Invalid("Give the amount for a donation or a sale.", field="amount")
    opened_on = check_opened_on(opened_on, today=ctx.today)
    message = checked_text(message, "message", limits.MESSAGE_MAX)
    record = _named_handle(ctx.session, handle_id, platform_slug, handle)
    if record is not None and kind == "offer" and not permissions.may_offer(actor, record):
        raise Conflict(NOT_THE_HOLDER, field="handle")
    if record is None:
        record = _add_offered_handle(ctx, actor, platform_slug, handle, brand_id, kind, show_name)
    brand = _brand_asked(ctx, record, brand_id)
    _check_free(ctx, record)
    from_kind, from_name = offered_from(actor, record, kind)
    assert record.id is not None  # a stored handle has its id
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
    return _open(ctx, request, record, brand)


def _proposer(actor: User | None, kind: str) -> User:
    """The member proposing: one who may propose, and who may open a claim if it is one."""
    if actor is None or not role_can(actor.role, PROPOSE):
        raise Forbidden(N_("Log in to propose a transfer."))
    handles.check_choice(kind, REQUEST_KINDS, "kind", "kind of request")
    if kind != "offer" and not can_claim(actor):
        raise Forbidden(
            N_('Only staff, legal and admin accounts can open a "claim".'), field="kind"
        )
    return actor


def _named_handle(
    session: Session, handle_id: int | None, platform_slug: str, handle: str
) -> Handle | None:
    """The handle a proposal names, by id (it must exist) or by platform and handle (None
    when the registry does not know it yet)."""
    if handle_id is not None and (platform_slug or handle):
        raise Invalid(
            N_("Name the handle by handle_id, or by platform and handle, not both."),
            field="handle_id",
        )
    if handle_id is None and not (platform_slug and handle):
        raise Invalid(N_("Name the handle: handle_id, or platform and handle."), field="handle")
    if handle_id is None:
        return handles.lookup(session, platform_slug, handle).handle
    record = session.get(Handle, handle_id)
    if record is None:
        raise NotFound("No such handle in the registry.")
    return record


def _add_offered_handle(
    ctx: Context,
    actor: User,
    platform_slug: str,
    handle: str,
    brand_id: int | None,
    kind: str,
    show_name: bool,
) -> Handle:
    """A handle the registry did not know, added as the proposal names it: held by the fan
    who offers it, or by nobody known for a claim."""
    require_acts_for(actor, ctx.session.get(Brand, brand_id) if brand_id else None)
    offer = kind == "offer"
    return handles.add_typed_handle(
        ctx,
        platform_slug=platform_slug,
        handle=handle,
        brand_id=brand_id,
        holder_kind="fan" if offer else "unknown",
        # A fan's name is public only if they chose to show it; staff see the member.
        holder_name=(actor.display_name or "") if offer and show_name else "",
        holder_contact=actor.email if offer else "",
        holder_user_id=actor.id if offer else None,
        # What a fan says of themselves, until staff confirm it.
        holder_verified=not offer or can_manage(actor),
    )


def _brand_asked(ctx: Context, record: Handle, brand_id: int | None) -> Brand | None:
    """The brand the request asks: the handle's (named now, for a handle without one), one
    the actor acts for, and one that does not hold the handle already."""
    if record.brand_id is None:
        if brand_id is None:
            raise Invalid("Choose the brand this handle names.", field="brand")
        handles.edit_handle(ctx, record, brand_id=brand_id)
    brand = ctx.session.get(Brand, record.brand_id)
    require_acts_for(ctx.actor, brand)
    if record.holder_kind == "brand":
        if brand is None:
            raise Invalid("The brand already holds this handle.", field="handle")
        raise Invalid("%(brand)s already holds this handle.", field="handle", brand=brand.name)
    return brand


def _check_free(ctx: Context, record: Handle) -> None:
    """No request may be open on the handle already, nor may it have changed hands within
    the configured lock (HANDOVER_LOCK_DAYS)."""
    assert record.id is not None  # a stored handle has its id
    open_one = open_request_on(ctx.session, record.id)
    if open_one is not None:
        raise _already_open(ctx.actor, open_one)
    locked_until = lock_until(ctx, record.id)
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
            days=ctx.policy.lock_days,
        )


def _open(
    ctx: Context, request: TransferRequest, record: Handle, brand: Brand | None
) -> TransferRequest:
    """Write the new request with its reply clock, and its audit entry."""
    session = ctx.session
    session.add(request)
    session.flush()
    refresh_clock(session, request, brand, policy=ctx.policy)
    audit.record(
        session,
        actor=ctx.actor,
        action="request.create",
        entity=request,
        summary=N_("Request #%(id)s: @%(handle)s to %(brand)s"),
        params={"id": request.id, "handle": record.handle, "brand": request.to_holder_name},
        after=audit.snapshot(request, ("handle_id", "kind", "terms", "amount_cents", "state")),
    )
    outbox.emit(
        session,
        EventKind.REQUEST_CREATED,
        request=request,
        actor=ctx.actor,
        data={"terms": request.terms},
    )
    session.flush()
    return request


def _already_open(actor: User | None, open_one: TransferRequest) -> Invalid:
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


def proposable(ctx: Context, record: Handle) -> bool:
    """Whether a page should offer to propose this handle to its brand: what `propose`
    refuses whoever asks — a handle its brand holds, one with a request open, one still
    locked after its handover (as of the context's day, under its configured lock) — is
    not."""
    assert record.id is not None  # a stored handle has its id
    return (
        record.holder_kind != "brand"
        and open_request_on(ctx.session, record.id) is None
        and lock_until(ctx, record.id) is None
    )


def terms_warning(session: Session, request: TransferRequest) -> Message | None:
    """Why a request's terms break its platform's own rules (a paid handover where the
    platform forbids one), with the platform's route for brands; None when they do not.
    Said when the request is proposed and on its page; never a refusal."""
    return handover.terms_warning(platform_of(session, request).slug, request.terms)
