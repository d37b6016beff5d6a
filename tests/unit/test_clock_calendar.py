"""The reply clock's calendar, exactly as DESIGN.md ("Unanswered requests") says: day 0 on a
weekend or a holiday, the not_contacted flag's first day, subdivisions' holidays, checked
against numpy's business-day arithmetic. Pure domain: no Flask, no database."""

from __future__ import annotations

from datetime import date, timedelta

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain import clock
from registry.domain.clock import (
    NOT_CONTACTED,
    AttemptFact,
    BusinessCalendar,
    calendar_for,
    flag_for,
    reply_status,
)

FRANCE = calendar_for("FR")


def outbound(day: date, outcome: str = "no_answer") -> AttemptFact:
    return AttemptFact(happened_on=day, direction="outbound", outcome=outcome)


# --- day 0 ----------------------------------------------------------------------------------


def test_a_message_sent_on_saturday_is_counted_from_monday():
    """DESIGN's own example: sent Saturday 2 May 2026 to a French brand, day 0 is Monday 4
    May (Friday 8 May and Thursday 14 May are holidays), the reply is due Wednesday 20 May."""
    saturday = date(2026, 5, 2)
    assert FRANCE.day_zero(saturday) == date(2026, 5, 4)
    assert clock.reply_due_on([outbound(saturday)], calendar=FRANCE) == date(2026, 5, 20)
    status = reply_status(
        is_open=True,
        opened_on=saturday,
        attempts=[outbound(saturday)],
        calendar=FRANCE,
        as_of=date(2026, 5, 4),
    )
    assert (status.waiting_since, status.counted_from) == (saturday, date(2026, 5, 4))
    assert status.business_days_waiting == 0  # Monday is day 0, nothing has elapsed yet
    assert status.due_on == date(2026, 5, 20)


def test_a_message_sent_on_a_business_day_is_its_own_day_0():
    tuesday = date(2026, 5, 5)
    assert FRANCE.day_zero(tuesday) == tuesday
    assert clock.reply_due_on([outbound(tuesday)], calendar=FRANCE) == date(2026, 5, 21)


def test_a_message_sent_on_a_holiday_is_counted_from_the_next_business_day():
    may_day = date(2026, 5, 1)  # a Friday, Labour Day
    assert FRANCE.day_zero(may_day) == date(2026, 5, 4)
    assert clock.reply_due_on([outbound(may_day)], calendar=FRANCE) == date(2026, 5, 20)


# --- not_contacted ----------------------------------------------------------------------------


def not_contacted_on(opened_on: date, as_of: date) -> bool:
    flag = flag_for(is_open=True, opened_on=opened_on, attempts=[], calendar=FRANCE, as_of=as_of)
    return flag == NOT_CONTACTED


def test_not_contacted_first_shows_on_the_sixth_business_day():
    """Opened Friday 9 January 2026: five business days have elapsed on Friday 16; the flag
    shows from Monday 19 (the 6th), not on the weekend between."""
    opened = date(2026, 1, 9)
    assert not not_contacted_on(opened, date(2026, 1, 16))
    assert not not_contacted_on(opened, date(2026, 1, 17))  # Saturday
    assert not not_contacted_on(opened, date(2026, 1, 18))  # Sunday
    assert not_contacted_on(opened, date(2026, 1, 19))
    assert not_contacted_on(opened, date(2026, 1, 24))  # and it stays, weekend or not


def test_not_contacted_never_first_shows_on_a_holiday():
    """Opened Thursday 23 April 2026: the 5th business day is Thursday 30 April, Friday 1 May
    is Labour Day, so the flag first shows on Monday 4 May."""
    opened = date(2026, 4, 23)
    assert not not_contacted_on(opened, date(2026, 5, 1))
    assert not not_contacted_on(opened, date(2026, 5, 3))
    assert not_contacted_on(opened, date(2026, 5, 4))


