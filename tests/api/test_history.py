"""Exact history: a list "as of" a day and each request's own page as of that day agree.

A registry of record is cited for what was known on a given day. Flags as of a past day use
only the attempts that had happened by then, for requests that existed then (opened_on) and
were still open then (closed since counts as open), on every interface alike."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import TransferRequest, User
from registry.domain import clock, workflow
from registry.services import attempts as attempt_log
from registry.services import handles, listings, proposals, transitions
from tests.api.conftest import assert_json_error
from tests.factories import context

START = date(2026, 1, 5)
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
OUTCOMES = clock.OUTCOMES


def build_registry(app, make, *, seed: int, count: int) -> None:
    """`count` requests with random opening days, attempts (both directions, every outcome)
    and closings, dated across 2026."""
    rng = random.Random(seed)
    brand = make.brand("Gallimard")
    other = make.brand("Nespresso", country="GB", timezone="Europe/London")
    fan = make.user("fan", email="fan@example.org")
    with app.app_context():
        session = db.session()
        proposer = session.get(User, fan.id)
        for n in range(count):
            owner = brand if n % 3 else other
            record = handles.create_handle(
                context(today=START),
                platform_slug="x",
                handle=f"name{n}",
                brand_id=owner.id,
                holder_kind="fan",
                holder_user_id=proposer.id,  # the fan offers a handle recorded as theirs
            )
            opened = START + timedelta(days=rng.randrange(0, 200))
            request = proposals.propose(
                context(proposer, today=opened), handle_id=record.id, opened_on=opened
            )
            moment = datetime.combine(opened, datetime.min.time(), UTC)
            for _ in range(rng.randrange(0, 5)):
                moment += timedelta(days=rng.randrange(0, 25), hours=rng.randrange(0, 24))
                attempt_log.log_attempt(
                    context(now=NOW),
                    request.id,
                    direction=rng.choice(clock.DIRECTIONS),
                    channel="email",
                    outcome=rng.choice(OUTCOMES),
                    happened_at=min(moment, NOW),
                )
            if rng.random() < 0.3:
                transitions.transition(
                    context(today=NOW.date()), request.id, to=workflow.WITHDRAWN, confirmed=True
                )
                closed_at = moment + timedelta(days=rng.randrange(1, 60))
                session.exec(  # type: ignore[call-overload]
                    update(TransferRequest)
                    .where(TransferRequest.id == request.id)
                    .values(closed_at=min(closed_at, NOW))
                )
                session.commit()


@pytest.fixture
def registry_of_2026(app, make):
    build_registry(app, make, seed=2026, count=45)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(as_of=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)))
def test_every_list_as_of_a_day_agrees_with_each_requests_own_page(
    app, api, registry_of_2026, as_of
):
    token = api.token("staff")
    with app.app_context():
        session = db.session()
        listed = {
            row.request.id: (row.flag, row.due_date)
            for row in listings.flagged(context(), as_of=as_of)
        }
        ids = list(session.exec(select(TransferRequest.id)))
    pages = {}
    for request_id in ids:
        body = api.get(f"/api/v1/requests/{request_id}?as_of={as_of}", token).get_json()
        if body["flag"]:
            pages[request_id] = (body["flag"], date.fromisoformat(body["due_date"]))
    assert listed == pages
    for flag in clock.FLAGS:  # the API's list, page by page, says the same
        found = {}
        page = 1
        while True:
            body = api.get(
                f"/api/v1/requests?flag={flag}&as_of={as_of}&per_page=100&page={page}", token
            ).get_json()
            found.update({item["id"]: item["flag"] for item in body["items"]})
            if page >= body["pages"]:
                break
            page += 1
        assert found == {i: f for i, (f, _) in pages.items() if f == flag}


def test_a_request_recorded_after_the_fact_exists_as_of_the_day_it_was_made(api, make):
    """A first e-mail sent in April, recorded in December: overdue in May, in lists too."""
    handle = make.handle("Gallimard", brand_id=make.brand("Gallimard").id, holder_kind="fan")
    token = api.token("staff")
    created = api.post(
        "/api/v1/requests", {"handle_id": handle.id, "opened_on": "2026-04-01"}, token
    )
    assert created.status_code == 201, created.text
    request_id = created.get_json()["id"]
    assert created.get_json()["opened_on"] == "2026-04-01"
    logged = api.post(
        f"/api/v1/requests/{request_id}/attempts",
        {
            "direction": "outbound",
            "channel": "email",
            "outcome": "no_answer",
            "happened_at": "2026-04-02T09:00:00+02:00",
        },
        token,
    )
    assert logged.status_code == 201, logged.text
    page = api.get(f"/api/v1/requests/{request_id}?as_of=2026-05-04", token).get_json()
    assert (page["flag"], page["due_date"]) == ("overdue", "2026-04-17")
    listed = api.get("/api/v1/requests?flag=overdue&as_of=2026-05-04", token).get_json()
    assert [item["id"] for item in listed["items"]] == [request_id]
    before = api.get("/api/v1/requests?flag=overdue&as_of=2026-03-31", token).get_json()
    assert before["items"] == []  # it did not exist yet


def test_an_attempt_before_opened_on_moves_it_back(app, api, make):
    request = make.request(opened_on=date(2026, 3, 2))
    token = api.token("staff")
    response = api.post(
        f"/api/v1/requests/{request.id}/attempts",
        {
            "direction": "outbound",
            "channel": "phone",
            "outcome": "voicemail",
            "happened_at": "2026-02-20T10:00:00Z",
        },
        token,
    )
    assert response.status_code == 201
    body = api.get(f"/api/v1/requests/{request.id}?as_of=2026-02-27", token).get_json()
    assert body["opened_on"] == "2026-02-20" and body["waiting_since"] == "2026-02-20"


@pytest.mark.parametrize(
    ("opened_on", "status"),
    [("2999-01-01", 422), ("2099-01-01", 422), ("1899-12-31", 422), ("not a day", 400)],
)
def test_opened_on_is_never_in_the_future_nor_outside_the_registry_range(
    api, make, opened_on, status
):
    handle = make.handle("Gallimard", brand_id=make.brand("Gallimard").id, holder_kind="fan")
    response = api.post(
        "/api/v1/requests",
        {"handle_id": handle.id, "opened_on": opened_on},
        api.token("staff"),
    )
    body = assert_json_error(response, status)
    assert "opened_on" in body["fields"]


def test_the_proposal_form_takes_the_day_the_request_was_first_made(app, client, auth, make):
    fan = make.user("fan", email="fan@example.org")
    handle = make.handle(
        "Gallimard", brand_id=make.brand("Gallimard").id, holder_kind="fan", holder_user_id=fan.id
    )
    auth.login("fan")
    future = client.post(
        f"/requests/new?handle_id={handle.id}",
        data={"terms": "free", "opened_on": "2099-01-01"},
    )
    assert future.status_code == 422 and "cannot be dated in the future" in future.text
    response = client.post(
        f"/requests/new?handle_id={handle.id}",
        data={"terms": "free", "opened_on": "2026-04-01"},
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session().exec(select(TransferRequest)).one()
    assert saved.opened_on == date(2026, 4, 1)
