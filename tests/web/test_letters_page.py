"""Letters and the conversation on the request page (DESIGN.md "Correspondence"): "Write to
the brand" for who may write, a preview that sends nothing, a send through a real SMTP server
on loopback, a refusal that keeps what was typed, the messages received shown with their
badges, and the staff's corrections of how a message was read (audited, the clock follows)."""

from __future__ import annotations

import re
from datetime import date
from email.message import EmailMessage
from html import unescape

import pytest
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import AuditEntry, ContactAttempt, Letter, TransferRequest, User
from registry.services import brands, mail_intake
from tests.factories import context

REPLY_DOMAIN = "replies.registry.test"
LEGAL_ADDRESS = "legal@nespresso.test"


def words_of(response) -> str:
    """What a reader reads: the page's text without its tags."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


@pytest.fixture
def scene(app, make, inbox):
    """Nespresso with an e-mail and a phone contact point, and a fan's offer of @Nespresso."""
    app.config["MAIL_REPLY_DOMAIN"] = REPLY_DOMAIN
    brand = make.brand("Nespresso")
    with app.app_context():
        ctx = context(make.user("staff"))
        point = brands.add_contact_point(
            ctx, "nespresso", kind="legal", label="Legal", value=LEGAL_ADDRESS
        )
        brands.add_contact_point(ctx, "nespresso", kind="phone", label="", value="+41 800 55")
        db.session().commit()
        point_id = point.id
    request = make.offer("Nespresso", brand, opened_on=date(2026, 11, 30), outcomes=())
    return {"request": request, "point": point_id, "brand": brand}


def letter_fields(scene, **changes) -> dict:
    fields = {
        "contact_point": str(scene["point"]),
        "template": "offer",
        "language": "en",
        "note": "The fan would like to stay a moderator.",
        "preview": "Preview",
    }
    return {**fields, **changes}


def send_fields(scene, **changes) -> dict:
    fields = letter_fields(scene, confirmed="1", send="Send the letter", **changes)
    del fields["preview"]
    return fields


def attempts_of(app, request_id) -> list[ContactAttempt]:
    with app.app_context():
        return list(
            db.session().exec(select(ContactAttempt).where(ContactAttempt.request_id == request_id))
        )


def send_letter(client, scene) -> None:
    """Send the offer letter as the signed-in member."""
    url = f"/requests/{scene['request'].id}/letters"
    assert client.post(url, data=send_fields(scene)).status_code == 302


def receive(app, to: str, *, body: str, subject="Re: your offer", headers=()) -> int:
    """A reply from the brand, received as `registry receive-mail` receives one: its attempt id."""
    message = EmailMessage()
    message["From"] = "Claire Martin <claire@nespresso.test>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<reply-{abs(hash(body))}@nespresso.test>"
    for name, value in headers:
        message[name] = value
    message.set_content(body)
    with app.app_context():
        received = mail_intake.receive_mail(context(), message.as_bytes())
        db.session().commit()
    assert received.status == "matched", received
    return received.attempt_id


# --- writing ----------------------------------------------------------------------------------


def test_the_preview_shows_the_filled_letter_and_sends_nothing(client, auth, app, scene, inbox):
    auth.login("staff")
    page = client.post(f"/requests/{scene['request'].id}/letters", data=letter_fields(scene))
    assert page.status_code == 200
    text = words_of(page)
    assert "Your name on X: Nespresso is offered to Nespresso" in text
    assert "The fan would like to stay a moderator." in text
    assert "free of charge" in text
    assert "$" not in text.split("The letter as it will leave")[1].split("Or change it")[0]
    # The preview's Send carries the same fields, confirmed.
    send_form = page.text.split('id="letter-preview-title"')[1].split("</form>")[0]
    assert 'name="confirmed" value="1"' in send_form
    assert "The fan would like to stay a moderator.</textarea>" in send_form
    assert inbox.messages == []
    assert attempts_of(app, scene["request"].id) == []


def test_send_without_the_preview_confirmed_only_previews(client, auth, app, scene, inbox):
    auth.login("staff")
    fields = send_fields(scene)
    del fields["confirmed"]
    page = client.post(f"/requests/{scene['request'].id}/letters", data=fields)
    assert page.status_code == 200
    assert "The letter as it will leave" in words_of(page)
    assert inbox.messages == []


