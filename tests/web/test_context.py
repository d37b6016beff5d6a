"""A setting changed in the app reaches every use case that reads it, whichever interface
calls it: the pages, the API, the command line. Each scene runs in an app with the default
settings and in one with the setting changed, so every assertion can fail both ways."""

from __future__ import annotations

import inspect
import json
import pkgutil
from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date
from flask_login import login_user
from sqlmodel import select

import registry.services
from registry.adapters import db
from registry.adapters.models import Handle, User
from registry.domain import clock
from registry.services import custody
from registry.services.context import Context
from registry.web import helpers
from tests.api.conftest import Api
from tests.conftest import AuthActions, make_test_app
from tests.factories import Factories, context, hand_over

PROPOSE_LINK = "You hold it? Propose it to its brand"
OPENED = date(2026, 3, 2)  # a Monday; the first attempt is logged that day
AS_OF = date(2026, 3, 10)


@pytest.fixture
def configured(tmp_path):
    """`configured(**settings)`: an app on an empty registry with these settings changed
    (none: the defaults), with its test client, scene builders and API helper. One app at a
    time: on PostgreSQL they share one database."""
    made = []

    def build(**settings):
        if made:
            made[-1].extensions["registry.engine"].dispose()
        directory = tmp_path / f"app{len(made)}"
        directory.mkdir()
        app = make_test_app(directory, **settings)
        made.append(app)
        client = app.test_client()
        return app, client, Factories(app), Api(app, client)

    yield build
    if made:
        made[-1].extensions["registry.engine"].dispose()


# --- HANDOVER_LOCK_DAYS -------------------------------------------------------------------


def handed_over_then_let_go(app, make) -> int:
    """@Gallimard handed over to its brand today, which let it go to an agency the same
    day: nothing but the lock after a handover stands in the way of a new request."""
    request = make.request(["replied"], state="agreed")
    with app.app_context():
        today = context().today
        hand_over(request.id, today)
        session = db.session()
        custody.move_custody(
            context(today=today),
            session.get(Handle, request.handle_id),
            holder_kind="agency",
            started_on=today,
        )
        session.commit()
    return request.handle_id


def lock_seen(configured, **settings) -> tuple[bool, int]:
    """(whether the lookup offers to propose the handle, the API's answer to a proposal)."""
    app, client, make, api = configured(**settings)
    handle_id = handed_over_then_let_go(app, make)
    offered = PROPOSE_LINK in client.get("/lookup?platform=x&handle=Gallimard").text
    response = api.client.post(
        "/api/v1/requests",
        json={"handle_id": handle_id},
        headers={"Authorization": f"Bearer {api.token('staff')}"},
    )
    return offered, response.status_code


def test_the_configured_lock_after_a_handover_reaches_the_api_and_the_lookup(configured):
    assert lock_seen(configured) == (False, 409)  # 60 days by default
    assert lock_seen(configured, HANDOVER_LOCK_DAYS=0) == (True, 201)


# --- REPLY_DEADLINE_DAYS ------------------------------------------------------------------


def deadline_seen(configured, **settings) -> dict:
    """Where a request's reply due date shows: its page, the API's answer and list of
    overdue requests, the dashboard, `registry flag-unanswered --json`."""
    app, client, make, api = configured(**settings)
    request = make.request(["no_answer"], opened_on=OPENED)
    token = api.token("staff")
    auth = {"Authorization": f"Bearer {token}"}
    detail = client.get(f"/api/v1/requests/{request.id}?as_of={AS_OF}", headers=auth).json
    overdue = client.get(f"/api/v1/requests?flag=overdue&as_of={AS_OF}", headers=auth).json
    printed = app.test_cli_runner().invoke(
        args=["flag-unanswered", "--as-of", AS_OF.isoformat(), "--json"]
    )
    AuthActions(client, app).login("staff")
    page = client.get(f"/requests/{request.id}").text
    dashboard = client.get(f"/requests/attention?as_of={AS_OF}").text
    return {
        "api": detail["due_date"],
        "api overdue": [item["id"] for item in overdue["items"]] == [request.id],
        "cli": [(row["id"], row["due_date"]) for row in json.loads(printed.output)],
        "page": page,
        "dashboard": f"/requests/{request.id}" in dashboard,
        "id": request.id,
    }


