"""Moving a request along: a transition by staff or its proposer, the brand's decision, the
step that completes it, and what an irreversible move does, said before it is confirmed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from registry.adapters.models import (
    ContactAttempt,
    Handle,
    TransferRequest,
)
from registry.domain import clock, limits, permissions, recorded, workflow
from registry.domain.messages import N_, Explained, Message
from registry.domain.permissions import (
    can_decide,
    can_move,
    moves_for,
)
from registry.services import (
    Conflict,
    Invalid,
    check_version,
    checked_text,
    custody,
    require,
)
from registry.services.attempts import record_attempt
from registry.services.context import Context
from registry.services.moves import check_move, move
from registry.services.reply_clock import refresh_clock
from registry.services.request_reads import DOOR_REFUSALS, RequestRow, brand_of, locked_request
from registry.services.timeline import decision_on_record
from registry.services.unit import use_case

CHANGED_MEANWHILE = N_("This request was changed by someone else meanwhile.")
ALREADY_DECIDED = N_("The brand's decision on request #%(id)s is already recorded.")


UNCONFIRMED = N_('Moving the request to "%(target)s" cannot be undone: confirm it first.')


def require_confirmed(target: str, confirmed: bool) -> None:
    """An irreversible move (workflow.IRREVERSIBLE) is made only once confirmed."""
    if workflow.needs_confirming(target) and not confirmed:
        raise Invalid(UNCONFIRMED, field="confirmed", target=target)


class MovedMeanwhile(Conflict):
    """A move made from a page that showed an older state: someone else moved the request
    first (409, like any conflict; the site shows the request as it is now)."""


@use_case
def transition(
    ctx: Context,
    request_id: int,
    *,
    to: str,
    note: str = "",
    expected_state: str | None = None,
    expected_version: int | None = None,
    confirmed: bool = False,
) -> TransferRequest:
    """Move a request one allowed step (a completion moves custody on the context's day).

    A compare-and-set on the state: the request is locked, and a caller that says which
    state it saw (`expected_state`) is refused with 409 when the request has moved since.
    A move that cannot be undone (completing, declining, withdrawing) needs `confirmed`."""
    session, actor = ctx.session, ctx.actor
    request = locked_request(session, request_id)
    brand = brand_of(session, request)
    require(actor is None or can_move(actor, request, to, brand), DOOR_REFUSALS[permissions.MOVE])
    check_version(request, expected_version, CHANGED_MEANWHILE)
    allowed = {"allowed_transitions": list(moves_for(actor, request, brand))}
    if expected_state and expected_state != request.state:
        raise MovedMeanwhile(
            N_("Request #%(id)s is %(state)s now, not %(expected)s: it changed meanwhile."),
            field="to",
            extra=allowed,
            id=request.id,
            state=request.state,
            expected=expected_state,
        )
    check_move(request.state, to)
    if to in workflow.BY_HANDOVER_ONLY:
        raise Conflict(BY_HANDOVER_ONLY, field="to", extra=allowed)
    require_confirmed(to, confirmed)
    return advance(ctx, request, to=to, note=note)


BY_HANDOVER_ONLY = N_(
    "A request is completed by its handover: plan a window, get both sides' "
    "confirmations, then record that the brand claimed the name."
)


def advance(ctx: Context, request: TransferRequest, *, to: str, note: str) -> TransferRequest:
    """The move itself, once the caller has the right to make it; a completion hands the
    handle over on the context's day."""
    session = ctx.session
    note = checked_text(note, "note", limits.NOTE_MAX)
    move(session, request, to, actor=ctx.actor, note=note)
    if to == workflow.COMPLETED:
        custody.move_custody(
            ctx,
            session.get_one(Handle, request.handle_id),
            holder_kind=request.to_holder_kind,
            holder_name=request.to_holder_name,
            started_on=ctx.today,
            note=note,
            note_code=recorded.HANDED_OVER,
            note_params={"id": request.id},
        )
    refresh_clock(session, request, brand_of(session, request), policy=ctx.policy)
    session.flush()
    return request


@use_case
def decide(
    ctx: Context,
    request_id: int,
    *,
    accept: bool,
    channel: str,
    summary: str,
    confirmed: bool = False,
) -> TransferRequest:
    """The brand's answer, given once, now: logged as an inbound attempt (a real reply for
    the reply clock, its `decision` saying which), then the matching transitions. Declining
    closes the request for good, so it needs `confirmed`."""
    session = ctx.session
    request = locked_request(session, request_id)
    require(can_decide(ctx.actor, brand_of(session, request)), DOOR_REFUSALS[permissions.DECISION])
    target = workflow.AGREED if accept else workflow.DECLINED
    if decision_on_record(session, request_id):
        raise Conflict(ALREADY_DECIDED, field="decision", id=request.id)
    try:
        steps = workflow.path_to(request.state, target)
    except Explained as exc:
        raise Conflict.explaining(exc, field="to") from None
    require_confirmed(target, confirmed)
    record_attempt(
        ctx,
        request,
        direction=clock.INBOUND,
        channel=channel,
        outcome="replied" if accept else "refused",
        happened_at=ctx.now,
        contact_point=recorded.DECISION_CONTACT_POINT,
        summary=summary,
        decision=recorded.ACCEPT if accept else recorded.DECLINE,
    )
    for step in steps:
        if request.state != step:
            advance(ctx, request, to=step, note=recorded.BRANDS_DECISION)
    return request


def has_reply(attempts: Iterable[ContactAttempt]) -> bool:
    """Whether any real reply from the other party is on record (DESIGN: a reply is an
    inbound attempt, or one whose outcome is replied, meeting or refused)."""
    return any(not a.discounted and clock.is_real_reply(a.direction, a.outcome) for a in attempts)


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