def test_a_letter_sent_is_mailed_once_and_logged(client, auth, app, scene, inbox):
    auth.login("staff")
    url = f"/requests/{scene['request'].id}/letters"
    sent = client.post(url, data=send_fields(scene, language="fr"))
    assert sent.status_code == 302
    assert sent.location.endswith(f"/requests/{scene['request'].id}#attempts")
    [(recipients, message)] = inbox.messages
    assert recipients == (LEGAL_ADDRESS,)
    assert message["Subject"] == "Votre nom sur X : Nespresso est proposé à Nespresso"
    assert message["Reply-To"].endswith("@" + REPLY_DOMAIN)
    [attempt] = attempts_of(app, scene["request"].id)
    assert (attempt.direction, attempt.channel) == ("outbound", "email")
    page = client.get(sent.location)
    text = words_of(page)
    assert f"Letter sent to {LEGAL_ADDRESS}." in text
    assert f"→ Sent by email · to {LEGAL_ADDRESS}" in text
    assert "Offer letter: read it as sent" in text
    assert "Le fan souhaite" not in text  # the note is the member's own words, as typed
    assert "The fan would like to stay a moderator." in text  # in the letter's text


def test_a_refused_send_says_why_keeps_the_note_and_logs_nothing(client, auth, app, scene, inbox):
    auth.login("staff")
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # nothing listens there
    page = client.post(f"/requests/{scene['request'].id}/letters", data=send_fields(scene))
    assert page.status_code == 422
    text = words_of(page)
    assert "The letter was not sent, and nothing was logged" in text
    assert "The fan would like to stay a moderator.</textarea>" in page.text
    assert "The letter as it will leave" in text  # to send again once the server answers
    assert attempts_of(app, scene["request"].id) == []
    with app.app_context():
        assert db.session().exec(select(Letter)).all() == []


def test_a_field_refused_by_the_service_is_said_beside_it(client, auth, scene, inbox):
    auth.login("staff")
    fields = letter_fields(scene, note="x" * 2001)
    page = client.post(f"/requests/{scene['request'].id}/letters", data=fields)
    assert page.status_code == 422
    assert 'id="letter-note-error"' in page.text
    assert inbox.messages == []


def test_a_fan_writes_about_their_own_offer(client, auth, app, make, scene):
    with app.app_context():
        fan = db.session().get(TransferRequest, scene["request"].id).proposer_id
        email = db.session().get(User, fan).email
    auth.login("fan", email=email)
    page = client.get(f"/requests/{scene['request'].id}")
    assert "Write to the brand" in page.text
    assert 'id="letter-to"' in page.text
    assert "Legal &lt;legal@nespresso.test&gt;" in page.text  # only the e-mail contact point
    assert "+41 800 55" not in page.text.split('id="write"')[1]
    assert 'value="offer"' in page.text and 'value="claim"' not in page.text


def test_legal_writes_about_its_brands_claims_not_about_offers(client, auth, app, make, scene):
    auth.login("legal", email="legal@example.org", brand="nespresso")
    offer = client.get(f"/requests/{scene['request'].id}")
    assert offer.status_code == 200
    assert "Write to the brand" not in offer.text  # not a letter legal sends: no section at all
    assert "Only staff, the fan" not in offer.text
    legal = make.user("legal", brand_slug="nespresso")
    claim = make.request(
        brand=scene["brand"],
        proposer=legal,
        handle=make.handle("NespressoFR", brand_id=scene["brand"].id),
    )
    page = client.get(f"/requests/{claim.id}")
    assert "Write to the brand" in page.text
    assert 'value="claim"' in page.text and 'value="offer"' not in page.text


def test_a_member_who_may_write_is_told_what_is_missing(client, auth, app, make, scene):
    auth.login("staff")
    app.config["MAIL_REPLY_DOMAIN"] = ""
    page = client.get(f"/requests/{scene['request'].id}")
    assert "the registry has no mail server configured" in words_of(page)
    assert 'id="letter-to"' not in page.text
    app.config["MAIL_REPLY_DOMAIN"] = REPLY_DOMAIN
    cochonou = make.brand("Cochonou")
    other = make.offer("Cochonou", cochonou, opened_on=date(2026, 11, 30), outcomes=())
    assert "The brand has no e-mail contact point yet" in words_of(
        client.get(f"/requests/{other.id}")
    )


# --- the conversation --------------------------------------------------------------------------


def reply_address(app, request_id) -> str:
    with app.app_context():
        token = db.session().get(TransferRequest, request_id).reply_token
    return f"reply+{token}@{REPLY_DOMAIN}"


