"""Mail that matched no request (/mail/unmatched, DESIGN.md "Correspondence"): staff only,
newest first, each message with why it waits; assigned to a request (its attempt appears
there) or discarded after a confirmation (audited); its original downloaded as a file. And
the admin's wording of the letters (/admin/letters), previewed, saved, and kept by the letters
sent with it."""

from __future__ import annotations

import re
from datetime import date
from email.message import EmailMessage
from html import unescape

import pytest
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import AuditEntry, ContactAttempt, Letter, MailMessage
from registry.services import brands, mail_intake
from tests.factories import context

REPLY_DOMAIN = "replies.registry.test"


def words_of(response) -> str:
    html = response.text.replace("<wbr>", "")  # where a long address may wrap
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def receive(app, *, to="press@registry.test", subject="Hello", body="A message.", n=0):
    """A message that names no request (or a reply address no request has): its id."""
    message = EmailMessage()
    message["From"] = "Claire Martin <claire@nespresso.test>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<unmatched-{n}-{abs(hash(subject + body))}@nespresso.test>"
    message.set_content(body)
    with app.app_context():
        received = mail_intake.receive_mail(context(), message.as_bytes())
        db.session().commit()
    assert received.status == "unmatched", received
    return received.mail_id


@pytest.fixture
def waiting(app):
    app.config["MAIL_REPLY_DOMAIN"] = REPLY_DOMAIN
    first = receive(app, subject="Older: a newsletter", body="Our spring collection.")
    second = receive(
        app,
        to=f"reply+aaaaaaaaaaaaaaaaaaaaaaaaaa@{REPLY_DOMAIN}",
        subject="Re: your offer",
        body="We are interested, call us. " * 30,
    )
    return first, second


def test_staff_see_the_waiting_mail_newest_first_with_why(client, auth, waiting):
    auth.login("staff")
    page = client.get("/mail/unmatched")
    assert page.status_code == 200
    text = words_of(page)
    assert text.index("Re: your offer") < text.index("Older: a newsletter")
    assert "Sent to a reply address no request has" in text
    assert "Nothing in it names a request" in text
    assert "From Claire Martin <claire@nespresso.test>" in text
    assert "We are interested, call us." in text and "…" in text  # the start of the summary
    assert f"/mail/{waiting[1]}/original" in page.text
    # The staff's menu says how many wait.
    assert re.search(r"Unmatched mail</span> <span class=\"badge menu-count\">2</span>", page.text)


def test_the_list_pages_and_says_when_nothing_waits(client, auth, app):
    auth.login("staff")
    empty = client.get("/mail/unmatched")
    assert "No message waits: every message received matched its request." in words_of(empty)
    assert "menu-count" not in empty.text
    for n in range(27):
        receive(app, subject=f"Message {n}", n=n)
    second = client.get("/mail/unmatched?page=2")
    assert "27 messages · page 2 of 2" in words_of(second)
    assert words_of(second).count("Original message") == 2


@pytest.mark.parametrize("role", ["fan", "legal"])
def test_fans_and_legal_teams_are_refused(client, auth, waiting, role):
    auth.login(role)
    assert client.get("/mail/unmatched").status_code == 403
    assert client.post(f"/mail/{waiting[0]}/discard", data={"confirmed": "1"}).status_code == 403
    assert client.get(f"/mail/{waiting[0]}/original").status_code == 403
    assert "Unmatched mail" not in client.get("/").text


def test_a_message_assigned_to_a_request_is_logged_there(client, auth, app, make, waiting):
    request = make.request(opened_on=date(2026, 11, 30))
    auth.login("staff")
    answer = client.post(f"/mail/{waiting[1]}/assign", data={"request_id": str(request.id)})
    assert answer.status_code == 302
    listing = client.get(answer.location)
    assert f"The message is now on request #{request.id}." in words_of(listing)
    assert "Re: your offer" not in words_of(listing)
    page = client.get(f"/requests/{request.id}")
    assert "← Received by email · from Claire Martin <claire@nespresso.test>" in words_of(page)
    with app.app_context():
        session = db.session()
        [attempt] = session.exec(
            select(ContactAttempt).where(ContactAttempt.request_id == request.id)
        ).all()
        assert attempt.direction == "inbound"
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "mail.assign")).one()


def test_an_unknown_request_number_is_said_on_the_message(client, auth, waiting):
    auth.login("staff")
    answer = client.post(f"/mail/{waiting[0]}/assign", data={"request_id": "999"})
    assert answer.status_code == 422
    item = answer.text.split(f'id="mail-{waiting[0]}"')[1].split("</li>")[0]
    assert "flash-error" in item
    assert 'value="999"' in item  # the number typed is kept, to correct it
    other = answer.text.split(f'id="mail-{waiting[1]}"')[1].split("</li>")[0]
    assert 'value="999"' not in other
    empty = client.post(f"/mail/{waiting[0]}/assign", data={"request_id": ""})
    assert "Enter the number of the request." in words_of(empty)


