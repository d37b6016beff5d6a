"""Each bound and default is declared once (registry.domain.limits, or the domain module that
owns the rule) and the pages read it: a form's attributes and help, its refusals, the
settings' defaults."""

from __future__ import annotations

import dataclasses
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import annotated_types
import pytest

import registry
from registry import config
from registry.adapters.models import (
    ApiToken,
    Brand,
    ContactAttempt,
    ContactPoint,
    CustodyRecord,
    Handle,
    HandoverPlan,
    User,
)
from registry.api import schemas
from registry.domain import clock, escalation, handover, limits
from registry.services import ServiceError, tokens
from registry.web import forms
from registry.web.tokens import TokenForm


class _Inputs(HTMLParser):
    """The attributes of each input, textarea and select of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "textarea", "select"):
            self.found.append(dict(attrs))


def inputs_in(page: str) -> list[dict[str, str | None]]:
    parser = _Inputs()
    parser.feed(page)
    return parser.found


def inputs_of(page: str) -> dict[str, dict[str, str | None]]:
    """The attributes of each input, textarea and select of a page that has an id, by id."""
    return {found["id"]: found for found in inputs_in(page) if found.get("id")}


# --- a brand's reply deadline ---------------------------------------------------------------


def test_the_brand_form_reads_the_deadline_range_and_the_configured_default(client, auth, app):
    auth.login("staff")
    field = inputs_of(client.get("/brands/new").text)["reply_deadline_days"]
    assert (field["min"], field["max"]) == (
        str(limits.MIN_DEADLINE_DAYS),
        str(limits.MAX_DEADLINE_DAYS),
    )
    assert (
        f"Leave empty for the default ({clock.DEFAULT_DEADLINE_DAYS})."
        in client.get("/brands/new").text
    )
    app.config["REPLY_DEADLINE_DAYS"] = 15
    assert "Leave empty for the default (15)." in client.get("/brands/new").text


def test_a_deadline_beyond_the_range_is_refused_with_the_range(client, auth):
    auth.login("staff")
    too_long = limits.MAX_DEADLINE_DAYS + 1
    response = client.post(
        "/brands/new",
        data={
            "name": "Gallimard",
            "country": "FR",
            "timezone": "UTC",
            "reply_deadline_days": too_long,
        },
    )
    assert response.status_code == 422
    assert f"between {limits.MIN_DEADLINE_DAYS} and {limits.MAX_DEADLINE_DAYS}" in unescape(
        response.text
    )


def test_the_service_refuses_a_deadline_beyond_the_range_with_the_range(make):
    with pytest.raises(ServiceError) as refused:
        make.brand("Gallimard", reply_deadline_days=limits.MAX_DEADLINE_DAYS + 1)
    assert refused.value.field == "reply_deadline_days"
    assert str(refused.value) == (
        f"The reply deadline is between {limits.MIN_DEADLINE_DAYS} and "
        f"{limits.MAX_DEADLINE_DAYS} business days."
    )


# --- one bound, three readers: the form, the API's schema, the OpenAPI document -------------

# (form, its field, API model, its field, the declared bound): the same value entered on a page
# and sent to the API has one longest length.
SAME_TEXT = [
    (forms.HandleForm, "handle", schemas.HandleCreate, "handle", limits.HANDLE_INPUT_MAX),
    (forms.HandleForm, "holder_name", schemas.HandleCreate, "holder_name", limits.NAME_MAX),
    (
        forms.HandleForm,
        "holder_contact",
        schemas.HandleCreate,
        "holder_contact",
        limits.CONTACT_MAX,
    ),
    (forms.HandleForm, "notes", schemas.HandleCreate, "notes", limits.NOTE_MAX),
    (forms.HandleForm, "private_notes", schemas.HandleCreate, "private_notes", limits.NOTE_MAX),
    (forms.HandleEditForm, "notes", schemas.HandleUpdate, "notes", limits.NOTE_MAX),
    (forms.HandleEditForm, "private_notes", schemas.HandleUpdate, "private_notes", limits.NOTE_MAX),
    (forms.ProposalForm, "handle", schemas.RequestCreate, "handle", limits.HANDLE_INPUT_MAX),
    (forms.ProposalForm, "message", schemas.RequestCreate, "message", limits.MESSAGE_MAX),
    (
        forms.AttemptForm,
        "contact_point",
        schemas.AttemptCreate,
        "contact_point",
        limits.CONTACT_POINT_MAX,
    ),
    (forms.AttemptForm, "summary", schemas.AttemptCreate, "summary", limits.SUMMARY_MAX),
    (forms.TransitionForm, "note", schemas.TransitionCreate, "note", limits.TRANSITION_NOTE_MAX),
    (forms.HandoverScheduleForm, "notes", schemas.HandoverCreate, "notes", limits.NOTE_MAX),
    (forms.HandoverOutcomeForm, "note", schemas.HandoverOutcome, "note", limits.NOTE_MAX),
    (forms.BrandForm, "name", schemas.BrandCreate, "name", limits.NAME_MAX),
    (forms.BrandForm, "slug", schemas.BrandCreate, "slug", limits.BRAND_SLUG_MAX),
    (forms.BrandForm, "country", schemas.BrandCreate, "country", limits.COUNTRY_CODE_LENGTH),
    (forms.BrandForm, "subdivision", schemas.BrandCreate, "subdivision", limits.SUBDIVISION_MAX),
    (forms.BrandForm, "timezone", schemas.BrandCreate, "timezone", limits.TIMEZONE_MAX),
    (forms.BrandForm, "website", schemas.BrandCreate, "website", limits.WEBSITE_MAX),
    (forms.BrandForm, "notes", schemas.BrandCreate, "notes", limits.NOTE_MAX),
    (forms.ContactPointForm, "label", schemas.ContactPointIn, "label", limits.NAME_MAX),
    (forms.ContactPointForm, "value", schemas.ContactPointIn, "value", limits.CONTACT_POINT_MAX),
]

# (form, field, model, field, minimum, maximum): whole numbers.
SAME_NUMBER = [
    (forms.HandleForm, "followers", schemas.HandleCreate, "followers", 0, limits.MAX_FOLLOWERS),
    (forms.HandleEditForm, "followers", schemas.HandleUpdate, "followers", 0, limits.MAX_FOLLOWERS),
    (
        forms.BrandForm,
        "reply_deadline_days",
        schemas.BrandCreate,
        "reply_deadline_days",
        limits.MIN_DEADLINE_DAYS,
        limits.MAX_DEADLINE_DAYS,
    ),
    (
        forms.HandoverScheduleForm,
        "window_minutes",
        schemas.HandoverCreate,
        "window_minutes",
        handover.MIN_WINDOW_MINUTES,
        handover.MAX_WINDOW_MINUTES,
    ),
]

# Fields of a form alone (no API counterpart), and their bound.
FORM_TEXT = [
    (forms.SignupForm, "email", limits.EMAIL_MAX),
    (forms.SignupForm, "display_name", limits.NAME_MAX),
    (forms.ProfileForm, "display_name", limits.NAME_MAX),
    (forms.ProfileForm, "phone", limits.PHONE_MAX),
    (forms.HolderChangeForm, "holder_name", limits.NAME_MAX),
    (forms.HolderChangeForm, "holder_contact", limits.CONTACT_MAX),
    (forms.HolderChangeForm, "evidence_url", limits.URL_MAX),
    (forms.HolderChangeForm, "note", limits.CUSTODY_NOTE_MAX),
    (forms.VerifyHolderForm, "evidence_url", limits.URL_MAX),
    (forms.ProposalForm, "amount", limits.AMOUNT_INPUT_MAX),
    (forms.DecisionForm, "summary", limits.SUMMARY_MAX),
    (TokenForm, "name", tokens.NAME_MAX_LENGTH),
]

# Fields of the API alone, and their bound.
API_TEXT = [
    (schemas.HandleCreate, "platform", limits.PLATFORM_SLUG_MAX),
    (schemas.HandleCreate, "brand", limits.BRAND_SLUG_MAX),
    (schemas.HandleCreate, "evidence_url", limits.URL_MAX),
    (schemas.HandleUpdate, "brand", limits.BRAND_SLUG_MAX),
    (schemas.RequestCreate, "platform", limits.PLATFORM_SLUG_MAX),
    (schemas.RequestCreate, "brand", limits.BRAND_SLUG_MAX),
    (schemas.HandoverConfirm, "channel", limits.CODE_MAX),
    (schemas.HandoverOutcome, "reason", limits.CODE_MAX),
]


def rendered(app, form_class, name: str) -> dict[str, str | None]:
    """The attributes of a form's field as a page renders it."""
    with app.test_request_context():
        form = form_class()
        return inputs_of(str(form[name]()))[form[name].id]


