"""Where the OpenAPI document and the app disagreed (found by schemathesis, issue 25): each
one fixed in the app or in the document, and checked here on its own."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import assert_json_error

METHODS = ("get", "post", "patch", "put", "delete")


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_every_operation_documents_401_for_a_bad_token(document):
    missing = [name for name, op in operations(document) if "401" not in op["responses"]]
    assert missing == []


def test_a_bad_token_on_a_public_operation_is_that_401(api, document):
    response = api.get("/api/v1/handles", "not-a-token")
    assert_json_error(response, 401)
    assert "401" in document["paths"]["/api/v1/handles"]["get"]["responses"]


def test_every_operation_with_a_body_documents_its_refusals(document):
    with_body = {name: op for name, op in operations(document) if "requestBody" in op}
    assert len(with_body) >= 8
    for name, operation in with_body.items():
        documented = set(operation["responses"])
        assert {"400", "401", "409", "413", "415", "422"} <= documented, name


def test_patch_on_the_read_only_lookalikes_is_405(api, make, document):
    make.handle("Gallimard")
    url = "/api/v1/handles/x/Gallimard/lookalikes"
    response = api.client.patch(url, json={"notes": "x"}, headers=api.headers(api.token("staff")))
    assert_json_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "PATCH" not in api.client.options(url).headers["Allow"]
    assert set(document["paths"]["/api/v1/handles/{platform}/{handle}/lookalikes"]) == {"get"}


def test_a_handle_is_still_changed_and_read_by_any_spelling(api, make):
    make.handle("Gallimard")
    token = api.token("staff")
    response = api.client.patch(
        "/api/v1/handles/x/https%3A%2F%2Fx.com%2FGallimard",
        json={"notes": "Publisher"},
        headers=api.headers(token),
    )
    assert response.status_code == 200, response.text
    assert api.get("/api/v1/handles/x/https://x.com/gallimard").get_json()["notes"] == "Publisher"


@pytest.mark.parametrize("query", ["to=", "from=", "from=2026-01-01&to="])
def test_an_empty_period_bound_is_400(api, make, query):
    make.brand("Gallimard")
    response = api.get(f"/api/v1/brands/gallimard/responsiveness?{query}")
    body = assert_json_error(response, 400)
    assert set(body["fields"]) <= {"from", "to"} and body["fields"]


def test_dates_in_the_document_state_the_registry_years(document):
    schemas = document["components"]["schemas"]
    day_schemas = [
        parameter["schema"]
        for _name, op in operations(document)
        for parameter in op.get("parameters", ())
        if parameter["name"] in ("as_of", "from", "to")
    ]
    for model, field in (("HandleCreate", "followers_seen_on"), ("RequestCreate", "opened_on")):
        (day,) = [s for s in schemas[model]["properties"][field]["anyOf"] if "format" in s]
        day_schemas.append(day)
    assert len(day_schemas) >= 6
    for schema in day_schemas:
        assert schema["format"] == "date"
        pattern = re.compile(schema["pattern"])
        assert pattern.search("1900-01-01") and pattern.search("2100-12-31")
        assert not pattern.search("1899-12-31") and not pattern.search("2101-01-01")
        assert not pattern.search("0956-04-30")


def test_out_of_range_days_are_refused_as_the_document_says(api, make):
    request = make.request()
    response = api.get(f"/api/v1/requests/{request.id}?as_of=0956-04-30", api.token("staff"))
    assert_json_error(response, 400)


def test_bodies_list_the_platforms(document):
    schemas = document["components"]["schemas"]
    platforms = schemas["HandleCreate"]["properties"]["platform"]["enum"]
    assert {"x", "instagram", "youtube"} <= set(platforms)
    assert schemas["RequestCreate"]["properties"]["platform"]["enum"] == ["", *platforms]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/handles?brand=nobody", "brand"),
        ("/api/v1/requests?brand=nobody", "brand"),
        ("/api/v1/requests?flag=overdue&state=completed", "state"),
    ],
)
def test_a_well_formed_filter_the_registry_refuses_is_422_not_400(api, url, field, document):
    body = assert_json_error(api.get(url, api.token("staff")), 422)
    assert field in body["fields"]
    path = url.split("?")[0]
    assert "422" in document["paths"][path]["get"]["responses"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/handles/x/Gallimard/lookalikes?scope=",
        "/api/v1/handles?platform=",
        "/api/v1/handles?status=",
        "/api/v1/requests?flag=",
        "/api/v1/requests?state=",
        "/api/v1/requests?brand=",  # found by schemathesis: read as "any brand", 200
        "/api/v1/handles?brand=",
    ],
)
def test_an_empty_choice_is_400_as_the_document_lists_its_values(api, make, url):
    make.handle("Gallimard")
    parameter = url.rsplit("?", 1)[1].rstrip("=")
    body = assert_json_error(api.get(url, api.token("staff")), 400)
    assert set(body["fields"]) == {parameter}


def test_free_text_parameters_state_what_any_address_refuses(api, document):
    texts = [
        (parameter["in"], parameter["name"], parameter["schema"])
        for _name, op in operations(document)
        for parameter in op.get("parameters", ())
        if parameter["in"] in ("query", "path")
        and parameter["schema"].get("type") == "string"
        and not {"enum", "format"} & set(parameter["schema"])
    ]
    assert {("query", "brand"), ("query", "q"), ("path", "handle"), ("path", "slug")} <= {
        (where, name) for where, name, _schema in texts
    }
    for where, name, schema in texts:
        assert not re.search(schema["pattern"], "a\x00b"), name
        assert re.search(schema["pattern"], "Gallimard"), name
        if where == "query":
            assert schema["maxLength"] == (200 if name == "q" else 2000), name
    assert_json_error(api.get("/api/v1/requests?brand=a%00b", api.token("staff")), 400)


def test_created_rows_link_to_the_operations_on_them(document):
    operation_ids = {op["operationId"] for _name, op in operations(document)}
    created = {
        name: op["responses"]["201"].get("links", {})
        for name, op in operations(document)
        if name in ("POST /api/v1/handles", "POST /api/v1/requests", "POST /api/v1/brands")
    }
    assert all(created.values()), created
    for links in created.values():
        assert {link["operationId"] for link in links.values()} <= operation_ids
    assert "handover_schedule" in created["POST /api/v1/requests"]
