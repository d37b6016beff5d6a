"""The handover through the API: plan a window, each side's confirmation, the outcome, the
plans read back; every refusal answered as JSON with its status. And the evidence pack's JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from registry.adapters import db
from registry.adapters.models import Handle, TransferRequest
from tests.api.conftest import assert_json_error


def window(days: int = 3) -> str:
    start = (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)
    return start.astimezone().isoformat()


@pytest.fixture
def agreed(make):
    """A fan's agreed offer of @Gallimard (x) to Gallimard."""
    fan = make.user("fan", email="julien@example.org", display_name="Julien")
    return make.request(["replied"], proposer=fan, state="agreed")


@pytest.fixture
def claim(make):
    """The brand's agreed claim on @Gallimard, opened by staff: the holder is no member."""
    return make.request(
        ["replied"], proposer=make.user("staff", email="sam@example.org"), state="agreed"
    )


def url(request, tail: str = "") -> str:
    return f"/api/v1/requests/{request.id}/handover{tail}"


def scheduled(api, request, token, **body):
    answer = api.post(url(request), {"window_start": window(), **body}, token)
    assert answer.status_code == 201, answer.text
    return answer.get_json()


def test_staff_plan_a_window_and_read_it_back(api, agreed):
    staff = api.token("staff")
    plan = scheduled(api, agreed, staff, window_minutes=45, notes="Julien renames first")
    assert plan["window_minutes"] == 45 and plan["notes"] == "Julien renames first"
    start = datetime.fromisoformat(plan["window_start"])
    assert datetime.fromisoformat(plan["window_end"]) - start == timedelta(minutes=45)
    assert plan["confirmations"] == {"holder": None, "brand": None}
    assert plan["standing"] == "awaiting_confirmations"
    assert plan["owed_by"] == ["holder", "brand"]
    assert plan["confirm_by"] and plan["outcome_by"]
    assert any("frees the old name" in warning for warning in plan["warnings"])
    assert api.audit_count("handover.schedule") == 1

    read = api.get(url(agreed), staff)
    assert read.status_code == 200
    assert read.get_json() == {"current": plan, "past": []}
    detail = api.get(f"/api/v1/requests/{agreed.id}", staff).get_json()
    assert detail["handover"] == plan


def test_a_plan_carries_its_method_and_each_side_s_steps(api, agreed):
    plan = scheduled(api, agreed, api.token("staff"))
    assert plan["method"] == "rename"  # @Gallimard on X
    assert plan["steps"]["holder"][1] == (
        "At the start of the window, rename your account to another name."
    )
    assert len(plan["steps"]["brand"]) == 3
    # Each warning names its source.
    (freed,) = [w for w in plan["warnings"] if "frees the old name" in w]
    assert "Source:" in freed and "x-username-squatting" in freed


def test_the_window_length_defaults_to_30_minutes(api, agreed):
    plan = scheduled(api, agreed, api.token("staff"))
    assert plan["window_minutes"] == 30


def test_warnings_are_in_the_callers_language(api, agreed):
    token = api.token("staff")
    answer = api.client.post(
        url(agreed),
        json={"window_start": window()},
        headers={**api.headers(token), "Accept-Language": "fr"},
    )
    french = answer.get_json()["warnings"]
    english = api.get(url(agreed), token).get_json()["current"]["warnings"]
    assert french and len(french) == len(english) and french != english


def test_a_request_without_a_plan_answers_404_and_a_null_handover(api, agreed):
    staff = api.token("staff")
    assert_json_error(api.get(url(agreed), staff), 404)
    assert api.get(f"/api/v1/requests/{agreed.id}", staff).get_json()["handover"] is None
    assert_json_error(api.get("/api/v1/requests/999/handover", staff), 404)
    assert_json_error(api.post("/api/v1/requests/999/handover", {}, staff), 404)


