"""Nothing a client sends gives a 5xx: a table of hostile inputs on every form and query string.

Each case sends one hostile value (a number beyond its column, a date in year 1 or 9999, a
100 KB text, a NUL byte, a lone surrogate, a body nested 100,000 deep...) in one field of one
form, one query parameter, one path segment or one JSON field, and states what the answer must
be: its status (never 5xx) and a sentence the client can act on. Where a value is harmless in
that field (a long number typed as a note), the case only asks for an answer below 500 that
says what is wrong when it refuses.

The scene (accounts, a brand, handles, requests) is built once per module through the site and
the API, so the table runs in seconds; the cases do not depend on each other's outcome.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field

import pytest
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import Brand
from registry.domain import limits
from registry.services import accounts, tokens
from tests.conftest import PASSWORD, make_test_app
from tests.factories import context

# --- the hostile values ----------------------------------------------------------------------

BIG = "x" * 100_000  # a 100 KB text
NUL = "a\x00b"
INTS = [
    "9999999999999999999",  # beyond 64 bits
    "99999999999999999999999",
    "1" + "0" * 30,  # 10^30
    "2147483648",  # 2^31, one beyond PostgreSQL's INTEGER
    "9" * 400,  # beyond any float: cannot even be compared with one
    "-1",
    "9" * 5000,  # more digits than Python converts by default
]
FLOATS = ["1e308", "inf", "nan", "-inf"]
DAYS = ["0001-01-01", "9999-12-31"]
MOMENTS = ["0001-01-01T00:00", "9999-12-31T23:59"]
VALUES = [*INTS, *FLOATS, *DAYS, *MOMENTS, BIG, NUL]

DAY_RANGE = "between 1900-01-01 and 2100-12-31"  # the API's sentences keep ISO dates
PAGE_DAY_RANGE = "between January 1, 1900 and December 31, 2100"  # a page's, in words
NUL_REFUSED = "NUL character"


def short(value) -> str:
    text = repr(value)
    return text if len(text) <= 24 else f"{text[:12]}…{len(text)}ch"


# --- the cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile request. `expect`: the statuses allowed (None: any below 500);
    `says`: a regular expression the answer must match (None: an error marker when >= 400)."""

    name: str
    method: str
    url: str
    role: str | None = None  # whose session (web) or token (API) sends it
    query: dict | None = None
    form: dict | None = None
    body: str | None = None  # raw JSON text
    files: dict | None = None
    content_type: str | None = None
    expect: tuple[int, ...] | None = None
    says: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        return self.name


def refuse(status: int | tuple[int, ...], says: str | None = None) -> dict:
    return {"expect": (status,) if isinstance(status, int) else status, "says": says}


ANY: dict = {"expect": None, "says": None}


# --- web forms: (url, role, valid fields, {field: kind}) -------------------------------------
# Kinds: int, amount, date, moment, text:N (at most N characters), other (anything goes).

