"""Responsiveness figures (registry.domain.responsiveness) against values worked out by hand.

The fixture, in France's calendar, as of Tuesday 30 June 2026. The public holidays of May
2026 in France: Friday 1 May (Labour Day), Friday 8 May (Victory in Europe Day), Thursday
14 May (Ascension), Monday 25 May (Whit Monday). The reply is due 10 business days after day
0 of the first outbound attempt; "business days to the first reply" counts the business days
in (day 0, reply day].

Brand "alpha" (5 requests):
1. Outbound e-mail Monday 4 May (day 0 = 4 May); real reply Tuesday 12 May.
   Business days 5, 6, 7 May, [8 May holiday, 9-10 weekend], 11, 12 May: 5.
   Due: 5, 6, 7, 11, 12, 13, [14 Ascension], 15, 18, 19, 20 May: the 10th is Wednesday
   20 May (the DESIGN's example). 12 May <= 20 May: on time.
2. Outbound web form Saturday 2 May (a weekend: day 0 is Monday 4 May), an auto-reply
   Tuesday 5 May (no reply: the clock runs on), a follow-up Monday 11 May (it does not
   restart the clock), the real reply Thursday 21 May.
   Business days 5, 6, 7, 11, 12, 13, 15, 18, 19, 20, 21 May: 11. Due 20 May: LATE.
3. Outbound e-mail Monday 1 June, the same day an auto-reply (a copy-pasted answer sent
   to everyone, logged as the automatic reply it is) and nothing else: contacted, not
   replied. Due: 2, 3, 4, 5, 8, 9, 10, 11, 12, 15 June: Monday 15 June < 30 June: OVERDUE
   now. Its e-mail is left unanswered.
4. Opened Monday 22 June, no attempt: counted, not contacted (not overdue either: the clock
   has nothing to be late on).
5. A phone call Wednesday 3 June that someone picked up (outbound, outcome replied): contact
   and reply on one day, 0 business days.
   -> requests 5, contacted 4, replied 3, reply rate 3/4 = 0.75, days [5, 11, 0]: median 5,
   worst 11, late 1, overdue now 1, auto-replied 1, unanswered {email: 1}.

Brand "beta" never answered (2 requests):
6. Web form Monday 4 May, web form Monday 18 May, a call Tuesday 26 May to a voicemail;
   then withdrawn (closed: not overdue now).
7. A direct message Monday 1 June, no answer, open: due 15 June, OVERDUE now. (A reply on
   1 July exists only as of 1 July or later.)
   -> requests 2, contacted 2, replied 0, reply rate 0.0, median None, worst None, late 0,
   overdue now 1, unanswered {web_form: 2, phone: 1, dm: 1}.

Brand "gamma": one request, nobody contacted: reply rate None (not a division by zero).
"""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain import clock
from registry.domain import responsiveness as r
from registry.domain.escalation import ChannelAttempt
from registry.domain.messages import Explained

FR = clock.calendar_for("FR")
AS_OF = date(2026, 6, 30)


def sent(day: date, channel: str = "email", outcome: str = "no_answer") -> ChannelAttempt:
    return ChannelAttempt(clock.AttemptFact(day, "outbound", outcome), channel)


def received(day: date, channel: str = "email", outcome: str = "replied") -> ChannelAttempt:
    return ChannelAttempt(clock.AttemptFact(day, "inbound", outcome), channel)


def request(brand, opened_on, *attempts, is_open=True, calendar=FR, deadline_days=10):
    return r.RequestFacts(
        brand=brand,
        opened_on=opened_on,
        is_open=is_open,
        attempts=tuple(attempts),
        calendar=calendar,
        deadline_days=deadline_days,
    )


FIXTURE = [
    request("alpha", date(2026, 5, 4), sent(date(2026, 5, 4)), received(date(2026, 5, 12))),
    request(
        "alpha",
        date(2026, 5, 2),
        sent(date(2026, 5, 2), "web_form"),
        received(date(2026, 5, 5), outcome="auto_reply"),
        sent(date(2026, 5, 11), "web_form"),
        received(date(2026, 5, 21)),
    ),
    request(
        "alpha",
        date(2026, 6, 1),
        sent(date(2026, 6, 1)),
        received(date(2026, 6, 1), outcome="auto_reply"),
    ),
    request("alpha", date(2026, 6, 22)),
    request("alpha", date(2026, 6, 3), sent(date(2026, 6, 3), "phone", outcome="replied")),
    request(
        "beta",
        date(2026, 5, 4),
        sent(date(2026, 5, 4), "web_form"),
        sent(date(2026, 5, 18), "web_form"),
        sent(date(2026, 5, 26), "phone", outcome="voicemail"),
        is_open=False,
    ),
    request(
        "beta",
        date(2026, 6, 1),
        sent(date(2026, 6, 1), "dm"),
        received(date(2026, 7, 1), "dm"),
    ),
    request("gamma", date(2026, 6, 10)),
]


def test_the_brand_that_answers_matches_the_hand_calculation():
    alpha = r.figures("alpha", FIXTURE, as_of=AS_OF)
    assert (alpha.requests, alpha.contacted, alpha.replied) == (5, 4, 3)
    assert alpha.reply_rate == 0.75
    assert alpha.median_business_days_to_first_reply == 5
    assert alpha.worst_business_days_to_first_reply == 11
    assert (alpha.late_replies, alpha.overdue_now, alpha.auto_replied) == (1, 1, 1)
    assert alpha.unanswered_by_channel == (("email", 1),)


