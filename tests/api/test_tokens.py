"""API tokens: stored hashed, shown once, revoked for good, created from the profile or the CLI."""

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import ApiToken, AuditEntry, User
from registry.services import Forbidden, tokens
from tests.api.conftest import assert_json_error
from tests.conftest import csrf_token
from tests.factories import context


def all_tokens(app) -> list[ApiToken]:
    with app.app_context():
        return list(db.session().exec(select(ApiToken).order_by(ApiToken.id)))


# --- the service ---------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_hash(app, api, tmp_path):
    plaintext = api.token("legal")
    (token,) = all_tokens(app)
    assert token.token_hash == tokens.hash_token(plaintext) != plaintext
    assert token.prefix == plaintext[:8] and len(plaintext) >= 43
    with app.app_context():
        entries = list(db.session().exec(select(AuditEntry)))
    assert all(plaintext not in (e.summary + e.before + e.after) for e in entries)
    # On SQLite, not a byte of it anywhere in the files (write-ahead log included).
    for path in tmp_path.glob("test.db*"):
        assert plaintext.encode() not in path.read_bytes(), path.name


def test_user_for_token_finds_the_owner_and_ignores_strangers(app, api):
    plaintext = api.token("staff")
    with app.app_context():
        assert tokens.user_for_token(context(), plaintext).email == "staff@example.org"
        assert tokens.user_for_token(context(), plaintext + "x") is None
        assert tokens.user_for_token(context(), "") is None


def test_last_used_is_written_at_most_once_a_minute(app, api):
    plaintext = api.token("staff")
    first = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with app.app_context():
        session = db.session()
        for moment in (first, first + timedelta(seconds=30), first + timedelta(seconds=59)):
            tokens.user_for_token(context(now=moment), plaintext)
        session.commit()
    assert all_tokens(app)[0].last_used_at == first
    with app.app_context():
        session = db.session()
        tokens.user_for_token(context(now=first + timedelta(minutes=1)), plaintext)
        session.commit()
    assert all_tokens(app)[0].last_used_at == first + timedelta(minutes=1)


def test_fans_cannot_hold_tokens(app, api):
    fan = api.user("fan")
    with app.app_context(), pytest.raises(Forbidden, match="only staff, legal and admin"):
        tokens.create_token(context(fan), fan, "script")


def test_only_the_owner_or_an_admin_revokes_a_token(app, api):
    api.token("staff")
    (token,) = all_tokens(app)
    other = api.user("legal")
    admin = api.user("admin")
    with app.app_context():
        session = db.session()
        with pytest.raises(Forbidden):
            tokens.revoke_token(context(other), token.id)
        tokens.revoke_token(context(admin), token.id)
        session.commit()
    assert all_tokens(app)[0].revoked_at is not None


def test_create_and_revoke_are_audited_without_the_token(app, api):
    plaintext = api.token("staff")
    owner = api.user("staff")
    with app.app_context():
        session = db.session()
        tokens.revoke_token(context(owner), all_tokens(app)[0].id)
        tokens.revoke_token(context(owner), all_tokens(app)[0].id)  # twice: no-op
        session.commit()
    assert api.audit_count("token.create") == 1 and api.audit_count("token.revoke") == 1
    with app.app_context():
        entries = list(db.session().exec(select(AuditEntry)))
    assert all("token_hash" not in e.after and plaintext not in e.after for e in entries)


# --- tokens against the API ----------------------------------------------------------------


def test_a_revoked_token_stops_working(app, api):
    plaintext = api.token("staff")
    assert api.get("/api/v1/requests", plaintext).status_code == 200
    owner = api.user("staff")
    with app.app_context():
        session = db.session()
        tokens.revoke_token(context(owner), all_tokens(app)[0].id)
        session.commit()
    assert_json_error(api.get("/api/v1/requests", plaintext), 401)
    # even where no token is needed: a dead token is reported, not ignored
    assert_json_error(api.get("/api/v1/handles", plaintext), 401)


def test_a_deactivated_account_or_a_demotion_stops_its_tokens(app, api):
    legal = api.token("legal")
    staff = api.token("staff")
    with app.app_context():
        session = db.session()
        for email, values in (
            ("legal@example.org", {"active": False}),
            ("staff@example.org", {"role": "fan"}),
        ):
            user = session.exec(select(User).where(User.email == email)).one()
            for key, value in values.items():
                setattr(user, key, value)
            session.add(user)
        session.commit()
    assert_json_error(api.get("/api/v1/requests", legal), 401)
    assert_json_error(api.get("/api/v1/requests", staff), 401)


def test_using_a_token_records_when(app, api):
    plaintext = api.token("staff")
    assert all_tokens(app)[0].last_used_at is None
    api.get("/api/v1/handles", plaintext)
    assert all_tokens(app)[0].last_used_at is not None


# --- the command line ----------------------------------------------------------------------


