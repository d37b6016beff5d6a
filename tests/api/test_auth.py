"""Who may call what, and how the API says no: JSON errors only, bearer tokens only."""

import pytest

from registry.domain.permissions import PUBLIC
from registry.presentation.access import requires
from tests.api.conftest import assert_json_error

NEW_HANDLE = {"platform": "x", "handle": "Flammarion"}


def test_no_token_on_a_protected_endpoint_is_401_with_a_bearer_challenge(api):
    response = api.get("/api/v1/requests")
    body = assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in body["error"]


@pytest.mark.parametrize(
    "header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-token", "Token abc", ""]
)
def test_a_bad_authorization_header_is_401_even_on_public_endpoints(client, header):
    response = client.get("/api/v1/handles", headers={"Authorization": header})
    assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_public_reads_need_no_token(api, make):
    make.handle("Gallimard")
    response = api.get("/api/v1/handles")
    assert response.status_code == 200 and response.get_json()["total"] == 1
    assert api.get("/api/v1/handles/x/gallimard").status_code == 200
    assert api.get("/api/v1/openapi.json").status_code == 200


def test_the_session_cookie_alone_does_not_authenticate_the_api(client, auth, make):
    make.handle("Gallimard", holder_contact="julien@example.org")
    auth.login("admin")
    assert client.get("/me").status_code == 200  # signed in on the site
    assert_json_error(client.post("/api/v1/handles", json=NEW_HANDLE), 401)
    assert_json_error(client.get("/api/v1/requests"), 401)
    handle = client.get("/api/v1/handles/x/Gallimard").get_json()
    assert "holder_contact" not in handle


def test_the_api_needs_no_csrf_token(app, api):
    app.config["WTF_CSRF_ENABLED"] = True
    token = api.token("staff")
    response = api.post("/api/v1/handles", NEW_HANDLE, token)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("fan", 401), ("legal", 403), ("staff", 201), ("admin", 201)]
)
def test_who_may_add_a_handle(api, role, status):
    token = None
    if role == "fan":
        token = api.raw_token("fan")  # the site never gives fans a token
    elif role:
        token = api.token(role)
    response = api.post("/api/v1/handles", NEW_HANDLE, token)
    assert response.status_code == status, response.text


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("fan", 401), ("legal", 200), ("staff", 200), ("admin", 200)]
)
def test_who_may_list_requests(api, role, status):
    token = api.raw_token("fan") if role == "fan" else api.token(role) if role else None
    assert api.get("/api/v1/requests", token).status_code == status


def test_an_endpoint_without_a_declared_permission_answers_403(app, api):
    app.add_url_rule("/api/v1/undeclared", endpoint="api.undeclared", view_func=lambda: "open")
    assert_json_error(api.get("/api/v1/undeclared", api.token("admin")), 403)
    assert_json_error(api.get("/api/v1/undeclared"), 403)


# --- errors are JSON -----------------------------------------------------------------------


def test_an_unknown_api_address_is_a_json_404(api):
    assert_json_error(api.get("/api/v1/nothing"), 404)
    assert_json_error(api.get("/api/v1/nothing", api.token("staff")), 404)


def test_a_wrong_method_is_a_json_405(api):
    assert_json_error(api.client.delete("/api/v1/handles"), 405)
    assert_json_error(api.client.put("/api/v1/requests/1/transition"), 405)


def test_an_unexpected_error_is_a_json_500_without_a_trace(app, api):
    def broken():
        raise RuntimeError("secret internals")

    app.add_url_rule("/api/v1/broken", endpoint="api.broken", view_func=requires(PUBLIC)(broken))
    response = api.get("/api/v1/broken")
    body = assert_json_error(response, 500)
    assert "secret internals" not in response.text
    assert body == {"error": "Something went wrong on our side. The error was logged."}


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('"a string"', "application/json"),
        ("", "application/json"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(api, data, content_type):
    response = api.client.post(
        "/api/v1/handles",
        data=data,
        content_type=content_type,
        headers=api.headers(api.token("staff")),
    )
    assert_json_error(response, 400)


def test_a_json_body_without_its_content_type_is_415(api):
    response = api.client.post(
        "/api/v1/handles",
        data='{"platform": "x", "handle": "Flammarion"}',
        content_type="application/x-www-form-urlencoded",
        headers=api.headers(api.token("staff")),
    )
    assert_json_error(response, 415)


def test_unknown_and_mistyped_fields_are_422_with_fields(api):
    token = api.token("staff")
    body = assert_json_error(
        api.post("/api/v1/handles", {**NEW_HANDLE, "holder": "Julien"}, token), 422
    )
    assert body["fields"] == {"holder": "Unknown field."}
    body = assert_json_error(
        api.post("/api/v1/handles", {"platform": "x", "handle": 42, "followers": "many"}, token),
        422,
    )
    assert set(body["fields"]) == {"handle", "followers"}
    body = assert_json_error(api.post("/api/v1/handles", {"platform": "x"}, token), 422)
    assert body["fields"] == {"handle": "Field required."}


def test_html_pages_are_unaffected(client):
    response = client.get("/nothing-here")
    assert response.status_code == 404 and response.mimetype == "text/html"
