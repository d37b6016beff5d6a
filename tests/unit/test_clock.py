"""The reply clock with real French calendars.

In 2026, 1 May is a Friday, 14 July a Tuesday and 25 December a Friday.
"""

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain import clock
from registry.domain.clock import (
    DUE_SOON,
    FLAGS,
    NOT_CONTACTED,
    OVERDUE,
    AttemptFact,
    BusinessCalendar,
    ReplyStatus,
    business_days_waiting,
    calendar_for,
    clock_start,
    first_contact_due_on,
    flag_for,
    flag_from_due_dates,
    is_real_reply,
    reply_due_on,
    reply_status,
)

FRANCE = BusinessCalendar("FR")

MONDAY = date(2026, 3, 2)  # no French public holiday until Easter Monday, 6 April
DUE_MONDAY = date(2026, 3, 16)  # ten business days later, 14 calendar days
NEXT_TUESDAY = date(2026, 3, 17)


def day(iso: str) -> date:
    return date.fromisoformat(iso)


def outbound(on: str | date, outcome: str = "no_answer") -> AttemptFact:
    return AttemptFact(
        happened_on=day(on) if isinstance(on, str) else on, direction="outbound", outcome=outcome
    )


def inbound(on: str | date, outcome: str = "replied") -> AttemptFact:
    return AttemptFact(
        happened_on=day(on) if isinstance(on, str) else on, direction="inbound", outcome=outcome
    )


def flag(attempts, *, as_of, opened_on=date(2026, 3, 1), is_open=True, calendar=FRANCE):
    return flag_for(
        is_open=is_open, opened_on=opened_on, attempts=attempts, calendar=calendar, as_of=as_of
    )


# --- The calendar ----------------------------------------------------------------------


def test_the_library_agrees_with_the_dates_these_tests_rely_on():
    assert date(2026, 5, 1).weekday() == 4  # Friday
    assert date(2026, 7, 14).weekday() == 1  # Tuesday
    assert date(2026, 12, 25).weekday() == 4  # Friday
    assert FRANCE.holiday_name(date(2026, 5, 1)) is not None
    assert FRANCE.holiday_name(date(2026, 7, 14)) is not None
    assert FRANCE.holiday_name(date(2026, 12, 25)) is not None


def test_ordinary_day_has_no_holiday_name():
    assert FRANCE.holiday_name(date(2026, 3, 4)) is None


@pytest.mark.parametrize(
    ("iso", "expected"),
    [
        ("2026-03-06", True),  # Friday
        ("2026-03-07", False),  # Saturday
        ("2026-03-08", False),  # Sunday
        ("2026-05-01", False),  # Labour Day, a Friday
        ("2026-07-14", False),  # Bastille Day, a Tuesday
        ("2026-12-25", False),  # Christmas, a Friday
        ("2026-04-03", True),  # Good Friday is not a holiday in most of France
    ],
)
def test_business_days_in_france(iso, expected):
    assert FRANCE.is_business_day(day(iso)) is expected


def test_adding_a_business_day_on_friday_skips_the_weekend():
    assert FRANCE.add_business_days(day("2026-03-06"), 1) == day("2026-03-09")


def test_adding_a_business_day_on_saturday_lands_on_monday():
    assert FRANCE.add_business_days(day("2026-03-07"), 1) == day("2026-03-09")


def test_ten_business_days_from_monday_is_the_monday_two_weeks_later():
    assert FRANCE.add_business_days(MONDAY, 10) == DUE_MONDAY
    assert (DUE_MONDAY - MONDAY).days == 14


def test_adding_zero_business_days_keeps_the_start():
    assert FRANCE.add_business_days(MONDAY, 0) == MONDAY


def test_adding_negative_business_days_is_refused():
    with pytest.raises(ValueError, match="negative"):
        FRANCE.add_business_days(MONDAY, -1)


def test_deadline_across_1_may_and_8_may():
    # Mon 27 Apr: 28, 29, 30 Apr, (1 May off), 4–7 May, (8 May off), 11, 12, 13 May.
    assert FRANCE.add_business_days(day("2026-04-27"), 10) == day("2026-05-13")


def test_deadline_across_14_july():
    # Without Bastille Day this would be Monday 20 July.
    assert FRANCE.add_business_days(day("2026-07-06"), 10) == day("2026-07-21")


def test_deadline_across_christmas():
    # Without Christmas this would be Monday 28 December.
    assert FRANCE.add_business_days(day("2026-12-14"), 10) == day("2026-12-29")


