"""Sign up, log in, log out, profile; passwords hashed."""

import time
from collections import deque

import pytest
from sqlmodel import select

from registry.adapters import db, mail
from registry.adapters.models import User
from tests.conftest import signup_link, without_csrf


def signup(client, email="Reader@Example.org", password="correct horse battery", **extra):
    return client.post(
        "/signup",
        data={"email": email, "password": password, "confirm": password, **extra},
    )


def test_signup_mails_a_link_that_creates_the_fan(client, app):
    response = signup(client, display_name="Julien")
    assert response.status_code == 200 and "Check your inbox" in response.text
    assert "reader@example.org" in response.text
    with app.app_context():
        assert db.session().exec(select(User)).first() is None  # nothing before the link
    (message,) = mail.outbox(app)
    assert message.to == "reader@example.org"
    link = signup_link(app)
    # Opening the link (as a mail scanner would) creates nothing: the button does.
    page = client.get(link)
    assert page.status_code == 200 and "Create my account" in page.text
    with app.app_context():
        assert db.session().exec(select(User)).first() is None
    response = client.post(link)
    assert response.status_code == 302 and response.location.startswith("/me")
    with app.app_context():
        user = db.session().exec(select(User)).one()
    assert (user.email, user.role, user.display_name) == ("reader@example.org", "fan", "Julien")
    assert "correct horse" not in user.password_hash and user.password_hash.startswith("scrypt:")
    assert "reader@example.org" in client.get("/me").text
    # The link works once: the account exists now.
    client.post("/logout")
    again = client.post(link)
    assert again.status_code == 302 and again.location == "/login"
    with app.app_context():
        assert len(db.session().exec(select(User)).all()) == 1


def test_signup_with_a_taken_email_reads_the_same_and_tells_the_owner(client, app, make):
    owner = make.user("fan", email="reader@example.org")
    fresh = signup(client, email="someone.new@example.org")
    taken = signup(client, email="READER@example.org", password="another long secret")
    assert taken.status_code == fresh.status_code == 200
    # The pages differ only by the address (and by the CSRF token's timestamp, which moves
    # when the two sign-ups fall on either side of a second).
    assert without_csrf(taken.text).replace("reader@example.org", "X") == without_csrf(
        fresh.text
    ).replace("someone.new@example.org", "X")
    assert "already" not in taken.text
    notice = mail.outbox(app)[-1]
    assert notice.to == "reader@example.org"
    assert "already has an account" in notice.text and "/signup/confirm/" not in notice.text
    with app.app_context():
        session = db.session()
        assert session.get(User, owner.id).password_hash == owner.password_hash  # unchanged
        assert len(session.exec(select(User)).all()) == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 12 characters"),
        ("12345678", "at least 12 characters"),
        ("password", "at least 12 characters"),
        ("aaaaaaaa", "at least 12 characters"),
        ("aaaaaaaaaaaa", "repeats one character or a short pattern"),
        ("abcabcabcabc", "repeats one character or a short pattern"),
        ("123456789012", "run of consecutive characters"),
        ("1qaz2wsx3edc", "one of the most common passwords"),
        ("reader@example.org", "cannot be your e-mail address"),
        ("READER@example.org", "cannot be your e-mail address"),
    ],
)
def test_signup_refuses_weak_passwords(client, app, password, message):
    response = signup(client, email="reader@example.org", password=password, display_name="Jo")
    assert response.status_code == 422 and message in response.text
    assert 'value="Jo"' in response.text  # nothing typed is lost
    assert mail.outbox(app) == deque() or not mail.outbox(app)


def test_signup_refuses_mismatched_passwords(client, app):
    mismatch = client.post(
        "/signup",
        data={"email": "a@example.org", "password": "longenough12", "confirm": "longenough13"},
    )
    assert mismatch.status_code == 422 and "The passwords differ" in mismatch.text
    assert not mail.outbox(app)


def test_a_forged_or_expired_link_creates_nothing(client, app, monkeypatch):
    signup(client)
    link = signup_link(app)
    forged = client.post(link[:-3] + "abc")
    assert forged.status_code == 404 and "not valid" in forged.text
    real_time = time.time
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: real_time() + 49 * 3600)
    expired = client.post(link)
    assert expired.status_code == 410 and "expired" in expired.text
    with app.app_context():
        assert db.session().exec(select(User)).first() is None


def test_login_with_a_wrong_password_fails_clearly(client, make):
    make.user("fan", email="reader@example.org")
    response = client.post(
        "/login", data={"email": "reader@example.org", "password": "nope nope nope"}
    )
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
