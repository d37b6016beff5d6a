"""Security defaults, seen from outside: headers, links, log-in limits, sessions, privacy of
fans' names, unverified holder claims, and legal accounts kept to their own brand."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlmodel import func, select, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from registry import ROOT
from registry.adapters import db
from registry.adapters.models import (
    AuditEntry,
    Brand,
    ContactAttempt,
    CustodyRecord,
    Handle,
    TransferRequest,
)
from registry.config import from_environment
from registry.presentation.extensions import limiter
from registry.services import accounts, custody
from tests.api.conftest import Api
from tests.conftest import PASSWORD, make_test_app, without_csrf
from tests.factories import Factories

# --- helpers ---------------------------------------------------------------------------------


def log_in(client, email: str, password: str = PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def count(app, model, *where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        for condition in where:
            query = query.where(condition)
        return db.session().exec(query).one()


def current_custody(app, handle_id: int) -> CustodyRecord:
    with app.app_context():
        return custody.current_custody(db.session(), handle_id)


def stored_handle(app, handle_id: int) -> Handle:
    with app.app_context():
        return db.session().get(Handle, handle_id)


def shown(response) -> str:
    """What a reader sees of an answer: the page's text, or the JSON with its non-ASCII
    characters written out (jsonify escapes "é" as "\\u00e9")."""
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.text


def fetch(client, path: str, **kwargs):
    """GET and close the answer (a static file's stays open otherwise)."""
    response = client.get(path, **kwargs)
    response.close()
    return response


@pytest.fixture
def api(app, client):
    """The API client of tests/api: `api.token(role)`, `api.get`, `api.post`."""
    return Api(app, client)


@pytest.fixture
def build_app(tmp_path):
    """Apps with other settings, each on its own database; disposed after the test."""
    built = []

    def build(**config):
        directory = tmp_path / f"app{len(built)}"
        directory.mkdir()
        app = make_test_app(directory, **config)
        built.append(app)
        return app

    yield build
    for app in built:
        app.extensions["registry.engine"].dispose()


# --- 1. headers on every kind of answer -----------------------------------------------------

ANSWERS = {
    "html page": ("/", 200, "text/html"),
    "json api": ("/api/v1/handles", 200, "application/json"),
    "404 page": ("/no/such/page", 404, "text/html"),
    "static file": ("/static/style.css", 200, "text/css"),
}
PATHS = {kind: path for kind, (path, _status, _mimetype) in ANSWERS.items()}


@pytest.mark.parametrize("kind", ANSWERS)
def test_every_answer_carries_the_security_headers(client, kind):
    """Whatever answers (a page, the API, an error, a file), the browser is told to run
    only the site's own code, never to frame it, and not to guess content types."""
    path, status, mimetype = ANSWERS[kind]
    response = fetch(client, path)
    assert (response.status_code, response.mimetype) == (status, mimetype)
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS.keys())
def test_no_hsts_over_plain_http(client, path):
    """HSTS belongs on https answers only: over http (a laptop, a test) it is left out."""
    assert "Strict-Transport-Security" not in fetch(client, path).headers


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS.keys())
def test_hsts_over_https(client, path):
    """Served over https, every answer asks browsers to keep using https."""
    response = fetch(client, path, base_url="https://localhost")
    assert "max-age=" in response.headers.get("Strict-Transport-Security", "")


# --- 2. the templates need no inline script or style ------------------------------------------

TEMPLATES = ROOT / "templates"
INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE),
    "inline style": re.compile(r"\sstyle\s*=|<style\b", re.IGNORECASE),
    "event handler attribute": re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.IGNORECASE),
}
CAUGHT = {
    "inline script": "<script>alert(1)</script>",
    "inline style": '<p class="x" style="color: red">',
    "event handler attribute": '<a href="/" onclick="go()">',
}
FINE = '<script src="/static/app.js"></script><p class="on">one=1</p><link rel="stylesheet">'


def offending_lines(pattern: re.Pattern) -> list[str]:
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)[:60]}")
    return found


