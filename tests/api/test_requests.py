"""/api/v1/requests: lists and flags, one request, proposing, contact attempts, transitions."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import ContactAttempt, CustodyRecord, Handle, TransferRequest
from tests.api.conftest import assert_json_error

ATTEMPT = {
    "direction": "outbound",
    "channel": "web_form",
    "contact_point": "Contact form",
    "happened_at": "2026-03-03T10:00:00",
    "outcome": "no_answer",
    "summary": "Sent the offer through the form.",
}


def load(app, model, ident):
    with app.app_context():
        return db.session().get(model, ident)


def count(app, model) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model)).one()


def second_request(make, name: str = "Nespresso", **values):
    brand = make.brand(name)
    handle = make.handle(name, brand_id=brand.id, holder_kind="agency")
    # Staff open it: a fan may offer only a handle recorded as theirs.
    values.setdefault("proposer", make.user("staff"))
    return make.request(brand=brand, handle=handle, **values)


# --- listing -------------------------------------------------------------------------------


def test_the_list_answers_every_request_with_its_flag(api, make):
    request = make.request(["no_answer"])  # reply due 16 March 2026
    body = api.get("/api/v1/requests?as_of=2026-03-20", api.token("legal")).get_json()
    assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)
    (item,) = body["items"]
    assert item["id"] == request.id
    assert (item["state"], item["flag"], item["due_date"]) == (
        "contacting",
        "overdue",
        "2026-03-16",
    )
    assert (item["handle"], item["platform"], item["brand"]) == ("Gallimard", "x", "gallimard")
    assert (item["kind"], item["terms"], item["opened_on"]) == ("offer", "free", "2026-03-02")
    assert "attempts" not in item


def test_the_list_is_paginated_and_filtered(api, make):
    make.request()
    second_request(make, "Nespresso")
    third = second_request(make, "Cochonou", state="declined")
    token = api.token("staff")
    body = api.get("/api/v1/requests?per_page=2&page=2", token).get_json()
    assert (body["total"], body["pages"], len(body["items"])) == (3, 2, 1)
    body = api.get("/api/v1/requests?state=declined", token).get_json()
    assert [i["id"] for i in body["items"]] == [third.id]
    body = api.get("/api/v1/requests?brand=nespresso", token).get_json()
    assert [i["brand"] for i in body["items"]] == ["nespresso"]


@pytest.mark.parametrize("as_of", ["2026-03-13", "2026-03-17", "2026-03-20"])
def test_flags_are_exactly_what_flag_unanswered_prints(api, make, runner, as_of):
    make.request(["no_answer", "voicemail"])
    second_request(make, opened_on=date(2026, 3, 9))  # nobody contacted
    printed = json.loads(runner.invoke(args=["flag-unanswered", "--as-of", as_of, "--json"]).output)
    token = api.token("legal")
    listed = []
    for flag in ("overdue", "due_soon", "not_contacted"):
        body = api.get(f"/api/v1/requests?flag={flag}&as_of={as_of}", token).get_json()
        assert all(item["flag"] == flag for item in body["items"])
        listed += [(i["id"], i["flag"], i["due_date"]) for i in body["items"]]
    assert sorted(listed) == sorted((i["id"], i["flag"], i["due_date"]) for i in printed)


def test_flagged_lists_are_paginated_too(api, make):
    make.request()
    second_request(make, "Nespresso")
    second_request(make, "Cochonou")
    query = "/api/v1/requests?flag=not_contacted&as_of=2026-03-20&per_page=2"
    body = api.get(query, api.token("staff")).get_json()
    assert (body["total"], body["pages"], len(body["items"])) == (3, 2, 2)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("flag=late", "flag"),
        ("as_of=20-03-2026", "as_of"),
        ("state=lost", "state"),
        ("page=-1", "page"),
        ("sort=due", "sort"),
    ],
)
def test_bad_list_parameters_are_400(api, query, field):
    body = assert_json_error(api.get(f"/api/v1/requests?{query}", api.token("staff")), 400)
    assert field in body["fields"]


# --- one request ---------------------------------------------------------------------------


def test_one_request_with_its_attempts_flag_and_due_date(api, make):
    request = make.request(["no_answer", "auto_reply"])
    response = api.get(f"/api/v1/requests/{request.id}?as_of=2026-03-13", api.token("legal"))
    body = response.get_json()
    assert (body["id"], body["state"]) == (request.id, "contacting")
    assert (body["flag"], body["due_date"]) == ("due_soon", "2026-03-16")
    assert body["unanswered_attempts"] == 2
    assert [a["outcome"] for a in body["attempts"]] == ["no_answer", "auto_reply"]
    assert body["attempts"][0]["happened_at"] == "2026-03-02T09:00:00Z"
    assert set(body["attempts"][0]) >= {
        "direction",
        "channel",
        "contact_point",
        "happened_at",
        "outcome",
        "summary",
    }
    assert body["allowed_transitions"] == []  # legal does not move requests


def test_the_flag_follows_as_of(api, make):
    request = make.request(["no_answer"])
    token = api.token("staff")
    url = f"/api/v1/requests/{request.id}"
    assert api.get(f"{url}?as_of=2026-03-05", token).get_json()["flag"] is None
    assert api.get(f"{url}?as_of=2026-03-20", token).get_json()["flag"] == "overdue"
    body = api.get(url, token).get_json()  # today: long overdue, or closed
    assert body["allowed_transitions"] == ["in_discussion", "declined", "withdrawn"]


def test_an_unknown_request_is_404(api):
    assert_json_error(api.get("/api/v1/requests/999", api.token("staff")), 404)


def test_one_request_needs_a_token(api, make):
    request = make.request()
    assert_json_error(api.get(f"/api/v1/requests/{request.id}"), 401)
    assert_json_error(api.get(f"/api/v1/requests/{request.id}?as_of=soon", api.token()), 400)


# --- proposing -----------------------------------------------------------------------------


def test_propose_for_a_handle_in_the_registry(api, app, make):
    brand = make.brand("Gallimard")
    handle = make.handle("Gallimard", brand_id=brand.id, holder_kind="fan")
    response = api.post(
        "/api/v1/requests",
        {"handle_id": handle.id, "terms": "donation", "amount": 1500, "message": "For charity"},
        api.token("staff"),
    )
    assert response.status_code == 201, response.text
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/requests/{body['id']}"
    assert (body["state"], body["terms"], body["amount"]) == ("proposed", "donation", 1500.0)
    assert body["message"] == "For charity" and body["attempts"] == []
    assert load(app, TransferRequest, body["id"]).amount_cents == 150000


def test_propose_for_a_new_handle_by_platform_and_handle(api, app, make):
    make.brand("Flammarion")
    response = api.post(
        "/api/v1/requests",
        {"platform": "x", "handle": "https://x.com/Flammarion", "brand": "flammarion"},
        api.token("staff"),
    )
    assert response.status_code == 201, response.text
    assert (response.get_json()["handle"], response.get_json()["brand"]) == (
        "Flammarion",
        "flammarion",
    )
    assert count(app, Handle) == 1 and count(app, CustodyRecord) == 1


def test_staff_may_open_a_claim(api, make):
    brand = make.brand("Gallimard")
    handle = make.handle("Gallimard", brand_id=brand.id, holder_kind="squatter")
    response = api.post(
        "/api/v1/requests", {"handle_id": handle.id, "kind": "claim"}, api.token("staff")
    )
    assert response.status_code == 201 and response.get_json()["kind"] == "claim"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "handle"),
        ({"platform": "x"}, "handle"),
        ({"handle_id": 1, "platform": "x", "handle": "Gallimard"}, "handle_id"),
        ({"handle_id": 1, "terms": "sale"}, "amount"),
        ({"handle_id": 1, "terms": "barter"}, "terms"),
        ({"handle_id": 1, "kind": "swap"}, "kind"),
        ({"platform": "x", "handle": "Flammarion"}, "brand"),
        ({"platform": "x", "handle": "Flammarion", "brand": "nobody"}, "brand"),
        ({"platform": "x", "handle": "Flam marion", "brand": "gallimard"}, "handle"),
        ({"handle_id": 1, "amount": "lots"}, "amount"),
    ],
)
def test_invalid_proposals_are_422(api, app, make, body, field):
    brand = make.brand("Gallimard")
    make.handle("Gallimard", brand_id=brand.id, holder_kind="fan")
    answer = assert_json_error(api.post("/api/v1/requests", body, api.token("staff")), 422)
    assert field in answer["fields"], answer
    assert count(app, TransferRequest) == 0


def test_a_second_open_request_for_a_handle_is_refused(api, make):
    request = make.request()
    body = assert_json_error(
        api.post("/api/v1/requests", {"handle_id": request.handle_id}, api.token("staff")), 422
    )
    assert f"Request #{request.id} for this handle is still open" in body["error"]
    # Where to go instead, and whether this caller may read it (staff read every request).
    assert (body["open_request_id"], body["handle_id"], body["visible"]) == (
        request.id,
        request.handle_id,
        True,
    )


def test_proposing_for_an_unknown_handle_id_is_404(api):
    assert_json_error(api.post("/api/v1/requests", {"handle_id": 999}, api.token("legal")), 404)


def test_proposing_needs_a_token(api):
    assert_json_error(api.post("/api/v1/requests", {"handle_id": 1}), 401)


# --- contact attempts ----------------------------------------------------------------------


def test_the_proposer_logs_an_attempt_and_a_naive_time_is_utc(api, app, make):
    proposer = api.user("legal")
    request = make.request(proposer=proposer)
    response = api.post(f"/api/v1/requests/{request.id}/attempts", ATTEMPT, api.token("legal"))
    assert response.status_code == 201, response.text
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/requests/{request.id}"
    assert body["happened_at"] == "2026-03-03T10:00:00Z"
    assert (body["channel"], body["outcome"], body["logged_by_id"]) == (
        "web_form",
        "no_answer",
        proposer.id,
    )
    saved = load(app, TransferRequest, request.id)
    assert saved.state == "contacting" and saved.reply_due_on == date(2026, 3, 17)


def test_an_offset_is_respected(api, app, make):
    request = make.request()
    moment = {**ATTEMPT, "happened_at": "2026-03-03T23:30:00+01:00"}
    body = api.post(f"/api/v1/requests/{request.id}/attempts", moment, api.token()).get_json()
    assert body["happened_at"] == "2026-03-03T22:30:00Z"


def test_staff_log_attempts_on_any_request_others_may_not(api, make):
    request = make.request()
    url = f"/api/v1/requests/{request.id}/attempts"
    assert api.post(url, ATTEMPT, api.token("staff")).status_code == 201
    assert_json_error(api.post(url, ATTEMPT, api.token("legal")), 403)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"direction": "sideways"}, "direction"),
        ({"outcome": "maybe"}, "outcome"),
        ({"contact_point": "x" * 256}, "contact_point"),
        ({"summary": None}, "summary"),
    ],
)
def test_invalid_attempts_are_422(api, app, make, changes, field):
    request = make.request()
    body = assert_json_error(
        api.post(f"/api/v1/requests/{request.id}/attempts", {**ATTEMPT, **changes}, api.token()),
        422,
    )
    assert field in body["fields"]
    assert count(app, ContactAttempt) == 0


def test_an_attempt_in_the_future_is_422(api, app, make):
    request = make.request()
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    body = assert_json_error(
        api.post(
            f"/api/v1/requests/{request.id}/attempts",
            {**ATTEMPT, "happened_at": tomorrow},
            api.token(),
        ),
        422,
    )
    assert "future" in body["error"] and "happened_at" in body["fields"]


def test_an_attempt_on_a_closed_request_is_422(api, app, make):
    request = make.request(state="withdrawn")
    body = assert_json_error(
        api.post(f"/api/v1/requests/{request.id}/attempts", ATTEMPT, api.token()), 422
    )
    assert "withdrawn" in body["error"]


def test_an_attempt_without_a_time_is_now(api, make):
    request = make.request()
    without = {k: v for k, v in ATTEMPT.items() if k != "happened_at"}
    response = api.post(f"/api/v1/requests/{request.id}/attempts", without, api.token())
    assert response.status_code == 201, response.text
    logged = datetime.fromisoformat(response.get_json()["happened_at"])
    assert abs(logged - datetime.now(UTC)) < timedelta(minutes=1)


def test_attempts_on_an_unknown_request_are_404(api):
    assert_json_error(api.post("/api/v1/requests/999/attempts", ATTEMPT, api.token()), 404)


# --- transitions ---------------------------------------------------------------------------


def test_staff_move_a_request_along(api, app, make):
    request = make.request()
    response = api.post(
        f"/api/v1/requests/{request.id}/transition", {"to": "contacting"}, api.token("staff")
    )
    assert response.status_code == 200, response.text
    assert response.get_json()["state"] == "contacting"
    assert load(app, TransferRequest, request.id).state == "contacting"


def test_a_refused_transition_is_409_with_the_workflows_message(api, app, make):
    request = make.request()
    body = assert_json_error(
        api.post(f"/api/v1/requests/{request.id}/transition", {"to": "completed"}, api.token()),
        409,
    )
    assert body["error"] == (
        'A "proposed" request cannot move straight to "completed"; '
        "next steps are: contacting, declined, withdrawn."
    )
    assert body["allowed_transitions"] == ["contacting", "declined", "withdrawn"]
    assert load(app, TransferRequest, request.id).state == "proposed"


def test_a_closed_request_cannot_move(api, make):
    request = make.request(state="declined")
    body = assert_json_error(
        api.post(f"/api/v1/requests/{request.id}/transition", {"to": "contacting"}, api.token()),
        409,
    )
    assert "it is closed" in body["error"]


def test_an_unknown_state_is_422(api, make):
    request = make.request()
    body = assert_json_error(
        api.post(f"/api/v1/requests/{request.id}/transition", {"to": "lost"}, api.token()), 422
    )
    assert "to" in body["fields"]


def test_the_proposer_may_only_withdraw(api, app, make):
    request = make.request(proposer=api.user("legal"))
    token = api.token("legal")
    url = f"/api/v1/requests/{request.id}/transition"
    assert_json_error(api.post(url, {"to": "contacting"}, token), 403)
    response = api.post(url, {"to": "withdrawn", "note": "Changed my mind"}, token)
    assert response.status_code == 200 and response.get_json()["state"] == "withdrawn"


def test_others_without_manage_rights_cannot_withdraw(api, app, make):
    request = make.request()
    url = f"/api/v1/requests/{request.id}/transition"
    assert_json_error(api.post(url, {"to": "withdrawn"}, api.token("legal")), 403)
    assert load(app, TransferRequest, request.id).state == "proposed"


def test_completing_by_a_move_is_refused_the_handover_completes(api, app, make):
    request = make.request(state="agreed")
    body = assert_json_error(
        api.post(
            f"/api/v1/requests/{request.id}/transition", {"to": "completed"}, api.token("admin")
        ),
        409,
    )
    assert "A request is completed by its handover" in body["error"]
    assert "completed" not in body["allowed_transitions"]
    handle = load(app, Handle, request.handle_id)
    assert (handle.holder_kind, handle.holder_name) == ("fan", "Julien")


def test_transitions_on_an_unknown_request_are_404(api):
    assert_json_error(
        api.post("/api/v1/requests/999/transition", {"to": "withdrawn"}, api.token()), 404
    )