def test_create_token_prints_the_token_alone_on_its_last_line(runner, api, app):
    api.user("legal")
    result = runner.invoke(args=["create-token", "legal@example.org", "--name", "nightly"])
    assert result.exit_code == 0, result.output
    plaintext = result.output.strip().splitlines()[-1]
    assert " " not in plaintext and len(plaintext) >= 43
    (token,) = all_tokens(app)
    assert (token.name, token.token_hash) == ("nightly", tokens.hash_token(plaintext))
    assert api.get("/api/v1/requests", plaintext).status_code == 200


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.org", "No account with the e-mail address nobody@example.org."),
        ("fan@example.org", "only staff, legal and admin accounts can hold API tokens"),
    ],
)
def test_create_token_refusals_exit_non_zero_in_one_line(runner, api, app, email, message):
    api.user("fan")
    result = runner.invoke(args=["create-token", email])
    assert result.exit_code != 0
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert all_tokens(app) == []


# --- the profile page ----------------------------------------------------------------------


def test_profile_links_to_tokens_for_roles_that_hold_them(client, auth):
    auth.login("legal")
    assert "/me/tokens" in client.get("/me").text
    auth.logout()
    auth.login("fan")
    assert "/me/tokens" not in client.get("/me").text
    assert client.get("/me/tokens").status_code == 403


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/me/tokens")
    assert response.status_code == 302 and "/login" in response.location


def test_a_new_token_is_shown_once_and_works(client, auth, app, api):
    auth.login("staff")
    response = client.post("/me/tokens", data={"name": "export script"})
    assert response.status_code == 201
    assert "it will not be shown again" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    (token,) = all_tokens(app)
    plaintext = next(
        word.split('"')[0]
        for word in response.text.split('value="')[1:]
        if word.startswith(token.prefix)
    )
    assert tokens.hash_token(plaintext) == token.token_hash
    page = client.get("/me/tokens").text
    assert "export script" in page and f"{token.prefix}…" in page
    assert plaintext not in page
    assert api.get("/api/v1/requests", plaintext).status_code == 200


def test_a_token_needs_a_name(client, auth, app):
    auth.login("staff")
    response = client.post("/me/tokens", data={"name": "  "})
    assert response.status_code == 422
    assert all_tokens(app) == []


def test_revoking_from_the_profile(client, auth, app, api):
    auth.login("legal")
    client.post("/me/tokens", data={"name": "old script"})
    (token,) = all_tokens(app)
    response = client.post(f"/me/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert all_tokens(app)[0].revoked_at is not None
    page = client.get("/me/tokens").text
    assert "Revoked" in page and "is revoked" in page


def test_revoking_is_confirmed_first_on_a_page_that_says_it_cannot_be_undone(client, auth, app):
    auth.login("staff")
    client.post("/me/tokens", data={"name": "nightly export"})
    (token,) = all_tokens(app)
    listing = client.get("/me/tokens").text
    assert f'href="/me/tokens/{token.id}/revoke"' in listing  # a link, not a one-click POST
    page = unescape(client.get(f"/me/tokens/{token.id}/revoke").text)
    assert "Revoke the token “nightly export”?" in page and f"<code>{token.prefix}…</code>" in page
    assert "This cannot be undone" in page and 'href="/me/tokens">Keep it</a>' in page
    assert all_tokens(app)[0].revoked_at is None  # showing the question changes nothing
    client.post(f"/me/tokens/{token.id}/revoke")
    assert all_tokens(app)[0].revoked_at is not None
    # Once revoked, the question has no point: back to the list.
    assert client.get(f"/me/tokens/{token.id}/revoke").status_code == 302


def test_nobody_is_asked_to_revoke_someone_elses_token(client, auth, app, api):
    api.token("staff", email="owner@example.org")
    (token,) = all_tokens(app)
    auth.login("legal")
    assert client.get(f"/me/tokens/{token.id}/revoke").status_code == 403
    assert client.get("/me/tokens/999999/revoke").status_code == 404


def test_nobody_revokes_someone_elses_token(client, auth, app, api):
    api.token("staff", email="owner@example.org")
    (token,) = all_tokens(app)
    auth.login("legal")
    client.post(f"/me/tokens/{token.id}/revoke")
    assert all_tokens(app)[0].revoked_at is None


def test_the_token_forms_need_their_csrf_token(app, api):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    api.user("staff")
    login_page = client.get("/login").text
    client.post(
        "/login",
        data={
            "email": "staff@example.org",
            "password": "correct horse battery",
            "csrf_token": csrf_token(login_page),
        },
    )
    assert client.post("/me/tokens", data={"name": "forged"}).status_code == 400
    assert all_tokens(app) == []
    token = csrf_token(client.get("/me/tokens").text)
    assert client.post("/me/tokens", data={"name": "mine", "csrf_token": token}).status_code == 201