def constraint(model, name: str, kind: type):
    """The value of a pydantic constraint (annotated_types.MaxLen, Ge…) on a model's field."""
    found = [item for item in model.model_fields[name].metadata if isinstance(item, kind)]
    assert len(found) == 1, f"{model.__name__}.{name} has no single {kind.__name__}"
    return dataclasses.astuple(found[0])[0]


def documented(document: dict, model, name: str) -> dict:
    """A field's schema in the OpenAPI document, its null alternative set aside."""
    schema = document["components"]["schemas"][model.__name__]["properties"][name]
    alternatives = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    assert len(alternatives) == 1
    return {**schema, **alternatives[0]}


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


@pytest.mark.parametrize(
    ("form", "field", "model", "name", "bound"),
    SAME_TEXT,
    ids=[f"{f.__name__}.{n}" for f, n, *_ in SAME_TEXT],
)
def test_a_text_has_one_longest_length_on_the_form_in_the_api_and_in_its_document(
    app, document, form, field, model, name, bound
):
    assert rendered(app, form, field)["maxlength"] == str(bound)
    assert constraint(model, name, annotated_types.MaxLen) == bound
    assert documented(document, model, name)["maxLength"] == bound


@pytest.mark.parametrize(
    ("form", "field", "model", "name", "low", "high"),
    SAME_NUMBER,
    ids=[f"{f.__name__}.{n}" for f, n, *_ in SAME_NUMBER],
)
def test_a_number_has_one_range_on_the_form_in_the_api_and_in_its_document(
    app, document, form, field, model, name, low, high
):
    attributes = rendered(app, form, field)
    assert (attributes["min"], attributes["max"]) == (str(low), str(high))
    assert constraint(model, name, annotated_types.Ge) == low
    assert constraint(model, name, annotated_types.Le) == high
    schema = documented(document, model, name)
    assert (schema["minimum"], schema["maximum"]) == (low, high)


