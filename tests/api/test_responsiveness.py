"""GET /api/v1/brands/<slug>/responsiveness: the brand's figures with DESIGN's field names,
public, JSON errors (404 unknown brand, 422 bad dates or a period ending before it starts,
400 an unknown parameter), in the caller's language; and in the OpenAPI document.

The scene is tests/web/test_responsiveness.py's (as of Tuesday 30 June 2026): Gallimard
answered two offers, one on time after 5 business days, one late after 11; Cochonou never
answered its one offer, overdue now."""

from __future__ import annotations

from tests.api.conftest import assert_json_error
from tests.web.test_responsiveness import MESSAGE, PRIVATE, scene  # noqa: F401 (a fixture)

URL = "/api/v1/brands/{slug}/responsiveness"
FIELDS = {
    "brand",
    "requests",
    "contacted",
    "replied",
    "reply_rate",
    "median_business_days_to_first_reply",
    "worst_business_days_to_first_reply",
    "late_replies",
    "overdue_now",
}


def test_a_brands_figures_with_the_designs_names_and_no_token(client, scene):  # noqa: F811
    response = client.get(URL.format(slug="gallimard"))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= FIELDS
    assert {name: body[name] for name in FIELDS} == {
        "brand": "gallimard",
        "requests": 2,
        "contacted": 2,
        "replied": 2,
        "reply_rate": 1.0,
        "median_business_days_to_first_reply": 8,
        "worst_business_days_to_first_reply": 11,
        "late_replies": 1,
        "overdue_now": 0,
    }
    assert body["as_of"] == "2026-06-30"
    for secret in (*PRIVATE, MESSAGE):
        assert secret not in response.text


def test_a_brand_that_never_answered(client, scene):  # noqa: F811
    body = client.get(URL.format(slug="cochonou")).get_json()
    assert (body["replied"], body["reply_rate"], body["overdue_now"]) == (0, 0.0, 1)
    assert body["median_business_days_to_first_reply"] is None
    assert body["unanswered_by_channel"] == {"web_form": 1}


def test_the_period_narrows_the_figures(client, scene):  # noqa: F811
    body = client.get(URL.format(slug="gallimard") + "?from=2026-05-03&to=2026-05-31").get_json()
    assert (body["requests"], body["late_replies"]) == (1, 0)
    empty = client.get(URL.format(slug="gallimard") + "?from=2027-01-01").get_json()
    assert (empty["requests"], empty["contacted"], empty["reply_rate"]) == (0, 0, None)


def test_an_unknown_brand_is_404(client, scene):  # noqa: F811
    assert_json_error(client.get(URL.format(slug="nobody")), 404)


def test_bad_dates_are_422_on_their_field(client, scene):  # noqa: F811
    url = URL.format(slug="gallimard")
    not_a_date = assert_json_error(client.get(url + "?from=30/06/2026"), 422)
    assert set(not_a_date["fields"]) == {"from"}
    out_of_range = assert_json_error(client.get(url + "?to=2200-01-01"), 422)
    assert set(out_of_range["fields"]) == {"to"}
    backwards = assert_json_error(client.get(url + "?from=2026-06-02&to=2026-06-01"), 422)
    assert backwards["fields"] == {
        "to": "The period cannot end (2026-06-01) before it starts (2026-06-02)."
    }
    assert_json_error(client.get(url + "?since=2026-01-01"), 400)


def test_errors_in_french(client, scene):  # noqa: F811
    response = client.get(
        URL.format(slug="gallimard") + "?from=2026-06-02&to=2026-06-01",
        headers={"Accept-Language": "fr"},
    )
    body = assert_json_error(response, 422)
    assert body["error"].startswith("La période ne peut pas finir")


def test_the_openapi_document_describes_it(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/brands/{slug}/responsiveness"]["get"]
    assert {"200", "400", "404", "422"} <= set(operation["responses"])
    assert [p["name"] for p in operation["parameters"]] == ["slug", "from", "to"]
    schema = document["components"]["schemas"]["BrandResponsiveness"]
    assert set(schema["properties"]) >= FIELDS
    assert operation["x-permission"] == "public"
