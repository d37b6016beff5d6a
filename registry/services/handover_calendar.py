"""A request's handover window as a calendar event (`GET /requests/<id>/handover.ics`, and
the attachment of the reminders before a window): the facts of the event, read in no
transaction of their own. registry.presentation.calendar writes them as RFC 5545.

One event per request: its latest plan with a window, its status and revision
(registry.domain.handover.event_status and event_sequence), and when it was last revised
(the event's DTSTAMP): the plan's creation, a confirmation, its outcome, the moment it
lapsed, or its request's withdrawal or refusal, whichever came last."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from registry.adapters.models import Brand, Handle, Platform, TransferRequest
from registry.domain import handover, permissions, workflow
from registry.domain.messages import N_
from registry.services import NotFound, context, request_reads, require
from registry.services.context import Context
from registry.services.handover_plans import PlanView, facts, plans_of

# Who may read the event, as the door refuses the others.
REFUSAL = N_("Only the request's parties and staff can add its handover window to a calendar.")
NO_WINDOW = N_("Request #%(id)s has no handover window to add to a calendar.")


@dataclass(frozen=True)
class HandoverEvent:
    """One request's handover window as a calendar shows it. `start`, `end` and
    `revised_at` are in UTC; `zone` is the brand's time zone (an IANA name); `status` is
    RFC 5545's (handover.TENTATIVE, CONFIRMED or CANCELLED); `steps` are each side's, in
    English marked for the catalogue."""

    request_id: int
    handle: str
    platform: str
    zone: str
    start: datetime
    end: datetime
    status: str
    sequence: int
    revised_at: datetime
    steps: dict[str, tuple[str, ...]]

    @property
    def cancelled(self) -> bool:
        return self.status == handover.CANCELLED


def calendar_event(ctx: Context, request_id: int) -> HandoverEvent:
    """The request's handover window as an event, for a reader who may see it
    (permissions.may_see_handover_calendar: Forbidden otherwise); NotFound without a
    request, or without a plan with a window."""
    row = request_reads.get_request(ctx.session, request_id)
    require(may_read(ctx, row), REFUSAL)
    event = event_of(ctx, row.request, handle=row.handle, platform=row.platform, brand=row.brand)
    if event is None:
        raise NotFound(NO_WINDOW, id=request_id)
    return event


def may_read(ctx: Context, row: request_reads.RequestRow) -> bool:
    return permissions.may_see_handover_calendar(ctx.actor, row.request, row.brand)


def offered(ctx: Context, row: request_reads.RequestRow, view: PlanView | None) -> bool:
    """Whether the request page offers this reader to add the window shown (`view`) to a
    calendar: a window still under way, of an agreed request, for a reader who may."""
    return (
        view is not None
        and row.request.state == workflow.AGREED
        and view.plan.window_start is not None
        and view.standing in handover.ACTIVE
        and may_read(ctx, row)
    )


def event_of(
    ctx: Context,
    request: TransferRequest,
    *,
    handle: Handle,
    platform: Platform,
    brand: Brand | None,
) -> HandoverEvent | None:
    """The event of the request's latest plan with a window, as it stands at the context's
    now; None when no plan has a window. Nobody's permission is asked: the caller's."""
    assert request.id is not None  # a stored request has its id
    plans = plans_of(ctx.session, request.id)
    timed = [index for index, plan in enumerate(plans) if plan.window_start is not None]
    if not timed:
        return None
    index = timed[-1]
    plan = plans[index]
    fact = facts(plan)
    zone = context.brand_zone(brand)
    current = handover.standing(fact, now=ctx.now, today=context.local_day(ctx.now, brand))
    # A withdrawn or declined request's window no longer applies, whatever the plan says.
    called_off = request.state in (workflow.WITHDRAWN, workflow.DECLINED)
    status = handover.event_status(current, called_off=called_off)
    revised = [plan.created_at, plan.holder_confirmed_at, plan.brand_confirmed_at, plan.outcome_at]
    if current == handover.LAPSED:
        revised.append(handover.lapses_at(fact, zone))
    if called_off:
        revised.append(request.closed_at)
    return HandoverEvent(
        request_id=request.id,
        handle=handle.handle,
        platform=platform.name,
        zone=zone.key,
        start=fact.window_start.astimezone(UTC),
        end=fact.window_end.astimezone(UTC),
        status=status,
        sequence=handover.event_sequence(fact, status, earlier_plans=index),
        revised_at=max(_utc(moment) for moment in revised if moment is not None),
        steps=handover.steps(platform.slug),
    )


def _utc(moment: datetime) -> datetime:
    return context.aware(moment).astimezone(UTC)