def test_deadline_across_christmas_and_new_year_loads_the_next_year():
    # 25 Dec 2026 and 1 Jan 2027 (both Fridays) are off.
    assert FRANCE.add_business_days(day("2026-12-21"), 10) == day("2027-01-06")


def test_business_days_between_counts_after_start_up_to_end():
    assert FRANCE.business_days_between(MONDAY, DUE_MONDAY) == 10
    assert FRANCE.business_days_between(day("2026-03-06"), day("2026-03-09")) == 1
    assert FRANCE.business_days_between(day("2026-04-30"), day("2026-05-04")) == 1


@pytest.mark.parametrize("end", [MONDAY, date(2026, 2, 20)])
def test_business_days_between_is_zero_when_end_is_not_after_start(end):
    assert FRANCE.business_days_between(MONDAY, end) == 0


def test_germany_rests_on_good_friday_france_does_not():
    thursday_before_easter = day("2026-04-02")
    assert BusinessCalendar("DE").add_business_days(thursday_before_easter, 1) == day("2026-04-07")
    assert FRANCE.add_business_days(thursday_before_easter, 1) == day("2026-04-03")


def test_united_states_rests_on_thanksgiving_not_on_14_july():
    united_states = BusinessCalendar("US")
    assert not united_states.is_business_day(day("2026-11-26"))
    assert united_states.is_business_day(day("2026-07-14"))
    assert FRANCE.is_business_day(day("2026-11-26"))


def test_subdivision_adds_its_own_holidays():
    moselle = BusinessCalendar("FR", subdivision="57")
    assert not moselle.is_business_day(day("2026-04-03"))  # Good Friday in Alsace-Moselle
    assert moselle.is_business_day(day("2026-04-02"))


def test_country_code_is_case_insensitive():
    assert not BusinessCalendar("fr").is_business_day(day("2026-07-14"))


def test_unknown_country_is_a_clear_error():
    with pytest.raises(ValueError, match=r'Unknown country code "ZZ" for public holidays\.'):
        BusinessCalendar("ZZ")


def test_unknown_subdivision_is_a_clear_error():
    with pytest.raises(ValueError, match='Unknown subdivision "XX" of country "FR"'):
        BusinessCalendar("FR", subdivision="XX")


def test_calendar_for_shares_one_calendar_per_country():
    assert calendar_for("FR") is calendar_for("FR")
    assert calendar_for(None).country == "FR"
    assert calendar_for("DE").country == "DE"


# --- Attempts and replies -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "outcome", "expected"),
    [
        ("inbound", "replied", True),
        ("inbound", "meeting", True),
        ("inbound", "no_answer", True),
        ("outbound", "replied", True),  # a phone call someone picked up
        ("outbound", "meeting", True),
        ("outbound", "refused", True),
        ("outbound", "no_answer", False),
        ("outbound", "auto_reply", False),
        ("outbound", "voicemail", False),
        ("outbound", "redirected", False),
        ("outbound", "bounced", False),
        ("inbound", "auto_reply", False),  # the auto-reply e-mail comes from the brand
        ("inbound", "voicemail", False),
        ("inbound", "redirected", False),
        ("inbound", "bounced", False),
    ],
)
def test_what_counts_as_a_real_reply(direction, outcome, expected):
    assert is_real_reply(direction, outcome) is expected


def test_attempt_with_unknown_direction_is_refused():
    with pytest.raises(ValueError, match='Unknown attempt direction "sideways"'):
        AttemptFact(happened_on=MONDAY, direction="sideways", outcome="replied")


def test_attempt_with_unknown_outcome_is_refused():
    with pytest.raises(ValueError, match='Unknown attempt outcome "ghosted"'):
        AttemptFact(happened_on=MONDAY, direction="outbound", outcome="ghosted")


def test_attempt_needs_a_date_not_a_datetime():
    with pytest.raises(TypeError, match="time zone"):
        AttemptFact(happened_on=datetime(2026, 3, 2, 9, 0), direction="outbound", outcome="replied")


def test_constants_are_the_designs_words():
    assert FLAGS == ("overdue", "due_soon", "not_contacted")
    assert clock.CHANNELS == (
        "web_form",
        "email",
        "phone",
        "dm",
        "mention",
        "letter",
        "in_person",
        "marketplace",
    )
    assert set(clock.OUTCOMES) == {
        "no_answer",
        "auto_reply",
        "voicemail",
        "redirected",
        "bounced",
        "replied",
        "meeting",
        "refused",
    }
    assert set(clock.REAL_REPLY_OUTCOMES) == {"replied", "meeting", "refused"}
    assert (clock.DEFAULT_DEADLINE_DAYS, clock.DUE_SOON_DAYS, clock.NOT_CONTACTED_DAYS) == (
        10,
        2,
        5,
    )
    assert clock.DEFAULT_COUNTRY == "FR"


