"""Creating, editing and listing handles through the site."""

from datetime import date

from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import AuditEntry, CustodyRecord, FollowerCount, Handle
from registry.web import charts


def count(app, model) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model)).one()


def handle_form(**values):
    data = {
        "platform": "x",
        "handle": "@Gallimard",
        "brand": "",
        "holder_kind": "fan",
        "holder_name": "Julien",
        "holder_contact": "",
        "status": "active",
    }
    data.update(values)
    return data


def test_staff_creates_a_handle_with_its_first_custody_record(client, auth, app):
    auth.login("staff")
    response = client.post("/handles/new", data=handle_form(handle="https://x.com/Gallimard"))
    assert response.status_code == 302
    with app.app_context():
        handle = db.session().exec(select(Handle)).one()
        custody = db.session().exec(select(CustodyRecord)).one()
    assert (handle.handle, handle.normalized, handle.holder_kind) == (
        "Gallimard",
        "gallimard",
        "fan",
    )
    assert custody.handle_id == handle.id and custody.ended_on is None
    assert client.get(response.location).status_code == 200


def test_invalid_handle_is_refused_on_the_form_and_nothing_is_saved(client, auth, app):
    auth.login("staff")
    response = client.post("/handles/new", data=handle_form(handle="way_too_long_for_x_handles"))
    assert response.status_code == 422
    assert "X handles are at most 15 characters" in response.text
    assert 'value="way_too_long_for_x_handles"' in response.text  # the input is kept
    assert count(app, Handle) == 0 and count(app, CustodyRecord) == 0


def test_duplicate_handle_in_another_spelling_is_refused(client, auth, app, make):
    make.handle("Gallimard")
    auth.login("staff")
    response = client.post("/handles/new", data=handle_form(handle="@GALLIMARD"))
    assert response.status_code == 422
    assert "already in the registry" in response.text
    assert count(app, Handle) == 1


def test_unknown_platform_is_refused(client, auth, app):
    auth.login("staff")
    response = client.post("/handles/new", data=handle_form(platform="myspace"))
    assert response.status_code == 422
    assert "Not a valid choice" in response.text
    assert count(app, Handle) == 0


def test_same_name_on_another_platform_is_another_handle(client, auth, app, make):
    make.handle("Gallimard", platform="x")
    auth.login("staff")
    response = client.post(
        "/handles/new", data=handle_form(platform="instagram", handle="gallimard")
    )
    assert response.status_code == 302
    assert count(app, Handle) == 2