@settings(max_examples=300, deadline=None)
@given(opened=st.dates(date(2025, 1, 1), date(2027, 12, 31)), extra=st.integers(0, 40))
def test_not_contacted_first_shows_on_a_business_day(opened, extra):
    as_of = opened + timedelta(days=extra)
    flagged = not_contacted_on(opened, as_of)
    first = FRANCE.add_business_days(opened, clock.NOT_CONTACTED_DAYS + 1)
    assert flagged == (as_of >= first)
    assert FRANCE.is_business_day(first)


def test_a_request_whose_brand_wrote_first_is_not_flagged_not_contacted():
    inbound = AttemptFact(happened_on=date(2026, 1, 12), direction="inbound", outcome="replied")
    flag = flag_for(
        is_open=True,
        opened_on=date(2026, 1, 9),
        attempts=[inbound],
        calendar=FRANCE,
        as_of=date(2026, 3, 1),
    )
    assert flag is None


# --- against numpy ----------------------------------------------------------------------------

COUNTRIES = [("FR", None), ("GB", "ENG"), ("GB", "SCT"), ("DE", "BY"), ("CH", "ZH"), ("US", "NY")]


def numpy_due(calendar: BusinessCalendar, start: date, days: int) -> date:
    """numpy's answer: roll a non-business start forward to the next business day, then
    step `days` business days (Monday-Friday minus the calendar's holidays)."""
    years = range(start.year - 1, start.year + 3)
    holidays = [day for year in years for day, _ in calendar.holidays_in(year)]
    answer = numpy.busday_offset(
        numpy.datetime64(start), days, roll="forward", holidays=numpy.array(holidays, "M8[D]")
    )
    return answer.astype(object)


@settings(max_examples=2000, deadline=None)
@given(
    where=st.sampled_from(COUNTRIES),
    start=st.dates(date(2024, 1, 1), date(2028, 12, 31)),
    days=st.integers(0, 30),
)
def test_due_dates_agree_with_numpy_busday_offset(where, start, days):
    calendar = calendar_for(*where)
    assert clock.due_after(start, days, calendar=calendar) == numpy_due(calendar, start, days)


@pytest.mark.parametrize("where", COUNTRIES)
def test_weekend_and_holiday_starts_agree_with_numpy(where):
    """Every Saturday, Sunday and holiday of 2026 as a start, ten business days."""
    calendar = calendar_for(*where)
    starts = [
        date(2026, 1, 1) + timedelta(days=n)
        for n in range(365)
        if not calendar.is_business_day(date(2026, 1, 1) + timedelta(days=n))
    ]
    assert len(starts) > 104  # every weekend day and at least one holiday
    for start in starts:
        assert clock.due_after(start, 10, calendar=calendar) == numpy_due(calendar, start, 10)


# --- subdivisions ----------------------------------------------------------------------------


def test_easter_monday_is_a_holiday_in_england_not_in_scotland():
    easter_monday = date(2026, 4, 6)
    assert not calendar_for("GB", "ENG").is_business_day(easter_monday)
    assert calendar_for("GB", "SCT").is_business_day(easter_monday)
    # Sent on Maundy Thursday: England loses Good Friday and Easter Monday, Scotland Good
    # Friday only, so the English reply is due a business day later.
    thursday = date(2026, 4, 2)
    england = clock.due_after(thursday, 10, calendar=calendar_for("GB", "ENG"))
    scotland = clock.due_after(thursday, 10, calendar=calendar_for("GB", "SCT"))
    assert (england, scotland) == (date(2026, 4, 20), date(2026, 4, 17))


def test_a_subdivision_adds_its_own_holidays():
    """Bavaria keeps Epiphany and Corpus Christi; a German brand with no subdivision only
    the national days."""
    bavaria, germany = calendar_for("DE", "BY"), calendar_for("DE")
    for day in (date(2026, 1, 6), date(2026, 6, 4)):
        assert not bavaria.is_business_day(day) and germany.is_business_day(day)


def test_the_holidays_of_a_year_are_listed_in_date_order():
    holidays = calendar_for("FR").holidays_in(2026)
    days = [day for day, _ in holidays]
    assert days == sorted(days) and len(days) == 11
    assert (date(2026, 7, 14), "National Day") in holidays