def test_a_reply_shows_in_the_conversation_with_its_sender_and_summary(client, auth, app, scene):
    auth.login("staff")
    send_letter(client, scene)
    to = reply_address(app, scene["request"].id)
    attempt_id = receive(app, to, body="Thank you, our legal team will study the offer.")
    page = client.get(f"/requests/{scene['request'].id}")
    item = page.text.split(f'id="attempt-{attempt_id}"')[1].split("</li>")[0]
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split())
    assert "← Received by email · from Claire Martin <claire@nespresso.test>" in text
    assert "Re: your offer" in text
    assert "Thank you, our legal team will study the offer." in text
    assert "Replied" in text
    assert "logged by the registry" in text
    assert "/mail/" in item and "/original" in item  # staff download the original
    assert "Mass reply" not in text and "DMARC" not in text


def test_an_unverified_sender_is_badged_and_staff_confirm_it(client, auth, app, scene):
    auth.login("staff")
    send_letter(client, scene)
    to = reply_address(app, scene["request"].id)
    results = (
        f"mx.{REPLY_DOMAIN}; spf=fail smtp.mailfrom=nespresso.test;"
        " dmarc=fail header.from=nespresso.test"
    )
    attempt_id = receive(app, to, body="We accept.", headers=[("Authentication-Results", results)])
    request_id = scene["request"].id
    page = client.get(f"/requests/{request_id}")
    assert "Unverified sender (DMARC failed)" in words_of(page)
    assert "does not count it until staff confirm the sender" in words_of(page)
    with app.app_context():
        due_before = db.session().get(TransferRequest, request_id).reply_due_on
    assert due_before is not None  # an unverified reply does not stop the clock
    answer = client.post(
        f"/requests/{request_id}/attempts/{attempt_id}/reading", data={"verified": "yes"}
    )
    assert answer.status_code == 302
    page = client.get(answer.location)
    assert "Sender confirmed" in words_of(page)
    assert "Unverified sender (DMARC failed)" not in words_of(page)
    with app.app_context():
        session = db.session()
        assert session.get(TransferRequest, request_id).reply_due_on is None
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "attempt.update")).one()
        assert '"unverified": false' in entry.after


def test_staff_mark_a_mass_reply_and_correct_an_outcome(client, auth, app, scene):
    auth.login("staff")
    send_letter(client, scene)
    to = reply_address(app, scene["request"].id)
    attempt_id = receive(app, to, body="Thank you for your interest in our brand.")
    request_id = scene["request"].id
    reading = f"/requests/{request_id}/attempts/{attempt_id}/reading"
    with app.app_context():
        assert db.session().get(TransferRequest, request_id).reply_due_on is None
    client.post(reading, data={"mass_reply": "yes"})
    page = client.get(f"/requests/{request_id}")
    assert "Mass reply" in words_of(page)
    assert "Not a mass reply" in page.text  # the way back
    with app.app_context():
        assert db.session().get(TransferRequest, request_id).reply_due_on is not None
    client.post(reading, data={"mass_reply": "no"})
    client.post(reading, data={"outcome": "auto_reply"})
    with app.app_context():
        session = db.session()
        attempt = session.get(ContactAttempt, attempt_id)
        assert (attempt.mass_reply, attempt.outcome) == (False, "auto_reply")
        assert session.get(TransferRequest, request_id).reply_due_on is not None
        assert (
            len(session.exec(select(AuditEntry).where(AuditEntry.action == "attempt.update")).all())
            == 3
        )


def test_only_staff_correct_and_nothing_else_than_the_requests_own_attempts(
    client, auth, app, make, scene
):
    auth.login("staff")
    send_letter(client, scene)
    attempt_id = receive(app, reply_address(app, scene["request"].id), body="Noted.")
    other = make.offer("Other", scene["brand"], opened_on=date(2026, 11, 30), outcomes=())
    wrong = client.post(
        f"/requests/{other.id}/attempts/{attempt_id}/reading", data={"outcome": "refused"}
    )
    assert wrong.status_code == 404
    auth.logout()
    auth.login("legal", email="legal@example.org", brand="nespresso")
    page = client.get(f"/requests/{scene['request'].id}")
    assert "Correct how it was read" not in page.text
    assert "/original" in page.text  # the brand's own legal team may read the original
    refused = client.post(
        f"/requests/{scene['request'].id}/attempts/{attempt_id}/reading",
        data={"outcome": "refused"},
    )
    assert refused.status_code == 403
    with app.app_context():
        assert db.session().get(ContactAttempt, attempt_id).outcome == "replied"
