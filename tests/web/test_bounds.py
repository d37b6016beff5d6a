"""Each bound and default is declared once (registry.domain.limits, or the domain module that
owns the rule) and the pages read it: a form's attributes and help, its refusals, the
settings' defaults."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

import pytest

from registry.domain import clock, limits
from registry.services import ServiceError


class _Inputs(HTMLParser):
    """The attributes of each input, textarea and select of a page, by id."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag in ("input", "textarea", "select") and found.get("id"):
            self.by_id[found["id"]] = found


def inputs_of(page: str) -> dict[str, dict[str, str | None]]:
    parser = _Inputs()
    parser.feed(page)
    return parser.by_id


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