def test_discarding_asks_first_then_keeps_the_message_out_of_the_list(client, auth, app, waiting):
    auth.login("staff")
    confirm = client.post(f"/mail/{waiting[0]}/discard", data={})
    assert confirm.status_code == 200
    assert "Discard this message?" in words_of(confirm)
    with app.app_context():
        assert db.session().get(MailMessage, waiting[0]).state == "unmatched"
    done = client.post(
        f"/mail/{waiting[0]}/discard", data={"confirmed": "1", "note": "A newsletter."}
    )
    assert done.status_code == 302
    listing = client.get(done.location)
    assert "Message discarded" in words_of(listing)
    assert "Older: a newsletter" not in words_of(listing)
    with app.app_context():
        session = db.session()
        assert session.get(MailMessage, waiting[0]).state == "discarded"
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "mail.discard")).one()
        assert "A newsletter." in entry.after


def test_the_original_downloads_as_a_file_byte_for_byte(client, auth, app, waiting):
    auth.login("staff")
    answer = client.get(f"/mail/{waiting[0]}/original")
    assert answer.status_code == 200
    assert answer.mimetype == "message/rfc822"
    assert (
        answer.headers["Content-Disposition"] == f'attachment; filename="message-{waiting[0]}.eml"'
    )
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    with app.app_context():
        assert answer.data == db.session().get(MailMessage, waiting[0]).raw
    assert client.get("/mail/99999/original").status_code == 404


# --- the admin's wording of the letters --------------------------------------------------------


WORDING_URL = "/admin/letters/offer/en"


def test_admins_list_each_letter_in_each_language(client, auth):
    auth.login("admin")
    page = client.get("/admin/letters")
    assert page.status_code == 200
    assert words_of(page).count("Built-in") == 8
    assert 'href="/admin/letters/decision_notice/fr"' in page.text
    assert client.get("/admin/letters/sonnet/en").status_code == 404
    auth.logout()
    auth.login("staff")
    assert client.get("/admin/letters").status_code == 403


def test_a_wording_is_previewed_with_sample_facts_and_not_saved(client, auth, app):
    auth.login("admin")
    form = client.get(WORDING_URL)
    assert "$handle" in form.text and "the handle, as the platform shows it" in form.text
    preview = client.post(
        WORDING_URL,
        data={"subject": "About $handle", "body": "Dear $brand, see $link.", "preview": "Preview"},
    )
    assert preview.status_code == 200
    assert "Dear Gallimard, see https://x.com/Gallimard." in words_of(preview)
    with app.app_context():
        assert (
            db.session().exec(select(AuditEntry).where(AuditEntry.action.like("letter%"))).all()
            == []
        )


def test_an_unknown_fact_is_refused_with_a_message(client, auth):
    auth.login("admin")
    for button in ("preview", "save"):
        answer = client.post(
            WORDING_URL, data={"subject": "About $handle", "body": "Hi $ceo.", button: "x"}
        )
        assert answer.status_code == 422
        assert "Unknown fact in the wording: ceo." in words_of(answer)


def test_a_saved_wording_is_used_by_the_next_letter_and_kept_with_it(
    client, auth, app, make, inbox
):
    app.config["MAIL_REPLY_DOMAIN"] = REPLY_DOMAIN
    brand = make.brand("Nespresso")
    with app.app_context():
        point = brands.add_contact_point(
            context(make.user("staff")),
            "nespresso",
            kind="legal",
            label="",
            value="legal@nespresso.test",
        )
        db.session().commit()
        point_id = point.id
    request = make.offer("Nespresso", brand, opened_on=date(2026, 11, 30), outcomes=())
    auth.login("admin")
    saved = client.post(
        WORDING_URL,
        data={
            "subject": "$brand: $handle is yours",
            "body": "Dear $brand, $handle waits.",
            "save": "Save",
        },
    )
    assert saved.status_code == 302
    listing = client.get(saved.location)
    assert "Wording saved (Offer, English)" in words_of(listing)
    assert words_of(listing).count("Built-in") == 7
    sent = client.post(
        f"/requests/{request.id}/letters",
        data={
            "contact_point": str(point_id),
            "template": "offer",
            "language": "en",
            "confirmed": "1",
            "send": "Send the letter",
        },
    )
    assert sent.status_code == 302
    [(_to, message)] = inbox.messages
    assert message["Subject"] == "Nespresso: Nespresso is yours"
    with app.app_context():
        letter = db.session().exec(select(Letter)).one()
        assert letter.wording_id is not None
        wording_id = letter.wording_id
    client.post(WORDING_URL, data={"subject": "Newer", "body": "Newer words.", "save": "Save"})
    with app.app_context():
        assert db.session().exec(select(Letter)).one().wording_id == wording_id
