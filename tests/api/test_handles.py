"""GET/POST /api/v1/handles: search, look-up in any spelling, add; private fields kept private."""

from urllib.parse import quote

import pytest
from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import Handle
from tests.api.conftest import assert_json_error

PUBLIC_FIELDS = {
    "id",
    "holder_verified",
    "platform",
    "handle",
    "normalized",
    "url",
    "collectible",
    "brand",
    "holder_kind",
    "holder_name",
    "status",
    "followers",
    "followers_seen_on",
    "notes",
}
PRIVATE_FIELDS = {"holder_contact", "private_notes"}


@pytest.fixture
def gallimard(make):
    brand = make.brand("Gallimard")
    return make.handle(
        "Gallimard",
        brand_id=brand.id,
        holder_kind="fan",
        holder_name="Julien",
        holder_contact="julien@example.org",
        private_notes="Wants a signed book.",
        followers=1500,
        notes="Registered by a fan.",
    )


def handle_count(app) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(Handle)).one()


# --- the list ------------------------------------------------------------------------------


def test_the_list_answers_public_handle_objects(api, gallimard):
    body = api.get("/api/v1/handles").get_json()
    assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)
    (item,) = body["items"]
    assert set(item) == PUBLIC_FIELDS
    assert item["brand"] == "gallimard" and item["url"] == "https://x.com/Gallimard"
    assert (item["handle"], item["normalized"], item["followers"]) == (
        "Gallimard",
        "gallimard",
        1500,
    )
    assert item["followers_seen_on"] == "2024-01-15"


@pytest.mark.parametrize("role", ["staff", "legal", "admin"])
def test_private_fields_only_for_accounts_that_see_private_data(api, gallimard, role):
    (item,) = api.get("/api/v1/handles", api.token(role)).get_json()["items"]
    assert set(item) == PUBLIC_FIELDS | PRIVATE_FIELDS
    assert item["holder_contact"] == "julien@example.org"
    detail = api.get("/api/v1/handles/x/Gallimard", api.token(role, email="again@example.org"))
    assert detail.get_json()["custody"][0]["holder_contact"] == "julien@example.org"


def test_visitors_never_see_private_fields(api, gallimard):
    detail = api.get("/api/v1/handles/x/Gallimard")
    assert "julien@example.org" not in detail.text and "signed book" not in detail.text
    assert set(detail.get_json()) == PUBLIC_FIELDS | {"custody", "followers_history"}
    assert "holder_contact" not in detail.get_json()["custody"][0]
    assert "julien@example.org" not in api.get("/api/v1/handles").text


def test_the_list_is_paginated(api, make):
    for name in ("Alpha", "Bravo", "Charlie", "Delta", "Echo"):
        make.handle(name)
    body = api.get("/api/v1/handles?per_page=2&page=3").get_json()
    assert (body["total"], body["pages"], body["page"], body["per_page"]) == (5, 3, 3, 2)
    assert [i["handle"] for i in body["items"]] == ["Echo"]
    assert api.get("/api/v1/handles?per_page=2&page=9").get_json()["items"] == []
    assert api.get("/api/v1/handles?per_page=100").get_json()["per_page"] == 100


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("platform=myspace", "platform"),
        ("holder_kind=alien", "holder_kind"),
        ("status=asleep", "status"),
        ("platfrom=x", "platfrom"),
    ],
)
def test_bad_query_parameters_are_400_with_the_parameter_named(api, query, field):
    body = assert_json_error(api.get(f"/api/v1/handles?{query}"), 400)
    assert field in body["fields"]


def test_the_list_filters(api, make, gallimard):
    nespresso = make.brand("Nespresso")
    make.handle("Nespresso", platform="instagram", brand_id=nespresso.id, status="dormant")
    make.handle("Cochonou", platform="facebook", holder_kind="squatter")

    def handles(query: str) -> list[str]:
        return sorted(i["handle"] for i in api.get(f"/api/v1/handles?{query}").get_json()["items"])

    assert handles("platform=instagram") == ["Nespresso"]
    assert handles("brand=gallimard") == ["Gallimard"]
    assert handles("holder_kind=squatter") == ["Cochonou"]
    assert handles("status=dormant") == ["Nespresso"]
    assert handles("q=nesp") == ["Nespresso"]
    assert handles("q=julien") == ["Gallimard"]  # the holder's name
    assert handles("platform=x&holder_kind=fan") == ["Gallimard"]


