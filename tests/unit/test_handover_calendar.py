"""A handover window as a calendar event, without an app: its status and SEQUENCE through a
request's plans, the moment an unconfirmed plan lapses, who may read it, and the iCalendar
file written from its facts (read back by icalendar)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from icalendar import Calendar

from registry.domain import handover
from registry.domain import permissions as rules
from registry.presentation import calendar
from registry.services.handover_calendar import HandoverEvent

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 3, 13, 14, tzinfo=UTC)


def plan(**values) -> handover.PlanFacts:
    return handover.PlanFacts(
        window_start=START,
        window_minutes=60,
        confirm_by=date(2026, 3, 12),
        outcome_by=date(2026, 3, 16),
        **values,
    )


def test_tentative_until_both_confirm_cancelled_once_lapsed_or_failed():
    assert handover.event_status(handover.AWAITING_CONFIRMATIONS) == "TENTATIVE"
    for standing in (handover.READY, handover.AWAITING_OUTCOME, handover.OUTCOME_OVERDUE):
        assert handover.event_status(standing) == "CONFIRMED"
    assert handover.event_status(handover.CLAIMED_STANDING) == "CONFIRMED"  # it took place
    assert handover.event_status(handover.LAPSED) == "CANCELLED"
    assert handover.event_status(handover.FAILED_STANDING) == "CANCELLED"
    assert handover.event_status(handover.READY, called_off=True) == "CANCELLED"


def test_the_sequence_only_grows_through_plans_confirmations_and_cancellations():
    """Planned, holder confirms, brand confirms, failed; a new plan, which lapses; a third."""

    def sequence(facts, standing, earlier):
        return handover.event_sequence(
            facts, handover.event_status(standing), earlier_plans=earlier
        )

    revisions = [
        sequence(plan(), handover.AWAITING_CONFIRMATIONS, 0),
        sequence(plan(holder_confirmed=True), handover.AWAITING_CONFIRMATIONS, 0),
        sequence(plan(holder_confirmed=True, brand_confirmed=True), handover.READY, 0),
        sequence(
            plan(holder_confirmed=True, brand_confirmed=True, outcome="failed"),
            handover.FAILED_STANDING,
            0,
        ),
        sequence(plan(), handover.AWAITING_CONFIRMATIONS, 1),
        sequence(plan(brand_confirmed=True), handover.LAPSED, 1),
        sequence(plan(), handover.AWAITING_CONFIRMATIONS, 2),
    ]
    assert all(before < after for before, after in pairwise(revisions)), revisions
    # A claim changes nothing the calendar shows: the confirmed event stays as it was.
    claimed = plan(holder_confirmed=True, brand_confirmed=True, outcome="claimed")
    assert sequence(claimed, handover.CLAIMED_STANDING, 0) == revisions[2]


def test_a_plan_lapses_at_its_start_or_when_the_last_day_to_confirm_ends_there():
    # Confirmations due by 12 March: the day ends (midnight in Paris, 23:00 UTC) first.
    assert handover.lapses_at(plan(), PARIS) == datetime(2026, 3, 12, 23, tzinfo=UTC)
    # Due by the window's own day: the window begins first.
    same_day = handover.PlanFacts(
        window_start=START, window_minutes=60, confirm_by=START.date(), outcome_by=START.date()
    )
    assert handover.lapses_at(same_day, PARIS) == START
    untimed = handover.PlanFacts(
        window_start=START,
        window_minutes=0,
        confirm_by=START.date(),
        outcome_by=START.date(),
        timed=False,
    )
    assert handover.lapses_at(untimed, PARIS) == datetime(2026, 3, 13, 23, tzinfo=UTC)


def test_the_parties_and_staff_read_it_not_another_brands_legal_team():
    brand = SimpleNamespace(id=7)
    offer = SimpleNamespace(proposer_id=1, state="agreed", kind="offer")

    def member(role, id=2, brand_id=None):
        return SimpleNamespace(id=id, role=role, brand_id=brand_id)

    assert rules.may_see_handover_calendar(member("fan", id=1), offer, brand)
    assert rules.may_see_handover_calendar(member("legal", brand_id=7), offer, brand)
    assert rules.may_see_handover_calendar(member("staff"), offer, brand)
    assert rules.may_see_handover_calendar(member("admin"), offer, brand)
    assert not rules.may_see_handover_calendar(member("fan"), offer, brand)
    assert not rules.may_see_handover_calendar(member("legal", brand_id=8), offer, brand)
    assert not rules.may_see_handover_calendar(member("legal", brand_id=8), offer, None)
    assert not rules.may_see_handover_calendar(None, offer, brand)
    assert rules.can_view(member("legal", brand_id=8), offer)  # though it reads the request


def event(**values) -> HandoverEvent:
    return HandoverEvent(
        **{
            "request_id": 12,
            "handle": "Gallimard",
            "platform": "X",
            "zone": "America/Montreal",
            "start": START,
            "end": START + timedelta(minutes=60),
            "status": "TENTATIVE",
            "sequence": 5,
            "revised_at": datetime(2026, 3, 9, 10, 30, tzinfo=UTC),
            "steps": handover.steps("x"),
        }
        | values
    )


def parsed(body: bytes):
    (entry,) = Calendar.from_ical(body).walk("VEVENT")
    return entry


def test_the_file_names_the_brands_zone_and_keeps_the_window_in_utc():
    body = calendar.ics(event(), url="", public_url="https://registry.example.org/")
    assert b"DTSTART:20260313T140000Z\r\n" in body
    assert b"DTEND:20260313T150000Z\r\n" in body
    assert b"DTSTAMP:20260309T103000Z\r\n" in body
    assert b"X-WR-TIMEZONE:America/Montreal\r\n" in body
    assert b"BEGIN:VTIMEZONE" not in body and b"METHOD" not in body
    entry = parsed(body)
    assert str(entry["UID"]) == "handover-12@registry.example.org"
    assert entry.decoded("SEQUENCE") == 5 and str(entry["STATUS"]) == "TENTATIVE"
    assert "URL" not in entry
    description = str(entry["DESCRIPTION"])
    # 14:00 UTC is 10:00 in Montréal (summer time began there on 8 March).
    assert "Friday 13 March 2026, 10:00 to 11:00 (America/Montreal)" in description
    assert "This window is cancelled" not in description


def test_a_cancelled_event_says_so_first_and_a_site_without_address_has_a_default_host():
    body = calendar.ics(
        event(status="CANCELLED"), url="https://r.example/requests/12", public_url=""
    )
    entry = parsed(body)
    assert str(entry["STATUS"]) == "CANCELLED"
    assert str(entry["UID"]) == "handover-12@handle-registry"
    assert str(entry["DESCRIPTION"]).startswith("This window is cancelled:")
    assert str(entry["URL"]) == "https://r.example/requests/12"
    assert str(entry["DESCRIPTION"]).endswith("\nhttps://r.example/requests/12")
