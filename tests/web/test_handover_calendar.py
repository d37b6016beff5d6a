"""A handover window as a calendar event (issue 27): `GET /requests/<id>/handover.ics` read
back by a calendar library (icalendar), for the request's parties and staff only; one event
per request whose SEQUENCE grows as its plans change and which is cancelled when a plan lapses
or fails; and the same event attached to the reminders, received by a real SMTP server."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlmodel import select

from registry.adapters import db, mail
from registry.adapters.models import HandoverPlan, User
from registry.services import handover as service
from tests.factories import context

PARIS = ZoneInfo("Europe/Paris")
SITE = "https://registry.example.org"
FAN, STAFF, LEGAL = "julien@example.org", "sam@example.org", "lea@example.org"
OTHER_FAN, OTHER_LEGAL, ADMIN = "other@example.org", "legal@nespresso.example", "ad@example.org"


def ahead(days=2, hour=14):
    """`days` from now at `hour`:00 in Paris, in UTC (the web answers at the real now)."""
    local = (datetime.now(PARIS) + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return local.astimezone(UTC)


@pytest.fixture
def scene(app, make):
    """A fan's offer of @Gallimard on X, agreed; staff, Gallimard's legal team, an admin;
    and two readers who are no party: another fan, and Nespresso's legal team."""
    app.config["PUBLIC_URL"] = SITE + "/"
    fan = make.user("fan", email=FAN)
    request = make.request(["replied"], proposer=fan, state="agreed")
    staff = make.user("staff", email=STAFF)
    make.user("legal", email=LEGAL, brand_slug="gallimard")
    make.user("admin", email=ADMIN)
    make.user("fan", email=OTHER_FAN)
    make.brand("Nespresso")
    make.user("legal", email=OTHER_LEGAL, brand_slug="nespresso")
    return request, staff


def plan(app, request, staff, *, start=None, minutes=45, now=None):
    with app.app_context():
        session = db.session()
        return service.schedule(
            context(session.get(User, staff.id), now=now or datetime.now(UTC)),
            request.id,
            window_start=start or ahead(),
            window_minutes=minutes,
        )


def confirm(app, request, *parties):
    with app.app_context():
        for party in parties:
            service.confirm(
                context(now=datetime.now(UTC)), request.id, party=party, channel="email"
            )


def fail(app, request, staff):
    with app.app_context():
        session = db.session()
        service.record_outcome(
            context(session.get(User, staff.id), now=datetime.now(UTC)),
            request.id,
            outcome="failed",
            reason="no_show",
        )


def download(client, auth, email, request_id):
    auth.logout()
    auth.login(email=email)
    return client.get(f"/requests/{request_id}/handover.ics")


