"""Each role's access to each page; deny by default; CSRF outside tests."""

import pytest

from registry import create_app
from tests.conftest import csrf_token

STAFF_PAGES = ["/handles/new", "/brands/new"]


@pytest.fixture
def scene(make):
    brand = make.brand("Gallimard")
    handle = make.handle("Gallimard", brand_id=brand.id)
    return {"brand": brand, "handle": handle}


@pytest.mark.parametrize(
    "path", ["/", "/lookup", "/handles", "/brands", "/brands/gallimard", "/signup", "/login"]
)
def test_public_pages_are_open_to_visitors(client, scene, path):
    assert client.get(path).status_code == 200


def test_handle_page_is_public(client, scene):
    assert client.get(f"/handles/{scene['handle'].id}").status_code == 200


@pytest.mark.parametrize("path", ["/handles/new", "/brands/new", "/me", "/admin/users"])
def test_visitors_are_sent_to_login(client, scene, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.location


def test_visitor_cannot_create_a_handle(client, scene):
    response = client.post("/handles/new", data={"platform": "x", "handle": "Flammarion"})
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize(
    ("role", "allowed"), [("fan", False), ("legal", False), ("staff", True), ("admin", True)]
)
def test_only_staff_and_admins_edit_the_registry(client, auth, scene, role, allowed):
    auth.login(role)
    handle_id = scene["handle"].id
    for path in [
        *STAFF_PAGES,
        f"/handles/{handle_id}/edit",
        f"/handles/{handle_id}/holder",
        "/brands/gallimard/edit",
    ]:
        assert client.get(path).status_code == (200 if allowed else 403), path
    response = client.post(f"/handles/{handle_id}/edit", data={"brand": "", "status": "dormant"})
    assert response.status_code == (302 if allowed else 403)


@pytest.mark.parametrize(
    ("role", "allowed"), [("fan", False), ("staff", False), ("legal", False), ("admin", True)]
)
def test_only_admins_manage_users(client, auth, role, allowed):
    auth.login(role)
    assert client.get("/admin/users").status_code == (200 if allowed else 403)


def test_admin_changes_a_role(client, auth, make):
    fan = make.user("fan", email="someone@example.org")
    auth.login("admin")
    response = client.post(
        f"/admin/users/{fan.id}", data={f"u{fan.id}-role": "staff", f"u{fan.id}-active": "y"}
    )
    assert response.status_code == 302
    assert "staff" in client.get("/admin/users").text


def test_admin_cannot_demote_themselves(client, auth, app):
    auth.login("admin")
    from registry.adapters import db
    from registry.services import accounts

    with app.app_context():
        me = accounts.find_by_email(db.session(), "admin@example.org")
    client.post(f"/admin/users/{me.id}", data={f"u{me.id}-role": "fan", f"u{me.id}-active": "y"})
    assert "cannot change your own role" in client.get("/admin/users").text


def test_a_route_without_a_permission_is_denied(app, client):
    @app.get("/forgotten")
    def forgotten():
        return "secret"

    assert client.get("/forgotten").status_code == 403


def test_403_page_is_friendly(client, auth):
    auth.login("fan")
    response = client.get("/handles/new")
    assert response.status_code == 403
    assert "You do not have access" in response.text


def test_csrf_is_enforced_outside_tests(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/csrf.db", "SECRET_KEY": "x"})
    from sqlmodel import SQLModel

    SQLModel.metadata.create_all(app.extensions["registry.engine"])
    client = app.test_client()
    data = {"email": "a@example.org", "password": "longenough12", "confirm": "longenough12"}
    response = client.post("/signup", data=data)
    assert response.status_code == 400
    assert "form expired" in response.text
    page = client.get("/signup")
    response = client.post("/signup", data={**data, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 200 and "Check your inbox" in response.text


def test_admin_attaches_a_legal_account_to_its_brand(client, auth, app, make):
    brand = make.brand("Gallimard")
    lawyer = make.user("fan", email="lawyer@example.org")
    auth.login("admin")
    response = client.post(
        f"/admin/users/{lawyer.id}",
        data={
            f"u{lawyer.id}-role": "legal",
            f"u{lawyer.id}-brand": str(brand.id),
            f"u{lawyer.id}-active": "y",
        },
    )
    assert response.status_code == 302
    from registry.adapters import db
    from registry.adapters.models import User

    with app.app_context():
        saved = db.session().get(User, lawyer.id)
        assert (saved.role, saved.brand_id) == ("legal", brand.id)
    client.post(
        f"/admin/users/{lawyer.id}",
        data={
            f"u{lawyer.id}-role": "staff",
            f"u{lawyer.id}-brand": str(brand.id),
            f"u{lawyer.id}-active": "y",
        },
    )
    with app.app_context():
        assert db.session().get(User, lawyer.id).brand_id is None  # only legal acts for a brand
