"""Shared fixtures: an app on a fresh database per test, a client, a CLI runner, a login helper.

Set DATABASE_URL to a PostgreSQL URL to run the same tests on PostgreSQL (CI does)."""

from __future__ import annotations

import os
import re

import pytest
from sqlmodel import SQLModel

from registry import create_app, db
from registry.services import accounts, platforms
from tests import factories

PASSWORD = "correct horse battery"


def database_url(tmp_path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else f"sqlite:///{tmp_path}/test.db"


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": database_url(tmp_path),
            "SECRET_KEY": "test",
            "PAGE_SIZE": 5,
        }
    )
    engine = app.extensions["registry.engine"]
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    with app.app_context():
        platforms.sync_platforms(db.session())
        db.session().commit()
    yield app
    engine.dispose()


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Scene builders bound to the app's database: make.brand(), make.handle(), make.user()."""
    return factories.Factories(app)


class AuthActions:
    def __init__(self, client, app):
        self.client, self.app = client, app

    def login(self, role: str = "fan", email: str | None = None):
        email = email or f"{role}@example.org"
        with self.app.app_context():
            session = db.session()
            if accounts.find_by_email(session, email) is None:
                accounts.create_user(session, email=email, password=PASSWORD, role=role)
                session.commit()
        response = self.client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return email

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client, app):
    return AuthActions(client, app)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