@pytest.mark.parametrize("kind", INLINE)
def test_the_scan_catches_what_it_looks_for(kind):
    """The patterns below are only worth their word if they find a real offender."""
    assert INLINE[kind].search(CAUGHT[kind])
    assert not INLINE[kind].search(FINE)


@pytest.mark.parametrize("kind", INLINE)
def test_no_template_has_inline_code_or_style(kind):
    """The strict CSP forbids inline script, style and handlers: a template using one
    would simply break in the browser."""
    assert len(list(TEMPLATES.rglob("*.html"))) > 10  # the scan does see the templates
    assert offending_lines(INLINE[kind]) == []


# --- 3. only http(s) links are stored -----------------------------------------------------------

BAD_URLS = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "JaVaScRiPt:alert(1)",
    "//evil.example/proof",
    "https://",
]
GOOD_URL = "https://example.org/proof"
NOT_A_WEB_URL = "Enter a web address starting with https:// (or http://)."


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_api_refuses_a_non_web_evidence_url(api, app, url):
    """A javascript: or data: link would run in the browser of whoever clicks it."""
    response = api.post(
        "/api/v1/handles",
        {"platform": "x", "handle": "Flammarion", "evidence_url": url},
        api.token("staff"),
    )
    assert response.status_code == 422, response.text
    assert "evidence_url" in response.get_json().get("fields", {})
    assert count(app, Handle) == 0 and count(app, CustodyRecord) == 0


def test_the_api_stores_a_web_evidence_url(api, app):
    response = api.post(
        "/api/v1/handles",
        {"platform": "x", "handle": "Flammarion", "evidence_url": GOOD_URL},
        api.token("staff"),
    )
    assert response.status_code == 201, response.text
    assert current_custody(app, response.get_json()["id"]).evidence_url == GOOD_URL


def change_holder(client, handle_id: int, evidence_url: str):
    return client.post(
        f"/handles/{handle_id}/holder",
        data={
            "holder_kind": "fan",
            "holder_name": "Julien",
            "started_on": "2025-01-01",
            "evidence_url": evidence_url,
        },
    )


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_change_of_holder_form_refuses_a_non_web_evidence_url(client, auth, app, make, url):
    handle = make.handle("Gallimard")
    auth.login("staff")
    response = change_holder(client, handle.id, url)
    assert response.status_code == 422 and NOT_A_WEB_URL in response.text
    assert count(app, CustodyRecord) == 1  # only the first record
    assert stored_handle(app, handle.id).holder_kind == "unknown"


def test_the_change_of_holder_form_stores_a_web_evidence_url(client, auth, app, make):
    handle = make.handle("Gallimard")
    auth.login("staff")
    assert change_holder(client, handle.id, GOOD_URL).status_code == 302
    assert current_custody(app, handle.id).evidence_url == GOOD_URL


def create_brand(client, website: str):
    return client.post(
        "/brands/new",
        data={
            "name": "Flammarion",
            "country": "FR",
            "timezone": "Europe/Paris",
            "website": website,
        },
    )


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_brand_form_refuses_a_non_web_website(client, auth, app, url):
    auth.login("staff")
    response = create_brand(client, url)
    assert response.status_code == 422 and NOT_A_WEB_URL in response.text
    assert count(app, Brand) == 0


def test_the_brand_form_stores_a_web_website(client, auth, app):
    auth.login("staff")
    assert create_brand(client, GOOD_URL).status_code == 302
    with app.app_context():
        assert db.session().exec(select(Brand.website)).one() == GOOD_URL


CSV_HEADER = [
    "platform",
    "handle",
    "brand",
    "holder_kind",
    "holder_name",
    "status",
    "followers",
    "notes",
    "evidence_url",
]


