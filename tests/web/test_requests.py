"""Transfer requests through the site: proposing, attempts, transitions, decisions, rights."""

from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import ContactAttempt, CustodyRecord, Handle, TransferRequest
from registry.services import Invalid, custody, handover_plans
from registry.services import attempts as attempt_log
from tests.conftest import AuthActions
from tests.factories import context, hand_over


def count(app, model) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model)).one()


def load(app, model, ident):
    with app.app_context():
        return db.session().get(model, ident)


def attempt_form(**values):
    data = {
        "direction": "outbound",
        "channel": "web_form",
        "contact_point": "Contact form",
        "happened_at": "2026-03-02T10:00",
        "outcome": "no_answer",
        "summary": "Sent",
    }
    data.update(values)
    return data


# --- proposing ---------------------------------------------------------------------------------


def test_fan_proposes_a_transfer_from_a_handle_page(client, auth, app, make):
    brand = make.brand("Gallimard")
    fan = make.user("fan", email="fan@example.org")
    handle = make.handle("Gallimard", brand_id=brand.id, holder_kind="fan", holder_user_id=fan.id)
    auth.login("fan")
    page = client.get(f"/handles/{handle.id}").text
    assert f"/requests/new?handle_id={handle.id}" in page
    response = client.post(
        f"/requests/new?handle_id={handle.id}",
        data={"terms": "free", "message": "Happy to hand it over"},
    )
    assert response.status_code == 302
    request = load(app, TransferRequest, 1)
    assert (request.handle_id, request.state, request.kind) == (handle.id, "proposed", "offer")
    assert request.to_holder_name == "Gallimard"
    assert "Happy to hand it over" in client.get(response.location).text
    assert "@Gallimard" in client.get("/requests/mine").text


