"""The OpenAPI document describes every API route, and is a valid OpenAPI 3.1 document."""

import re

from openapi_spec_validator import validate

HIDDEN_METHODS = {"HEAD", "OPTIONS"}


def api_routes(app) -> set[tuple[str, str]]:
    """(METHOD, /path/{param}) for every rule under /api/v1, as OpenAPI writes paths."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        routes |= {(method, path) for method in rule.methods - HIDDEN_METHODS}
    return routes


def test_every_api_route_is_described(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    described = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    routes = api_routes(app)
    assert ("GET", "/api/v1/handles/{platform}/{handle}") in routes
    assert routes == described


def test_the_document_is_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_the_document_declares_bearer_auth_and_json_errors(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from the profile page or `create-token`.",
    }
    assert document["components"]["schemas"]["Error"]["required"] == ["error"]
    create = document["paths"]["/api/v1/handles"]["post"]
    assert create["security"] == [{"bearerAuth": []}]
    assert {"201", "401", "403", "409", "422"} <= set(create["responses"])
    lookup = document["paths"]["/api/v1/handles/{platform}/{handle}"]["get"]
    assert {} in lookup["security"]  # public


def test_operations_state_the_permission_their_view_declares(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    for operations in document["paths"].values():
        for operation in operations.values():
            view = app.view_functions[f"api.{operation['operationId']}"]
            assert operation["x-permission"] == view.required_permission


def test_private_fields_are_documented_only_on_private_models(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "holder_contact" not in schemas["HandlePublic"]["properties"]
    assert "holder_contact" not in schemas["CustodyPublic"]["properties"]
    assert "holder_contact" in schemas["HandlePrivate"]["properties"]
