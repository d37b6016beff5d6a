"""Reminders before a handover window (issue 15): `registry remind-handovers` e-mails each
party once, in their language and time zone, through a real SMTP server started here."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import HandoverPlan, User
from registry.domain import reminders
from registry.domain.clock import calendar_for
from registry.domain.handover import PlanFacts
from registry.services import handover
from tests.factories import context
from tests.mailserver import free_port

SCHEDULED = datetime(2026, 3, 9, 10, tzinfo=UTC)  # a Monday
WINDOW = datetime(2026, 3, 13, 14, tzinfo=UTC)  # Friday 13 March, 15:00 in Paris


def scene(app, make, *, window=WINDOW, kind_offer=True):
    """An agreed offer of @Gallimard, a planned window, a French legal account in Montréal,
    an English staff member, and a second brand's legal account that must hear nothing."""
    request = make.request(["replied"], state="agreed")
    legal = make.user("legal", email="juriste@gallimard.fr", brand_slug="gallimard")
    staff = make.user("staff", email="staff@registry.example")
    make.brand("Other")
    other = make.user("legal", email="legal@other.example", brand_slug="other")
    with app.app_context():
        session = db.session()
        member = session.get(User, legal.id)
        member.locale, member.timezone = "fr", "America/Montreal"
        session.commit()
        handover.schedule(
            context(now=SCHEDULED), request.id, window_start=window, window_minutes=60
        )
        fan = session.get(User, request.proposer_id)
        fan.display_name = "Julien le fan"
        fan.phone = "+33 6 11 22 33 44"
        session.commit()
        return request, fan.email, legal.email, staff.email, other.email


def text_of(message) -> str:
    """The message's text (each reminder also carries the window as a calendar file)."""
    return message.get_body(("plain",)).get_content()


def run(runner, *args):
    return runner.invoke(args=["remind-handovers", *args])


def test_each_party_gets_one_mail_in_their_language_and_zone(app, make, runner, inbox):
    request, fan, legal, staff, _other = scene(app, make)
    inbox.messages.clear()  # the scene's notifications (a window to confirm): not reminders
    result = run(runner, "--as-of", "2026-03-12")  # Thursday: Friday is the next business day
    assert result.exit_code == 0, result.output
    assert "reminded 3 member(s)" in result.output
    mails = inbox.by_recipient()
    assert set(mails) == {fan, legal, staff}  # not the other brand's legal account
    assert len(inbox.messages) == 3

    to_fan = text_of(mails[fan])
    assert mails[fan]["Subject"] == "Reminder: the handover of @Gallimard on X starts soon"
    assert f"(request #{request.id})" in to_fan
    assert "Friday 13 March 2026, 15:00 to 16:00 (Europe/Paris)" in to_fan, to_fan
    assert "What the holder does:" in to_fan
    assert "rename your account to another name" in to_fan
    assert "What the brand does:" not in to_fan
    assert "Your side has not confirmed the window yet" in to_fan

    to_legal = text_of(mails[legal])
    assert mails[legal]["Subject"] == (
        "Rappel\u00a0: la passation de @Gallimard sur X commence bientôt"
    )
    assert "vendredi 13 mars 2026, 10:00 à 11:00 (America/Montreal)" in to_legal
    assert "Ce que fait la marque\u00a0:" in to_legal
    assert "Ce que fait le détenteur" not in to_legal

    to_staff = text_of(mails[staff])
    assert "What the holder does:" in to_staff and "What the brand does:" in to_staff
    assert "record its outcome" in to_staff

    # Never another member's private data: no address, name or phone of anyone else.
    for address, message in mails.items():
        text = text_of(message)
        for private in (fan, legal, staff, "Julien le fan", "+33 6 11 22 33 44"):
            assert private not in text, (address, private)


def test_a_second_run_sends_nothing(app, make, runner, inbox):
    scene(app, make)
    assert run(runner, "--as-of", "2026-03-12").exit_code == 0
    inbox.messages.clear()
    again = run(runner, "--as-of", "2026-03-12")
    assert again.exit_code == 0
    assert "No handover window to remind as of 2026-03-12." in again.output
    assert inbox.messages == []
    with app.app_context():
        (plan,) = db.session().exec(select(HandoverPlan)).all()
        assert plan.reminded_at is not None