# --- one handle ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "Gallimard",
        "gallimard",
        "GALLIMARD",
        "@Gallimard",
        quote("@Gallimard"),
        quote("https://x.com/Gallimard", safe=""),
        quote("https://mobile.twitter.com/Gallimard?lang=fr", safe=""),
        "https://twitter.com/gallimard",
    ],
)
def test_any_spelling_finds_the_same_handle(api, gallimard, spelling):
    response = api.get(f"/api/v1/handles/x/{spelling}")
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert (body["id"], body["handle"]) == (gallimard.id, "Gallimard")
    assert body["custody"][0]["holder_kind"] == "fan"


def test_a_handle_not_in_the_registry_is_404_with_its_normalised_form(api):
    body = assert_json_error(api.get("/api/v1/handles/x/@Flammarion"), 404)
    assert body["normalized"] == "flammarion"
    assert body["url"] == "https://x.com/Flammarion"
    assert body["platform"] == "x" and "not in the registry" in body["error"]


def test_a_fediverse_address_in_the_path(api, make):
    make.handle("gallimard@mastodon.social", platform="mastodon")
    body = api.get("/api/v1/handles/mastodon/@Gallimard@Mastodon.social").get_json()
    assert body["url"] == "https://mastodon.social/@gallimard"


def test_an_invalid_handle_is_422(api):
    body = assert_json_error(api.get("/api/v1/handles/x/Galli-mard!"), 422)
    assert "handle" in body["fields"]


def test_an_unknown_platform_is_404(api):
    body = assert_json_error(api.get("/api/v1/handles/myspace/gallimard"), 404)
    assert "platform" in body["fields"]


# --- adding one ----------------------------------------------------------------------------


def test_staff_add_a_handle(api, app, make):
    make.brand("Flammarion")
    token = api.token("staff")
    response = api.post(
        "/api/v1/handles",
        {
            "platform": "x",
            "handle": "https://x.com/Flammarion",
            "brand": "flammarion",
            "holder_kind": "squatter",
            "holder_name": "A reseller",
            "holder_contact": "reseller@example.org",
            "status": "for_sale",
            "followers": 3200,
            "notes": "Offered on a marketplace.",
        },
        token,
    )
    assert response.status_code == 201, response.text
    body = response.get_json()
    assert response.headers["Location"] == "/api/v1/handles/x/Flammarion"
    assert (body["handle"], body["brand"], body["status"]) == (
        "Flammarion",
        "flammarion",
        "for_sale",
    )
    assert body["holder_contact"] == "reseller@example.org"
    assert body["custody"][0]["holder_name"] == "A reseller"
    assert api.get(response.headers["Location"]).get_json()["id"] == body["id"]
    assert api.audit_count("handle.create") == 1


def test_a_duplicate_in_another_spelling_is_409(api, app, gallimard):
    body = assert_json_error(
        api.post("/api/v1/handles", {"platform": "x", "handle": "@GALLIMARD"}, api.token()), 409
    )
    assert "already in the registry" in body["error"] and "handle" in body["fields"]
    assert handle_count(app) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"handle": "Galli mard"}, "handle"),
        ({"platform": "myspace"}, "platform"),
        ({"holder_kind": "alien"}, "holder_kind"),
        ({"status": "asleep"}, "status"),
        ({"brand": "nobody"}, "brand"),
        ({"followers": -5}, "followers"),
        ({"holder_name": "x" * 121}, "holder_name"),
    ],
)
def test_invalid_handles_are_422_and_change_nothing(api, app, changes, field):
    body = assert_json_error(
        api.post(
            "/api/v1/handles", {"platform": "x", "handle": "Flammarion", **changes}, api.token()
        ),
        422,
    )
    assert field in body["fields"], body
    assert handle_count(app) == 0
    assert api.audit_count("handle.create") == 0


# --- one record per name, however it is written (issue 25) ---------------------------------

FULLWIDTH_GALLIMARD = "\uff27\uff41\uff4c\uff4c\uff49\uff4d\uff41\uff52\uff44"


@pytest.mark.parametrize(
    "spelling", [FULLWIDTH_GALLIMARD, "galli\u200bmard", "Galli\ufe0fmard", "gallimard\U000e0100"]
)
def test_a_youtube_handle_written_with_invisible_or_fullwidth_characters_is_a_409(
    api, app, spelling
):
    token = api.token()
    first = api.post("/api/v1/handles", {"platform": "youtube", "handle": "gallimard"}, token)
    assert first.status_code == 201, first.text
    body = assert_json_error(
        api.post("/api/v1/handles", {"platform": "youtube", "handle": spelling}, token), 409
    )
    assert "already in the registry" in body["error"] and "handle" in body["fields"]
    assert handle_count(app) == 1


