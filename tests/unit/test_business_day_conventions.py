"""The registry's two ways of counting business days, each checked against numpy's
business-day arithmetic with the `holidays` package's calendar (issue 25, "Time").

- The reply clock (`clock.due_after`) counts from day 0, the day a message is read: the day
  itself, or the next business day after a weekend or a holiday. Day 0 is not counted:
  `numpy.busday_offset(start, n, roll="forward")`.
- A handover's deadlines (`handover.confirm_by`, `handover.outcome_by`) and the first contact
  (`clock.first_contact_due_on`) count the business days strictly after the day itself,
  business day or not: `numpy.busday_offset(start, n, roll="backward")` for n ≥ 1.

They agree when the starting day is a business day and differ by one business day when it
is a day off: different rules on purpose (a message waits to be read; a handover's parties
are already at work), both said on /help and in the API's description."""

from __future__ import annotations

from datetime import date, timedelta

import numpy
import pytest

from registry.domain import clock, handover
from registry.domain.clock import BusinessCalendar, calendar_for

CALENDARS = [("FR", None), ("GB", "ENG"), ("CH", "VD"), ("DE", "BY")]
YEAR = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]


def oracle(calendar: BusinessCalendar, start: date, days: int, roll: str) -> date:
    holidays = [day for year in (2025, 2026, 2027) for day, _ in calendar.holidays_in(year)]
    answer = numpy.busday_offset(
        numpy.datetime64(start), days, roll=roll, holidays=numpy.array(holidays, "M8[D]")
    )
    return answer.astype(object)


@pytest.mark.parametrize("where", CALENDARS)
def test_the_reply_clock_counts_from_the_day_a_message_is_read(where):
    calendar = calendar_for(*where)
    for start in YEAR:
        assert clock.due_after(start, 10, calendar=calendar) == oracle(
            calendar, start, 10, "forward"
        )


@pytest.mark.parametrize("where", CALENDARS)
def test_a_handovers_deadlines_count_from_the_day_itself(where):
    calendar = calendar_for(*where)
    for start in YEAR:
        assert handover.confirm_by(start, calendar) == oracle(calendar, start, 5, "backward")
        assert handover.outcome_by(start, calendar) == oracle(calendar, start, 1, "backward")
        assert clock.first_contact_due_on(start, [], calendar=calendar) == oracle(
            calendar, start, clock.NOT_CONTACTED_DAYS, "backward"
        )


@pytest.mark.parametrize("where", CALENDARS)
def test_the_two_rules_differ_only_when_the_day_is_a_day_off(where):
    calendar = calendar_for(*where)
    for start in YEAR:
        reply = clock.due_after(start, handover.CONFIRM_DAYS, calendar=calendar)
        confirm = handover.confirm_by(start, calendar)
        if calendar.is_business_day(start):
            assert reply == confirm
        else:  # one business day more for the reply clock
            assert reply == calendar.add_business_days(confirm, 1)


def test_the_answers_to_the_questions_asked():
    france = calendar_for("FR")
    friday, saturday, monday = date(2026, 12, 4), date(2026, 12, 5), date(2026, 12, 7)
    # add_business_days(Friday, 1) is the Monday; day 0 of a Saturday message is the Monday.
    assert france.add_business_days(friday, 1) == monday
    assert france.day_zero(saturday) == monday and france.day_zero(friday) == friday
    # A window planned on the Friday or on the Saturday: confirmed by Friday 11 December.
    assert handover.confirm_by(friday, france) == handover.confirm_by(saturday, france)
    assert handover.confirm_by(saturday, france) == date(2026, 12, 11)
    # A message sent that Saturday: day 0 is Monday 7, five business days on is Monday 14.
    assert clock.due_after(saturday, 5, calendar=france) == date(2026, 12, 14)
    # DESIGN.md's example: sent Saturday 2 May 2026, due Wednesday 20 May (8 and 14 May off).
    assert clock.due_after(date(2026, 5, 2), 10, calendar=france) == date(2026, 5, 20)
