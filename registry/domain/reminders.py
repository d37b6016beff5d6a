"""When the parties of a handover are reminded of its window (issue 15).

A plan's reminder is due once its window starts within the next business day of the
brand's calendar (from ``as_of`` through the next business day after it: on a Friday, the
windows of the weekend and of Monday), while the window is still ahead and the plan is under
way (awaiting its confirmations or ready, registry.domain.handover.standing); never twice.

Pure: no Flask, no database.
"""

from __future__ import annotations

from datetime import date, datetime

from registry.domain.clock import BusinessCalendar
from registry.domain.handover import AWAITING_CONFIRMATIONS, READY, PlanFacts, standing

UNDER_WAY: frozenset[str] = frozenset({AWAITING_CONFIRMATIONS, READY})


def last_window_day(as_of: date, calendar: BusinessCalendar) -> date:
    """The last brand-local day whose windows are reminded on ``as_of``."""
    return calendar.add_business_days(as_of, 1)


def reminder_due(
    plan: PlanFacts,
    *,
    reminded: bool,
    window_day: date,
    as_of: date,
    now: datetime,
    calendar: BusinessCalendar,
) -> bool:
    """Whether the plan's parties are to be reminded of its window on ``as_of``.

    ``window_day`` is the window's first day in the brand's time zone; ``now`` is aware."""
    if reminded or plan.outcome or now >= plan.window_start:
        return False
    if standing(plan, now=now, today=as_of) not in UNDER_WAY:
        return False
    return as_of <= window_day <= last_window_day(as_of, calendar)