@pytest.mark.parametrize(
    ("form", "field", "bound"), FORM_TEXT, ids=[f"{f.__name__}.{n}" for f, n, _ in FORM_TEXT]
)
def test_a_forms_own_text_reads_its_bound(app, form, field, bound):
    assert rendered(app, form, field)["maxlength"] == str(bound)


@pytest.mark.parametrize(
    ("model", "name", "bound"), API_TEXT, ids=[f"{m.__name__}.{n}" for m, n, _ in API_TEXT]
)
def test_an_api_fields_own_text_reads_its_bound(document, model, name, bound):
    assert constraint(model, name, annotated_types.MaxLen) == bound
    assert documented(document, model, name)["maxLength"] == bound


def test_the_country_code_has_one_exact_length(app, document):
    assert rendered(app, forms.BrandForm, "country")["minlength"] == str(limits.COUNTRY_CODE_LENGTH)
    assert constraint(schemas.BrandCreate, "country", annotated_types.MinLen) == 2
    assert documented(document, schemas.BrandCreate, "country")["minLength"] == 2


def test_a_new_brands_contact_points_are_bounded_in_number(document):
    schema = documented(document, schemas.BrandCreate, "contact_points")
    assert schema["maxItems"] == limits.CONTACT_POINTS_MAX


def test_a_handover_window_has_one_default_length(app, document):
    assert rendered(app, forms.HandoverScheduleForm, "window_minutes")["value"] == str(
        handover.DEFAULT_WINDOW_MINUTES
    )
    default = schemas.HandoverCreate.model_fields["window_minutes"].default
    assert default == handover.DEFAULT_WINDOW_MINUTES
    assert documented(document, schemas.HandoverCreate, "window_minutes")["default"] == default


# --- pages ------------------------------------------------------------------------------------

TEMPLATES = Path(registry.__file__).parent / "templates"
LITERAL_BOUND = re.compile(r"\b(?:min|max|minlength|maxlength)=\s*[\"']?\d")


def test_no_template_writes_a_bound_by_hand():
    """An input's bounds come from its form's validators or its view, never a literal."""
    written = {
        str(path.relative_to(TEMPLATES)): LITERAL_BOUND.findall(path.read_text())
        for path in TEMPLATES.rglob("*.html")
    }
    assert {name: found for name, found in written.items() if found} == {}


