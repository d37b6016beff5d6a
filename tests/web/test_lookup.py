"""The public lookup: any spelling the platform treats as equal finds the same handle."""

import pytest


@pytest.fixture
def gallimard(make):
    brand = make.brand("Gallimard")
    return make.handle("Gallimard", brand_id=brand.id, holder_kind="fan", holder_name="Julien")


@pytest.mark.parametrize(
    "spelling", ["@Gallimard", "gallimard", "https://x.com/Gallimard", "twitter.com/GALLIMARD/"]
)
def test_lookup_finds_the_same_handle_for_every_spelling(client, gallimard, spelling):
    response = client.get("/lookup", query_string={"platform": "x", "handle": spelling})
    assert response.status_code == 200
    assert "@Gallimard" in response.text
    assert "Julien" in response.text
    assert f"/handles/{gallimard.id}" in response.text
    assert "not in the registry" not in response.text


def test_lookup_of_an_unknown_handle_gives_normalised_form_and_profile_url(client):
    response = client.get("/lookup", query_string={"platform": "x", "handle": "@Flammarion"})
    assert response.status_code == 200
    assert "not in the registry" in response.text
    assert "<code>flammarion</code>" in response.text
    assert "https://x.com/Flammarion" in response.text


def test_lookup_of_an_invalid_handle_explains_the_rule(client):
    response = client.get("/lookup", query_string={"platform": "x", "handle": "a" * 16})
    assert response.status_code == 422
    assert "at most 15 characters" in response.text


def test_lookup_on_an_unknown_platform_says_so(client):
    response = client.get("/lookup", query_string={"platform": "myspace", "handle": "tom"})
    assert response.status_code == 422
    assert "Unknown platform" in response.text


def test_lookup_does_not_show_private_contact_to_visitors(client, make):
    make.handle("Gallimard", holder_kind="fan", holder_contact="julien@example.org")
    response = client.get("/lookup", query_string={"platform": "x", "handle": "gallimard"})
    assert "julien@example.org" not in response.text


def test_home_page_has_a_search_box(client, gallimard):
    response = client.get("/")
    assert response.status_code == 200
    assert 'action="/lookup"' in response.text
    assert "@Gallimard" in response.text
