"""The brands API: POST /api/v1/brands and GET /api/v1/brands/<slug>, with the fields DESIGN
lists (name, slug, country, website, contact points) and the brand's subdivision, whose
holidays its reply clock skips."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import Brand, ContactPoint
from tests.api.conftest import assert_json_error


def count(app, model) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model)).one()


BODY = {
    "name": "Marks & Sparks",
    "country": "GB",
    "subdivision": "GB-ENG",
    "timezone": "Europe/London",
    "website": "https://www.marks-sparks.example",
    "reply_deadline_days": 5,
    "contact_points": [
        {"kind": "email", "label": "Customer service", "value": "help@marks-sparks.example"},
        {"kind": "web_form", "label": "Contact us", "value": "https://marks-sparks.example/c"},
    ],
}


def test_staff_add_a_brand_with_its_contact_points(api, app):
    response = api.post("/api/v1/brands", BODY, api.token("staff"))
    assert response.status_code == 201, response.text
    body = response.get_json()
    assert response.headers["Location"] == "/api/v1/brands/marks-sparks"
    assert response.headers["ETag"] == '"v1"'
    assert (body["slug"], body["country"], body["subdivision"]) == ("marks-sparks", "GB", "GB-ENG")
    assert body["reply_deadline_days"] == 5
    assert [p["kind"] for p in body["contact_points"]] == ["email", "web_form"]
    holidays = {h["date"]: h["name"] for h in body["holidays"]}
    assert any(day.endswith("-12-25") for day in holidays)  # this year's, England's
    assert count(app, Brand) == 1 and count(app, ContactPoint) == 2
    assert (api.audit_count("brand.create"), api.audit_count("contact_point.create")) == (1, 2)


def test_anybody_reads_a_brand_and_the_holidays_its_clock_skips(api, make):
    make.brand("Gallimard")
    body = api.get("/api/v1/brands/gallimard").get_json()
    assert (body["name"], body["country"], body["subdivision"]) == ("Gallimard", "FR", "")
    assert body["reply_deadline_days"] == 10  # the site's default
    year = date.today().year
    assert {"date": f"{year}-07-14", "name": "National Day"} in body["holidays"]


def test_a_brand_is_read_in_french_with_french_holiday_names(client, make):
    make.brand("Gallimard")
    body = client.get("/api/v1/brands/gallimard", headers={"Accept-Language": "fr"}).get_json()
    assert {"date": f"{date.today().year}-07-14", "name": "Fête nationale"} in body["holidays"]


def test_an_unknown_brand_is_404(api):
    assert_json_error(api.get("/api/v1/brands/nobody"), 404)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subdivision": "GB-XYZ"}, "subdivision"),
        ({"country": "ZZ"}, "country"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"reply_deadline_days": 0}, "reply_deadline_days"),
        ({"contact_points": [{"kind": "pigeon", "value": "x"}]}, "kind"),
        ({"name": ""}, "name"),
    ],
)
def test_a_wrong_brand_is_refused_and_nothing_is_kept(api, app, change, field):
    answer = assert_json_error(api.post("/api/v1/brands", BODY | change, api.token("staff")), 422)
    assert any(field in key for key in answer["fields"]), answer
    assert count(app, Brand) == 0 and count(app, ContactPoint) == 0


def test_a_taken_slug_is_409(api, make):
    make.brand("Marks & Sparks")
    assert_json_error(api.post("/api/v1/brands", BODY, api.token("staff")), 409)


@pytest.mark.parametrize("role", ["legal", "admin"])
def test_only_editors_add_brands(api, role):
    status = 201 if role == "admin" else 403
    assert api.post("/api/v1/brands", BODY, api.token(role)).status_code == status


def test_adding_a_brand_needs_a_token(api):
    assert_json_error(api.post("/api/v1/brands", BODY), 401)