def test_the_configured_reply_deadline_reaches_every_due_date(configured):
    calendar = clock.calendar_for("FR")
    for days, overdue in ((10, False), (3, True)):  # 10: the default
        due = clock.due_after(OPENED, days, calendar=calendar)
        seen = deadline_seen(configured, REPLY_DEADLINE_DAYS=days)
        assert seen["api"] == due.isoformat()
        assert seen["api overdue"] is overdue
        assert seen["dashboard"] is overdue  # nothing else flags it as of AS_OF
        assert seen["cli"] == ([(seen["id"], due.isoformat())] if overdue else [])
        assert format_date(due, "long", locale="en") in seen["page"]  # "March 5, 2026"
    assert clock.due_after(OPENED, 3, calendar=calendar) < AS_OF
    assert clock.due_after(OPENED, 10, calendar=calendar) > AS_OF


# --- ESCALATE_AFTER -----------------------------------------------------------------------


def escalation_seen(configured, **settings) -> tuple[bool, bool]:
    """(whether the request page suggests the next channel, whether the API does), after
    two unanswered e-mails."""
    app, client, make, api = configured(**settings)
    request = make.request(["no_answer", "no_answer"], opened_on=OPENED)
    token = api.token("staff")
    answer = client.get(
        f"/api/v1/requests/{request.id}", headers={"Authorization": f"Bearer {token}"}
    ).json
    AuthActions(client, app).login("staff")
    page = client.get(f"/requests/{request.id}").text
    return 'id="escalation"' in page, answer["escalation"] is not None


def test_the_configured_escalation_threshold_reaches_the_hint(configured):
    assert escalation_seen(configured) == (True, True)  # after 2 unanswered by default
    assert escalation_seen(configured, ESCALATE_AFTER=3) == (False, False)


# --- one context per call -----------------------------------------------------------------


def test_a_page_builds_its_context_once_and_again_for_a_new_member(app, make):
    """The context is kept for the request, but a use case that changes the signed-in
    member (a log-in) is followed by one acting as the new member."""
    fan = make.user("fan")
    with app.test_request_context("/"):
        first = helpers.context()
        assert helpers.context() is first and first.actor is None
        login_user(db.session().exec(select(User).where(User.id == fan.id)).one())
        after = helpers.context()
        assert after is not first and after.actor.id == fan.id
        assert helpers.context() is after


def use_case_functions():
    """Every function defined in registry.services, unwrapped (the use cases' decorator
    keeps the original as __wrapped__)."""
    for found in pkgutil.iter_modules(registry.services.__path__):
        module = __import__(f"registry.services.{found.name}", fromlist=["_"])
        for name, function in vars(module).items():
            if inspect.isfunction(function) and function.__module__ == module.__name__:
                yield f"{found.name}.{name}", function


CONFIGURED = ("policy", "today", "now", "as_of", "page_size")


def test_no_service_has_a_default_for_what_the_app_configures():
    defaulted = [
        f"{name}({parameter.name}=…)"
        for name, function in use_case_functions()
        for parameter in inspect.signature(inspect.unwrap(function)).parameters.values()
        if parameter.name in CONFIGURED and parameter.default is not inspect.Parameter.empty
    ]
    assert defaulted == []


def test_every_use_case_takes_the_context_first():
    wrapped = [(name, f) for name, f in use_case_functions() if hasattr(f, "__wrapped__")]
    assert len(wrapped) > 30
    for name, function in wrapped:
        first = next(iter(inspect.signature(function.__wrapped__).parameters.values()))
        assert (first.name, first.annotation) in (("ctx", Context), ("ctx", "Context")), name


def test_no_service_reads_the_app_or_the_clock_by_itself():
    services = Path(registry.services.__file__).parent
    for path in services.glob("*.py"):
        text = path.read_text()
        for forbidden in ("current_app", "date.today(", "datetime.now(", "flask"):
            assert forbidden not in text, f"{path.name} reads {forbidden}"
