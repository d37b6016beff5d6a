"""The 500 page always answers: after a database error, in the reader's language, and as a
minimal page when even its template fails."""

from __future__ import annotations

from registry.adapters import db
from registry.adapters.models import User
from registry.domain.permissions import PUBLIC
from registry.services import accounts
from tests.conftest import PASSWORD
from tests.factories import context

FRENCH_500 = "Une erreur s’est produite de notre côté. Elle a été consignée."


def add_failing_route(app, path: str = "/test-database-error") -> None:
    """A view whose flush fails (a duplicate e-mail), as a race between two writers does:
    the session then refuses every query until it is rolled back."""

    def failing_view():
        session = db.session()
        session.add(User(email="twice@example.org", password_hash="x"))
        session.add(User(email="twice@example.org", password_hash="x"))
        session.flush()
        return "unreachable"

    failing_view.required_permission = PUBLIC
    app.add_url_rule(path, view_func=failing_view, endpoint=path.strip("/"))


def french_member(app, client) -> None:
    with app.app_context():
        session = db.session()
        user = accounts.create_user(context(), email="french@example.org", password=PASSWORD)
        user.locale = "fr"
        session.commit()
    response = client.post("/login", data={"email": "french@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.text


def test_after_a_database_error_the_500_page_renders_in_the_readers_language(app, client):
    add_failing_route(app)
    french_member(app, client)
    response = client.get("/test-database-error")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert FRENCH_500 in page
    assert 'class="topbar"' in page  # the whole layout, the member's navigation included
    # The session was rolled back: the next request works as usual.
    assert client.get("/").status_code == 200


def test_when_the_error_page_itself_fails_a_minimal_page_still_answers(app, client, monkeypatch):
    add_failing_route(app)

    def broken_template(*args, **kwargs):
        raise RuntimeError("the template cannot be rendered")

    monkeypatch.setattr("registry.web.errors.render_template", broken_template)
    response = client.get("/test-database-error")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side. The error was logged." in page
    assert "Traceback" not in page and "Internal Server Error" not in page


def test_a_database_error_under_the_api_path_answers_json(app, client):
    add_failing_route(app, "/api/v1/test-database-error")
    response = client.get("/api/v1/test-database-error")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": "Something went wrong on our side. The error was logged."
    }