def test_the_fullwidth_spelling_is_recorded_as_the_letters_it_shows(api, app):
    created = api.post(
        "/api/v1/handles", {"platform": "youtube", "handle": FULLWIDTH_GALLIMARD}, api.token()
    )
    assert created.status_code == 201, created.text
    body = created.get_json()
    assert (body["handle"], body["normalized"]) == ("Gallimard", "gallimard")
    assert body["url"] == "https://www.youtube.com/@Gallimard"
    found = api.get("/api/v1/handles/youtube/" + quote("galli\u034fmard"))
    assert found.status_code == 200 and found.get_json()["id"] == body["id"]


def test_a_handle_still_not_allowed_after_folding_is_422(api, app):
    body = assert_json_error(
        api.post(
            "/api/v1/handles", {"platform": "youtube", "handle": "Gallimard\U0001f4da"}, api.token()
        ),
        422,
    )
    assert "may only contain" in body["fields"]["handle"]
    assert handle_count(app) == 0


def test_a_telegram_collectible_username_is_marked_collectible(api, make):
    make.handle("meta", platform="telegram")
    make.handle("gallimard", platform="telegram")
    assert api.get("/api/v1/handles/telegram/@Meta").get_json()["collectible"] is True
    assert api.get("/api/v1/handles/telegram/gallimard").get_json()["collectible"] is False
    listed = api.get("/api/v1/handles?platform=telegram").get_json()["items"]
    assert {item["normalized"]: item["collectible"] for item in listed} == {
        "meta": True,
        "gallimard": False,
    }


def test_a_facebook_link_on_a_locale_host_is_added(api):
    created = api.post(
        "/api/v1/handles",
        {"platform": "facebook", "handle": "https://it.facebook.com/Gallimard"},
        api.token(),
    )
    assert created.status_code == 201, created.text
    assert created.get_json()["normalized"] == "gallimard"


# --- followers over time (DESIGN.md "Evidence") ------------------------------------------------


def patch_handle(api, body, token):
    return api.client.patch("/api/v1/handles/x/Gallimard", json=body, headers=api.headers(token))


def test_each_new_follower_count_is_kept_oldest_first(api, gallimard):
    token = api.token("staff")
    detail = api.get("/api/v1/handles/x/Gallimard").get_json()
    assert detail["followers_history"] == [{"count": 1500, "seen_on": "2024-01-15"}]
    answer = patch_handle(api, {"followers": 1800, "followers_seen_on": "2024-06-01"}, token)
    assert answer.status_code == 200, answer.text
    # A count seen earlier, given afterwards, takes its place by its day.
    patch_handle(api, {"followers": 1650, "followers_seen_on": "2024-03-01"}, token)
    history = api.get("/api/v1/handles/x/Gallimard").get_json()["followers_history"]
    assert history == [
        {"count": 1500, "seen_on": "2024-01-15"},
        {"count": 1650, "seen_on": "2024-03-01"},
        {"count": 1800, "seen_on": "2024-06-01"},
    ]


def test_the_same_count_on_the_same_day_is_one_entry(api, gallimard):
    token = api.token("staff")
    for _ in range(2):
        answer = patch_handle(api, {"followers": 1800, "followers_seen_on": "2024-06-01"}, token)
        assert answer.status_code == 200, answer.text
    patch_handle(api, {"notes": "Still 1,800."}, token)  # followers not given: nothing kept
    history = api.get("/api/v1/handles/x/Gallimard").get_json()["followers_history"]
    assert [entry["count"] for entry in history] == [1500, 1800]


def test_a_count_given_without_its_day_was_seen_today(api, gallimard):
    answer = patch_handle(api, {"followers": 2000}, api.token("staff"))
    body = answer.get_json()
    assert body["followers_seen_on"] == body["followers_history"][-1]["seen_on"]
    assert body["followers_seen_on"] != "2024-01-15"
    assert body["followers_history"][-1]["count"] == 2000


def test_the_openapi_document_describes_the_followers_history(api):
    schemas = api.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for model in ("HandleDetailPublic", "HandleDetailPrivate"):
        assert "followers_history" in schemas[model]["required"]
        assert schemas[model]["properties"]["followers_history"]["type"] == "array"
    assert set(schemas["FollowersSeen"]["properties"]) == {"count", "seen_on"}
