"""Brands and their contact points."""

from datetime import date
from html import unescape

import pytest
from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import Brand, ContactPoint
from tests.factories import context


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


def test_a_slug_or_website_longer_than_its_column_is_refused_and_nothing_is_saved(
    client, auth, app
):
    """A 120-letter name makes a 120-character slug, and a URL may run to 5,000 characters:
    both columns are shorter (PostgreSQL refuses what does not fit), so the form says so."""
    auth.login("staff")
    long_name = client.post(
        "/brands/new", data={"name": "G" * 120, "country": "FR", "timezone": "Europe/Paris"}
    )
    assert long_name.status_code == 422
    assert "at most 64" in unescape(long_name.text)
    long_site = client.post(
        "/brands/new",
        data={
            "name": "Gallimard",
            "country": "FR",
            "timezone": "Europe/Paris",
            "website": "https://www.gallimard.fr/" + "a" * 300,
        },
    )
    assert long_site.status_code == 422
    assert "longer than 255 characters" in unescape(long_site.text)  # the form says it first
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(Brand)).one() == 0


def test_the_brand_use_case_bounds_website_and_slug_to_their_columns(app):
    import pytest

    from registry.services import Invalid, brands

    with app.app_context():
        session = db.session()
        with pytest.raises(Invalid) as too_long:
            brands.create_brand(context(), name="Gallimard", website="https://" + "a" * 250)
        assert too_long.value.field == "website" and "at most 255" in str(too_long.value)
        with pytest.raises(Invalid) as slug:
            brands.create_brand(context(), name="G" * 120)
        assert slug.value.field == "slug" and "at most 64" in str(slug.value)
        assert session.exec(select(func.count()).select_from(Brand)).one() == 0


@pytest.mark.parametrize("typed", ["GB-ENG", "eng", " gb-eng "])
def test_a_brand_takes_a_subdivision_and_its_page_lists_the_holidays(client, auth, app, typed):
    auth.login("staff")
    response = client.post(
        "/brands/new",
        data={
            "name": "Marks & Sparks",
            "country": "GB",
            "subdivision": typed,
            "timezone": "Europe/London",
        },
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        assert db.session().exec(select(Brand)).one().subdivision == "GB-ENG"
    page = client.get("/brands/marks-sparks").text
    assert "public holidays of England (United Kingdom) do not count" in page
    assert "Easter Monday" in page and "Late Summer Bank Holiday" in page


def test_an_unknown_subdivision_is_refused_with_the_choices(client, auth, app):
    auth.login("staff")
    response = client.post(
        "/brands/new",
        data={"name": "Irn", "country": "GB", "subdivision": "GB-XYZ", "timezone": "UTC"},
    )
    assert response.status_code == 422
    text = unescape(response.text)
    assert 'Unknown subdivision "GB-XYZ" of GB' in text and "GB-SCT" in text
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(Brand)).one() == 0


def test_a_scottish_brand_works_on_easter_monday(app, make):
    """The calendar follows the brand's subdivision: Easter Monday 2026 is a business day
    in Scotland, a holiday in England, so the same message is due a day apart."""
    with app.app_context():
        policy = context().policy
    scots = make.brand("Irn", country="GB", subdivision="GB-SCT")
    english = make.brand("Marks", country="GB", subdivision="GB-ENG")
    easter_monday = date(2026, 4, 6)
    assert policy.calendar_for(scots).is_business_day(easter_monday)
    assert not policy.calendar_for(english).is_business_day(easter_monday)


def test_the_brand_page_names_holidays_in_the_readers_language(client, make):
    make.brand("Gallimard")
    page = client.get("/brands/gallimard", headers={"Accept-Language": "fr"}).text
    assert "Fête nationale" in page
