"""The demo's facts as DESIGN.md "Demo data" tells them (issue 25, "Demo"): Nespresso's
calendar is the canton of Vaud's, and @Gallimard's followers keep their dated counts."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import Brand, Handle, TransferRequest, User
from registry.fixtures import demo
from registry.services import evidence
from tests.factories import context

# Lundi du Jeûne fédéral: a holiday in Vaud (and a few other cantons), not in Switzerland.
PRAYER_MONDAY = date(2026, 9, 21)


@pytest.fixture
def seeded(app):
    with app.app_context():
        demo.load(context())
    return app


def test_the_demo_puts_nespresso_in_the_canton_of_vaud(seeded):
    with seeded.app_context():
        nespresso = db.session().exec(select(Brand).where(Brand.slug == "nespresso")).one()
        assert (nespresso.country, nespresso.subdivision) == ("CH", "CH-VD")
        calendar = context().policy.calendar_for(nespresso)
        assert not calendar.is_business_day(PRAYER_MONDAY)
        assert calendar.holiday_name(PRAYER_MONDAY)
        # Switzerland alone keeps the day as a working day: the canton is what adds it.
        assert context().policy.calendar_of("CH", "").is_business_day(PRAYER_MONDAY)


def test_nespressos_page_names_its_canton_and_its_holiday(seeded, client):
    page = client.get("/brands/nespresso")
    assert page.status_code == 200
    assert "Vaud" in page.text


def test_gallimards_followers_grew_from_1500_to_1800(seeded, client):
    answer = client.get("/api/v1/handles/x/Gallimard").get_json()
    assert answer["followers_history"] == [
        {"count": 1500, "seen_on": "2011-03-01"},
        {"count": 1800, "seen_on": "2011-06-01"},
    ]
    page = client.get(f"/handles/{answer['id']}").text
    shown = page[page.index("Followers over time") :]
    assert shown.index("1,500") < shown.index("March 1, 2011")
    assert shown.index("March 1, 2011") < shown.index("1,800") < shown.index("June 1, 2011")
    # Drawn as a line rising from the first count, bottom left, to the second, top right.
    line = shown[shown.index('<svg class="sparkline"') : shown.index("</svg>")]
    assert 'points="4.0,36.0 156.0,4.0"' in line and line.count("<circle") == 2


def test_gallimards_evidence_pack_gives_both_dated_counts(seeded, client, auth):
    with seeded.app_context():
        session = db.session()
        handle = session.exec(select(Handle).where(Handle.normalized == "gallimard")).one()
        request_id = session.exec(
            select(TransferRequest.id).where(TransferRequest.handle_id == handle.id)
        ).first()
        assert request_id is not None
        staff = session.exec(select(User).where(User.role == "staff")).first()
        content = evidence.pack(context(staff), request_id)
    assert content["handle"]["followers_history"] == [
        {"count": 1500, "seen_on": date(2011, 3, 1)},
        {"count": 1800, "seen_on": date(2011, 6, 1)},
    ]
    auth.login("staff", email="staff-reader@example.org")
    pdf = client.get(f"/requests/{request_id}/evidence.pdf", headers={"Accept-Language": "en"})
    assert pdf.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "1,500 (on March 1, 2011), 1,800 (on June 1, 2011)" in " ".join(text.split())


def test_the_demos_history_is_not_news_but_what_is_under_way_is_told(seeded):
    from registry.adapters.models import Event, Notification
    from registry.domain import workflow

    with seeded.app_context():
        session = db.session()
        told = session.exec(
            select(Notification, Event, TransferRequest)
            .join(Event, Event.id == Notification.event_id)
            .join(TransferRequest, TransferRequest.id == Event.request_id)
        ).all()
        # Every event is kept (webhooks' history, the request's story), and dispatched.
        assert session.exec(select(Event).where(Event.dispatched_at == None)).all() == []  # noqa: E711
        assert session.exec(select(Event)).first() is not None
    assert told, "the open requests' members hear of them"
    # Nobody hears of a request the demo closed long ago (Julien's, handed over in 2011).
    assert all(request.state in workflow.OPEN_STATES for _, _, request in told)
