"""GET /api/v1/handles/<platform>/<handle>/lookalikes: DESIGN's items, JSON errors."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.api.conftest import assert_json_error

ITEM_FIELDS = {"platform", "handle", "normalized", "brand", "holder_kind", "status", "reasons"}


@pytest.fixture
def scene(make):
    brand = make.brand("Nespresso")
    make.handle("Nespresso", brand_id=brand.id, holder_kind="brand")
    make.handle("nespresso_pro", brand_id=brand.id, holder_kind="brand")
    make.handle("nespress0", holder_kind="squatter", holder_name="Capsules Gratuites")
    make.handle("nespressso", platform="instagram", holder_kind="squatter", status="for_sale")
    return brand


def test_the_lookalikes_of_a_handle_in_design_s_shape(client, scene):
    response = client.get("/api/v1/handles/x/@Nespresso/lookalikes")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["platform"], body["normalized"], body["in_registry"]) == ("x", "nespresso", True)
    assert body["items"] == [
        {
            "platform": "x",
            "handle": "nespress0",
            "normalized": "nespress0",
            "brand": None,
            "holder_kind": "squatter",
            "status": "active",
            "reasons": ["confusable"],
        }
    ]
    assert [item["handle"] for item in body["related"]] == ["nespresso_pro"]
    assert all(set(item) == ITEM_FIELDS for item in body["items"] + body["related"])
    assert "Capsules" not in response.text  # no holder's name


def test_every_platform_and_a_handle_not_in_the_registry(client, scene):
    url = "/api/v1/handles/x/" + quote("https://x.com/nespresso_shop", safe="") + "/lookalikes"
    body = client.get(url + "?scope=all").get_json()
    assert body["in_registry"] is False and body["related"] == []
    found = {(item["platform"], item["handle"]): item["reasons"] for item in body["items"]}
    assert found[("x", "Nespresso")] == ["affix"]
    # A word added keeps its doubled letters: "nespressso" is two steps from "nespresso_shop".
    assert ("instagram", "nespressso") not in found
    assert found[("x", "nespress0")] == ["confusable", "affix"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/handles/myspace/nespresso/lookalikes", 404),
        ("/api/v1/handles/x/nes%20presso/lookalikes", 422),
        ("/api/v1/handles/x/nespresso/lookalikes?scope=world", 400),
        ("/api/v1/handles/x/nespresso/lookalikes?sort=name", 400),
    ],
)
def test_refusals_are_json(client, scene, url, status):
    assert_json_error(client.get(url), status)


def test_the_route_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/handles/{platform}/{handle}/lookalikes"]["get"]
    assert operation["operationId"] == "handle_lookalikes"
    item = document["components"]["schemas"]["LookalikeOut"]
    assert set(item["properties"]) == ITEM_FIELDS
