"""The 500 page always answers: after a database error, in the reader's language, and as a
minimal page when even its template fails. With the database out of reach (stopped, its
file gone) every page answers 503 with Retry-After, and the site recovers by itself."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import flask_babel
import pytest
from alembic import command
from sqlalchemy import create_engine, text

from registry.adapters import db
from registry.adapters.models import User
from registry.domain.permissions import PUBLIC
from registry.presentation import outage
from registry.services import accounts, tokens
from tests.conftest import IN_CI, PASSWORD, make_test_app
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


# --- the database out of reach: 503 with Retry-After, then served again by itself ----------


def api_token(app) -> str:
    with app.app_context():
        session = db.session()
        user = accounts.create_user(
            context(), email="api@example.org", password=PASSWORD, role="staff"
        )
        user.locale = "fr"
        session.commit()
        _token, plaintext = tokens.create_token(context(user), user, "outage")
        session.commit()
    return plaintext


def in_french(app, msgid: str) -> str:
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        return flask_babel.gettext(msgid)


def check_the_outage_answers(app, member, anonymous, token: str) -> None:
    """Every kind of reader, while the database does not answer: 503 and Retry-After."""
    unavailable = in_french(app, outage.UNAVAILABLE)
    # The member's profile cannot be read: their browser's language is the answer's.
    for client in (member, anonymous):
        page = client.get("/", headers={"Accept-Language": "fr"})
        assert page.status_code == 503, page.text[-600:]
        assert page.headers["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
        assert page.mimetype == "text/html"
        assert '<html lang="fr"' in page.text
        assert unavailable in page.text
    # A form sent meanwhile (its limit's counters are out of reach too).
    login = anonymous.post("/login", data={"email": "french@example.org", "password": "x"})
    assert (login.status_code, login.headers.get("Retry-After")) == (503, "30")
    answer = anonymous.get(
        "/api/v1/handles", headers={"Authorization": f"Bearer {token}", "Accept-Language": "fr"}
    )
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert answer.get_json() == {"error": unavailable}
    ready = anonymous.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["reason"] == "The database does not answer."
    assert ready.headers["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)


def check_served_again(member, anonymous, token: str) -> None:
    """Once the database is back, the next requests are served, with nothing restarted."""
    assert member.get("/").status_code == 200
    assert anonymous.get("/").status_code == 200
    answer = anonymous.get("/api/v1/handles", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    assert anonymous.get("/readyz").status_code == 200


def readers(app):
    """A French member signed in, an anonymous reader, and an API token."""
    member, anonymous = app.test_client(), app.test_client()
    french_member(app, member)
    token = api_token(app)
    command.stamp(db.alembic_config(app.config["DATABASE_URL"]), "head")  # /readyz: ready
    assert member.get("/").status_code == 200
    assert anonymous.get("/readyz").status_code == 200
    return member, anonymous, token


def test_with_the_database_file_out_of_reach_pages_answer_503_then_recover(tmp_path):
    """SQLite's file, whatever database the suite runs on (PostgreSQL is stopped in the test
    below)."""
    folder = tmp_path / "database"
    folder.mkdir()
    app = make_test_app(folder, DATABASE_URL=f"sqlite:///{folder}/registry.sqlite3")
    engine = app.extensions["registry.engine"]
    try:
        member, anonymous, token = readers(app)
        # The file's folder moved away (chmod 000 would not stop root), and the connections
        # an outage takes with it closed.
        folder.rename(tmp_path / "elsewhere")
        engine.dispose()
        check_the_outage_answers(app, member, anonymous, token)
        (tmp_path / "elsewhere").rename(folder)
        check_served_again(member, anonymous, token)
    finally:
        engine.dispose()


class ThrowawayPostgres:
    """A PostgreSQL server of the test's own, in a temporary folder, stopped and started at
    will (as scripts/pg-throwaway.sh starts one)."""

    def __init__(self, folder: Path):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            if IN_CI:
                pytest.fail("PostgreSQL's server programs are missing (apt-get install postgresql)")
            pytest.skip("needs PostgreSQL's server programs (apt-get install postgresql)")
        self.bin = Path(found[-1]).parent
        self.folder = folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        if self.as_postgres:
            shutil.chown(folder, "postgres", "postgres")
        self.run(
            "initdb", "-D", str(folder / "data"), "-U", "postgres", "--auth=trust", "--no-sync"
        )
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "outage")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/outage"

    def run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [*self.as_postgres, str(self.bin / program), *args],
            capture_output=True,
            text=True,
            cwd=self.folder,
        )
        if done.returncode:
            raise RuntimeError(f"{program} failed: {done.stderr[-2000:]}")

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off"
        data, log = str(self.folder / "data"), str(self.folder / "log")
        self.run("pg_ctl", "-D", data, "-l", log, "-w", "-t", "30", "start", "-o", options)

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")


@pytest.fixture
def throwaway_postgres():
    # Its own folder under /tmp: pytest's are closed to the `postgres` user the server runs as.
    folder = Path(tempfile.mkdtemp(prefix="outage-pg-"))
    try:
        server = ThrowawayPostgres(folder)
        yield server
        with contextlib.suppress(RuntimeError):
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_with_postgresql_stopped_pages_answer_503_then_recover_when_it_starts(
    tmp_path, throwaway_postgres
):
    app = make_test_app(tmp_path, DATABASE_URL=throwaway_postgres.url)
    engine = app.extensions["registry.engine"]
    try:
        member, anonymous, token = readers(app)
        throwaway_postgres.stop()
        check_the_outage_answers(app, member, anonymous, token)
        throwaway_postgres.start()
        check_served_again(member, anonymous, token)
    finally:
        engine.dispose()


def test_connections_cut_by_postgresql_are_replaced_without_an_error(app, postgres_url):
    member, anonymous, token = readers(app)
    # From a connection of its own (the app's pool would lend one of those to be cut).
    killer = create_engine(postgres_url)
    with killer.connect() as connection:
        cut = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    killer.dispose()
    assert cut >= 1, "the app had no pooled connection to cut"
    check_served_again(member, anonymous, token)