def test_a_dry_run_sends_and_records_nothing(app, make, runner, inbox):
    scene(app, make)
    inbox.messages.clear()  # the scene's notifications (a window to confirm): not reminders
    result = run(runner, "--as-of", "2026-03-12", "--dry-run")
    assert result.exit_code == 0
    assert "would remind 3 member(s)" in result.output
    assert inbox.messages == []
    assert run(runner, "--as-of", "2026-03-12").exit_code == 0
    assert len(inbox.messages) == 3


def test_too_early_nothing_is_sent(app, make, runner, inbox):
    scene(app, make)
    inbox.messages.clear()  # the scene's notifications (a window to confirm): not reminders
    result = run(runner, "--as-of", "2026-03-11")  # Wednesday: Friday is two business days on
    assert result.exit_code == 0
    assert inbox.messages == []


def test_bad_input_exits_with_one_line(app, runner):
    result = run(runner, "--as-of", "soon")
    assert result.exit_code != 0
    assert '--as-of expects a date as YYYY-MM-DD, not "soon".' in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_an_unreachable_server_fails_with_one_line_and_keeps_the_plan_unreminded(app, make, runner):
    scene(app, make)
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    result = run(runner, "--as-of", "2026-03-12")
    assert result.exit_code != 0
    assert "Sending the reminder of #" in result.output
    with app.app_context():
        (plan,) = db.session().exec(select(HandoverPlan)).all()
        assert plan.reminded_at is None


# --- the rule (pure) ---------------------------------------------------------------------------


FR = calendar_for("FR")


def facts(start, **values):
    return PlanFacts(
        window_start=start,
        window_minutes=60,
        confirm_by=date(2026, 3, 12),
        outcome_by=date(2026, 3, 17),
        **values,
    )


@pytest.mark.parametrize(
    ("as_of", "window_day", "due"),
    [
        (date(2026, 3, 12), date(2026, 3, 13), True),  # Thursday → Friday
        (date(2026, 3, 13), date(2026, 3, 13), True),  # the day itself, the window ahead
        (date(2026, 3, 11), date(2026, 3, 13), False),
        (date(2026, 3, 13), date(2026, 3, 16), True),  # Friday → the weekend and Monday
        (date(2026, 3, 13), date(2026, 3, 17), False),
        # Friday 3 April 2026: Easter Monday is a holiday, the next business day is Tuesday.
        (date(2026, 4, 3), date(2026, 4, 6), True),
        (date(2026, 4, 3), date(2026, 4, 7), True),
        (date(2026, 4, 3), date(2026, 4, 8), False),
    ],
)
def test_the_window_starts_within_the_next_business_day(as_of, window_day, due):
    start = datetime(window_day.year, window_day.month, window_day.day, 14, tzinfo=UTC)
    plan = PlanFacts(
        window_start=start,
        window_minutes=60,
        confirm_by=window_day,
        outcome_by=window_day,
    )
    now = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    assert (
        reminders.reminder_due(
            plan, reminded=False, window_day=window_day, as_of=as_of, now=now, calendar=FR
        )
        is due
    )


def test_no_reminder_twice_after_the_start_or_for_a_lapsed_or_closed_plan():
    start = datetime(2026, 3, 13, 14, tzinfo=UTC)
    as_of, now = date(2026, 3, 12), datetime(2026, 3, 12, 8, tzinfo=UTC)
    kwargs = {"window_day": date(2026, 3, 13), "as_of": as_of, "calendar": FR}
    assert reminders.reminder_due(facts(start), reminded=False, now=now, **kwargs)
    assert not reminders.reminder_due(facts(start), reminded=True, now=now, **kwargs)
    assert not reminders.reminder_due(
        facts(start, outcome="failed"), reminded=False, now=now, **kwargs
    )
    late = datetime(2026, 3, 13, 15, tzinfo=UTC)
    assert not reminders.reminder_due(facts(start), reminded=False, now=late, **kwargs)
    lapsed = PlanFacts(
        window_start=start, window_minutes=60, confirm_by=date(2026, 3, 11), outcome_by=as_of
    )
    assert not reminders.reminder_due(lapsed, reminded=False, now=now, **kwargs)