WEB_FORMS = [
    (
        "/signup",
        None,
        {
            "email": "new{n}@example.org",
            "display_name": "Fan",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
        {"email": "other", "display_name": "text:120", "password": "other", "confirm": "other"},
    ),
    (
        "/login",
        None,
        {"email": "fan@example.org", "password": "wrong password", "remember": "y"},
        {"email": "other", "password": "other", "remember": "other"},
    ),
    (
        "/me",
        "fan",
        {"display_name": "Fan", "phone": "", "locale": "", "timezone": "Europe/Paris"},
        {"display_name": "text:120", "phone": "text:40", "locale": "other", "timezone": "other"},
    ),
    ("/me/tokens", "staff", {"name": "script {n}"}, {"name": "other"}),
    ("/language", None, {"locale": "en", "next": "/"}, {"locale": "other", "next": "other"}),
    (
        "/me/delete",
        "fan",
        {"password": "not my password"},
        {"password": "other"},
    ),
    (
        "/handles/new",
        "staff",
        {
            "platform": "instagram",
            "handle": "fan_{n}",
            "brand": "",
            "holder_kind": "fan",
            "holder_name": "Julien",
            "holder_contact": "",
            "status": "active",
            "followers": "1500",
            "followers_seen_on": "2024-02-01",
            "notes": "",
            "private_notes": "",
        },
        {
            "platform": "other",
            "handle": "other",
            "brand": "other",
            "holder_kind": "other",
            "holder_name": "text:120",
            "holder_contact": "text:255",
            "status": "other",
            "followers": "int",
            "followers_seen_on": "date",
            "notes": "text:5000",
            "private_notes": "text:5000",
        },
    ),
    (
        "/handles/{handle}/edit",
        "staff",
        {
            "brand": "",
            "status": "active",
            "followers": "1500",
            "followers_seen_on": "2024-02-01",
            "notes": "",
            "private_notes": "",
        },
        {
            "brand": "other",
            "status": "other",
            "followers": "int",
            "followers_seen_on": "date",
            "notes": "text:5000",
            "private_notes": "text:5000",
        },
    ),
    (
        "/handles/{handle}/holder",
        "staff",
        {
            "holder_kind": "fan",
            "holder_name": "Julien",
            "holder_contact": "",
            "started_on": "2024-06-01",
            "evidence_url": "",
            "note": "",
        },
        {
            "holder_kind": "other",
            "holder_name": "text:120",
            "holder_contact": "text:255",
            "started_on": "date",
            "evidence_url": "other",
            "note": "text:2000",
        },
    ),
    (
        "/brands/new",
        "staff",
        {
            "name": "Brand {n}",
            "slug": "",
            "country": "FR",
            "timezone": "Europe/Paris",
            "website": "",
            "reply_deadline_days": "",
            "notes": "",
        },
        {
            # A name or slug that is not refused makes a brand that later cases would find.
            "name": "refused-only",
            "slug": "refused-only",
            "country": "other",
            "timezone": "other",
            "website": "other",
            "reply_deadline_days": "int",
            "notes": "text:5000",
        },
    ),
    (
        "/brands/editable/edit",
        "staff",
        {
            "name": "Editable",
            "slug": "editable",
            "country": "FR",
            "timezone": "Europe/Paris",
            "website": "",
            "reply_deadline_days": "",
            "notes": "",
        },
        {
            # Any slug that is not refused renames the brand: only refusals are sent there.
            "slug": "refused-only",
            "name": "refused-only",
            "country": "other",
            "timezone": "other",
            "website": "other",
            "reply_deadline_days": "int",
            "notes": "text:5000",
        },
    ),
    (
        "/brands/gallimard/contacts",
        "staff",
        {"kind": "press", "label": "Press office", "value": "press@example.org"},
        {"kind": "other", "label": "other", "value": "other"},
    ),
    (
        "/requests/new?handle_id={handle}",
        "fan",
        {"kind": "offer", "terms": "sale", "amount": "150", "message": ""},
        {"kind": "other", "terms": "other", "amount": "amount", "message": "text:5000"},
    ),
    (
        "/requests/new",
        "fan",
        {
            "platform": "tiktok",
            "handle": "offer_{n}",
            "brand": "{brand_id}",
            "kind": "offer",
            "terms": "free",
            "amount": "",
            "message": "",
        },
        {"platform": "other", "handle": "other", "brand": "other", "amount": "amount"},
    ),
    (
        "/requests/{attempts}/attempts",
        "staff",
        {
            "direction": "outbound",
            "channel": "email",
            "contact_point": "Press office",
            "happened_at": "2026-03-03T09:30",
            "outcome": "no_answer",
            "summary": "",
        },
        {
            "direction": "other",
            "channel": "other",
            "contact_point": "text:255",
            "happened_at": "moment",
            "outcome": "other",
            "summary": "text:5000",
        },
    ),
    (
        "/requests/{moves}/transition",
        "staff",
        {"to": "contacting", "note": ""},
        {"to": "other", "note": "other"},
    ),
    (
        # No valid decision, so that the request stays open and its page shows the form.
        "/requests/{decision}/decision",
        "legal",
        {"decision": "", "channel": "email", "summary": ""},
        {"decision": "other", "channel": "other", "summary": "text:5000"},
    ),
    (
        "/admin/users/{target}",
        "admin",
        {"u{target}-role": "fan", "u{target}-brand": "", "u{target}-active": "y"},
        {"u{target}-role": "other", "u{target}-brand": "other", "u{target}-active": "other"},
    ),
]


def web_expectation(kind: str, value: str) -> dict:
    if value == NUL:
        return refuse(400, NUL_REFUSED)
    if kind == "int":
        if value == "-1":
            return refuse(422)
        if value.isdigit() and len(value) <= 4300:  # a number, beyond the field's range
            return refuse(422, "between")
        return refuse(422, "Not a valid integer")
    if kind == "amount":
        return refuse(422)
    if kind == "date":  # a required field says "Enter a date."; an optional one "Not a valid…"
        return refuse(422, PAGE_DAY_RANGE if value in DAYS else "(Enter|Not a valid) (a )?date")
    if kind == "moment":
        return refuse(422, PAGE_DAY_RANGE if value in MOMENTS else "(Enter the|Not a valid) date")
    if kind.startswith("text:") and len(value) > int(kind.partition(":")[2]):
        return refuse(422, "longer than")
    return ANY


def web_form_cases() -> list[Case]:
    cases = []
    for url, role, valid, kinds in WEB_FORMS:
        for name, kind in kinds.items():
            for value in VALUES:
                expectation = web_expectation(kind, value)
                if kind == "refused-only":
                    if value not in (BIG, NUL):
                        continue
                    expectation = web_expectation("text:120", value)
                cases.append(
                    Case(
                        f"web POST {url} {name}={short(value)}",
                        "POST",
                        url,
                        role,
                        form={**valid, name: value},
                        **expectation,
                    )
                )
    return cases


# --- web query strings: (url, role, {parameter: kind}) ----------------------------------------
# Kinds: page (clamped), day (flash and today / ignored with a note), search (cut), other.

WEB_QUERIES = [
    ("/lookup", None, {"platform": "other", "handle": "other"}),
    (
        "/handles",
        None,
        {
            "platform": "other",
            "brand": "other",
            "holder_kind": "other",
            "status": "other",
            "q": "search",
            "page": "page",
        },
    ),
    ("/handles/export.csv", "legal", {"q": "search", "platform": "other", "brand": "other"}),
    ("/handles/new", "staff", {"platform": "other", "handle": "other"}),
    ("/brands", None, {"page": "other"}),
    ("/requests", "staff", {"state": "other", "brand": "other", "page": "page"}),
    ("/requests/mine", "fan", {"page": "page"}),
    (
        "/requests/attention",
        "staff",
        {"as_of": "day", "brand": "other", "sort": "other", "show": "other"},
    ),
    (
        "/audit",
        "staff",
        {
            "action": "other",
            "entity_type": "other",
            "actor": "other",
            "date_from": "day",
            "date_to": "day",
            "page": "page",
        },
    ),
    ("/admin/users", "admin", {"page": "page"}),
    ("/requests/new", "fan", {"handle_id": "id", "platform": "other", "handle": "other"}),
    ("/login", None, {"next": "other"}),
    ("/requests/{attempts}", "staff", {"as_of": "other"}),
]


def web_query_expectation(name: str, kind: str, value: str) -> dict:
    if value == NUL:
        return refuse(400, NUL_REFUSED)
    if len(value) > limits.query_value_max(name):
        # Overlong values are cut: the same page again, the value shortened, with a flash.
        return refuse(302, None)
    if kind == "page":
        return refuse(200)
    if kind == "day":
        return refuse(200, PAGE_DAY_RANGE if value in DAYS else "is not a date")
    if kind == "id":
        return refuse((200, 404))
    return ANY


def web_query_cases() -> list[Case]:
    cases = []
    for url, role, parameters in WEB_QUERIES:
        for name, kind in parameters.items():
            for value in VALUES:
                cases.append(
                    Case(
                        f"web GET {url}?{name}={short(value)}",
                        "GET",
                        url,
                        role,
                        query={name: value},
                        **web_query_expectation(name, kind, value),
                    )
                )
    return cases


# --- paths -----------------------------------------------------------------------------------

ID_VALUES = [*INTS[:4], "0", "9" * 5000]

WEB_ID_PATHS = [
    ("GET", "/handles/{v}", None),
    ("GET", "/handles/{v}/edit", "staff"),
    ("POST", "/handles/{v}/holder", "staff"),
    ("GET", "/requests/{v}", "staff"),
    ("POST", "/requests/{v}/attempts", "staff"),
    ("POST", "/requests/{v}/transition", "staff"),
    ("POST", "/requests/{v}/withdraw", "fan"),
    ("POST", "/requests/{v}/decision", "legal"),
    ("POST", "/me/tokens/{v}/revoke", "staff"),
    ("POST", "/admin/users/{v}", "admin"),
    ("GET", "/api/v1/requests/{v}", "staff"),
    ("POST", "/api/v1/requests/{v}/attempts", "staff"),
    ("POST", "/api/v1/requests/{v}/transition", "staff"),
]
TEXT_PATHS = [
    ("GET", "/brands/{v}", None, (404,)),
    ("GET", "/brands/{v}/edit", "staff", (404,)),
    ("GET", "/api/v1/handles/x/{v}", None, (404, 422)),
    ("GET", "/api/v1/handles/{v}/gallimard", None, (404,)),
]


def path_cases() -> list[Case]:
    cases = []
    for method, url, role in WEB_ID_PATHS:
        for value in ID_VALUES:
            body = "{}" if url.startswith("/api/") and method == "POST" else None
            cases.append(
                Case(
                    f"{method} {url.format(v=short(value))}",
                    method,
                    url.replace("{v}", value),
                    role,
                    body=body,
                    **refuse(404),
                )
            )
    for method, url, role, statuses in TEXT_PATHS:
        for value in [*INTS[:3], *DAYS, BIG, "a%00b"]:
            expectation = refuse(400, NUL_REFUSED) if value == "a%00b" else refuse(statuses)
            cases.append(
                Case(
                    f"{method} {url.format(v=short(value))}",
                    method,
                    url.replace("{v}", value),
                    role,
                    **expectation,
                )
            )
    return cases


# --- CSV import --------------------------------------------------------------------------------

CSV_HEADER = "platform,handle,brand,holder_kind,holder_name,status,followers,notes"
CSV_ROW = {
    "platform": "x",
    "handle": "csv_{n}",
    "brand": "gallimard",
    "holder_kind": "fan",
    "holder_name": "Julien",
    "status": "active",
    "followers": "1500",
    "notes": "",
}
CSV_KINDS = {
    "platform": "other",
    "handle": "other",
    "brand": "other",
    "holder_kind": "other",
    "holder_name": "text:120",
    "status": "other",
    "followers": "followers",
    "notes": "text:5000",
}


def csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def csv_expectation(kind: str, value: str) -> dict:
    """A refused line is listed (line 2, the one after the header) with its reason."""
    line = r'<td class="num">2</td><td>[^<]*'
    if value == NUL:
        return refuse(422, line + NUL_REFUSED)
    if kind == "followers":
        return refuse(422, line + "(number of followers|whole number|cannot be negative)")
    if kind.startswith("text:") and len(value) > int(kind.partition(":")[2]):
        return refuse(422, line + "longer than")
    return ANY


def csv_cases() -> list[Case]:
    cases = []
    for column, kind in CSV_KINDS.items():
        for value in VALUES:
            row = {**CSV_ROW, column: value}
            text = CSV_HEADER + "\n" + ",".join(csv_cell(row[name]) for name in CSV_ROW) + "\n"
            expectation = csv_expectation(kind, value)
            cases.append(
                Case(
                    f"CSV import {column}={short(value)}",
                    "POST",
                    "/handles/import",
                    "staff",
                    form={"dry_run": "y"},
                    files={"file": text},
                    **expectation,
                )
            )
    return cases


# --- API query strings -------------------------------------------------------------------------

API_QUERIES = [
    (
        "/api/v1/handles",
        None,
        {
            "platform": "choice",
            "brand": "brand",
            "holder_kind": "choice",
            "status": "choice",
            "q": "search",
            "page": "page",
            "per_page": "page",
        },
    ),
    (
        "/api/v1/requests",
        "staff",
        {
            "flag": "choice",
            "as_of": "day",
            "state": "choice",
            "brand": "brand",
            "page": "page",
            "per_page": "page",
        },
    ),
    ("/api/v1/requests/{attempts}", "staff", {"as_of": "day"}),
]


def api_query_expectation(name: str, kind: str, value: str) -> dict:
    if value == NUL:
        return refuse(400, NUL_REFUSED)
    if len(value) > limits.query_value_max(name):
        return refuse(400, f"at most {limits.query_value_max(name)}")
    if kind == "search":
        return refuse(200)
    if kind == "day" and value in DAYS:
        return refuse(400, DAY_RANGE)
    if kind == "brand":  # well formed, but no brand has that slug: 422, as the document says
        return refuse(422, "No brand with the slug")
    return refuse(400)


def api_query_cases() -> list[Case]:
    cases = []
    for url, role, parameters in API_QUERIES:
        for name, kind in parameters.items():
            for value in VALUES:
                cases.append(
                    Case(
                        f"API GET {url}?{name}={short(value)}",
                        "GET",
                        url,
                        role,
                        query={name: value},
                        **api_query_expectation(name, kind, value),
                    )
                )
    return cases


# --- API bodies ----------------------------------------------------------------------------------


class Raw(str):
    """JSON text sent as it is (Infinity, NaN, a lone surrogate escape, a 5,000-digit number)."""


JSON_VALUES: list = [
    10**30,
    2**31,
    2**63,
    -1,
    1e308,
    Raw("1e400"),
    Raw("Infinity"),
    Raw("-Infinity"),
    Raw("NaN"),
    Raw("9" * 5000),
    "9999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59-05:00",
    Raw('"\\ud800"'),
    Raw('"a\\ud83d"'),
    NUL,
    BIG,
]
SURROGATES = (JSON_VALUES[15], JSON_VALUES[16])

API_BODIES = [
    (
        "/api/v1/handles",
        "staff",
        {
            "platform": "instagram",
            "handle": "api_{n}",
            "brand": "gallimard",
            "holder_kind": "fan",
            "holder_name": "Julien",
            "holder_contact": "",
            "status": "active",
            "followers": 1500,
            "followers_seen_on": "2024-02-01",
            "notes": "",
            "private_notes": "",
            "evidence_url": "",
        },
        {
            "platform": "choice",
            "handle": "other",
            "brand": "choice",
            "holder_kind": "choice",
            "holder_name": "text:120",
            "holder_contact": "text:255",
            "status": "choice",
            "followers": "int",
            "followers_seen_on": "date",
            "notes": "text:5000",
            "private_notes": "text:5000",
            "evidence_url": "text:500",
        },
    ),
    (
        "/api/v1/requests",
        "staff",
        {"handle_id": "{handle}", "terms": "sale", "amount": 150.0, "message": ""},
        {"handle_id": "int", "terms": "choice", "amount": "int", "message": "text:5000"},
    ),
    (
        "/api/v1/requests",
        "staff",
        {"platform": "tiktok", "handle": "api_offer_{n}", "brand": "gallimard", "kind": "offer"},
        {"platform": "choice", "handle": "other", "brand": "choice", "kind": "choice"},
    ),
    (
        "/api/v1/requests/{attempts}/attempts",
        "staff",
        {
            "direction": "outbound",
            "channel": "email",
            "contact_point": "Press office",
            "happened_at": "2026-03-03T09:30:00Z",
            "outcome": "no_answer",
            "summary": "",
        },
        {
            "direction": "choice",
            "channel": "choice",
            "contact_point": "text:255",
            "happened_at": "moment",
            "outcome": "choice",
            "summary": "text:5000",
        },
    ),
    (
        "/api/v1/requests/{moves}/transition",
        "staff",
        {"to": "contacting", "note": ""},
        {"to": "choice", "note": "text:500"},
    ),
]


def api_body_expectation(kind: str, value) -> dict:
    if value == NUL:
        return refuse(422, NUL_REFUSED)
    if value in SURROGATES:
        return refuse(422, "surrogate")
    if value == Raw("9" * 5000):
        return refuse(400, "not valid JSON")
    if kind in ("int", "choice"):
        return refuse(422)
    # A date or a time is an ISO 8601 text, or a malformed body (400): never a Unix time.
    if kind == "date":
        return refuse(422, DAY_RANGE) if value in DAYS else refuse(400, "ISO 8601")
    if kind == "moment":
        if value in ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59-05:00", *DAYS):
            return refuse(422, DAY_RANGE)
        return refuse(400, "ISO 8601")
    if (isinstance(value, str) and not isinstance(value, Raw)) or value in ("9999999999999999999",):
        if kind.startswith("text:") and len(value) > int(kind.partition(":")[2]):
            return refuse(422, "at most")
        return ANY
    return refuse(422)  # a number where a text is expected


def json_text(fields: dict) -> str:
    """The body as JSON text, Raw values written as they are."""
    raws = {}
    plain = {}
    for name, value in fields.items():
        if isinstance(value, Raw):
            raws[name] = str(value)
            plain[name] = f"@@raw:{name}@@"
        else:
            plain[name] = value
    text = json.dumps(plain)
    for name, raw in raws.items():
        text = text.replace(json.dumps(f"@@raw:{name}@@"), raw)
    return text


def api_body_cases() -> list[Case]:
    cases = []
    for url, role, valid, kinds in API_BODIES:
        for name, kind in kinds.items():
            for value in JSON_VALUES:
                cases.append(
                    Case(
                        f"API POST {url} {name}={short(value)}",
                        "POST",
                        url,
                        role,
                        body=json_text({**valid, name: value}),
                        **api_body_expectation(kind, value),
                    )
                )
    return cases


# --- whole bodies ------------------------------------------------------------------------------

DEEP_ARRAY = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 100_000 + "1" + "}" * 100_000
API_WRITE_URLS = [
    "/api/v1/handles",
    "/api/v1/requests",
    "/api/v1/requests/{attempts}/attempts",
    "/api/v1/requests/{moves}/transition",
]
WEB_POST_URLS = [
    "/handles/new",
    "/requests/{attempts}/attempts",
    "/brands/new",
    "/me",
    "/login",
]


def body_cases() -> list[Case]:
    cases = []
    for url in API_WRITE_URLS:
        for label, body, expectation in [
            ("nested 100,000 deep (array)", DEEP_ARRAY, refuse(400, "nested")),
            ("nested 100,000 deep (object)", DEEP_OBJECT, refuse(400, "nested")),
            ("a 2 MB text field", json.dumps({"notes": "x" * 2_000_000}), refuse(413)),
            ("a list", "[1, 2, 3]", refuse(400, "JSON object")),
            ("NUL in a field name", '{"a\\u0000b": 1}', refuse(422, NUL_REFUSED)),
            ("surrogate in a field name", '{"\\udc00": 1}', refuse(422, "surrogate")),
        ]:
            cases.append(
                Case(f"API POST {url} body {label}", "POST", url, "staff", body=body, **expectation)
            )
    for url in WEB_POST_URLS:
        role = None if url == "/login" else "staff"
        for label, body in [
            ("nested 100,000 deep", DEEP_ARRAY),
            ("a JSON object", json.dumps({"followers": 1e308, "handle": {"a": 1}})),
        ]:
            cases.append(
                Case(
                    f"web POST {url} JSON body {label}",
                    "POST",
                    url,
                    role,
                    body=body,
                    content_type="application/json",
                    **refuse(415, "form"),
                )
            )
    return cases


CASES = [
    *web_form_cases(),
    *web_query_cases(),
    *path_cases(),
    *csv_cases(),
    *api_query_cases(),
    *api_body_cases(),
    *body_cases(),
]


# --- the scene -----------------------------------------------------------------------------------


class Scene:
    """The accounts, brand, handle and requests every case refers to, and one client each."""

    def __init__(self, app):
        self.app = app
        self.serial = itertools.count(1)
        self.clients = {}
        self.tokens = {}
        self.ids: dict[str, int | str] = {}
        for role in ("fan", "staff", "admin"):
            self.account(role)
        for name in ("Gallimard", "Editable"):
            response = self.web("staff").post(
                "/brands/new", data={"name": name, "country": "FR", "timezone": "Europe/Paris"}
            )
            assert response.status_code == 302, response.text
        self.account("legal", brand_slug="gallimard")
        self.ids["target"] = self.account("fan", email="target@example.org", login=False).id
        created = self.api_post(
            "/api/v1/handles",
            {"platform": "x", "handle": "Gallimard", "brand": "gallimard", "holder_kind": "fan"},
        )
        self.ids["handle"] = created["id"]
        with app.app_context():
            self.ids["brand_id"] = (
                db.session().exec(select(Brand.id).where(Brand.slug == "gallimard")).one()
            )
        for name in ("attempts", "moves", "decision"):
            handle = self.api_post(
                "/api/v1/handles",
                {"platform": "instagram", "handle": f"scene_{name}", "brand": "gallimard"},
            )
            response = self.web("fan").post(
                f"/requests/new?handle_id={handle['id']}", data={"kind": "offer", "terms": "free"}
            )
            assert response.status_code == 302, response.text
            self.ids[name] = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    def account(self, role: str, *, email: str | None = None, brand_slug: str = "", login=True):
        email = email or f"{role}@example.org"
        with self.app.app_context():
            session = db.session()
            user = accounts.find_by_email(session, email)
            if user is None:
                user = accounts.create_user(
                    context(), email=email, password=PASSWORD, role=role, brand_slug=brand_slug
                )
                session.commit()
            if role in ("staff", "legal", "admin"):
                _token, self.tokens[role] = tokens.create_token(context(user), user, "hostile")
                session.commit()
        if login:
            client = self.app.test_client()
            response = client.post("/login", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302, response.text
            self.clients[role] = client
        return user

    def web(self, role: str | None):
        return self.clients[role] if role else self.app.test_client()

    def api_post(self, url: str, body: dict) -> dict:
        response = self.app.test_client().post(
            url, json=body, headers={"Authorization": f"Bearer {self.tokens['staff']}"}
        )
        assert response.status_code == 201, response.text
        return response.get_json()

    def fill(self, text: str) -> str:
        return text.format(n=next(self.serial), **self.ids)

    def send(self, case: Case):
        """The case's request; `self.client` is the client that sent it (its cookies hold
        what the answer flashed)."""
        url = case.url.format(n=next(self.serial), **self.ids) if "{" in case.url else case.url
        api = url.startswith("/api/")
        client = self.app.test_client() if api or case.role is None else self.clients[case.role]
        self.client = client
        headers = {"Authorization": f"Bearer {self.tokens[case.role]}"} if api and case.role else {}
        kwargs: dict = {"headers": headers}
        if case.query is not None:
            kwargs["query_string"] = {k: self.fill(v) for k, v in case.query.items()}
        if case.files is not None:
            from io import BytesIO

            data = {k: self.fill(v) for k, v in (case.form or {}).items()}
            for name, text in case.files.items():
                data[name] = (BytesIO(self.fill(text).encode("utf-8")), "hostile.csv")
            kwargs["data"] = data
            kwargs["content_type"] = "multipart/form-data"
        elif case.form is not None:
            kwargs["data"] = {self.fill(k): self.fill(v) for k, v in case.form.items()}
        elif case.body is not None:
            body = case.body.replace('"{handle}"', str(self.ids["handle"]))
            body = body.replace("{n}", str(next(self.serial)))
            kwargs["data"] = body.encode("utf-8", errors="surrogatepass")
            kwargs["content_type"] = case.content_type or "application/json"
        return client.open(url, method=case.method, **kwargs)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    # Thousands of sign-ups and log-ins from one address: the limits would answer 429 to
    # most; this test is about what each input gets (tests/web/test_security.py tests them).
    app = make_test_app(tmp_path_factory.mktemp("hostile"), RATELIMIT_ENABLED=False)
    yield Scene(app)
    app.extensions["registry.engine"].dispose()


ERROR_MARKERS = ('class="error', "flash-error", "error-page", '"error"')


def describe(response) -> str:
    text = response.get_data(as_text=True)
    return f"{response.status_code} {text[:600]!r}"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_input_gets_a_clear_answer_and_no_server_error(scene, case):
    response = scene.send(case)
    assert response.status_code < 500, describe(response)
    if case.expect is not None:
        assert response.status_code in case.expect, describe(response)
    text = response.get_data(as_text=True)
    if case.says is not None:
        assert re.search(case.says, text), describe(response)
    elif response.status_code >= 400:
        assert any(marker in text for marker in ERROR_MARKERS), describe(response)
    if case.expect == (302,) and case.method == "GET" and not case.url.endswith(".csv"):
        # An overlong value is cut: the page it leads to names the cut and answers 200.
        followed = scene.client.get(response.headers["Location"])
        assert followed.status_code < 500, describe(followed)
        assert "cut" in followed.get_data(as_text=True), describe(followed)


def test_the_table_covers_every_kind_of_hostile_input():
    sent = []
    for case in CASES:
        sent += [case.url, case.body or "", *(case.files or {}).values()]
        for part in (case.query, case.form):
            sent += list((part or {}).values())
    everything = "\n".join(sent)
    assert len(CASES) > 2000
    for needle in [
        "99999999999999999999999",
        "1" + "0" * 30,
        "2147483648",
        "1e308",
        "Infinity",
        "0001-01-01",
        "9999-12-31",
        NUL,
        "\\ud800",
        BIG,
        DEEP_ARRAY,
    ]:
        assert needle in everything, needle[:40]
    kinds = {case.name.split(" ")[0] + " " + case.method for case in CASES}
    assert {"web GET", "web POST", "API GET", "API POST", "CSV POST"} <= kinds