def test_legal_confirms_for_its_brand_staff_for_the_holder_then_the_name_is_claimed(
    api, app, claim
):
    agreed = claim
    staff = api.token("staff")
    legal = api.token("legal", brand="gallimard")
    scheduled(api, agreed, staff)
    early = api.post(url(agreed, "/outcome"), {"outcome": "claimed"}, staff)
    assert "confirm" in assert_json_error(early, 409)["error"]

    brand = api.post(url(agreed, "/confirm"), {"party": "brand"}, legal)
    assert brand.status_code == 200, brand.text
    assert brand.get_json()["confirmations"]["brand"]["channel"] is None  # on its own behalf
    assert brand.get_json()["owed_by"] == ["holder"]
    holder = api.post(url(agreed, "/confirm"), {"party": "holder", "channel": "phone"}, staff)
    assert holder.status_code == 200, holder.text
    assert holder.get_json()["confirmations"]["holder"]["channel"] == "phone"
    assert holder.get_json()["standing"] == "ready"
    again = api.post(url(agreed, "/confirm"), {"party": "brand"}, legal)
    assert again.get_json()["confirmations"] == holder.get_json()["confirmations"]

    claimed = api.post(url(agreed, "/outcome"), {"outcome": "claimed", "note": "Done"}, staff)
    assert claimed.status_code == 200, claimed.text
    assert claimed.get_json()["outcome"] == "claimed"
    assert claimed.get_json()["standing"] == "claimed"
    with app.app_context():
        session = db.session()
        request = session.get(TransferRequest, agreed.id)
        assert request.state == "completed"
        assert session.get(Handle, request.handle_id).holder_kind == "brand"
    read = api.get(url(agreed), staff).get_json()
    assert read["current"] is None and [p["outcome"] for p in read["past"]] == ["claimed"]
    assert api.get(f"/api/v1/requests/{agreed.id}", staff).get_json()["handover"] is None
    assert api.audit_count("handover.confirm") == 2 and api.audit_count("handover.outcome") == 1


def test_a_failed_window_leaves_the_request_agreed_for_another(api, app, agreed):
    staff = api.token("staff")
    scheduled(api, agreed, staff)
    refused = api.post(url(agreed, "/outcome"), {"outcome": "failed"}, staff)
    assert "reason" in assert_json_error(refused, 422)["fields"]
    failed = api.post(url(agreed, "/outcome"), {"outcome": "failed", "reason": "sniped"}, staff)
    assert failed.status_code == 200, failed.text
    assert failed.get_json()["outcome_reason"] == "sniped"
    with app.app_context():
        assert db.session().get(TransferRequest, agreed.id).state == "agreed"
    second = scheduled(api, agreed, staff)
    read = api.get(url(agreed), staff).get_json()
    assert read["current"] == second and [p["outcome"] for p in read["past"]] == ["failed"]


def test_a_second_plan_while_one_is_under_way_is_a_conflict(api, agreed):
    staff = api.token("staff")
    scheduled(api, agreed, staff)
    assert_json_error(api.post(url(agreed), {"window_start": window(4)}, staff), 409)


def test_only_an_agreed_request_gets_a_plan(api, make):
    request = make.request(["replied"], state="in_discussion")
    assert_json_error(api.post(url(request), {"window_start": window()}, api.token("staff")), 409)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "window_start"),
        ({"window_start": "2026-12-03T14:00:00"}, "window_start"),  # no offset
        ({"window_start": "2020-01-01T10:00:00+01:00"}, "window_start"),  # the past
        ({"window_start": window(), "window_minutes": 2}, "window_minutes"),
        ({"window_start": window(), "window_minutes": 24 * 60 + 1}, "window_minutes"),
        ({"window_start": window(), "colour": "red"}, "colour"),
    ],
)
def test_an_invalid_window_is_refused_with_its_field(api, agreed, body, field):
    answer = api.post(url(agreed), body, api.token("staff"))
    assert field in assert_json_error(answer, 422)["fields"]


def test_only_staff_plan_and_record_outcomes(api, agreed):
    legal = api.token("legal", brand="gallimard")
    assert_json_error(api.post(url(agreed), {"window_start": window()}, legal), 403)
    scheduled(api, agreed, api.token("staff"))
    answer = api.post(url(agreed, "/outcome"), {"outcome": "failed", "reason": "other"}, legal)
    assert_json_error(answer, 403)