def upload_csv(client, evidence_url: str):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(CSV_HEADER)
    writer.writerow(["x", "Flammarion", "", "fan", "Julien", "active", "", "", evidence_url])
    form = {"file": FileStorage(io.BytesIO(text.getvalue().encode()), filename="handles.csv")}
    boundary, body = encode_multipart(form)
    return client.post(
        "/handles/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_csv_import_refuses_a_non_web_evidence_url(client, auth, app, url):
    auth.login("staff")
    response = upload_csv(client, url)
    assert response.status_code == 422 and NOT_A_WEB_URL in response.text
    assert count(app, Handle) == 0


def test_the_csv_import_stores_a_web_evidence_url(client, auth, app):
    auth.login("staff")
    assert upload_csv(client, GOOD_URL).status_code == 302
    with app.app_context():
        assert db.session().exec(select(CustodyRecord.evidence_url)).one() == GOOD_URL


STORED_BEFORE = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD4="]


@pytest.mark.parametrize("url", STORED_BEFORE)
def test_a_link_stored_before_the_rule_is_not_shown_as_a_link(client, app, make, url):
    """Rows written before links were checked keep their text, but never become links."""
    brand = make.brand("Gallimard")
    bad = make.handle("Gallimard", brand_id=brand.id)
    good = make.handle("Nespresso")
    with app.app_context():  # plain UPDATEs: custody records refuse edits through the ORM
        session = db.session()
        for handle, link in ((bad, url), (good, GOOD_URL)):
            session.exec(
                update(CustodyRecord)
                .where(CustodyRecord.handle_id == handle.id)
                .values(evidence_url=link, verified_url=link)
            )
        session.exec(update(Brand).where(Brand.id == brand.id).values(website=url))
        session.commit()
    assert f'href="{GOOD_URL}"' in client.get(f"/handles/{good.id}").text  # links do show
    for path in (
        f"/handles/{bad.id}",
        "/lookup?platform=x&handle=Gallimard",
        "/brands",
        "/brands/gallimard",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'href="javascript:' not in page.text.lower(), path
        assert 'href="data:' not in page.text.lower(), path


# --- 4. log-in and sign-up limits ------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_for_a_while(client, make):
    """Guessing a password needs many tries: after five wrong ones in a minute, even the
    right password is refused for a while, with a page saying so."""
    make.user("fan", email="reader@example.org")
    for _ in range(5):
        assert log_in(client, "reader@example.org", "not my password").status_code == 422
    response = log_in(client, "reader@example.org")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many attempts" in response.text


def test_successful_log_ins_do_not_count(client, make):
    """A member logging in often (several devices) is never locked out."""
    make.user("fan", email="reader@example.org")
    for _ in range(6):
        assert log_in(client, "reader@example.org").status_code == 302
        client.post("/logout")


def test_wrong_passwords_from_one_address_are_limited_across_accounts(build_app):
    """Trying one password on many accounts is limited too, per address."""
    app = build_app(LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    make = Factories(app)
    emails = [make.user("fan").email for _ in range(4)]
    client = app.test_client()
    for email in emails[:3]:
        assert log_in(client, email, "not my password").status_code == 422
    assert log_in(client, emails[3]).status_code == 429


def wrong_log_in(client, n: int, forwarded_for: str):
    """A wrong password for the n-th account, sent as if through a proxy for that address."""
    return client.post(
        "/login",
        data={"email": f"account{n}@example.org", "password": "a wrong guess"},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_behind_a_proxy_each_forwarded_address_has_its_own_limit(build_app):
    """Behind the proxy every client arrives from its address: one client's guesses must
    neither go unlimited nor lock everybody else out."""
    app = build_app(LOGIN_LIMIT_PER_ADDRESS="3 per minute", BEHIND_PROXY=1)
    client = app.test_client()
    statuses = [wrong_log_in(client, n, "203.0.113.1").status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert wrong_log_in(client, 4, "203.0.113.2").status_code == 422


def test_without_a_proxy_x_forwarded_for_is_ignored(build_app):
    """Anybody can send X-Forwarded-For: without BEHIND_PROXY it must not buy new tries."""
    app = build_app(LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    client = app.test_client()
    statuses = [wrong_log_in(client, n, f"198.51.100.{n}").status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]


@pytest.fixture
def limiter_left_as_found():
    """Puts back the shared limiter's on/off state, which building an app may change, so
    that this file's own tests do not depend on their order."""
    enabled = limiter.enabled
    yield
    limiter.enabled = enabled


def test_an_app_built_with_limits_off_leaves_them_on_for_the_next_app(
    build_app, limiter_left_as_found
):
    """Each app keeps its own settings: one built with RATELIMIT_ENABLED=False (the access
    matrix and the hostile-input scenes do so) must not switch the limits off for every app
    built after it in the same process."""
    build_app(RATELIMIT_ENABLED=False)
    app = build_app()
    Factories(app).user("fan", email="reader@example.org")
    client = app.test_client()
    for _ in range(5):
        assert log_in(client, "reader@example.org", "not my password").status_code == 422
    assert log_in(client, "reader@example.org").status_code == 429


def test_sign_ups_from_one_address_are_limited(build_app):
    """Each sign-up sends an e-mail: one address cannot make the site mail the world."""
    app = build_app(SIGNUP_LIMIT_PER_ADDRESS="2 per hour")
    client = app.test_client()
    statuses = [
        client.post(
            "/signup",
            data={"email": f"new{n}@example.org", "password": PASSWORD, "confirm": PASSWORD},
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


# --- 5. equal work for unknown and known accounts ------------------------------------------


def test_an_unknown_e_mail_and_a_wrong_password_cost_and_read_the_same(client, make, monkeypatch):
    """Neither the answer nor its delay tells whether an address has an account."""
    make.user("fan", email="reader@example.org")
    checks = []
    real = accounts.check_password_hash

    def counting(stored, password):
        checks.append(stored)
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    unknown = log_in(client, "nobody@example.org", "not my password")
    assert len(checks) == 1
    known = log_in(client, "reader@example.org", "not my password")
    assert len(checks) == 2
    assert unknown.status_code == known.status_code == 422
    assert without_csrf(unknown.text).replace("nobody@example.org", "X") == without_csrf(
        known.text
    ).replace("reader@example.org", "X")


# --- 6. sessions -----------------------------------------------------------------------------


def test_log_out_ends_a_copied_session_cookie(client, auth, app):
    """A session cookie copied elsewhere (a stolen one) stops working at log-out."""
    auth.login("fan")
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/me").status_code == 200
    client.post("/logout")
    response = thief.get("/me")
    assert response.status_code == 302 and "/login" in response.location


def test_log_out_ends_a_copied_remember_cookie(client, app, make):
    """The month-long remember cookie is ended by log-out as well, on every device."""
    make.user("fan", email="reader@example.org")
    assert log_in(client, "reader@example.org", remember="y").status_code == 302
    remembered = client.get_cookie("remember_token").value

    def fresh_client_with_remember_cookie():
        other = app.test_client()
        other.set_cookie("remember_token", remembered)
        return other

    assert fresh_client_with_remember_cookie().get("/me").status_code == 200
    client.post("/logout")
    response = fresh_client_with_remember_cookie().get("/me")
    assert response.status_code == 302 and "/login" in response.location


NEW_PASSWORD = "seven quiet lanterns drifting"


def change_password(client, current: str, new: str = NEW_PASSWORD):
    return client.post("/me/password", data={"current": current, "password": new, "confirm": new})


def test_a_password_change_ends_the_other_sessions_only(client, auth, app):
    """Changing a password is what someone does who fears it is known: every other
    session ends, the one that changed it goes on."""
    email = auth.login("fan")
    other_device = app.test_client()
    assert log_in(other_device, email).status_code == 302
    assert change_password(client, PASSWORD).status_code == 302
    assert client.get("/me").status_code == 200  # the one who changed it stays in
    response = other_device.get("/me")
    assert response.status_code == 302 and "/login" in response.location
    assert log_in(app.test_client(), email, PASSWORD).status_code == 422
    assert log_in(app.test_client(), email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        ("not my password", NEW_PASSWORD, "not your current password"),
        (PASSWORD, "short", "at least 12 characters"),
    ],
    ids=["wrong current password", "weak new password"],
)
def test_a_refused_password_change_changes_nothing(client, auth, app, current, new, message):
    email = auth.login("fan")
    response = change_password(client, current, new)
    assert response.status_code == 422 and message in response.text
    assert client.get("/me").status_code == 200
    assert log_in(app.test_client(), email, PASSWORD).status_code == 302


def set_cookie_header(response, name: str) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert headers, f"no {name} cookie set"
    return headers[-1]


def cookie_attributes(header: str) -> dict[str, str]:
    attributes = {}
    for part in header.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        attributes[key.lower()] = value
    return attributes


def test_the_remember_cookie_lasts_at_most_30_days_and_stays_on_the_site(client, make):
    """Flask-Login sets Expires rather than Max-Age: either counts as the lifetime."""
    make.user("fan", email="reader@example.org")
    response = log_in(client, "reader@example.org", remember="y")
    attributes = cookie_attributes(set_cookie_header(response, "remember_token"))
    if "max-age" in attributes:
        lifetime = timedelta(seconds=int(attributes["max-age"]))
    else:
        lifetime = parsedate_to_datetime(attributes["expires"]) - datetime.now(UTC)
    assert timedelta(0) < lifetime <= timedelta(days=30, minutes=1)
    assert attributes.get("samesite") == "Lax"
    assert "httponly" in attributes


def test_secure_settings_mark_both_cookies_secure(build_app):
    """Behind TLS, neither cookie may ever travel over plain http."""
    app = build_app(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    Factories(app).user("fan", email="reader@example.org")
    response = log_in(app.test_client(), "reader@example.org", remember="y")
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        assert "secure" in cookie_attributes(set_cookie_header(response, name)), name


def test_the_environment_turns_on_secure_cookies_and_the_proxy(tmp_path, monkeypatch):
    """Behind a TLS proxy: SESSION_COOKIE_SECURE=1 secures both cookies, BEHIND_PROXY=1
    trusts one proxy, and no REMEMBER_DAYS keeps a log-in beyond 30 days."""
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    monkeypatch.setenv("BEHIND_PROXY", "1")
    monkeypatch.setenv("REMEMBER_DAYS", "400")
    monkeypatch.delenv("REMEMBER_COOKIE_SECURE", raising=False)
    settings = from_environment(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["BEHIND_PROXY"] == 1
    assert settings["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)


# --- 7. method and parameter refusals --------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("PUT", "/login", {"GET", "POST"}), ("DELETE", "/api/v1/handles", {"GET", "POST"})],
)
def test_a_405_says_which_methods_are_allowed(client, method, path, allowed):
    """HTTP asks a 405 to name what is allowed; the error pages must keep that header."""
    response = client.open(path, method=method)
    assert response.status_code == 405
    given = {m.strip() for m in response.headers.get("Allow", "").split(",")}
    assert allowed <= given


@pytest.mark.parametrize("parameter", ["as_of", "page"])
def test_the_api_refuses_an_empty_parameter_and_names_it(api, parameter):
    """An empty `as_of=` silently meaning "today" would answer another question."""
    response = api.get(f"/api/v1/requests?{parameter}=", api.token("staff"))
    assert response.status_code == 400
    body = response.get_json()
    assert parameter in body["error"] and parameter in body.get("fields", {})


# --- 8. privacy of a fan's name ---------------------------------------------------------------

FAN_NAME = "Zéphyrine Quatremer"
NEW_HANDLE = "ZephyFan"


def offer_new_handle(client, brand, **extra):
    return client.post(
        "/requests/new",
        data={"platform": "x", "handle": NEW_HANDLE, "brand": str(brand.id), "terms": "free"}
        | extra,
    )


def offered_handle(app) -> Handle:
    with app.app_context():
        return db.session().exec(select(Handle).where(Handle.normalized == "zephyfan")).one()


@pytest.fixture
def offered(client, auth, app, make):
    """A fan named FAN_NAME offers @ZephyFan, new to the registry, to Gallimard on the
    web form, without ticking "show my name"; then logs out."""
    brand = make.brand("Gallimard")
    fan = make.user("fan", email="zephyrine@example.org", display_name=FAN_NAME)
    auth.login(email=fan.email)
    response = offer_new_handle(client, brand)
    assert response.status_code == 302, response.text
    auth.logout()
    return offered_handle(app)


def public_pages(handle_id: int) -> list[str]:
    return [
        "/",
        f"/lookup?platform=x&handle={NEW_HANDLE}",
        "/handles",
        f"/handles/{handle_id}",
        "/brands/gallimard",
        "/api/v1/handles",
        f"/api/v1/handles/x/{NEW_HANDLE}",
    ]


@pytest.mark.parametrize("reader", ["visitor", "another fan"])
def test_a_fans_name_is_not_public_by_default(client, auth, offered, reader):
    """A fan's name is personal data: without their choice, the public reads "A fan"."""
    if reader == "another fan":
        auth.login("fan", email="someone.else@example.org")
    for path in public_pages(offered.id):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Quatremer" not in shown(response), path
    for path in (f"/handles/{offered.id}", f"/lookup?platform=x&handle={NEW_HANDLE}", "/handles"):
        assert "A fan" in client.get(path).text, path


def test_staff_see_the_fans_name_marked_not_public(client, auth, offered):
    """Staff need the name to follow the offer up, and are told not to repeat it."""
    auth.login("staff")
    page = client.get(f"/handles/{offered.id}").text
    assert f"{FAN_NAME} (name not public)" in page


def test_a_fan_who_shows_their_name_is_named_in_public(client, auth, app, make):
    """Ticking "show my name" is the fan's choice to be credited in public."""
    brand = make.brand("Gallimard")
    fan = make.user("fan", email="zephyrine@example.org", display_name=FAN_NAME)
    auth.login(email=fan.email)
    assert offer_new_handle(client, brand, show_name="y").status_code == 302
    auth.logout()
    handle = offered_handle(app)
    assert FAN_NAME in client.get(f"/handles/{handle.id}").text
    assert FAN_NAME in shown(client.get(f"/api/v1/handles/x/{NEW_HANDLE}"))


# --- 9. holder claims ----------------------------------------------------------------------


def test_a_fans_own_claim_is_shown_unverified(client, offered):
    """A fan saying "this handle is mine" is a claim until staff check it."""
    assert "unverified" in client.get(f"/handles/{offered.id}").text
    api_answer = client.get(f"/api/v1/handles/x/{NEW_HANDLE}").get_json()
    assert api_answer["holder_verified"] is False


def verify(client, app, handle_id: int, evidence_url: str):
    version = stored_handle(app, handle_id).version
    return client.post(
        f"/handles/{handle_id}/verify",
        data={"evidence_url": evidence_url, "version": str(version)},
    )


@pytest.mark.parametrize("url", ["", "javascript:alert(1)"])
def test_staff_confirm_a_holder_only_with_a_web_page(client, auth, app, offered, url):
    """A confirmation names the page that proves it, and that page must be a web page."""
    auth.login("staff")
    assert verify(client, app, offered.id, url).status_code == 422
    assert stored_handle(app, offered.id).holder_verified is False


@pytest.mark.parametrize("role", ["fan", "legal"])
def test_only_staff_confirm_a_holder(client, auth, app, offered, role):
    """A fan cannot confirm their own claim, nor a brand's lawyer someone else's."""
    auth.login(role)
    assert verify(client, app, offered.id, GOOD_URL).status_code == 403
    assert stored_handle(app, offered.id).holder_verified is False


def test_staff_confirm_a_holder_and_the_record_keeps_who_and_from_what(client, auth, app, offered):
    """Once confirmed, the claim stops reading "unverified", and the record can say who
    confirmed it from which page."""
    auth.login("staff")
    assert verify(client, app, offered.id, GOOD_URL).status_code == 302
    auth.logout()
    assert "unverified" not in client.get(f"/handles/{offered.id}").text
    assert client.get(f"/api/v1/handles/x/{NEW_HANDLE}").get_json()["holder_verified"] is True
    custody = current_custody(app, offered.id)
    with app.app_context():
        staff = accounts.find_by_email(db.session(), "staff@example.org")
    assert (custody.verified_url, custody.verified_by_id) == (GOOD_URL, staff.id)
    assert count(app, AuditEntry, AuditEntry.action == "handle.verify") == 1


def test_a_holder_is_confirmed_once(client, auth, app, offered):
    """The first confirmation stays the record's: a second one does not overwrite it."""
    auth.login("staff")
    assert verify(client, app, offered.id, GOOD_URL).status_code == 302
    again = verify(client, app, offered.id, "https://example.org/other")
    assert again.status_code in (409, 422)
    assert "already confirmed" in again.text
    assert current_custody(app, offered.id).verified_url == GOOD_URL
    assert count(app, AuditEntry, AuditEntry.action == "handle.verify") == 1


@pytest.fixture
def gallimard(make):
    return make.brand("Gallimard")


def offer(client, handle_id: int):
    return client.post(f"/requests/new?handle_id={handle_id}", data={"terms": "free"})


def test_a_fan_cannot_offer_a_handle_held_by_another_member(client, auth, app, make, gallimard):
    """Only a handle's holder offers it: a fan may not sell someone else's account."""
    holder = make.user("fan", email="holder@example.org")
    handle = make.handle(
        "Gallimard", brand_id=gallimard.id, holder_kind="fan", holder_user_id=holder.id
    )
    auth.login("fan")
    response = offer(client, handle.id)
    assert response.status_code == 422  # a form shown again with its refusal (form_status)
    assert "held by someone else" in response.text
    assert count(app, TransferRequest) == 0


def test_staff_may_record_an_offer_for_any_holder(api, app, make, gallimard):
    """Staff record offers holders make by mail or phone, whoever holds the handle."""
    holder = make.user("fan", email="holder@example.org")
    handle = make.handle(
        "Gallimard", brand_id=gallimard.id, holder_kind="fan", holder_user_id=holder.id
    )
    response = api.post(
        "/api/v1/requests", {"handle_id": handle.id, "kind": "offer"}, api.token("staff")
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("holder", ["the fan", "nobody known"])
def test_a_fan_offers_a_handle_recorded_as_theirs_or_of_unknown_holder(
    client, auth, app, make, gallimard, holder
):
    """The rule keeps fans from offering others' handles, not their own or unclaimed ones."""
    fan = make.user("fan", email="fan@example.org")
    values = {"holder_kind": "fan", "holder_user_id": fan.id} if holder == "the fan" else {}
    handle = make.handle("Gallimard", brand_id=gallimard.id, **values)
    auth.login("fan")
    assert offer(client, handle.id).status_code == 302
    assert count(app, TransferRequest, TransferRequest.handle_id == handle.id) == 1


# --- 10. legal accounts act for their own brand ----------------------------------------------

ATTEMPT = {"direction": "outbound", "channel": "email", "outcome": "no_answer"}


@pytest.fixture
def brands_scene(make):
    """Gallimard with a handle nobody asked for and a fan's open request on another;
    Nespresso with one handle; and a handle of no brand."""
    gallimard = make.brand("Gallimard")
    nespresso = make.brand("Nespresso")
    request = make.request(brand=gallimard)
    free = make.handle("GallimardLivres", brand_id=gallimard.id)
    make.handle("Nespresso", brand_id=nespresso.id)
    make.handle("NoBrandAtAll")
    return {"request": request, "free": free}


def claim_on_web(client, handle_id: int):
    return client.post(
        f"/requests/new?handle_id={handle_id}", data={"kind": "claim", "terms": "free"}
    )


def claim_on_api(api, handle_id: int, token: str):
    return api.post("/api/v1/requests", {"handle_id": handle_id, "kind": "claim"}, token)


def test_legal_of_another_brand_cannot_claim_on_the_web(client, auth, app, brands_scene):
    """A brand's lawyer speaks for that brand only."""
    auth.login("legal", email="legal@nespresso.example", brand="nespresso")
    assert claim_on_web(client, brands_scene["free"].id).status_code == 403
    assert count(app, TransferRequest) == 1


def test_legal_of_another_brand_cannot_claim_on_the_api(api, app, brands_scene):
    token = api.token("legal", email="legal@nespresso.example", brand="nespresso")
    assert claim_on_api(api, brands_scene["free"].id, token).status_code == 403
    assert count(app, TransferRequest) == 1


def test_legal_of_the_brand_claims_on_the_web_and_the_api(client, auth, api, app, make):
    gallimard = make.brand("Gallimard")
    first = make.handle("GallimardLivres", brand_id=gallimard.id)
    second = make.handle("GallimardJeunes", brand_id=gallimard.id)
    auth.login("legal", email="legal@gallimard.example", brand="gallimard")
    assert claim_on_web(client, first.id).status_code == 302
    token = api.token("legal", email="legal@gallimard.example")
    assert claim_on_api(api, second.id, token).status_code == 201
    assert count(app, TransferRequest, TransferRequest.kind == "claim") == 2


def test_legal_of_another_brand_cannot_decide(client, auth, app, brands_scene):
    """Only Gallimard's legal team accepts or declines what is offered to Gallimard."""
    auth.login("legal", email="legal@nespresso.example", brand="nespresso")
    request_id = brands_scene["request"].id
    response = client.post(
        f"/requests/{request_id}/decision", data={"decision": "accept", "channel": "email"}
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session().get(TransferRequest, request_id).state == "proposed"


@pytest.mark.parametrize(
    ("action", "body"),
    [("attempts", ATTEMPT), ("transition", {"to": "contacting"})],
)
def test_legal_of_another_brand_cannot_log_or_move_on_the_api(api, app, brands_scene, action, body):
    token = api.token("legal", email="legal@nespresso.example", brand="nespresso")
    request_id = brands_scene["request"].id
    response = api.post(f"/api/v1/requests/{request_id}/{action}", body, token)
    assert response.status_code == 403, response.text
    assert count(app, ContactAttempt) == 0
    with app.app_context():
        assert db.session().get(TransferRequest, request_id).state == "proposed"


def test_legal_without_a_brand_is_told_why_on_the_api(api, brands_scene):
    """A legal account nobody attached yet acts for no brand, and is told what to do."""
    token = api.token("legal", email="legal@nowhere.example")
    response = claim_on_api(api, brands_scene["free"].id, token)
    assert response.status_code == 403
    assert "not attached to a brand" in response.get_json()["error"]


def test_legal_without_a_brand_is_told_why_on_the_web(client, auth, brands_scene):
    """The same refusal on the site must say the same thing as the API's."""
    auth.login("legal", email="legal@nowhere.example")
    response = claim_on_web(client, brands_scene["free"].id)
    assert response.status_code == 403
    assert "not attached to a brand" in response.text


def exported_brands(response) -> list[str]:
    assert response.status_code == 200, response.text
    rows = csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff")))
    return sorted(row["brand"] for row in rows)


def test_legal_exports_only_its_own_brand(client, auth, brands_scene):
    """The export is the whole registry in one file: legal gets its own brand's part."""
    auth.login("legal", email="legal@gallimard.example", brand="gallimard")
    assert exported_brands(client.get("/handles/export.csv")) == ["gallimard", "gallimard"]
    assert client.get("/handles/export.csv?brand=nespresso").status_code == 403


def test_admin_exports_everything(client, auth, brands_scene):
    auth.login("admin")
    assert exported_brands(client.get("/handles/export.csv")) == [
        "",
        "gallimard",
        "gallimard",
        "nespresso",
    ]