def test_fan_proposes_a_handle_not_yet_in_the_registry_in_one_step(client, auth, app, make):
    brand = make.brand("Flammarion")
    auth.login("fan", email="reader@example.org")
    response = client.post(
        "/requests/new",
        data={
            "platform": "x",
            "handle": "https://x.com/Flammarion",
            "brand": str(brand.id),
            "terms": "free",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        handle = db.session().exec(select(Handle)).one()
    assert (handle.normalized, handle.holder_kind, handle.brand_id) == (
        "flammarion",
        "fan",
        brand.id,
    )
    assert handle.holder_contact == "reader@example.org"
    assert count(app, TransferRequest) == 1 and count(app, CustodyRecord) == 1


def test_proposal_for_an_invalid_handle_changes_nothing(client, auth, app, make):
    brand = make.brand("Flammarion")
    auth.login("fan")
    response = client.post(
        "/requests/new",
        data={"platform": "x", "handle": "Flammarion!!", "brand": str(brand.id), "terms": "free"},
    )
    assert response.status_code == 422
    assert "X handles may only contain" in unescape(response.text)
    assert count(app, Handle) == 0 and count(app, TransferRequest) == 0


def test_a_sale_needs_an_amount_and_a_new_handle_needs_a_brand(client, auth, app, make):
    make.brand("Flammarion")
    auth.login("fan")
    response = client.post(
        "/requests/new",
        data={"platform": "x", "handle": "Flammarion", "brand": "", "terms": "free"},
    )
    assert response.status_code == 422 and "Choose the brand" in response.text
    handle = make.handle("Gallimard", brand_id=make.brand("Gallimard").id, holder_kind="fan")
    response = client.post(f"/requests/new?handle_id={handle.id}", data={"terms": "sale"})
    assert response.status_code == 422 and "Give the amount" in response.text
    assert count(app, TransferRequest) == 0


def test_only_one_open_request_per_handle(client, auth, make):
    request = make.request()
    auth.login("staff")
    response = client.post(f"/requests/new?handle_id={request.handle_id}", data={"terms": "free"})
    assert response.status_code == 422
    assert f"Request #{request.id} for this handle is still open" in response.text


def test_visitors_must_log_in_to_propose(client, make):
    response = client.get("/requests/new")
    assert response.status_code == 302 and "/login" in response.location


# --- contact attempts --------------------------------------------------------------------------


def test_fan_logs_an_attempt_and_the_request_starts_contacting(client, auth, app, make):
    fan = make.user("fan", email="julien@example.org")
    request = make.request(proposer=fan)
    auth.login("fan", email="julien@example.org")
    response = client.post(f"/requests/{request.id}/attempts", data=attempt_form())
    assert response.status_code == 302
    saved = load(app, TransferRequest, request.id)
    assert saved.state == "contacting"
    assert saved.reply_due_on == date(2026, 3, 16)  # ten business days after Monday 2 March
    assert saved.unanswered_attempts == 1
    page = client.get(f"/requests/{request.id}").text
    assert "Contact form" in page and "No answer" in page


def test_attempt_in_the_future_is_refused_and_nothing_is_saved(client, auth, app, make):
    request = make.request()
    auth.login("staff")
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/requests/{request.id}/attempts",
        data=attempt_form(happened_at=future, summary="Kept text"),
    )
    assert response.status_code == 422
    assert "cannot be dated in the future" in response.text
    assert "Kept text" in response.text
    assert count(app, ContactAttempt) == 0


def test_attempt_on_a_closed_request_is_refused(client, auth, app, make):
    request = make.request(state="declined")
    auth.login("staff")
    response = client.post(f"/requests/{request.id}/attempts", data=attempt_form())
    assert response.status_code == 422
    assert "no more contact attempts can be logged" in response.text
    assert count(app, ContactAttempt) == 0


def test_unknown_outcome_is_refused(client, auth, app, make):
    request = make.request()
    auth.login("staff")
    response = client.post(f"/requests/{request.id}/attempts", data=attempt_form(outcome="ghosted"))
    assert response.status_code == 422
    assert count(app, ContactAttempt) == 0


def test_another_fan_cannot_see_or_log_on_a_request(client, auth, make):
    request = make.request()
    auth.login("fan", email="stranger@example.org")
    assert client.get(f"/requests/{request.id}").status_code == 403
    assert client.post(f"/requests/{request.id}/attempts", data=attempt_form()).status_code == 403
    assert client.post(f"/requests/{request.id}/withdraw").status_code == 403


def test_proposer_contact_is_private(client, auth, make):
    fan = make.user("fan", email="julien@example.org")
    request = make.request(proposer=fan)
    auth.login("fan", email="julien@example.org")
    assert "julien@example.org" in client.get(f"/requests/{request.id}").text
    auth.logout()
    auth.login("staff")
    assert "julien@example.org" in client.get(f"/requests/{request.id}").text
    auth.logout()
    handle_page = client.get(f"/handles/{request.handle_id}").text
    assert "julien@example.org" not in handle_page and f"Request #{request.id}" in handle_page


# --- transitions and decisions -----------------------------------------------------------------


def test_staff_see_only_allowed_transition_buttons(client, auth, make):
    request = make.request(["no_answer"])  # contacting
    auth.login("staff")
    page = client.get(f"/requests/{request.id}").text
    assert 'value="in_discussion"' in page and 'value="declined"' in page
    assert 'value="completed"' not in page and 'value="agreed"' not in page


def test_a_refused_transition_says_why_and_changes_nothing(client, auth, app, make):
    request = make.request()
    auth.login("staff")
    response = client.post(
        f"/requests/{request.id}/transition", data={"to": "completed"}, follow_redirects=True
    )
    assert (
        'A "proposed" request cannot move straight to "completed"; next steps are: contacting,'
        in unescape(response.text)
    )
    assert load(app, TransferRequest, request.id).state == "proposed"


def test_fans_cannot_move_requests_but_can_withdraw_their_own(client, auth, app, make):
    fan = make.user("fan", email="julien@example.org")
    request = make.request(proposer=fan)
    auth.login("fan", email="julien@example.org")
    assert (
        client.post(f"/requests/{request.id}/transition", data={"to": "contacting"}).status_code
        == 403
    )
    response = client.post(f"/requests/{request.id}/withdraw", data={"confirmed": "1"})
    assert response.status_code == 302
    saved = load(app, TransferRequest, request.id)
    assert saved.state == "withdrawn" and saved.closed_at is not None


def test_completing_moves_custody_in_the_same_step(client, auth, app, make):
    request = make.request(["replied"], state="agreed")
    with app.app_context():
        hand_over(request.id, date(2026, 3, 9))
    assert load(app, TransferRequest, request.id).state == "completed"
    handle = load(app, Handle, request.handle_id)
    assert (handle.holder_kind, handle.holder_name) == ("brand", "Gallimard")
    with app.app_context():
        records = list(
            db.session().exec(
                select(CustodyRecord)
                .where(CustodyRecord.handle_id == handle.id)
                .order_by(CustodyRecord.id)
            )
        )
    assert [r.holder_kind for r in records] == ["fan", "brand"]
    assert records[0].ended_on is not None and records[1].ended_on is None
    assert records[1].started_on == date(2026, 3, 9)  # the window's day, in the brand's zone
    assert records[1].note_code == "handed_over"
    assert records[1].note_params == f'{{"id": {request.id}}}'
    page = client.get(f"/handles/{handle.id}").text
    assert "Gallimard" in page and f"Handed over through transfer request #{request.id}." in page


def test_staff_cannot_complete_a_request_by_moving_it(client, auth, app, make):
    request = make.request(["replied"], state="agreed")
    auth.login("staff")
    response = client.post(
        f"/requests/{request.id}/transition",
        data={"to": "completed", "confirmed": "1"},
        follow_redirects=True,
    )
    assert "A request is completed by its handover" in unescape(response.text)
    assert load(app, TransferRequest, request.id).state == "agreed"
    assert load(app, Handle, request.handle_id).holder_kind == "fan"


def test_failed_custody_move_rolls_back_the_completion(app, make, monkeypatch):
    request = make.request(state="agreed")

    def broken(*args, **kwargs):
        raise Invalid("custody store unavailable")

    monkeypatch.setattr(custody, "move_custody", broken)
    with app.app_context():
        session = db.session()
        with pytest.raises(Invalid):
            hand_over(request.id, date(2026, 3, 9))
        session.rollback()
        plan = handover_plans.current_plan(session, request.id)
    # The outcome and the completion went together: the plan still awaits its outcome.
    assert load(app, TransferRequest, request.id).state == "agreed"
    assert plan is not None and plan.outcome == ""


def make_legal(app, make, brand_id, email="legal@example.org"):
    user = make.user("legal", email=email)
    with app.app_context():
        from registry.adapters.models import User

        row = db.session().get(User, user.id)
        row.brand_id = brand_id
        db.session().commit()
    return user


def test_legal_of_the_brand_accepts_which_is_logged_as_attempt_and_transitions(
    client, auth, app, make
):
    request = make.request(["no_answer"])
    handle = load(app, Handle, request.handle_id)
    make_legal(app, make, handle.brand_id)
    auth.login("legal", email="legal@example.org")
    response = client.post(
        f"/requests/{request.id}/decision",
        data={"decision": "accept", "channel": "email", "summary": "Yes"},
    )
    assert response.status_code == 302
    saved = load(app, TransferRequest, request.id)
    assert saved.state == "agreed" and saved.reply_due_on is None
    with app.app_context():
        last = db.session().exec(select(ContactAttempt).order_by(ContactAttempt.id.desc())).first()
    assert (last.direction, last.outcome, last.summary) == ("inbound", "replied", "Yes")


def test_legal_of_another_brand_cannot_decide(client, auth, app, make):
    request = make.request()
    other = make.brand("Nespresso")
    make_legal(app, make, other.id)
    auth.login("legal", email="legal@example.org")
    response = client.post(
        f"/requests/{request.id}/decision", data={"decision": "decline", "channel": "email"}
    )
    assert response.status_code == 403
    assert load(app, TransferRequest, request.id).state == "proposed"


@pytest.mark.parametrize(("role", "status"), [("fan", 403), ("staff", 403)])
def test_only_legal_and_admins_decide(client, auth, make, role, status):
    request = make.request()
    auth.login(role)
    response = client.post(
        f"/requests/{request.id}/decision", data={"decision": "accept", "channel": "email"}
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [("fan", 403), ("staff", 200), ("legal", 200), ("admin", 200)]
)
def test_request_lists_and_dashboard_rights(client, auth, make, role, status):
    make.request()
    auth.login(role)
    assert client.get("/requests").status_code == status
    assert client.get("/requests/attention").status_code == status


# --- the dashboard and flag-unanswered ---------------------------------------------------------


def test_dashboard_lists_exactly_what_flag_unanswered_prints(client, auth, app, make, runner):
    import json

    make.request(["no_answer", "voicemail"])  # clock from 2 March: due 16 March
    other_brand = make.brand("Nespresso")
    make.request(
        brand=other_brand,
        handle=make.handle("Nespresso", brand_id=other_brand.id, holder_kind="agency"),
        proposer=make.user("staff"),
        opened_on=date(2026, 3, 9),
    )  # nobody contacted
    auth.login("staff")
    for as_of in ("2026-03-13", "2026-03-17", "2026-03-20"):
        printed = json.loads(
            runner.invoke(args=["flag-unanswered", "--as-of", as_of, "--json"]).output
        )
        page = client.get(f"/requests/attention?as_of={as_of}").text
        listed = [
            int(i)
            for i in __import__("re").findall(r'class="handle-link" href="/requests/(\d+)"', page)
        ]
        assert sorted(listed) == sorted(item["id"] for item in printed), as_of
    as_of_17 = json.loads(
        runner.invoke(args=["flag-unanswered", "--as-of", "2026-03-17", "--json"]).output
    )
    assert [
        (i["handle"], i["flag"], i["due_date"], i["unanswered_attempts"]) for i in as_of_17
    ] == [
        ("Gallimard", "overdue", "2026-03-16", 2),
        ("Nespresso", "not_contacted", "2026-03-16", 0),
    ]
    assert set(as_of_17[0]) == {
        "id",
        "handle",
        "platform",
        "brand",
        "flag",
        "due_date",
        "business_days_waiting",
        "unanswered_attempts",
    }


def test_dashboard_filters_by_brand_and_groups_by_flag(client, auth, make):
    make.request(["no_answer"])
    auth.login("legal")
    page = client.get("/requests/attention?as_of=2026-03-13&brand=gallimard").text
    assert "@Gallimard" in page and "Nothing overdue" in page
    assert "@Gallimard" not in client.get("/requests/attention?as_of=2026-03-13&brand=nobody").text


def test_dashboard_bad_date_falls_back_with_a_message(client, auth):
    auth.login("staff")
    page = client.get("/requests/attention?as_of=yesterday").text
    assert "is not a date" in unescape(page)


def test_flag_unanswered_without_flags_says_so(runner, app):
    result = runner.invoke(args=["flag-unanswered", "--as-of", "2026-03-17"])
    assert result.exit_code == 0 and "No request needs attention" in result.output


def test_flag_unanswered_rejects_a_bad_date_in_one_line(runner, app):
    result = runner.invoke(args=["flag-unanswered", "--as-of", "17/03/2026"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        'Error: --as-of expects a date as YYYY-MM-DD, not "17/03/2026".'
    ]


@pytest.mark.parametrize("command", ["flag-unanswered", "export-handles"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_commands_refuse_a_day_outside_the_registry_range_in_one_line(runner, command, day):
    result = runner.invoke(args=[command, "--as-of", day])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: --as-of: Give a date between 1900-01-01 and 2100-12-31."
    ]


def test_late_friday_evening_in_paris_counts_as_friday(app, make):
    """23:30 in Paris on Friday is 22:30 UTC the same day in winter, but the clock must not
    take Saturday's date in summer either (21:30 UTC)."""
    request = make.request()
    with app.app_context():
        session = db.session()
        friday_late = datetime(2026, 6, 5, 21, 30, tzinfo=UTC)  # 23:30 in Paris (CEST)
        attempt_log.log_attempt(
            context(now=friday_late + timedelta(hours=1)),
            request.id,
            direction="outbound",
            channel="email",
            outcome="no_answer",
            happened_at=friday_late,
        )
        row = session.get(TransferRequest, request.id)
        assert row.waiting_since == date(2026, 6, 5)
        assert row.reply_due_on == date(2026, 6, 19)


def test_a_request_keeps_the_moment_of_its_latest_attempt_even_when_one_is_backdated(app, make):
    """The flag queries find requests changed after a day by this stored moment."""
    request = make.request()
    with app.app_context():
        session = db.session()
        assert session.get(TransferRequest, request.id).last_attempt_at is None
        late, early = datetime(2026, 6, 5, 9, tzinfo=UTC), datetime(2026, 6, 1, 9, tzinfo=UTC)
        for moment in (late, early):  # the second is logged afterwards, dated before
            attempt_log.log_attempt(
                context(now=late + timedelta(hours=1)),
                request.id,
                direction="outbound",
                channel="email",
                outcome="no_answer",
                happened_at=moment,
            )
        session.commit()
        assert session.get(TransferRequest, request.id).last_attempt_at == late


def test_dashboard_cuts_long_groups_and_shows_them_on_demand(client, auth, make, monkeypatch):
    from registry.web import requests as pages

    monkeypatch.setattr(pages, "DASHBOARD_GROUP_LIMIT", 1)
    make.request(["no_answer"])
    nespresso = make.brand("Nespresso")
    make.request(
        ["no_answer"],
        brand=nespresso,
        handle=make.handle("Nespresso", brand_id=nespresso.id, holder_kind="agency"),
        proposer=make.user("staff"),
    )
    auth.login("staff")
    cut = client.get("/requests/attention?as_of=2026-03-20").text
    assert cut.count('class="handle-link"') == 1 and "Showing the first 1 of 2." in cut
    full = client.get("/requests/attention?as_of=2026-03-20&show=overdue").text
    assert full.count('class="handle-link"') == 2 and "Showing the first" not in full


def test_the_request_page_explains_a_message_sent_on_a_day_off(client, auth, make):
    """Sent Saturday 2 May 2026: the clock counts from Monday 4 May, and the page says so."""
    request = make.request(["no_answer"], opened_on=date(2026, 5, 2))
    auth.login("staff")
    page = client.get(f"/requests/{request.id}").text
    assert "Sent on a day off: counted from May 4, 2026, the next business day." in page
    assert "May 20, 2026" in page  # the reply's due date, DESIGN's example


def test_of_two_people_moving_one_request_at_once_the_second_gets_409_and_the_newer_state(
    app, make
):
    request = make.request(["no_answer"])  # contacting
    first, second = app.test_client(), app.test_client()
    AuthActions(first, app).login("staff")
    AuthActions(second, app).login("staff", email="colleague@example.org")
    for browser in (first, second):  # both pages show "contacting"
        assert 'name="from_state" value="contacting"' in browser.get(f"/requests/{request.id}").text
    sent = {"to": "in_discussion", "from_state": "contacting"}
    assert first.post(f"/requests/{request.id}/transition", data=sent).status_code == 302
    late = second.post(f"/requests/{request.id}/transition", data=sent)
    assert late.status_code == 409
    page = unescape(late.text)
    assert (
        f"Someone else changed request #{request.id} first: it is now “In discussion”. "
        "Nothing was done; here is the request as it is now." in page
    )
    assert 'name="from_state" value="in_discussion"' in page  # the newer state, to act on
    assert load(app, TransferRequest, request.id).state == "in_discussion"
