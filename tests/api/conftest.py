"""API fixtures: accounts with tokens in one call, and a client that sends them."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import ApiToken, AuditEntry
from registry.services import accounts, tokens
from tests.conftest import PASSWORD
from tests.factories import context


class Api:
    """`api.token("legal")` makes a legal account and returns its token;
    `api.get(url, token)` and `api.post(url, body, token)` call the API with it."""

    def __init__(self, app, client):
        self.app, self.client = app, client

    def user(self, role: str = "staff", email: str | None = None, brand: str = ""):
        """A member of that role (made when missing); `brand`: a legal account's brand slug."""
        email = email or f"{role}@example.org"
        with self.app.app_context():
            session = db.session()
            user = accounts.find_by_email(session, email)
            if user is None:
                user = accounts.create_user(
                    context(), email=email, password=PASSWORD, role=role, brand_slug=brand
                )
                session.commit()
            return user

    def token(
        self, role: str = "staff", email: str | None = None, name: str = "tests", brand: str = ""
    ) -> str:
        user = self.user(role, email, brand)
        with self.app.app_context():
            session = db.session()
            _token, plaintext = tokens.create_token(context(user), user, name)
            session.commit()
        return plaintext

    def raw_token(self, role: str, email: str | None = None) -> str:
        """A token written straight into the database, for roles the service refuses."""
        user = self.user(role, email)
        plaintext = f"raw-{role}-token-for-tests"
        with self.app.app_context():
            session = db.session()
            session.add(
                ApiToken(
                    user_id=user.id,
                    name="raw",
                    token_hash=tokens.hash_token(plaintext),
                    prefix=plaintext[:8],
                )
            )
            session.commit()
        return plaintext

    @staticmethod
    def headers(token: str | None) -> dict:
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, url: str, token: str | None = None, **kwargs):
        return self.client.get(url, headers=self.headers(token), **kwargs)

    def post(self, url: str, body=None, token: str | None = None, **kwargs):
        return self.client.post(url, json=body, headers=self.headers(token), **kwargs)

    def audit_count(self, action: str | None = None) -> int:
        with self.app.app_context():
            query = select(func.count()).select_from(AuditEntry)
            if action:
                query = query.where(AuditEntry.action == action)
            return db.session().exec(query).one()


@pytest.fixture
def api(app, client):
    return Api(app, client)


def assert_json_error(response, status: int) -> dict:
    """The answer is a JSON error with this status: never HTML, never a trace."""
    assert response.status_code == status, response.text
    assert response.mimetype == "application/json", response.text
    body = response.get_json()
    assert isinstance(body.get("error"), str) and body["error"], body
    assert "Traceback" not in response.text and "<html" not in response.text.lower()
    return body
