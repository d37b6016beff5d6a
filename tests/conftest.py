"""Shared fixtures: an app on a fresh database per test, a client, a CLI runner, a login helper.

Set DATABASE_URL to a PostgreSQL URL to run the same tests on PostgreSQL (CI does)."""

from __future__ import annotations

import gc
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import BytecodeCache

from registry import ROOT, create_app
from registry.adapters import db
from registry.services import accounts, platforms
from tests import emptydb, factories
from tests.factories import context

PASSWORD = "correct horse battery"
TRANSLATIONS = ROOT / "registry" / "translations"


def compile_catalogues() -> list[Path]:
    """Compile each French (or other) .po whose .mo is missing or older, as `make translations`
    does, so that `.venv/bin/pytest` alone sees the site in every language. Returns what it
    compiled."""
    compiled = []
    for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)  # fuzzy entries are left out, as pybabel compile does
        compiled.append(mo_path)
    return compiled


def pytest_sessionstart(session):
    compile_catalogues()


def pytest_collection_finish(session):
    """What collecting left (every module, library and parametrised case, a large heap) is
    moved out of the garbage collector's sight: each full collection then looks at what the
    tests made, not at all of it again (the browser journeys collect twice each, at the end)."""
    gc.collect()
    gc.freeze()


def database_url(tmp_path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else f"sqlite:///{tmp_path}/test.db"


def reset_tables(app) -> None:
    """An empty database, as if every table were dropped and created again (PostgreSQL is
    shared): tests/emptydb.py does it without the DDL when it can."""
    emptydb.reset_tables(app.extensions["registry.engine"])


def make_test_app(directory, **config):
    """An app for tests on an empty registry (the platforms loaded), CSRF off, 5 a page;
    `config` adds or overrides settings."""
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": database_url(directory),
            "SECRET_KEY": "test",
            "PAGE_SIZE": 5,
            "JOBS_IMMEDIATE": True,  # a background job runs at once, in the request
            "JOBS_DB": f"{directory}/jobs.sqlite3",  # never the instance folder's queue
            **config,
        }
    )
    reset_tables(app)
    with app.app_context():
        platforms.sync_platforms(context())  # a use case: it commits
    return app


@pytest.fixture
def app(tmp_path):
    app = make_test_app(tmp_path)
    yield app
    app.extensions["registry.engine"].dispose()


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
def inbox(app):
    """A real SMTP server on 127.0.0.1 (aiosmtpd) receiving the app's mail, kept in order."""
    from tests.mailserver import start_inbox

    box, controller = start_inbox(app)
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def make(app):
    """Scene builders bound to the app's database: make.brand(), make.handle(), make.user()."""
    return factories.Factories(app)


class AuthActions:
    def __init__(self, client, app):
        self.client, self.app = client, app

    def login(self, role: str = "fan", email: str | None = None, brand: str = ""):
        """Log in as a member of that role (made when missing); `brand` attaches a legal
        account to that brand's slug."""
        email = email or f"{role}@example.org"
        with self.app.app_context():
            session = db.session()
            if accounts.find_by_email(session, email) is None:
                accounts.create_user(
                    context(), email=email, password=PASSWORD, role=role, brand_slug=brand
                )
                session.commit()
        response = self.client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return email

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client, app):
    return AuthActions(client, app)


def signup_link(app) -> str:
    """The confirmation link of the last sign-up e-mail (written to the outbox: no SMTP_URL),
    as a path the test client can open."""
    from registry.adapters import mail

    for message in reversed(mail.outbox(app)):
        match = re.search(r"https?://[^/\s]+(/signup/confirm/\S+)", message.text)
        if match:
            return match.group(1)
    raise AssertionError("no sign-up e-mail with a link was sent")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


# --- Which database, and what CI may not skip ----------------------------------------------
# Browser journeys (marker `e2e`), Redis tests (marker `redis`) and PostgreSQL-only tests
# (marker `postgres`, or the `postgres_url` fixture) skip locally with a reason when Chromium,
# redis-server or PostgreSQL is missing.
# With CI=true such a skip is a failure instead. PostgreSQL-only tests are deselected, not
# skipped, in CI's SQLite pass: .ci/run runs them in its PostgreSQL pass.

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
STRICT_MARKERS = {"e2e": "browser", "postgres": "PostgreSQL", "redis": "Redis"}


def on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgresql")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
    if on_postgresql():
        return
    needs_postgres = [item for item in items if item.get_closest_marker("postgres")]
    if not needs_postgres:
        return
    if IN_CI:
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
        config.hook.pytest_deselected(items=needs_postgres)
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: run `scripts/pg-throwaway.sh make test` "
        "or set DATABASE_URL=postgresql+psycopg://..."
    )
    for item in needs_postgres:
        item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    if call.when == "setup":  # JUnit reports name the markers, so .ci/run can count them
        for name in STRICT_MARKERS:
            if item.get_closest_marker(name):
                item.user_properties.append(("marker", name))
    report = yield
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        kinds = [label for name, label in STRICT_MARKERS.items() if item.get_closest_marker(name)]
        if kinds:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
            report.outcome = "failed"
            report.longrepr = f"CI=true: {' and '.join(kinds)} tests may not be skipped. {reason}"
    return report


