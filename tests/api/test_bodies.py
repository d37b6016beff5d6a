"""What a body must be: JSON declared as JSON (415 otherwise), and its dates ISO 8601 texts
(400 otherwise), on every operation that reads one."""

from __future__ import annotations

import pytest

from registry.adapters.models import ContactAttempt, TransferRequest
from tests.api.conftest import assert_json_error
from tests.api.test_requests import count, load

ATTEMPT = {"direction": "outbound", "channel": "email", "outcome": "no_answer"}


@pytest.mark.parametrize(
    "value",
    [0, -2208988800, 1.5e9, "0", "1700000000", True, ["2026-03-03"], "3 March 2026", "yesterday"],
)
def test_happened_at_is_an_iso_text_or_400(api, app, make, value):
    request = make.request()
    opened_on = load(app, TransferRequest, request.id).opened_on
    attempts = count(app, ContactAttempt)
    response = api.post(
        f"/api/v1/requests/{request.id}/attempts",
        {**ATTEMPT, "happened_at": value},
        api.token("staff"),
    )
    body = assert_json_error(response, 400)
    assert set(body["fields"]) == {"happened_at"}
    assert "ISO 8601" in body["fields"]["happened_at"]
    assert count(app, ContactAttempt) == attempts  # nothing logged, nothing moved
    assert load(app, TransferRequest, request.id).opened_on == opened_on


@pytest.mark.parametrize("value", ["2026-03-03T10:00:00Z", "2026-03-03t10:00:00z", "2026-03-03"])
def test_happened_at_as_iso_text_is_read(api, make, value):
    request = make.request()
    response = api.post(
        f"/api/v1/requests/{request.id}/attempts",
        {**ATTEMPT, "happened_at": value},
        api.token("staff"),
    )
    assert response.status_code == 201, response.text
    assert response.get_json()["happened_at"].startswith("2026-03-03T")


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (
            "/api/v1/handles",
            {"platform": "x", "handle": "Flammarion", "followers": 3},
            "followers_seen_on",
        ),
        ("/api/v1/requests", {"platform": "x", "handle": "Flammarion"}, "opened_on"),
        ("/api/v1/requests/{id}/handover", {}, "window_start"),
    ],
)
@pytest.mark.parametrize("value", [1780000000, "1780000000", "tomorrow", "last week"])
def test_every_date_field_refuses_a_number(api, make, url, body, field, value):
    request = make.request()
    response = api.post(url.format(id=request.id), {**body, field: value}, api.token("staff"))
    assert assert_json_error(response, 400)["fields"].keys() == {field}


def test_followers_seen_on_in_a_patch_refuses_a_number(api, make):
    make.handle("Gallimard")
    response = api.client.patch(
        "/api/v1/handles/x/Gallimard",
        json={"followers": 3, "followers_seen_on": 20260101},
        headers=api.headers(api.token("staff")),
    )
    assert assert_json_error(response, 400)["fields"].keys() == {"followers_seen_on"}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/handles"),
        ("patch", "/api/v1/handles/x/Gallimard"),
        ("post", "/api/v1/requests"),
        ("post", "/api/v1/requests/{id}/attempts"),
        ("post", "/api/v1/requests/{id}/transition"),
        ("post", "/api/v1/requests/{id}/handover"),
        ("post", "/api/v1/requests/{id}/handover/confirm"),
        ("post", "/api/v1/requests/{id}/handover/outcome"),
        ("post", "/api/v1/brands"),
    ],
)
def test_a_body_not_declared_json_is_415(api, app, make, method, url, content_type):
    request = make.request()
    requests = count(app, TransferRequest)
    headers = api.headers(api.token("staff"))
    if content_type is None:  # werkzeug's test client sets none for raw bytes
        response = api.client.open(
            url.format(id=request.id),
            method=method.upper(),
            data=b'{"to": "withdrawn"}',
            headers=headers,
        )
    else:
        response = api.client.open(
            url.format(id=request.id),
            method=method.upper(),
            data='{"to": "withdrawn"}',
            content_type=content_type,
            headers=headers,
        )
    assert "Content-Type: application/json" in assert_json_error(response, 415)["error"]
    assert count(app, TransferRequest) == requests
    assert load(app, TransferRequest, request.id).state == request.state


@pytest.mark.parametrize("content_type", ["application/json", "application/merge-patch+json"])
def test_json_and_its_suffix_types_are_read(api, content_type):
    response = api.client.post(
        "/api/v1/handles",
        data='{"platform": "x", "handle": "Flammarion"}',
        content_type=content_type,
        headers=api.headers(api.token("staff")),
    )
    assert response.status_code == 201, response.text


def test_reads_without_a_body_need_no_content_type(api, make):
    make.handle("Gallimard")
    plain = {"Content-Type": "text/plain"}
    assert api.client.get("/api/v1/handles/x/Gallimard", headers=plain).status_code == 200
    assert api.get("/api/v1/handles").status_code == 200