# --- When the clock starts -----------------------------------------------------------------


def test_no_attempt_means_no_clock():
    assert clock_start([]) is None


def test_clock_starts_at_the_first_outbound_attempt():
    assert clock_start([outbound(MONDAY)]) == MONDAY


def test_follow_up_does_not_restart_the_clock():
    attempts = [outbound(MONDAY), outbound("2026-03-09"), outbound("2026-03-12", "voicemail")]
    assert clock_start(attempts) == MONDAY
    assert reply_due_on(attempts, calendar=FRANCE) == DUE_MONDAY


def test_attempts_are_taken_in_date_order_whatever_the_input_order():
    assert clock_start([outbound("2026-03-09"), outbound(MONDAY)]) == MONDAY


@pytest.mark.parametrize("outcome", ["auto_reply", "redirected", "bounced"])
def test_auto_reply_redirection_or_bounce_from_the_brand_does_not_stop_the_clock(outcome):
    attempts = [outbound(MONDAY), inbound("2026-03-03", outcome)]
    assert clock_start(attempts) == MONDAY
    assert flag(attempts, as_of=NEXT_TUESDAY) == OVERDUE


def test_voicemail_does_not_count_as_a_reply():
    attempts = [outbound(MONDAY, "voicemail"), outbound("2026-03-05", "voicemail")]
    assert clock_start(attempts) == MONDAY
    assert flag(attempts, as_of=NEXT_TUESDAY) == OVERDUE


def test_real_reply_stops_the_clock():
    attempts = [outbound(MONDAY), inbound("2026-03-10")]
    assert clock_start(attempts) is None
    assert reply_due_on(attempts, calendar=FRANCE) is None
    assert flag(attempts, as_of=day("2026-06-01")) is None


@pytest.mark.parametrize("outcome", ["replied", "meeting", "refused"])
def test_outbound_attempt_that_reached_someone_is_a_reply(outcome):
    attempts = [outbound(MONDAY), outbound("2026-03-05", outcome)]
    assert clock_start(attempts) is None
    assert flag(attempts, as_of=day("2026-06-01")) is None


def test_new_outbound_after_a_real_reply_restarts_the_clock():
    attempts = [
        outbound(MONDAY),
        inbound("2026-03-04"),
        outbound("2026-03-20"),
        outbound("2026-03-25"),
    ]
    assert clock_start(attempts) == day("2026-03-20")
    assert reply_due_on(attempts, calendar=FRANCE) == day("2026-04-03")


def test_same_day_reply_after_outbound_keeps_the_given_order():
    assert clock_start([outbound(MONDAY), inbound(MONDAY)]) is None
    assert clock_start([inbound(MONDAY), outbound(MONDAY)]) == MONDAY


def test_inbound_message_alone_starts_no_clock():
    assert clock_start([inbound(MONDAY)]) is None


def test_deadline_days_can_be_overridden_per_brand():
    assert reply_due_on([outbound(MONDAY)], calendar=FRANCE, deadline_days=5) == day("2026-03-09")


# --- The ten business days rule ------------------------------------------------------------


def test_reply_is_due_the_monday_two_weeks_later():
    assert reply_due_on([outbound(MONDAY)], calendar=FRANCE) == DUE_MONDAY


def test_reply_on_the_due_day_is_on_time():
    attempts = [outbound(MONDAY), inbound(DUE_MONDAY)]
    assert flag(attempts, as_of=DUE_MONDAY) is None
    assert flag(attempts, as_of=NEXT_TUESDAY) is None


def test_no_reply_on_the_due_day_is_not_yet_overdue():
    assert flag([outbound(MONDAY)], as_of=DUE_MONDAY) == DUE_SOON


def test_no_reply_by_the_next_day_is_overdue():
    assert flag([outbound(MONDAY)], as_of=NEXT_TUESDAY) == OVERDUE


def test_reply_after_the_due_date_clears_the_overdue_flag():
    attempts = [outbound(MONDAY), inbound("2026-03-18")]
    assert flag(attempts, as_of=NEXT_TUESDAY) == OVERDUE
    assert flag(attempts, as_of=day("2026-03-18")) is None


