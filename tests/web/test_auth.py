"""Sign up, log in, log out, profile; passwords hashed."""

from sqlmodel import select

from registry import db
from registry.models import User


def test_signup_creates_a_fan_with_a_hashed_password(client, app):
    response = client.post(
        "/signup",
        data={
            "email": "Reader@Example.org",
            "password": "longenough1",
            "confirm": "longenough1",
            "display_name": "Julien",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session().exec(select(User)).one()
    assert (user.email, user.role) == ("reader@example.org", "fan")
    assert "longenough1" not in user.password_hash and user.password_hash.startswith(
        ("scrypt", "pbkdf2")
    )
    assert "reader@example.org" in client.get("/me").text


def test_signup_refuses_a_taken_email_and_keeps_the_input(client, make):
    make.user("fan", email="reader@example.org")
    response = client.post(
        "/signup",
        data={
            "email": "READER@example.org",
            "password": "longenough1",
            "confirm": "longenough1",
            "display_name": "Julien",
        },
    )
    assert response.status_code == 422
    assert "already exists" in response.text
    assert 'value="Julien"' in response.text


def test_signup_refuses_short_or_mismatched_passwords(client, app):
    short = client.post(
        "/signup", data={"email": "a@example.org", "password": "short", "confirm": "short"}
    )
    assert short.status_code == 422 and "at least 8" in short.text
    mismatch = client.post(
        "/signup",
        data={"email": "a@example.org", "password": "longenough1", "confirm": "longenough2"},
    )
    assert mismatch.status_code == 422 and "The passwords differ" in mismatch.text
    with app.app_context():
        assert db.session().exec(select(User)).first() is None


def test_login_with_a_wrong_password_fails_clearly(client, make):
    make.user("fan", email="reader@example.org")
    response = client.post("/login", data={"email": "reader@example.org", "password": "nope"})
    assert response.status_code == 422
    assert "Wrong e-mail or password" in response.text


def test_login_follows_next_only_within_the_site(client, auth, make):
    make.user("staff", email="s@example.org")
    response = client.post(
        "/login?next=/handles/new",
        data={"email": "s@example.org", "password": "correct horse battery"},
    )
    assert response.location == "/handles/new"
    client.post("/logout")
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": "s@example.org", "password": "correct horse battery"},
    )
    assert response.location == "/"


def test_deactivated_accounts_cannot_log_in(client, app, make):
    user = make.user("fan", email="gone@example.org")
    with app.app_context():
        row = db.session().get(User, user.id)
        row.active = False
        db.session().commit()
    response = client.post(
        "/login", data={"email": "gone@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 422


def test_logout_needs_a_post_and_ends_the_session(client, auth):
    auth.login("fan")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/me").status_code == 302


def test_profile_update(client, auth):
    auth.login("fan")
    response = client.post("/me", data={"display_name": "Julien", "phone": "+33 6 00 00 00 00"})
    assert response.status_code == 302
    page = client.get("/me").text
    assert 'value="Julien"' in page and "+33 6 00 00 00 00" in page
