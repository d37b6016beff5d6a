"""A handover window given in a zone with summer time, through the use case and its view: its
end is its minutes of elapsed time later (counted in UTC), and so are the deadlines that
follow from it (issue 25, "Time")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from registry.adapters import db
from registry.adapters.models import User
from registry.services import handover as service
from registry.services import handover_plans
from tests.factories import context

PARIS = ZoneInfo("Europe/Paris")
PLANNED = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)  # a Friday, a week before the change


@pytest.fixture
def agreed(make):
    fan = make.user("fan", email="julien@example.org")
    request = make.request(["replied"], proposer=fan, state="agreed")
    return request, make.user("staff", email="sam@example.org")


def test_a_day_long_window_across_the_spring_change_ends_the_next_day(app, agreed):
    """From Saturday 28 March 2026 at 23:30 in Paris, 24 hours end on Monday 30 March at
    00:30 CEST (the night of the change is 23 hours long): the outcome is due the business
    day after Monday, not after Sunday."""
    request, staff = agreed
    with app.app_context():
        session = db.session()
        start = datetime(2026, 3, 28, 23, 30, tzinfo=PARIS)
        plan = service.schedule(
            context(session.get(User, staff.id), now=PLANNED),
            request.id,
            window_start=start,
            window_minutes=24 * 60,
        )
        assert plan.outcome_by == date(2026, 3, 31)
        shown = handover_plans.view(context(now=PLANNED), plan)
        end = shown.window_end
        assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=24)
        assert end.astimezone(PARIS).replace(tzinfo=None) == datetime(2026, 3, 30, 0, 30)
        answered = datetime.fromisoformat(shown.as_dict()["window_end"])
        assert answered == datetime(2026, 3, 29, 22, 30, tzinfo=UTC)


def test_an_autumn_window_ends_an_hour_of_wall_clock_early(app, agreed):
    """60 minutes from 02:30 CEST on 25 October 2026 end at 02:30 CET: the view says so."""
    request, staff = agreed
    with app.app_context():
        session = db.session()
        start = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS)
        plan = service.schedule(
            context(session.get(User, staff.id), now=datetime(2026, 10, 20, 9, tzinfo=UTC)),
            request.id,
            window_start=start,
            window_minutes=60,
        )
        end = handover_plans.view(context(now=PLANNED), plan).window_end.astimezone(PARIS)
        assert end.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
        assert (end.hour, end.minute, end.utcoffset()) == (2, 30, timedelta(hours=1))
