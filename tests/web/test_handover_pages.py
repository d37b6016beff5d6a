"""The handover on the request page (issue 15): the panel, its forms only where they can be
used (staff plan, each side confirms, staff record the outcome), refusals on the page, the
confirm step of `claimed`, the handover in the history, and the dashboard's late plans."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import CustodyRecord, Handle, HandoverPlan, TransferRequest, User
from registry.services import handover as service
from tests.factories import context

PARIS = ZoneInfo("Europe/Paris")


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def load(app, model, ident):
    with app.app_context():
        return db.session().get(model, ident)


def ahead(days=2, hour=14):
    """A moment `days` from now at `hour`:00 Paris time, and as a date-time input writes it."""
    local = (datetime.now(PARIS) + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return local.astimezone(UTC), local.strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def scene(app, make):
    """A fan's offer of @Gallimard on X, agreed; staff; Gallimard's legal team."""
    fan = make.user("fan", email="julien@example.org", display_name="Julien")
    request = make.request(["replied"], proposer=fan, state="agreed")
    staff = make.user("staff", email="sam@example.org", display_name="Sam")
    legal = make.user("legal", email="lea@example.org", display_name="Léa", brand_slug="gallimard")
    return request, fan, staff, legal


def plan_window(app, request, staff, **values):
    with app.app_context():
        session = db.session()
        start, _typed = ahead()
        return service.schedule(
            context(session.get(User, staff.id), now=values.pop("now", datetime.now(UTC))),
            request.id,
            window_start=values.pop("window_start", start),
            **values,
        ).id


def confirm_both(app, request):
    with app.app_context():
        for party in ("holder", "brand"):
            service.confirm(
                context(now=datetime.now(UTC)), request.id, party=party, channel="email"
            )


def test_staff_plan_a_window_from_the_request_page(app, client, auth, scene):
    request, *_ = scene
    auth.login("staff", email="sam@example.org")
    page = client.get(f"/requests/{request.id}")
    words = text_of(page)
    assert "Handover" in words and "No handover window is planned yet." in words
    assert f'action="/requests/{request.id}/handover"' in page.text
    start, typed = ahead()
    answer = client.post(
        f"/requests/{request.id}/handover",
        data={"window_start": typed, "window_minutes": "45", "notes": "Julien renames first"},
    )
    assert answer.status_code == 302 and answer.location.endswith("#handover")
    with app.app_context():
        plan = db.session().exec(select(HandoverPlan)).one()
        assert plan.window_minutes == 45 and plan.timezone == "Europe/Paris"
        assert plan.window_start.replace(tzinfo=UTC) == start
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "Awaiting confirmations" in words
    assert "Next step: the holder's confirmation, the brand's confirmation." in words
    assert "45 minutes" in words and "Julien renames first" in words
    assert "X frees the old name the moment it changes" in words  # the platform's warning
    assert "At the start of the window, rename your account to another name." in words
    assert "Plan a new window" not in words  # a plan is under way: no second one
    # the history says who planned it
    assert "Handover window planned" in words and "by Sam" in words


def test_a_refused_window_shows_on_the_page(client, auth, scene):
    request, *_ = scene
    auth.login("staff", email="sam@example.org")
    past = (datetime.now(PARIS) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(
        f"/requests/{request.id}/handover", data={"window_start": past, "window_minutes": "30"}
    )
    assert answer.status_code == 422
    assert "The window must start in the future." in text_of(answer)
    answer = client.post(
        f"/requests/{request.id}/handover",
        data={"window_start": ahead()[1], "window_minutes": "2"},
    )
    assert answer.status_code == 422 and "A window lasts from 5 to 1440 minutes." in text_of(answer)


def test_each_side_sees_only_its_own_confirm_button(app, client, auth, scene):
    request, _fan, staff, _legal = scene
    plan_window(app, request, staff)
    auth.login("fan", email="julien@example.org")
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "Confirm for the holder" in words and "Confirm for the brand" not in words
    assert "Record the outcome" not in words and "Plan the window" not in words
    # the fan cannot confirm for the brand: refused on the page
    refused = client.post(f"/requests/{request.id}/handover/confirm", data={"party": "brand"})
    assert refused.status_code == 422
    assert "The brand's confirmation comes from its legal team" in text_of(refused)
    answer = client.post(f"/requests/{request.id}/handover/confirm", data={"party": "holder"})
    assert answer.status_code == 302
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "Confirm for the holder" not in words  # done: no button any more
    assert "by Julien" in words and "Handover window confirmed for the holder" in words
    client.post("/logout")
    auth.login("legal", email="lea@example.org")
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "Confirm for the brand" in words and "Confirm for the holder" not in words
    assert (
        client.post(f"/requests/{request.id}/handover/confirm", data={"party": "brand"}).status_code
        == 302
    )
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "Ready: both sides confirmed" in words
    assert "Next step: staff, to record the outcome." in words


def test_staff_record_a_confirmation_received_elsewhere_naming_the_channel(
    app, client, auth, scene
):
    request, _fan, staff, _legal = scene
    plan_window(app, request, staff)
    auth.login("staff", email="sam@example.org")
    page = client.get(f"/requests/{request.id}")
    assert 'id="handover-channel"' in page.text
    # staff give neither side's own button: they record a confirmation with its channel
    assert "Confirm for the holder" not in text_of(page)
    refused = client.post(f"/requests/{request.id}/handover/confirm", data={"party": "brand"})
    assert refused.status_code == 422
    assert "Say by which channel the confirmation reached you." in text_of(refused)
    answer = client.post(
        f"/requests/{request.id}/handover/confirm", data={"party": "brand", "channel": "phone"}
    )
    assert answer.status_code == 302
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "recorded by Sam, received by phone" in words
    with app.app_context():
        plan = db.session().exec(select(HandoverPlan)).one()
        assert plan.brand_channel == "phone" and plan.holder_confirmed_at is None


def test_claimed_asks_confirmation_and_nothing_changes_before(app, client, auth, scene):
    request, _fan, staff, _legal = scene
    plan_window(app, request, staff)
    auth.login("staff", email="sam@example.org")
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "The brand claimed the name" not in words  # not before both confirmations
    assert "once both sides have confirmed the window" in words
    confirm_both(app, request)
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "The brand claimed the name" in words and "The window failed" in words
    page = client.post(f"/requests/{request.id}/handover/outcome", data={"outcome": "claimed"})
    assert page.status_code == 200
    words = text_of(page)
    assert "Complete the handover of @Gallimard?" in words
    assert "Custody of @Gallimard on X moves to Gallimard. This cannot be undone." in words
    assert 'name="confirmed" value="1"' in page.text
    assert load(app, TransferRequest, request.id).state == "agreed"  # nothing yet
    with app.app_context():
        assert db.session().exec(select(HandoverPlan)).one().outcome == ""
    done = client.post(
        f"/requests/{request.id}/handover/outcome", data={"outcome": "claimed", "confirmed": "1"}
    )
    assert done.status_code == 302
    assert load(app, TransferRequest, request.id).state == "completed"
    with app.app_context():
        session = db.session()
        handle = session.get(Handle, request.handle_id)
        assert handle.holder_kind == "brand"
        assert session.exec(select(CustodyRecord)).all()
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "Claimed by the brand" in words and "Handover outcome recorded claimed" in words
    assert "The brand claimed the name" not in words and "Plan the window" not in words


def test_a_failed_window_is_listed_and_a_new_one_can_be_planned(app, client, auth, scene):
    request, _fan, staff, _legal = scene
    plan_window(app, request, staff)
    auth.login("staff", email="sam@example.org")
    refused = client.post(f"/requests/{request.id}/handover/outcome", data={"outcome": "failed"})
    assert refused.status_code == 422
    assert "Say why the window failed" in text_of(refused)
    answer = client.post(
        f"/requests/{request.id}/handover/outcome",
        data={"outcome": "failed", "reason": "sniped", "note": "Taken by @gallimard_fr"},
    )
    assert answer.status_code == 302  # no confirm step: a new window can be planned
    assert load(app, TransferRequest, request.id).state == "agreed"
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "Earlier windows" in words
    assert "Someone else took the name in between" in words and "Taken by @gallimard_fr" in words
    assert "Plan the window" in words and "Record the outcome" not in words


def test_no_panel_before_agreement_and_no_forms_for_other_readers(app, client, auth, make):
    fan = make.user("fan", email="julien@example.org")
    request = make.request(["no_answer"], proposer=fan)
    auth.login("staff", email="sam@example.org")
    assert 'id="handover"' not in client.get(f"/requests/{request.id}").text
    with app.app_context():
        session = db.session()
        session.get(TransferRequest, request.id).state = "agreed"
        session.commit()
    client.post("/logout")
    auth.login("admin", email="ada@example.org")
    page = client.get(f"/requests/{request.id}")
    assert 'id="handover"' in page.text and "Plan the window" in text_of(page)
    client.post("/logout")
    auth.login("fan", email="julien@example.org")
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "No handover window is planned yet." in words and "Plan the window" not in words
    assert client.post(f"/requests/{request.id}/handover", data={}).status_code == 403
    assert client.post(f"/requests/{request.id}/handover/outcome", data={}).status_code == 403


def test_the_dashboard_lists_handovers_past_a_deadline(app, client, auth, scene):
    request, _fan, staff, _legal = scene
    start = datetime.now(UTC) + timedelta(minutes=30)
    plan_window(app, request, staff, window_start=start, now=start - timedelta(days=12))
    auth.login("staff", email="sam@example.org")
    page = client.get("/requests/attention")
    words = text_of(page)
    assert "Handovers past a deadline" in words
    assert 'id="handover_due"' in page.text
    section = page.text.split('id="handover_due"', 1)[1]
    assert "@Gallimard" in section and "Gallimard" in section
    assert "Confirmations missing" in text_of_html(section)
    # As of a day before the window was planned, nothing was late; nor for another brand.
    before = (start - timedelta(days=14)).date().isoformat()
    for query in (f"?as_of={before}", "?brand=nobody-else"):
        section = client.get("/requests/attention" + query).text.split('id="handover_due"', 1)[1]
        assert "@Gallimard" not in section, query


def text_of_html(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_withdrawn_request_keeps_its_plan_on_show_without_forms(app, client, auth, scene):
    request, _fan, staff, _legal = scene
    plan_window(app, request, staff)
    with app.app_context():
        session = db.session()
        session.get(TransferRequest, request.id).state = "withdrawn"
        session.commit()
    auth.login("fan", email="julien@example.org")
    page = client.get(f"/requests/{request.id}")
    words = text_of(page)
    assert 'id="handover"' in page.text and "Holder's confirmation" in words
    assert "Confirm for the holder" not in words
    client.post("/logout")
    auth.login("staff", email="sam@example.org")
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "Record the outcome" not in words and "Plan the window" not in words
    assert "Record the confirmation" not in words
