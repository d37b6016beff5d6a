"""The webhooks' API: POST /api/v1/webhooks (201 with the secret, once), the list, one hook,
its deliveries with their tries, DELETE (204); who may, and what is refused."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from registry.adapters import db
from registry.adapters.models import Event
from tests.api.conftest import assert_json_error
from tests.factories import Factories
from tests.webhookreceiver import start_receiver

PUBLIC_URL = "https://93.184.216.34/hooks/registry"  # an address literal: no resolver needed


@pytest.fixture
def gallimard(app):
    return Factories(app).brand("Gallimard")


def create(api, token, body):
    return api.post("/api/v1/webhooks", body, token)


def test_registering_answers_201_with_the_secret_once_and_its_location(api):
    token = api.token("admin")
    response = create(api, token, {"url": PUBLIC_URL, "events": ["request.created"]})
    assert response.status_code == 201, response.text
    body = response.get_json()
    assert body["url"] == PUBLIC_URL and body["events"] == ["request.created"]
    assert body["brand"] is None and len(body["secret"]) >= 40
    assert response.headers["Location"] == f"/api/v1/webhooks/{body['id']}"
    listed = api.get("/api/v1/webhooks", token).get_json()["items"]
    assert [h["id"] for h in listed] == [body["id"]]
    assert "secret" not in listed[0]
    one = api.get(response.headers["Location"], token).get_json()
    assert one["id"] == body["id"] and "secret" not in one
    assert body["secret"] not in api.get("/api/v1/webhooks", token).text
    assert api.audit_count("webhook.create") == 1


def test_an_admin_may_name_a_brand_and_events_are_kept_once_in_order(api, gallimard):
    token = api.token("admin")
    body = create(
        api,
        token,
        {
            "url": PUBLIC_URL,
            "events": ["suspect.found", "request.created", "suspect.found"],
            "brand": gallimard.slug,
        },
    ).get_json()
    assert body["brand"] == "gallimard"
    assert body["events"] == ["request.created", "suspect.found"]


def test_a_legal_teams_hook_is_for_its_brand_whatever_it_asks(api, gallimard):
    Factories(api.app).brand("Nespresso")
    token = api.token("legal", brand=gallimard.slug)
    body = create(api, token, {"url": PUBLIC_URL, "events": ["request.created"]}).get_json()
    assert body["brand"] == "gallimard"
    other = create(
        api, token, {"url": PUBLIC_URL, "events": ["request.created"], "brand": "nespresso"}
    )
    assert_json_error(other, 403)


def test_staff_may_not_register_nor_list_hooks(api):
    token = api.token("staff")
    assert_json_error(create(api, token, {"url": PUBLIC_URL, "events": ["flag.raised"]}), 403)
    assert_json_error(api.get("/api/v1/webhooks", token), 403)
    assert_json_error(create(api, None, {"url": PUBLIC_URL, "events": ["flag.raised"]}), 401)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": PUBLIC_URL, "events": []}, "events"),
        ({"url": PUBLIC_URL, "events": ["mail.unmatched"]}, "events"),  # not a webhook's
        ({"url": PUBLIC_URL, "events": ["request.nope"]}, "events"),
        ({"url": "ftp://93.184.216.34/x", "events": ["request.created"]}, "url"),
        ({"url": "https://user:pw@93.184.216.34/", "events": ["request.created"]}, "url"),
        ({"url": "http://127.0.0.1:9/x", "events": ["request.created"]}, "url"),
        ({"url": "http://10.0.0.7/x", "events": ["request.created"]}, "url"),
        ({"url": "http://169.254.169.254/latest", "events": ["request.created"]}, "url"),
        ({"url": "http://[::1]/x", "events": ["request.created"]}, "url"),
        ({"url": "http://localhost/x", "events": ["request.created"]}, "url"),
        ({"url": "https://no-such-host.invalid/x", "events": ["request.created"]}, "url"),
        ({"url": PUBLIC_URL, "events": ["request.created"], "brand": "nobody"}, "brand"),
        ({"url": PUBLIC_URL}, "events"),
        ({"url": PUBLIC_URL, "events": ["request.created"], "secret": "mine"}, "secret"),
    ],
)
def test_what_registering_refuses_with_422_naming_the_field(api, body, field):
    response = create(api, api.token("admin"), body)
    error = assert_json_error(response, 422)
    assert field in error["fields"], error
    assert api.audit_count("webhook.create") == 0


def test_a_body_of_the_wrong_type_is_a_bad_request(api):
    token = api.token("admin")
    assert_json_error(create(api, token, {"url": PUBLIC_URL, "events": "request.created"}), 422)
    assert_json_error(api.client.post("/api/v1/webhooks", data="[", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"}), 400)  # fmt: skip


def test_each_sees_and_deletes_its_own_hooks_an_admin_all(api, gallimard):
    legal = api.token("legal", brand=gallimard.slug)
    other_legal = api.token("legal", email="other@example.org", brand=gallimard.slug)
    admin = api.token("admin")
    mine = create(api, legal, {"url": PUBLIC_URL, "events": ["flag.raised"]}).get_json()["id"]
    theirs = create(api, other_legal, {"url": PUBLIC_URL, "events": ["flag.raised"]})
    assert [h["id"] for h in api.get("/api/v1/webhooks", legal).get_json()["items"]] == [mine]
    assert len(api.get("/api/v1/webhooks", admin).get_json()["items"]) == 2
    assert_json_error(api.get(f"/api/v1/webhooks/{mine}", other_legal), 404)
    assert_json_error(api.get(f"/api/v1/webhooks/{mine}/deliveries", other_legal), 404)
    assert_json_error(api.client.delete(f"/api/v1/webhooks/{mine}", headers=api.headers(
        other_legal)), 404)  # fmt: skip
    deleted = api.client.delete(f"/api/v1/webhooks/{mine}", headers=api.headers(legal))
    assert deleted.status_code == 204 and deleted.data == b""
    assert_json_error(api.get(f"/api/v1/webhooks/{mine}", legal), 404)
    by_admin = api.client.delete(
        f"/api/v1/webhooks/{theirs.get_json()['id']}", headers=api.headers(admin)
    )
    assert by_admin.status_code == 204
    assert api.audit_count("webhook.delete") == 2
    for junk in ("0", "abc", "99999999999", str(2**63)):
        assert_json_error(api.get(f"/api/v1/webhooks/{junk}", admin), 404)


def test_a_hooks_deliveries_newest_first_with_status_attempts_and_tries(app, api, gallimard):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    receiver = start_receiver()
    receiver.answers = [500]
    try:
        token = api.token("admin")
        hook = create(api, token, {"url": receiver.url, "events": ["request.created"]})
        hook_id = hook.get_json()["id"]
        make = Factories(app)
        first = make.request(brand=gallimard)  # refused once (500): pending
        second = make.request(
            brand=gallimard,
            handle=make.handle("GallimardLivres", brand_id=gallimard.id),
            proposer=make.user("staff"),
        )
    finally:
        receiver.stop()
    page = api.get(f"/api/v1/webhooks/{hook_id}/deliveries", token).get_json()
    assert page["total"] == 2
    newest, oldest = page["items"]
    assert (newest["event"], newest["status"], newest["attempts"]) == (
        "request.created",
        "delivered",
        1,
    )
    assert newest["last_status_code"] == 200 and newest["delivered_at"]
    assert (oldest["status"], oldest["attempts"], oldest["last_status_code"]) == (
        "pending",
        1,
        500,
    )
    assert oldest["next_attempt_at"] and oldest["last_error"] == "HTTP 500"
    assert [t["status_code"] for t in oldest["tries"]] == [500]
    assert oldest["tries"][0]["duration_ms"] >= 0
    assert {oldest["event_id"], newest["event_id"]} == event_ids(app, first.id, second.id)
    paged = api.get(f"/api/v1/webhooks/{hook_id}/deliveries?per_page=1&page=2", token).get_json()
    assert [d["id"] for d in paged["items"]] == [oldest["id"]]
    assert_json_error(api.get(f"/api/v1/webhooks/{hook_id}/deliveries?status=x", token), 400)


def event_ids(app, *request_ids):
    with app.app_context():
        return set(
            db.session().exec(
                select(Event.id).where(
                    col(Event.request_id).in_(request_ids), Event.kind == "request.created"
                )
            )
        )