def event_of(answer):
    """The one VEVENT of an answer, parsed by icalendar, and its calendar."""
    assert answer.status_code == 200, answer.text
    calendar = Calendar.from_ical(answer.data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def words(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def test_a_party_downloads_the_window_in_utc_with_the_brands_zone_named(app, client, auth, scene):
    request, staff = scene
    start = ahead()
    created = plan(app, request, staff, start=start, minutes=45)
    answer = download(client, auth, FAN, request.id)
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="handover-{request.id}.ics"'
    )
    calendar, event = event_of(answer)
    assert str(calendar["VERSION"]) == "2.0"
    assert "METHOD" not in calendar  # a published event, not an iTIP message
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Paris"
    # In UTC: written with "Z", read back as the very moments planned.
    assert re.search(rb"\r\nDTSTART:\d{8}T\d{6}Z\r\n", answer.data)
    assert event.decoded("DTSTART") == start and event.decoded("DTSTART").utcoffset() == timedelta(
        0
    )
    assert event.decoded("DTEND") == start + timedelta(minutes=45)
    assert str(event["UID"]) == f"handover-{request.id}@registry.example.org"
    assert str(event["SUMMARY"]) == "Handover of @Gallimard on X"
    assert str(event["STATUS"]) == "TENTATIVE" and event.decoded("SEQUENCE") == 0
    # When it was last revised: its planning (to the second, as iCalendar writes it).
    assert event.decoded("DTSTAMP") == created.created_at.replace(microsecond=0, tzinfo=UTC)
    assert str(event["URL"]) == f"{SITE}/requests/{request.id}"
    description = str(event["DESCRIPTION"])
    local = start.astimezone(PARIS)
    assert f"{local:%H}:00 to {local + timedelta(minutes=45):%H}:45 (Europe/Paris)" in description
    assert "What the holder does:" in description and "What the brand does:" in description
    assert "- At the start of the window, rename your account to another name." in description
    assert f"{SITE}/requests/{request.id}" in description
    # Private data of nobody: no member's address.
    for address in (FAN, STAFF, LEGAL):
        assert address.encode() not in answer.data


def test_the_brands_legal_team_staff_and_admins_read_it_in_their_language(app, client, auth, scene):
    request, staff = scene
    plan(app, request, staff)
    for email in (LEGAL, STAFF, ADMIN):
        _calendar, event = event_of(download(client, auth, email, request.id))
        assert str(event["UID"]) == f"handover-{request.id}@registry.example.org"
    client.post("/language", data={"locale": "fr"})
    _calendar, event = event_of(client.get(f"/requests/{request.id}/handover.ics"))
    assert str(event["SUMMARY"]) == "Passation de @Gallimard sur X"
    assert "Ce que fait le détenteur\u00a0:" in str(event["DESCRIPTION"])


def test_confirmed_once_both_sides_confirmed_each_confirmation_a_revision(app, client, auth, scene):
    request, staff = scene
    plan(app, request, staff)
    confirm(app, request, "holder")
    _calendar, event = event_of(download(client, auth, FAN, request.id))
    assert (str(event["STATUS"]), event.decoded("SEQUENCE")) == ("TENTATIVE", 1)
    confirm(app, request, "brand")
    _calendar, event = event_of(client.get(f"/requests/{request.id}/handover.ics"))
    assert (str(event["STATUS"]), event.decoded("SEQUENCE")) == ("CONFIRMED", 2)
    with app.app_context():
        (stored,) = db.session().exec(select(HandoverPlan)).all()
        confirmed = stored.brand_confirmed_at.replace(microsecond=0, tzinfo=UTC)
        assert event.decoded("DTSTAMP") == confirmed


def test_a_failed_window_is_cancelled_and_the_next_one_replaces_it(app, client, auth, scene):
    request, staff = scene
    plan(app, request, staff, start=ahead(days=2))
    confirm(app, request, "holder", "brand")
    _calendar, first = event_of(download(client, auth, FAN, request.id))
    fail(app, request, staff)
    _calendar, failed = event_of(client.get(f"/requests/{request.id}/handover.ics"))
    assert str(failed["STATUS"]) == "CANCELLED"
    assert failed.decoded("SEQUENCE") > first.decoded("SEQUENCE")
    assert failed.decoded("DTSTART") == first.decoded("DTSTART")
    assert str(failed["DESCRIPTION"]).startswith("This window is cancelled")

    later = ahead(days=5, hour=10)
    plan(app, request, staff, start=later, minutes=30)
    _calendar, second = event_of(client.get(f"/requests/{request.id}/handover.ics"))
    assert str(second["UID"]) == str(first["UID"])  # the same event, replaced
    assert second.decoded("SEQUENCE") > failed.decoded("SEQUENCE")
    assert str(second["STATUS"]) == "TENTATIVE"
    assert second.decoded("DTSTART") == later
    assert second.decoded("DTEND") == later + timedelta(minutes=30)


def test_a_lapsed_window_is_cancelled_from_the_moment_it_lapsed(app, client, auth, scene):
    request, staff = scene
    now = datetime.now(UTC).replace(microsecond=0)
    began = now - timedelta(days=2)
    # Planned three days ago for two days ago; nobody confirmed: it lapsed when it began.
    plan(app, request, staff, start=began, now=now - timedelta(days=3))
    _calendar, lapsed = event_of(download(client, auth, LEGAL, request.id))
    assert str(lapsed["STATUS"]) == "CANCELLED"
    assert lapsed.decoded("SEQUENCE") == 3
    assert lapsed.decoded("DTSTAMP") == began
    plan(app, request, staff, start=ahead(days=3))  # a new window replaces the lapsed one
    _calendar, again = event_of(client.get(f"/requests/{request.id}/handover.ics"))
    assert str(again["UID"]) == str(lapsed["UID"])
    assert (str(again["STATUS"]), again.decoded("SEQUENCE")) == ("TENTATIVE", 4)


def test_a_withdrawn_request_cancels_its_window(app, client, auth, scene):
    request, staff = scene
    plan(app, request, staff)
    auth.login(email=FAN)
    client.post(f"/requests/{request.id}/withdraw", data={"confirmed": "1"})
    _calendar, event = event_of(client.get(f"/requests/{request.id}/handover.ics"))
    assert str(event["STATUS"]) == "CANCELLED" and event.decoded("SEQUENCE") == 3


@pytest.mark.parametrize("email", [OTHER_FAN, OTHER_LEGAL])
def test_nobody_else_reads_it(app, client, auth, scene, email):
    request, staff = scene
    plan(app, request, staff)
    answer = download(client, auth, email, request.id)
    assert answer.status_code == 403
    assert "Only the request's parties and staff" in words(answer)
    assert b"BEGIN:VCALENDAR" not in answer.data


def test_a_visitor_is_asked_to_log_in(app, client, scene):
    request, staff = scene
    plan(app, request, staff)
    answer = client.get(f"/requests/{request.id}/handover.ics")
    assert answer.status_code == 302 and "/login" in answer.location


def test_without_a_window_it_is_404_saying_so(app, client, auth, scene, make):
    request, _staff = scene
    answer = download(client, auth, FAN, request.id)
    assert answer.status_code == 404
    assert f"Request #{request.id} has no handover window to add to a calendar." in words(answer)
    assert download(client, auth, STAFF, 99999).status_code == 404
    # Someone kept out learns nothing, not even whether there is a window.
    assert download(client, auth, OTHER_FAN, request.id).status_code == 403


def test_an_ownership_change_planned_without_a_window_has_no_event(app, client, auth, make):
    fan = make.user("fan", email=FAN)
    brand = make.brand("Gallimard")
    held = make.handle(
        "editionsgallimard",
        platform="youtube",
        brand_id=brand.id,
        holder_kind="fan",
        holder_user_id=fan.id,
    )
    request = make.request(["replied"], proposer=fan, brand=brand, handle=held, state="agreed")
    staff = make.user("staff", email=STAFF)
    with app.app_context():
        session = db.session()
        service.schedule(
            context(session.get(User, staff.id), now=datetime.now(UTC)),
            request.id,
            window_start=None,
        )
    answer = download(client, auth, FAN, request.id)
    assert answer.status_code == 404 and "has no handover window" in words(answer)
    assert "Add to calendar" not in words(client.get(f"/requests/{request.id}"))


def test_the_request_page_offers_it_to_the_parties_only(app, client, auth, scene):
    request, staff = scene
    plan(app, request, staff)
    link = f'href="/requests/{request.id}/handover.ics"'
    for email in (FAN, LEGAL, STAFF):
        auth.logout()
        auth.login(email=email)
        page = client.get(f"/requests/{request.id}")
        assert link in page.text and "Add to calendar" in words(page), email
    auth.logout()
    auth.login(email=OTHER_LEGAL)  # reads every request, but is no party to this one
    page = client.get(f"/requests/{request.id}")
    assert page.status_code == 200 and "Handover" in words(page)
    assert link not in page.text
    fail(app, request, staff)  # no window under way: nothing to add
    auth.logout()
    auth.login(email=FAN)
    assert link not in client.get(f"/requests/{request.id}").text


# --- attached to the reminders -------------------------------------------------------------

WINDOW = datetime(2026, 3, 13, 14, tzinfo=UTC)  # Friday 13 March, 15:00 in Paris


def reminded_scene(app, make):
    app.config["PUBLIC_URL"] = SITE
    fan = make.user("fan", email=FAN)
    request = make.request(["replied"], proposer=fan, state="agreed")
    legal = make.user("legal", email=LEGAL, brand_slug="gallimard")
    make.user("staff", email=STAFF)
    with app.app_context():
        session = db.session()
        session.get(User, legal.id).locale = "fr"
        session.commit()
        service.schedule(
            context(now=datetime(2026, 3, 9, 10, tzinfo=UTC)),
            request.id,
            window_start=WINDOW,
            window_minutes=60,
        )
    return request


def test_each_reminder_carries_the_window_as_a_calendar_file(app, make, runner, inbox):
    request = reminded_scene(app, make)
    result = runner.invoke(args=["remind-handovers", "--as-of", "2026-03-12"])
    assert result.exit_code == 0, result.output
    received = inbox.by_recipient()
    assert set(received) == {FAN, LEGAL, STAFF}
    summaries = {}
    for address, message in received.items():
        (attached,) = message.iter_attachments()
        assert attached.get_content_type() == "text/calendar"
        assert attached.get_content_charset() == "utf-8"
        assert attached.get_filename() == f"handover-{request.id}.ics"
        body = attached.get_content()
        (event,) = Calendar.from_ical(body).walk("VEVENT")
        assert event.decoded("DTSTART") == WINDOW
        assert event.decoded("DTEND") == WINDOW + timedelta(minutes=60)
        assert str(event["UID"]) == f"handover-{request.id}@registry.example.org"
        assert str(event["STATUS"]) == "TENTATIVE"
        assert str(event["URL"]) == f"{SITE}/requests/{request.id}"
        assert "15:00" in str(event["DESCRIPTION"])  # the window in Paris time
        for private in (FAN, LEGAL, STAFF):
            assert private not in body, (address, private)
        summaries[address] = str(event["SUMMARY"])
    assert summaries[FAN] == "Handover of @Gallimard on X"
    assert summaries[LEGAL] == "Passation de @Gallimard sur X"  # in the member's language


def test_without_a_mail_server_the_outbox_keeps_the_attachment(app, make, runner):
    request = reminded_scene(app, make)
    app.config["SMTP_URL"] = ""
    mail.outbox(app).clear()
    result = runner.invoke(args=["remind-handovers", "--as-of", "2026-03-12"])
    assert result.exit_code == 0, result.output
    kept = list(mail.outbox(app))
    assert len(kept) == 3
    for message in kept:
        (attached,) = message.attachments
        assert attached.filename == f"handover-{request.id}.ics"
        assert attached.content_type == "text/calendar; charset=utf-8"
        (event,) = Calendar.from_ical(attached.content).walk("VEVENT")
        assert event.decoded("DTSTART") == WINDOW


def test_a_mail_carries_its_own_headers_and_attachments_to_the_server(app, inbox):
    sent = mail.Mail(
        to="someone@example.org",
        subject="Files",
        text="Two files, and a way out.",
        attachments=(
            mail.Attachment("a.ics", "text/calendar; charset=utf-8", "SUMMARY:é".encode()),
            mail.Attachment("b.bin", "application/octet-stream", b"\x00\x01"),
        ),
        headers=(("List-Unsubscribe", "<https://registry.example.org/u/1>"),),
    )
    with app.test_request_context("/"):
        mail.send(sent)
    ((recipients, message),) = inbox.messages
    assert recipients == ("someone@example.org",)
    assert message["List-Unsubscribe"] == "<https://registry.example.org/u/1>"
    assert message.get_body(("plain",)).get_content().strip() == "Two files, and a way out."
    first, second = message.iter_attachments()
    assert (first.get_filename(), first.get_content()) == ("a.ics", "SUMMARY:é")
    assert (second.get_content_type(), second.get_content()) == (
        "application/octet-stream",
        b"\x00\x01",
    )