def test_holiday_pushes_the_overdue_day():
    # Clock from Mon 6 July: due Tue 21 July because of 14 July.
    attempts = [outbound("2026-07-06")]
    assert flag(attempts, as_of=day("2026-07-21"), opened_on=day("2026-07-01")) == DUE_SOON
    assert flag(attempts, as_of=day("2026-07-22"), opened_on=day("2026-07-01")) == OVERDUE


# --- due_soon boundaries (due Monday 16 March) ---------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2026-03-10", None),  # 4 business days left
        ("2026-03-11", None),  # 3 business days left: 12, 13, 16
        ("2026-03-12", DUE_SOON),  # 2 left: 13, 16
        ("2026-03-13", DUE_SOON),  # 1 left
        ("2026-03-14", DUE_SOON),  # Saturday: only Monday left
        ("2026-03-16", DUE_SOON),  # the due day itself
        ("2026-03-17", OVERDUE),
    ],
)
def test_due_soon_boundaries(as_of, expected):
    assert flag([outbound(MONDAY)], as_of=day(as_of)) == expected


def test_due_soon_counts_business_days_not_calendar_days():
    # Clock from Mon 27 Apr, due Wed 13 May; on Thu 7 May, 8 May (a holiday) and the weekend
    # leave only 11, 12 and 13 May: three business days, so not yet due soon.
    attempts = [outbound("2026-04-27")]
    assert flag(attempts, as_of=day("2026-05-07"), opened_on=day("2026-04-20")) is None
    assert flag(attempts, as_of=day("2026-05-11"), opened_on=day("2026-04-20")) == DUE_SOON


# --- not_contacted boundaries (opened Monday 2 March) --------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2026-03-02", None),
        ("2026-03-06", None),  # 4 business days
        ("2026-03-09", None),  # exactly 5 business days: not yet more than 5
        ("2026-03-10", NOT_CONTACTED),
        ("2026-04-30", NOT_CONTACTED),
    ],
)
def test_not_contacted_boundaries(as_of, expected):
    assert flag([], as_of=day(as_of), opened_on=MONDAY) == expected


def test_first_contact_is_due_five_business_days_after_opening():
    assert first_contact_due_on(MONDAY, [], calendar=FRANCE) == day("2026-03-09")


def test_first_contact_due_date_skips_holidays():
    # Opened Mon 4 May: 5, 6, 7, (8 off), 11, 12 May.
    assert first_contact_due_on(day("2026-05-04"), [], calendar=FRANCE) == day("2026-05-12")


def test_no_first_contact_due_date_once_someone_was_contacted():
    assert first_contact_due_on(MONDAY, [outbound("2026-03-03")], calendar=FRANCE) is None


def test_a_brand_that_wrote_first_has_been_in_contact():
    """DESIGN: not_contacted is "no attempt at all, in either direction"; the brand writing
    first is contact (and, with no outbound attempt, no reply is awaited from it)."""
    assert flag([inbound("2026-03-03")], as_of=day("2026-03-10"), opened_on=MONDAY) is None


def test_outbound_attempt_clears_not_contacted():
    assert flag([outbound("2026-03-10")], as_of=day("2026-03-10"), opened_on=MONDAY) is None


def test_answered_contact_is_not_flagged_not_contacted():
    attempts = [outbound("2026-03-03"), inbound("2026-03-04")]
    assert flag(attempts, as_of=day("2026-04-30"), opened_on=MONDAY) is None


# --- "As of" and closed requests -----------------------------------------------------------


def test_reply_logged_after_as_of_is_ignored():
    attempts = [outbound(MONDAY), inbound("2026-03-20")]
    assert flag(attempts, as_of=NEXT_TUESDAY) == OVERDUE


def test_outbound_logged_after_as_of_is_ignored():
    assert (
        flag([outbound("2026-03-11")], as_of=day("2026-03-10"), opened_on=MONDAY) == NOT_CONTACTED
    )


def test_follow_up_logged_after_as_of_does_not_change_the_status():
    attempts = [outbound(MONDAY), outbound("2026-03-20")]
    status = reply_status(
        is_open=True, opened_on=MONDAY, attempts=attempts, calendar=FRANCE, as_of=NEXT_TUESDAY
    )
    assert status.unanswered_attempts == 1


