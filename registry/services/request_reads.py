"""One transfer request as its pages and the API read it: the request with its handle, platform,
brand and proposer, who may see it or act on it, its attempts, the requests of a handle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import bindparam
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from registry.adapters.models import (
    Brand,
    ContactAttempt,
    Handle,
    Platform,
    TransferRequest,
    User,
)
from registry.domain import permissions
from registry.domain.messages import N_
from registry.domain.permissions import (
    can_view,
)
from registry.services import (
    NotFound,
    require,
)
from registry.services.context import Context
from registry.services.unit import locked


@dataclass
class RequestRow:
    request: TransferRequest
    handle: Handle
    platform: Platform
    brand: Brand | None
    proposer: User | None


# A request's row as `rows_query` reads it: the request, its handle, platform, brand, proposer.
RequestTuple = tuple[TransferRequest, Handle, Platform, Brand | None, User | None]


def rows_query() -> Select[TransferRequest, Handle, Platform, Brand | None, User | None]:
    # sqlmodel's `select` is typed for up to four entities; for more it builds this Select,
    # whose entities' types a constructor call cannot tell mypy: they are named here.
    return cast(
        "Select[TransferRequest, Handle, Platform, Brand | None, User | None]",
        Select(TransferRequest, Handle, Platform, Brand, User)
        .join(Handle, col(Handle.id) == TransferRequest.handle_id)
        .join(Platform, col(Platform.id) == Handle.platform_id)
        .join(Brand, col(Brand.id) == Handle.brand_id, isouter=True)
        .join(User, col(User.id) == TransferRequest.proposer_id, isouter=True),
    )


_BY_ID = rows_query().where(col(TransferRequest.id) == bindparam("request_id"))
_ATTEMPTS = (
    select(ContactAttempt, User)
    .join(User, col(User.id) == ContactAttempt.logged_by_id, isouter=True)
    .where(col(ContactAttempt.request_id) == bindparam("request_id"))
    .order_by(col(ContactAttempt.happened_at), col(ContactAttempt.id))
)  # statements built once: the request page's reads


def get_request(session: Session, request_id: int) -> RequestRow:
    row = session.exec(_BY_ID, params={"request_id": request_id}).first()
    if row is None:
        raise NotFound("No such transfer request.")
    return RequestRow(*row)


def visible_request(ctx: Context, request_id: int) -> RequestRow:
    """A request the context's actor may see: its proposer and the roles that read
    everything."""
    row = get_request(ctx.session, request_id)
    require(
        can_view(ctx.actor, row.request), N_("Only the request's proposer and staff can see it.")
    )
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


def may_act_on(ctx: Context, request_id: int, action: str) -> RequestRow:
    """The request, when the context's actor may do this kind of action on it at all
    (permissions.ATTEMPT, MOVE or DECISION: permissions.may_act); else NotFound or
    Forbidden."""
    row = get_request(ctx.session, request_id)
    allowed = permissions.may_act(ctx.actor, row.request, row.brand, action)
    require(allowed, DOOR_REFUSALS[action])
    return row


def attempts_of(session: Session, request_id: int) -> list[tuple[ContactAttempt, User | None]]:
    return list(session.exec(_ATTEMPTS, params={"request_id": request_id}))


def requests_for_handle(session: Session, handle_id: int) -> list[TransferRequest]:
    return list(
        session.exec(
            select(TransferRequest)
            .where(TransferRequest.handle_id == handle_id)
            .order_by(col(TransferRequest.id).desc())
        )
    )


def locked_request(session: Session, request_id: int) -> TransferRequest:
    request = locked(session, TransferRequest, TransferRequest.id == request_id)
    if request is None:
        raise NotFound("No such transfer request.")
    return request


def brand_of(session: Session, request: TransferRequest) -> Brand | None:
    handle = session.get(Handle, request.handle_id)
    return session.get(Brand, handle.brand_id) if handle and handle.brand_id else None
