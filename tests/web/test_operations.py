"""What an operator relies on: the health and readiness probes, the demo accounts, the port."""

from __future__ import annotations

import subprocess

from alembic import command

from registry import ROOT
from registry.adapters import db
from registry.fixtures.demo import DEMO_ACCOUNTS
from registry.services import accounts


def stamp(app, revision: str) -> None:
    command.stamp(db.alembic_config(app.config["DATABASE_URL"]), revision)


def test_healthz_answers_without_the_database(client, app, monkeypatch):
    def no_database(*_args, **_kwargs):
        raise AssertionError("/healthz touched the database")

    monkeypatch.setattr(db, "session", no_database)
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})


def test_readyz_is_ready_when_the_database_answers_at_the_latest_migration(client, app):
    stamp(app, "head")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "revision": db.head_revision()}


def test_readyz_is_not_ready_before_the_migrations_ran(client, app):
    stamp(app, "0001")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready"
    assert body["reason"] == (
        f"The database is at revision 0001, not {db.head_revision()}: run `registry init-db`."
    )


def test_readyz_is_not_ready_when_the_database_does_not_answer(client, app, monkeypatch):
    def unreachable():
        raise OSError("connection refused")

    engine = app.extensions["registry.engine"]
    monkeypatch.setattr(engine, "connect", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "not ready",
        "reason": "The database does not answer.",
    }


def test_demo_login_gives_each_demo_account_a_fresh_password_that_signs_in(runner, app, client):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    result = runner.invoke(args=["demo-login"])
    assert result.exit_code == 0, result.output
    shown = {}
    for line in result.output.splitlines():
        parts = line.split()
        if len(parts) == 3 and "@" in parts[1]:
            shown[parts[1]] = parts[2]
    assert set(shown) == set(DEMO_ACCOUNTS)
    with app.app_context():
        session = db.session()
        for email, password in shown.items():
            assert len(password) >= 12
            assert accounts.authenticate(session, email, password) is not None, email
    again = runner.invoke(args=["demo-login"])  # each run replaces the passwords
    with app.app_context():
        session = db.session()
        first = next(iter(shown))
        assert accounts.authenticate(session, first, shown[first]) is None
    assert again.exit_code == 0


def test_demo_login_without_the_demo_says_so_in_one_line(runner):
    result = runner.invoke(args=["demo-login"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: No demo account in this registry: run `registry seed-demo` first."
    )


def test_make_run_serves_on_port_or_5000():
    def planned(*extra: str) -> str:
        return subprocess.run(
            ["make", "-n", "run", *extra], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout

    assert "--port 5000" in planned()
    assert "--port 5123" in planned("PORT=5123")
    assert "registry demo-login" in planned()
    assert "huey_consumer registry.worker.huey" in planned()  # the background worker too