def test_the_brand_that_never_answered_has_a_zero_rate_and_no_median():
    beta = r.figures("beta", FIXTURE, as_of=AS_OF)
    assert (beta.requests, beta.contacted, beta.replied) == (2, 2, 0)
    assert beta.reply_rate == 0.0
    assert beta.median_business_days_to_first_reply is None
    assert beta.worst_business_days_to_first_reply is None
    assert (beta.late_replies, beta.overdue_now) == (0, 1)
    assert beta.unanswered_by_channel == (("web_form", 2), ("phone", 1), ("dm", 1))


def test_nobody_contacted_gives_no_rate_rather_than_a_division_by_zero():
    gamma = r.figures("gamma", FIXTURE, as_of=AS_OF)
    assert (gamma.requests, gamma.contacted, gamma.reply_rate) == (1, 0, None)
    assert gamma.as_dict()["reply_rate"] is None


def test_a_holiday_and_a_weekend_start_are_counted_as_the_reply_clock_counts():
    # Request 2: sent Saturday 2 May, read Monday 4 May; 8 and 14 May are holidays.
    reply = r.first_real_reply([a.fact for a in FIXTURE[1].attempts], calendar=FR)
    assert reply == r.FirstReply(
        started_on=date(2026, 5, 2),
        replied_on=date(2026, 5, 21),
        due_on=date(2026, 5, 20),
        business_days=11,
    )
    assert reply.late
    # The due date is the reply clock's own, before the reply came.
    before = [a.fact for a in FIXTURE[1].attempts[:3]]
    assert clock.reply_due_on(before, calendar=FR) == reply.due_on
    on_time = r.first_real_reply([a.fact for a in FIXTURE[0].attempts], calendar=FR)
    assert (on_time.business_days, on_time.late) == (5, False)


def test_an_auto_reply_alone_is_no_reply():
    only_auto = r.first_real_reply([a.fact for a in FIXTURE[2].attempts], calendar=FR)
    assert only_auto is None
    # The same answer logged as inbound "replied" would have counted: the outcome decides.
    logged_as_reply = [sent(date(2026, 6, 1)).fact, received(date(2026, 6, 1)).fact]
    assert r.first_real_reply(logged_as_reply, calendar=FR).business_days == 0


def test_a_late_reply_stays_a_missed_deadline_after_it_came():
    # Sent Monday 4 May, due Wednesday 20 May, answered Wednesday 27 May (25 May is Whit
    # Monday): overdue from 21 May, then a late reply, never "on time" again.
    late = [request("alpha", date(2026, 5, 4), sent(date(2026, 5, 4)), received(date(2026, 5, 27)))]
    due_day = r.figures("alpha", late, as_of=date(2026, 5, 20))
    assert (due_day.overdue_now, due_day.late_replies) == (0, 0)
    overdue = r.figures("alpha", late, as_of=date(2026, 5, 22))
    assert (overdue.overdue_now, overdue.late_replies, overdue.replied) == (1, 0, 0)
    answered = r.figures("alpha", late, as_of=date(2026, 5, 27))
    assert (answered.overdue_now, answered.late_replies, answered.replied) == (0, 1, 1)
    # 5, 6, 7, 11, 12, 13, 15, 18, 19, 20, 21, 22, 26, 27 May: 14 business days.
    assert answered.worst_business_days_to_first_reply == 14


def test_attempts_after_the_day_asked_do_not_exist_yet():
    later = r.figures("beta", FIXTURE, as_of=date(2026, 7, 1))
    assert (later.replied, later.overdue_now, later.worst_business_days_to_first_reply) == (
        1,
        0,
        # 1 June (Monday, day 0) to 1 July: 2-5, 8-12, 15-19, 22-26, 29, 30 June, 1 July.
        22,
    )
    assert r.figures("alpha", FIXTURE, as_of=date(2026, 6, 21)).requests == 4  # not yet opened


def test_a_reply_before_any_contact_answers_nobody():
    brand_wrote_first = [received(date(2026, 6, 1)).fact, sent(date(2026, 6, 2)).fact]
    assert r.first_real_reply(brand_wrote_first, calendar=FR) is None
    then_answered = [*brand_wrote_first, received(date(2026, 6, 4)).fact]
    assert r.first_real_reply(then_answered, calendar=FR).started_on == date(2026, 6, 2)


def test_a_brands_own_deadline_decides_lateness():
    quick = [request("alpha", date(2026, 5, 4), *FIXTURE[0].attempts, deadline_days=3)]
    # Due 3 business days after 4 May: 5, 6, 7 May; the reply on 12 May is late.
    assert r.figures("alpha", quick, as_of=AS_OF).late_replies == 1


def test_the_ranking_puts_the_most_responsive_first_and_the_uncontacted_last():
    ranked = r.ranking(FIXTURE, as_of=AS_OF)
    assert [row.brand for row in ranked] == ["alpha", "beta", "gamma"]


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(Explained) as refused:
        r.Period(date(2026, 6, 2), date(2026, 6, 1))
    assert refused.value.field == "to"
    period = r.Period(date(2026, 6, 1), date(2026, 6, 30))
    assert period.holds(date(2026, 6, 1)) and period.holds(date(2026, 6, 30))
    assert not period.holds(date(2026, 7, 1))
    assert r.Period().holds(date(1900, 1, 1))
