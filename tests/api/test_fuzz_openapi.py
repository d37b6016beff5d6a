"""The API fuzzed from its own OpenAPI document, with every check Schemathesis has.

Schemathesis reads /api/v1/openapi.json from the app itself and, for every operation, sends
bodies, query strings and paths that fit the document and others that do not (wrong types,
values beyond their bounds, NUL characters...), with a staff token, in-process (no server).
Every built-in check runs (no 5xx, documented statuses, content types, headers and bodies, a
call that fits the document accepted and one that does not refused...), as configured in
tests/api/schemathesis.toml, which the CLI run against a server (test_fuzz_server.py) reads
too. It is bounded so that CI runs it: a few examples per operation, deterministic, no
shrinking, no example database written to disk.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from registry import create_app
from registry.adapters import db
from registry.api import openapi
from registry.services import accounts, tokens
from tests.conftest import PASSWORD, make_test_app
from tests.factories import context
from tests.mailserver import start_inbox

EXAMPLES_PER_OPERATION = 150
CONFIG = Path(__file__).with_name("schemathesis.toml")


def seeded_app(directory):
    """An app with a staff token, a brand, its handle and a request on it, so that id 1 is
    real."""
    app = make_test_app(directory)
    with app.app_context():
        session = db.session()
        staff = accounts.create_user(
            context(), email="staff@example.org", password=PASSWORD, role="staff"
        )
        session.commit()
        _token, app.config["FUZZ_TOKEN"] = tokens.create_token(context(staff), staff, "fuzz")
        session.commit()
    client = app.test_client()
    # Something to find: a brand, its handle and a request on it, so that id 1 is real.
    client.post("/login", data={"email": "staff@example.org", "password": PASSWORD})
    brand = client.post(
        "/brands/new", data={"name": "Gallimard", "country": "FR", "timezone": "Europe/Paris"}
    )
    assert brand.status_code == 302, brand.text
    auth = {"Authorization": f"Bearer {app.config['FUZZ_TOKEN']}"}
    created = client.post(
        "/api/v1/handles",
        json={"platform": "x", "handle": "Gallimard", "brand": "gallimard", "holder_kind": "fan"},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    proposed = client.post(
        "/api/v1/requests", json={"handle_id": created.get_json()["id"]}, headers=auth
    )
    assert proposed.status_code == 201, proposed.text
    # Letters go to a real SMTP server on loopback, to the brand's one e-mail contact point.
    _inbox, app.extensions["fuzz.smtp"] = start_inbox(app)
    app.config["MAIL_REPLY_DOMAIN"] = "replies.registry.test"
    point = client.post(
        "/brands/gallimard/contacts",
        data={"kind": "legal", "label": "Legal", "value": "legal@gallimard.test"},
    )
    assert point.status_code == 302, point.text
    return app


def stop(app) -> None:
    app.extensions["fuzz.smtp"].stop()
    app.extensions["registry.engine"].dispose()


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory):
    app = seeded_app(tmp_path_factory.mktemp("fuzz"))
    yield app
    stop(app)


def api_document() -> dict:
    """The document as /api/v1/openapi.json serves it. Writing it needs the app's routes, not
    its database, so it is read at collection time and each operation becomes a test."""
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "openapi"})
    with app.test_request_context():
        return openapi.document()


schema = schemathesis.openapi.from_dict(api_document(), config=SchemathesisConfig.from_path(CONFIG))
schema.config.generation.update(
    max_examples=EXAMPLES_PER_OPERATION, deterministic=True, no_shrink=True
)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_check_passes_on_every_operation(case, fuzzed_app):
    # In-process WSGI calls, no server: the checks that send calls of their own (ignored_auth's
    # call without the token) go through the app too.
    case.operation.schema.app = fuzzed_app
    # The token, unless this case left it out on purpose (a negative case "without the
    # required Authorization"): adding it back would make the case valid, and its 200 read
    # as invalid data accepted. Schemathesis's own auth providers skip those cases the same way.
    negated = case.operation.schema.is_security_param_negated(case)
    token = {} if negated else {"Authorization": f"Bearer {fuzzed_app.config['FUZZ_TOKEN']}"}
    response = case.call_and_validate(  # every check the configuration enables: all of them
        app=fuzzed_app, headers=token
    )
    assert response.status_code < 500, (case.as_curl_command(), response.content[:500])
    if response.content:  # (Flask answers OPTIONS itself, with an empty body)
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/json"), (case.as_curl_command(), content_type)
    if response.status_code >= 400:  # every refusal says why, in one sentence
        body = json.loads(response.content)
        assert isinstance(body.get("error"), str) and body["error"], body