@pytest.mark.parametrize(
    ("attempts", "as_of"),
    [
        ([outbound(MONDAY)], NEXT_TUESDAY),  # would be overdue
        ([outbound(MONDAY)], DUE_MONDAY),  # would be due soon
        ([], day("2026-04-30")),  # would be not contacted
    ],
)
def test_closed_request_is_never_flagged(attempts, as_of):
    assert flag(attempts, as_of=as_of, opened_on=MONDAY) is not None
    assert flag(attempts, as_of=as_of, opened_on=MONDAY, is_open=False) is None


def test_other_country_uses_its_own_holidays():
    # Clock from Mon 16 Nov in the US: Thanksgiving (26 Nov) moves the due date to 1 Dec.
    attempts = [outbound("2026-11-16")]
    united_states = BusinessCalendar("US")
    assert reply_due_on(attempts, calendar=united_states) == day("2026-12-01")
    assert reply_due_on(attempts, calendar=FRANCE) == day("2026-11-30")
    as_of = day("2026-12-01")
    assert (
        flag(attempts, as_of=as_of, opened_on=day("2026-11-16"), calendar=united_states) == DUE_SOON
    )
    assert flag(attempts, as_of=as_of, opened_on=day("2026-11-16")) == OVERDUE


# --- Flags from stored due dates -----------------------------------------------------------


@pytest.mark.parametrize(
    ("reply_due", "first_contact_due", "as_of", "expected"),
    [
        (None, None, NEXT_TUESDAY, None),
        (DUE_MONDAY, None, NEXT_TUESDAY, OVERDUE),
        (DUE_MONDAY, None, DUE_MONDAY, DUE_SOON),
        (DUE_MONDAY, None, day("2026-03-11"), None),
        (None, day("2026-03-09"), day("2026-03-09"), None),
        (None, day("2026-03-09"), day("2026-03-10"), NOT_CONTACTED),
        (DUE_MONDAY, day("2026-03-09"), day("2026-03-10"), None),  # the reply clock wins
    ],
)
def test_flag_from_stored_due_dates(reply_due, first_contact_due, as_of, expected):
    assert (
        flag_from_due_dates(
            reply_due=reply_due, first_contact_due=first_contact_due, calendar=FRANCE, as_of=as_of
        )
        == expected
    )


def test_stored_due_dates_give_the_same_flag_as_the_attempts():
    attempts = [outbound(MONDAY), outbound("2026-03-09")]
    stored_reply_due = reply_due_on(attempts, calendar=FRANCE)
    stored_first_contact_due = first_contact_due_on(MONDAY, attempts, calendar=FRANCE)
    for as_of in (day("2026-03-10"), day("2026-03-13"), NEXT_TUESDAY):
        assert flag_from_due_dates(
            reply_due=stored_reply_due,
            first_contact_due=stored_first_contact_due,
            calendar=FRANCE,
            as_of=as_of,
        ) == flag(attempts, as_of=as_of, opened_on=MONDAY)


# --- Waiting time and the full status ------------------------------------------------------


def test_business_days_waiting_skips_weekends_and_holidays():
    assert business_days_waiting(MONDAY, calendar=FRANCE, as_of=NEXT_TUESDAY) == 11
    # 1 May and 8 May are off: 4, 5, 6, 7 and 11 May.
    assert business_days_waiting(day("2026-04-30"), calendar=FRANCE, as_of=day("2026-05-11")) == 5
    assert business_days_waiting(MONDAY, calendar=FRANCE, as_of=MONDAY) == 0


def test_status_of_an_unanswered_request():
    attempts = [
        outbound(MONDAY),
        outbound("2026-03-09", "voicemail"),
        inbound("2026-03-10", "auto_reply"),
    ]
    status = reply_status(
        is_open=True,
        opened_on=day("2026-02-27"),
        attempts=attempts,
        calendar=FRANCE,
        as_of=NEXT_TUESDAY,
    )
    assert status == ReplyStatus(
        due_on=DUE_MONDAY,
        flag=OVERDUE,
        waiting_since=MONDAY,
        business_days_waiting=11,
        unanswered_attempts=2,
        counted_from=MONDAY,
    )
    assert status.awaiting_reply


def test_status_counts_only_attempts_since_the_last_reply():
    attempts = [outbound(MONDAY), inbound("2026-03-04"), outbound("2026-03-20")]
    status = reply_status(
        is_open=True, opened_on=MONDAY, attempts=attempts, calendar=FRANCE, as_of=day("2026-03-23")
    )
    assert status.waiting_since == day("2026-03-20")
    assert status.due_on == day("2026-04-03")
    assert status.unanswered_attempts == 1
    assert status.business_days_waiting == 1
    assert status.flag is None


