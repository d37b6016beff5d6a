"""Brands and their contact points."""

from html import unescape

from sqlmodel import func, select

from registry import db
from registry.models import Brand, ContactPoint


def test_staff_creates_a_brand_with_a_slug_from_its_name(client, auth, app):
    auth.login("staff")
    response = client.post(
        "/brands/new",
        data={"name": "Éditions Gallimard", "country": "fr", "timezone": "Europe/Paris"},
    )
    assert response.status_code == 302 and response.location == "/brands/editions-gallimard"
    with app.app_context():
        brand = db.session().exec(select(Brand)).one()
    assert brand.country == "FR"


def test_unknown_country_and_duplicate_slug_are_refused(client, auth, app, make):
    make.brand("Gallimard")
    auth.login("staff")
    response = client.post(
        "/brands/new", data={"name": "Other", "country": "ZZ", "timezone": "UTC"}
    )
    assert response.status_code == 422
    assert 'Unknown country code "ZZ"' in unescape(response.text)
    response = client.post(
        "/brands/new", data={"name": "Other", "country": "FR", "timezone": "Mars/Base"}
    )
    assert response.status_code == 422 and "Unknown time zone" in unescape(response.text)
    response = client.post(
        "/brands/new", data={"name": "Gallimard", "country": "FR", "timezone": "UTC"}
    )
    assert response.status_code == 422 and "already used by Gallimard" in response.text
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(Brand)).one() == 1


def test_contact_points_are_added_and_listed(client, auth, app, make):
    make.brand("Gallimard")
    auth.login("staff")
    response = client.post(
        "/brands/gallimard/contacts",
        data={
            "kind": "web_form",
            "label": "Contact form",
            "value": "https://www.gallimard.fr/contact",
        },
    )
    assert response.status_code == 302
    assert "https://www.gallimard.fr/contact" in client.get("/brands/gallimard").text
    client.post("/brands/gallimard/contacts", data={"kind": "phone", "value": ""})
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(ContactPoint)).one() == 1


def test_unknown_brand_is_a_404(client):
    assert client.get("/brands/nobody").status_code == 404
