"""The escalation ladder in the API's request detail (issue 15)."""

from tests.web.test_escalation import scene


def test_the_api_detail_carries_the_escalation(api, app, make):
    request, _ = scene(app, make, channels=("phone", "phone"), points=False)
    body = api.get(f"/api/v1/requests/{request.id}", api.token("staff")).get_json()
    assert body["escalation"] == {
        "channel": "phone",
        "unanswered_attempts": 2,
        "next_channel": "letter",
        "untried_contact_points": [],
    }
    legal = api.get(f"/api/v1/requests/{request.id}", api.token("legal", brand="gallimard"))
    assert legal.get_json()["escalation"] is None  # legal does not log attempts


def test_the_api_says_null_when_nothing_is_suggested(api, app, make):
    request, _ = scene(app, make, channels=())
    body = api.get(f"/api/v1/requests/{request.id}", api.token("staff")).get_json()
    assert body["escalation"] is None