def test_a_confirmation_by_the_wrong_party_is_forbidden(api, make, agreed):
    staff = api.token("staff")
    scheduled(api, agreed, staff)
    # The holder of an offer confirms for itself, on the site: staff cannot do it for them.
    for_the_fan = api.post(url(agreed, "/confirm"), {"party": "holder", "channel": "phone"}, staff)
    assert_json_error(for_the_fan, 403)
    make.brand("Flammarion")
    other_legal = api.token("legal", email="legal@flammarion.example", brand="flammarion")
    legal = api.token("legal", brand="gallimard")
    assert_json_error(api.post(url(agreed, "/confirm"), {"party": "brand"}, other_legal), 403)
    assert_json_error(api.post(url(agreed, "/confirm"), {"party": "holder"}, legal), 403)


def test_staff_confirm_only_with_the_channel_it_came_by(api, agreed):
    staff = api.token("staff")
    scheduled(api, agreed, staff)
    missing = api.post(url(agreed, "/confirm"), {"party": "brand"}, staff)
    assert "channel" in assert_json_error(missing, 422)["fields"]
    unknown = api.post(url(agreed, "/confirm"), {"party": "brand", "channel": "pigeon"}, staff)
    assert "channel" in assert_json_error(unknown, 422)["fields"]
    party = api.post(url(agreed, "/confirm"), {"party": "notary", "channel": "email"}, staff)
    assert_json_error(party, 422)


def test_confirming_or_closing_without_a_plan_is_a_conflict(api, agreed):
    staff = api.token("staff")
    legal = api.token("legal", brand="gallimard")
    assert_json_error(api.post(url(agreed, "/confirm"), {"party": "brand"}, legal), 409)
    assert_json_error(api.post(url(agreed, "/outcome"), {"outcome": "claimed"}, staff), 409)
    assert_json_error(api.post(url(agreed, "/outcome"), {"outcome": "won"}, staff), 422)


def test_no_token_no_handover(api, agreed):
    assert_json_error(api.get(url(agreed)), 401)
    assert_json_error(api.post(url(agreed), {"window_start": window()}), 401)
    assert_json_error(api.get(f"/api/v1/requests/{agreed.id}/evidence"), 401)


# --- evidence pack ---------------------------------------------------------------------------


def test_the_evidence_pack_holds_what_a_platform_form_asks_for(api, agreed):
    staff = api.token("staff")
    scheduled(api, agreed, staff)
    api.post(url(agreed, "/outcome"), {"outcome": "failed", "reason": "sniped"}, staff)
    answer = api.get(f"/api/v1/requests/{agreed.id}/evidence", staff)
    assert answer.status_code == 200, answer.text
    pack = answer.get_json()
    assert pack["handle"] == {
        "handle": "Gallimard",
        "platform": "x",
        "platform_name": "X",
        "url": "https://x.com/Gallimard",
        "followers_history": [],  # nobody counted them
    }
    assert pack["brand"]["slug"] == "gallimard" and pack["brand"]["name"] == "Gallimard"
    assert pack["request"]["state"] == "agreed" and pack["request"]["terms"] == "free"
    assert pack["request"]["proposer"]["name"] == "Julien"
    assert pack["request"]["proposer"]["email"] == "julien@example.org"  # staff see it
    assert [c["holder_name"] for c in pack["custody"]] == ["Julien"]
    assert next((c["channel"], c["outcome"], c["direction"]) for c in pack["contacts"]) == (
        "email",
        "replied",
        "outbound",
    )
    assert pack["contacts"][0]["happened_at"].startswith("2026-03-02")
    assert [(p["outcome"], p["outcome_reason"]) for p in pack["plans"]] == [("failed", "sniped")]
    assert pack["plans"][0]["warnings"] and pack["private"] is True


def test_the_evidence_pack_of_a_request_not_there(api):
    assert_json_error(api.get("/api/v1/requests/999/evidence", api.token("staff")), 404)