def test_edit_changes_status_and_followers_and_is_audited(client, auth, app, make):
    handle = make.handle("Gallimard", followers=1500)
    auth.login("staff")
    response = client.post(
        f"/handles/{handle.id}/edit",
        data={"brand": "", "status": "for_sale", "followers": "1800", "notes": "Auction opened"},
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session().get(Handle, handle.id)
        entry = (
            db.session().exec(select(AuditEntry).where(AuditEntry.action == "handle.update")).one()
        )
    assert (saved.status, saved.followers, saved.notes) == ("for_sale", 1800, "Auction opened")
    assert '"followers": 1500' in entry.before and '"followers": 1800' in entry.after


def test_the_handle_page_shows_each_dated_follower_count(client, auth, app, make):
    """The edit form keeps each new count with its day (the same count on the same day
    once); the page lists them, oldest first."""
    handle = make.handle("Gallimard", followers=1500)
    assert "Followers over time" not in client.get(f"/handles/{handle.id}").text
    auth.login("staff")
    for followers, seen_on in (("1800", "2024-06-01"), ("1800", "2024-06-01")):
        response = client.post(
            f"/handles/{handle.id}/edit",
            data={
                "brand": "",
                "status": "active",
                "followers": followers,
                "followers_seen_on": seen_on,
                "notes": "",
            },
        )
        assert response.status_code == 302
    page = client.get(f"/handles/{handle.id}").text
    shown = page[page.index("Followers over time") :]
    assert shown.index("1,500") < shown.index("January 15, 2024") < shown.index("1,800")
    assert "June 1, 2024" in shown and shown.count("<li>") == 2
    with app.app_context():
        counts = db.session().exec(
            select(FollowerCount.followers, FollowerCount.seen_on).where(
                FollowerCount.handle_id == handle.id
            )
        )
        assert sorted(counts) == [(1500, date(2024, 1, 15)), (1800, date(2024, 6, 1))]


def test_the_followers_line_goes_along_the_days_and_up_the_counts():
    line = charts.sparkline(
        [(date(2024, 1, 1), 100), (date(2024, 1, 11), 300), (date(2024, 1, 21), 200)]
    )
    assert line is not None
    assert line.dots == ((4.0, 36.0), (80.0, 4.0), (156.0, 20.0))
    flat = charts.sparkline([(date(2024, 1, 1), 5), (date(2024, 1, 1), 5)])
    assert flat is not None and {y for _, y in flat.dots} == {20.0}
    assert charts.sparkline([(date(2024, 1, 1), 5)]) is None


def test_negative_followers_are_refused(client, auth, make):
    handle = make.handle("Gallimard")
    auth.login("staff")
    response = client.post(
        f"/handles/{handle.id}/edit", data={"brand": "", "status": "active", "followers": "-3"}
    )
    assert response.status_code == 422
    assert "Cannot be negative" in response.text


def test_list_filters_by_platform_brand_holder_and_status(client, make):
    brand = make.brand("Nespresso")
    make.handle("Nespresso", brand_id=brand.id, holder_kind="agency")
    make.handle("nespresso", platform="facebook", brand_id=brand.id, holder_kind="brand")
    make.handle("Gallimard", holder_kind="fan", status="dormant")
    assert client.get("/handles?platform=facebook").text.count("handle-link") == 1
    assert client.get("/handles?brand=nespresso").text.count("handle-link") == 2
    assert client.get("/handles?holder_kind=fan").text.count("handle-link") == 1
    assert client.get("/handles?status=dormant").text.count("handle-link") == 1
    assert client.get("/handles?q=galli").text.count("handle-link") == 1
    empty = client.get("/handles?holder_kind=squatter")
    assert "No handle matches these filters" in empty.text


def test_list_is_paginated(client, make):
    for n in range(7):  # the test app shows 5 a page
        make.handle(f"brand{n}")
    first = client.get("/handles")
    second = client.get("/handles?page=2")
    assert first.text.count("handle-link") == 5 and second.text.count("handle-link") == 2
    assert "page 1 of 2" in first.text and "Next" in first.text
    assert client.get("/handles?page=abc").status_code == 200


def test_handle_detail_shows_private_contact_only_to_staff(client, auth, make):
    handle = make.handle(
        "Gallimard",
        holder_kind="fan",
        holder_contact="julien@example.org",
        private_notes="Prefers phone",
    )
    assert "julien@example.org" not in client.get(f"/handles/{handle.id}").text
    auth.login("fan")
    assert "julien@example.org" not in client.get(f"/handles/{handle.id}").text
    auth.logout()
    auth.login("staff")
    page = client.get(f"/handles/{handle.id}").text
    assert "julien@example.org" in page and "Prefers phone" in page


def test_unknown_handle_page_is_a_404(client):
    response = client.get("/handles/999")
    assert response.status_code == 404
    assert "nothing at this address" in response.text


def test_a_registry_of_many_brands_filters_by_a_brand_field_instead_of_a_menu(
    client, make, monkeypatch
):
    from registry.services import brands

    gallimard = make.brand("Gallimard")
    make.handle("Gallimard", brand_id=gallimard.id)
    make.brand("Nespresso")
    monkeypatch.setattr(brands, "BRAND_MENU_LIMIT", 1)
    page = client.get("/handles").get_data(as_text=True)
    assert '<select name="brand">' not in page
    assert '<input type="search" name="brand" value=""' in page
    assert "as in the address of its page" in page

    found = client.get("/handles?brand=gallimard").get_data(as_text=True)
    assert 'name="brand" value="gallimard"' in found and "@Gallimard" in found

    unknown = client.get("/handles?brand=galimard").get_data(as_text=True)
    assert 'No brand with the short name "galimard".' in unknown
    hostile = client.get("/handles?brand=<b>x").get_data(as_text=True)
    assert 'No brand with the short name "&lt;b&gt;x".' in hostile


def test_a_registry_of_few_brands_offers_them_all_in_a_menu_and_names_an_unknown_one(client, make):
    make.brand("Gallimard")
    page = client.get("/handles?brand=gallimard").get_data(as_text=True)
    assert '<option value="gallimard" selected>Gallimard</option>' in page
    unknown = client.get("/handles?brand=nope").get_data(as_text=True)
    assert 'No brand with the short name "nope".' in unknown


def test_a_handle_with_an_invisible_character_is_the_same_handle(client, auth, app, make):
    make.handle("gallimard", platform="youtube")
    auth.login("staff")
    for spelling in ("galli\u200bmard", "\uff27\uff41\uff4c\uff4c\uff49\uff4d\uff41\uff52\uff44"):
        response = client.post(
            "/handles/new", data=handle_form(platform="youtube", handle=spelling)
        )
        assert response.status_code == 422
        assert "already in the registry" in response.text
    assert count(app, Handle) == 1


def test_a_collectible_username_says_so_on_its_page(client, make):
    collectible = make.handle("meta", platform="telegram")
    ordinary = make.handle("gallimard", platform="telegram")
    sentence = "A collectible username: owned outright and handed over only by its owner."
    assert sentence in client.get(f"/handles/{collectible.id}").text
    assert sentence not in client.get(f"/handles/{ordinary.id}").text


def test_the_lookup_finds_a_handle_typed_in_fullwidth_letters(client, make):
    make.handle("gallimard", platform="youtube", holder_kind="fan", holder_name="Julien")
    fullwidth = "\uff27\uff41\uff4c\uff4c\uff49\uff4d\uff41\uff52\uff44"
    response = client.get("/lookup", query_string={"platform": "youtube", "handle": fullwidth})
    assert response.status_code == 200, response.text
    assert "Julien" in response.text