def test_the_periods_dates_are_bounded_by_the_registrys_range(client):
    page = client.get("/reports/responsiveness").text
    for name in ("from", "to"):
        field = next(f for f in inputs_in(page) if f.get("name") == name)
        assert (field["min"], field["max"]) == (
            limits.MIN_DAY.isoformat(),
            limits.MAX_DAY.isoformat(),
        )


def test_the_api_document_names_the_registrys_years(document):
    years = f"outside {limits.MIN_DAY.year}-{limits.MAX_DAY.year}"
    assert years in document["info"]["description"]
    responsiveness = document["paths"]["/api/v1/brands/{slug}/responsiveness"]["get"]
    assert years in responsiveness["description"]


# --- settings -----------------------------------------------------------------------------------

SETTINGS = {
    "REPLY_DEADLINE_DAYS": clock.DEFAULT_DEADLINE_DAYS,
    "DEFAULT_COUNTRY": clock.DEFAULT_COUNTRY,
    "HANDOVER_LOCK_DAYS": handover.DEFAULT_LOCK_DAYS,
    "ESCALATE_AFTER": escalation.DEFAULT_ESCALATE_AFTER,
    "PAGE_SIZE": limits.PAGE_SIZE,
}


def test_an_unset_setting_is_the_rules_own_default(tmp_path, monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    settings = config.from_environment(tmp_path)
    assert {name: settings[name] for name in SETTINGS} == SETTINGS


def test_an_api_page_is_the_configured_size_within_the_most_a_client_may_ask(app, client, document):
    per_page = next(
        p
        for p in document["paths"]["/api/v1/handles"]["get"]["parameters"]
        if p["name"] == "per_page"
    )
    assert per_page["schema"]["default"] == app.config["PAGE_SIZE"]
    assert per_page["schema"]["maximum"] == limits.MAX_PER_PAGE
    assert client.get("/api/v1/handles").get_json()["per_page"] == app.config["PAGE_SIZE"]
    too_many = client.get(f"/api/v1/handles?per_page={limits.MAX_PER_PAGE + 1}")
    assert too_many.status_code == 400
    assert client.get(f"/api/v1/handles?per_page={limits.MAX_PER_PAGE}").status_code == 200
    app.config["PAGE_SIZE"] = limits.MAX_PER_PAGE * 2  # a site's pages may be longer
    assert client.get("/api/v1/handles").get_json()["per_page"] == limits.MAX_PER_PAGE


def test_the_import_page_says_the_largest_file_the_site_takes(app, client, auth):
    auth.login("staff")
    page = unescape(client.get("/handles/import").text)
    assert f"UTF-8 text, at most {limits.IMPORT_FILE_MAX_MB} MB." in page
    assert app.config["MAX_CONTENT_LENGTH"] > limits.IMPORT_FILE_MAX_BYTES


# --- the columns ------------------------------------------------------------------------------

COLUMNS = [
    (User, "email", limits.EMAIL_MAX),
    (User, "display_name", limits.NAME_MAX),
    (User, "phone", limits.PHONE_MAX),
    (User, "timezone", limits.TIMEZONE_MAX),
    (Brand, "name", limits.NAME_MAX),
    (Brand, "slug", limits.BRAND_SLUG_MAX),
    (Brand, "country", limits.COUNTRY_CODE_LENGTH),
    (Brand, "subdivision", limits.SUBDIVISION_MAX),
    (Brand, "timezone", limits.TIMEZONE_MAX),
    (Brand, "website", limits.WEBSITE_MAX),
    (ContactPoint, "label", limits.NAME_MAX),
    (ContactPoint, "value", limits.CONTACT_POINT_MAX),
    (Handle, "holder_name", limits.NAME_MAX),
    (Handle, "holder_contact", limits.CONTACT_MAX),
    (CustodyRecord, "evidence_url", limits.URL_MAX),
    (ContactAttempt, "contact_point", limits.CONTACT_POINT_MAX),
    (ContactAttempt, "channel", limits.CODE_MAX),
    (HandoverPlan, "outcome_reason", limits.CODE_MAX),
    (ApiToken, "name", tokens.NAME_MAX_LENGTH),
]


@pytest.mark.parametrize(
    ("table", "column", "bound"), COLUMNS, ids=[f"{t.__name__}.{c}" for t, c, _ in COLUMNS]
)
def test_a_bound_is_its_columns_length(table, column, bound):
    """The tables keep their lengths in their migrations: a bound that drifted from its
    column would let through what the database refuses (PostgreSQL), or refuse what fits."""
    assert table.__table__.columns[column].type.length == bound