def test_status_of_a_request_nobody_contacted():
    status = reply_status(
        is_open=True, opened_on=MONDAY, attempts=[], calendar=FRANCE, as_of=day("2026-03-10")
    )
    assert status == ReplyStatus(
        due_on=day("2026-03-09"),
        flag=NOT_CONTACTED,
        waiting_since=MONDAY,
        business_days_waiting=6,
        unanswered_attempts=0,
        counted_from=MONDAY,
    )
    assert not status.awaiting_reply


def test_status_of_an_answered_request_awaits_nothing():
    status = reply_status(
        is_open=True,
        opened_on=MONDAY,
        attempts=[outbound(MONDAY), inbound("2026-03-03")],
        calendar=FRANCE,
        as_of=NEXT_TUESDAY,
    )
    assert status == ReplyStatus(
        due_on=None, flag=None, waiting_since=None, business_days_waiting=0, unanswered_attempts=0
    )


def test_status_of_a_closed_request_awaits_nothing():
    status = reply_status(
        is_open=False,
        opened_on=MONDAY,
        attempts=[outbound(MONDAY)],
        calendar=FRANCE,
        as_of=NEXT_TUESDAY,
    )
    assert status.flag is None
    assert status.due_on is None
    assert status.unanswered_attempts == 0


def test_status_respects_a_brand_deadline():
    status = reply_status(
        is_open=True,
        opened_on=MONDAY,
        attempts=[outbound(MONDAY)],
        calendar=FRANCE,
        as_of=day("2026-03-10"),
        deadline_days=5,
    )
    assert status.due_on == day("2026-03-09")
    assert status.flag == OVERDUE


def test_module_never_reads_the_system_clock():
    source = Path(clock.__file__).read_text(encoding="utf-8")
    assert "today(" not in source
    assert "now(" not in source
    assert "flask" not in source.lower()
    assert "sqlalchemy" not in source.lower()


def test_pending_wait_gives_the_dates_a_request_stores():
    calendar = clock.calendar_for("FR")
    monday = date(2026, 3, 2)
    follow_up = [
        clock.AttemptFact(monday, clock.OUTBOUND, "no_answer"),
        clock.AttemptFact(date(2026, 3, 5), clock.OUTBOUND, "voicemail"),
    ]
    assert clock.pending_wait(opened_on=monday, attempts=follow_up, calendar=calendar) == (
        clock.PendingWait(date(2026, 3, 16), None, monday, 2)
    )
    assert clock.pending_wait(opened_on=monday, attempts=[], calendar=calendar) == (
        clock.PendingWait(None, date(2026, 3, 9), monday, 0)
    )
    answered = [*follow_up, clock.AttemptFact(date(2026, 3, 6), clock.INBOUND, "replied")]
    assert clock.pending_wait(opened_on=monday, attempts=answered, calendar=calendar) == (
        clock.PendingWait(None, None, None, 0)
    )


_attempts = st.lists(
    st.builds(
        clock.AttemptFact,
        st.dates(date(2026, 3, 2), date(2026, 5, 29)),
        st.sampled_from(clock.DIRECTIONS),
        st.sampled_from(clock.OUTCOMES),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(
    attempts=_attempts,
    as_of=st.dates(date(2026, 3, 2), date(2026, 7, 31)),
    country=st.sampled_from(["FR", "DE", "JP"]),
)
def test_the_stored_clock_gives_the_status_the_attempts_give_once_all_are_known(
    attempts, as_of, country
):
    """Lists read a request's status off its stored clock (stored_status) when no attempt
    came after the day asked: it must be the status its attempts give (reply_status)."""
    opened_on = date(2026, 3, 2)
    attempts = sorted(attempts, key=lambda a: a.happened_on)
    if attempts and attempts[-1].happened_on > as_of:
        as_of = attempts[-1].happened_on
    calendar = clock.calendar_for(country)
    wait = clock.pending_wait(opened_on=opened_on, attempts=attempts, calendar=calendar)
    assert clock.stored_status(
        reply_due=wait.reply_due,
        first_contact_due=wait.first_contact_due,
        waiting_since=wait.waiting_since,
        unanswered_attempts=wait.unanswered_attempts,
        calendar=calendar,
        as_of=as_of,
    ) == reply_status(
        is_open=True, opened_on=opened_on, attempts=attempts, calendar=calendar, as_of=as_of
    )