@pytest.fixture
def postgres_url() -> str:
    """The PostgreSQL URL from DATABASE_URL; tests using it are PostgreSQL-only."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgresql+psycopg://...)")
    return url


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes():
    """Real salted scrypt hashes with cheap parameters: the default's ~0.1 s per hash and
    per check, over hundreds of sign-ups and logins, was a large share of the suite's time."""
    real = accounts.generate_password_hash
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            accounts,
            "generate_password_hash",
            lambda password, method="scrypt:256:8:1", salt_length=16: real(
                password, method=method, salt_length=salt_length
            ),
        )
        yield


@pytest.fixture(autouse=True, scope="session")
def _url_builders_compiled_once():
    """Each app turns each of its routes into a URL-building function: werkzeug writes it as
    Python source and compiles it, about two thirds of the time `create_app` takes (~25 ms),
    for each of the thousand and more apps the tests make. The same rule always gives the same
    function (it takes the rule as `self` when called), so it is compiled once per run. Rules
    with defaults, whose function holds their values, are compiled each time as before."""
    from werkzeug.routing import Rule

    real = getattr(Rule, "_compile_builder", None)
    if real is None:  # another werkzeug: nothing to save, nothing changed
        yield
        return
    compiled: dict = {}

    def compile_once(self, append_unknown=True):
        if self.defaults:
            return real(self, append_unknown)
        key = (self.rule, tuple(self._trace), append_unknown)
        if key not in compiled:
            compiled[key] = real(self, append_unknown)
        return compiled[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", compile_once)
        yield


class _CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache, kept in memory for the run: each app has an environment of its
    own, which compiled every template it showed again, a fifth of a page test's time. A
    template's code is stored under its name, the settings its compiled code depends on and
    (Jinja's own check) its source's checksum: an edited template is compiled again."""

    def __init__(self):
        self.stored: dict[str, bytes] = {}

    def get_bucket(self, environment, name, filename, source):
        autoescape = environment.autoescape
        settings = (
            autoescape(name) if callable(autoescape) else autoescape,
            sorted(environment.extensions),
            # (only these policies are read while compiling; others hold the app's functions)
            sorted(
                (key, value)
                for key, value in environment.policies.items()
                if key.startswith(("compiler.", "ext.i18n."))
            ),
            getattr(environment, "newstyle_gettext", None),
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.keep_trailing_newline,
            environment.optimized,
            environment.block_start_string,
            environment.variable_start_string,
            environment.comment_start_string,
            environment.line_statement_prefix,
        )
        return super().get_bucket(environment, f"{name}\0{settings!r}", filename, source)

    def load_bytecode(self, bucket):
        code = self.stored.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.stored[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(autouse=True, scope="session")
def _templates_compiled_once():
    from flask import Flask

    options = {**Flask.jinja_options, "bytecode_cache": _CompiledTemplates()}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Flask, "jinja_options", options)
        yield


def without_csrf(page: str) -> str:
    """A page without its CSRF tokens' values, to compare two pages that should read alike:
    a token carries the second it was signed in, which moves between two requests."""
    return re.sub(r'(name="csrf_token"[^>]*? value=")[^"]*', r"\1", page)


@pytest.fixture(scope="session")
def dovecot():
    """A real IMAP server (a throwaway Dovecot on 127.0.0.1), one for the whole session.
    Never skipped: without Dovecot the tests that use it fail, saying what to install."""
    from tests.imapserver import DovecotMissing, start_dovecot

    try:
        server = start_dovecot()
    except DovecotMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def mailbox(dovecot):
    """An empty mailbox of its own on the session's Dovecot: `mailbox.url()`,
    `mailbox.append([raw, ...])`, `mailbox.messages("Processed")`."""
    return dovecot.mailbox()


@pytest.fixture
def mail_scene(app, make, inbox):
    """A request on Nespresso with one offer letter sent (through the real `inbox`) and its
    reply address (`reply_to`) on REPLY_DOMAIN: where mail in arrives."""
    from registry.adapters.models import TransferRequest
    from registry.services import brands, letters
    from tests.mailscene import REPLY_DOMAIN

    app.config["MAIL_REPLY_DOMAIN"] = REPLY_DOMAIN
    brand = make.brand("Nespresso")
    with app.app_context():
        staff = make.user("staff")
        brands.add_contact_point(
            context(staff), "nespresso", kind="email", label="", value="info@nespresso.test"
        )
    request = make.request(brand=brand, opened_on=date(2026, 11, 2))
    with app.app_context():
        letter = letters.send_letter(
            context(staff, now=datetime(2026, 11, 2, 9, tzinfo=UTC)),
            request.id,
            contact_point="info@nespresso.test",
            template="offer",
            language="fr",
        )
        db.session().commit()
        token = db.session().get(TransferRequest, request.id).reply_token
    return {
        "request_id": request.id,
        "brand": brand,
        "reply_to": f"reply+{token}@{REPLY_DOMAIN}",
        "letter_message_id": letter.message_id,
        "staff": staff,
        "make": make,
    }
