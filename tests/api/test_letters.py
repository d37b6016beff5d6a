"""Letters through the API (DESIGN.md "Correspondence"): previewed, sent through a real SMTP
server on loopback with the request's own reply address, logged as an outbound attempt in
the same transaction, and nothing logged when the server refuses."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import ContactAttempt, Letter, TransferRequest
from registry.services import brands
from tests.factories import context

REPLY_DOMAIN = "replies.registry.test"


@pytest.fixture
def scene(app, make, inbox):
    app.config["MAIL_REPLY_DOMAIN"] = REPLY_DOMAIN
    brand = make.brand("Nespresso", country="CH", subdivision="CH-VD")
    with app.app_context():
        staff = make.user("staff")
        ctx = context(staff)
        points = [
            brands.add_contact_point(
                ctx, "nespresso", kind="legal", label="Legal", value="legal@nespresso.test"
            ),
            brands.add_contact_point(
                ctx, "nespresso", kind="phone", label="", value="+41 800 55 52 53"
            ),
        ]
        point_ids = [p.id for p in points]
    request = make.request(brand=brand, opened_on=date(2026, 11, 30))
    return {"request": request, "email_point": point_ids[0], "phone_point": point_ids[1]}


def attempts(app, request_id):
    with app.app_context():
        return (
            db.session()
            .exec(select(ContactAttempt).where(ContactAttempt.request_id == request_id))
            .all()
        )


def test_a_preview_fills_the_letter_and_sends_nothing(api, app, scene, inbox):
    token = api.token("staff")
    url = f"/api/v1/requests/{scene['request'].id}/letters"
    body = {
        "contact_point": scene["email_point"],
        "template": "offer",
        "language": "fr",
        "note": "Le fan souhaite rester modérateur.",
        "preview": True,
    }
    answer = api.post(url, body, token)
    assert answer.status_code == 200, answer.text
    letter = answer.get_json()
    assert letter["subject"] == "Votre nom sur X : Gallimard est proposé à Nespresso"
    assert "https://x.com/Gallimard" in letter["body"]
    assert "Le fan souhaite rester modérateur." in letter["body"]
    assert "à titre gratuit" in letter["body"]
    assert "$" not in letter["body"]
    assert inbox.messages == []
    assert attempts(app, scene["request"].id) == []


def test_a_letter_leaves_with_its_reply_address_and_is_logged(api, app, scene, inbox):
    token = api.token("staff")
    url = f"/api/v1/requests/{scene['request'].id}/letters"
    body = {"contact_point": "LEGAL@nespresso.test", "template": "offer", "language": "en"}
    answer = api.post(url, body, token)
    assert answer.status_code == 201, answer.text
    sent = answer.get_json()
    assert re.fullmatch(rf"reply\+[a-z2-7]{{26}}@{re.escape(REPLY_DOMAIN)}", sent["reply_to"])
    [(recipients, message)] = inbox.messages
    assert recipients == ("legal@nespresso.test",)
    assert message["Reply-To"] == sent["reply_to"]
    assert message["Message-ID"] == f"<{sent['message_id']}>"
    assert message["Subject"] == "Your name on X: Gallimard is offered to Nespresso"
    [attempt] = attempts(app, scene["request"].id)
    assert attempt.id == sent["attempt_id"]
    assert (attempt.direction, attempt.channel, attempt.outcome) == (
        "outbound",
        "email",
        "no_answer",
    )
    assert attempt.message_id == sent["message_id"]
    assert "legal@nespresso.test" in attempt.contact_point
    detail = api.get(f"/api/v1/requests/{scene['request'].id}", token).get_json()
    assert detail["state"] == "contacting"
    assert detail["attempts"][0]["message_id"] == sent["message_id"]
    assert detail["attempts"][0]["mass_reply"] is False
    assert detail["due_date"] is not None
    # A second letter keeps the same reply address and threads after the first.
    again = api.post(url, {**body, "template": "follow_up"}, token).get_json()
    assert again["reply_to"] == sent["reply_to"]
    assert inbox.messages[1][1]["In-Reply-To"] == f"<{sent['message_id']}>"


def test_a_follow_up_on_an_overdue_request_asks_for_an_answer_by_a_day_to_come(
    api, app, make, inbox
):
    """The deadline a letter names is the running clock's, or a full one from today once that
    has passed: never a day gone by."""
    app.config["MAIL_REPLY_DOMAIN"] = REPLY_DOMAIN
    brand = make.brand("Cochonou")
    with app.app_context():
        brands.add_contact_point(
            context(make.user("staff")), "cochonou", kind="email", label="", value="a@b.test"
        )
    overdue = make.request(("no_answer",), brand=brand, opened_on=date(2026, 1, 5))
    body = {"contact_point": "a@b.test", "template": "follow_up", "language": "en"}
    answer = api.post(
        f"/api/v1/requests/{overdue.id}/letters", {**body, "preview": True}, api.token("staff")
    )
    assert answer.status_code == 200, answer.text
    deadline = re.search(r"reply by (\w+ \d+, \d{4})", answer.get_json()["body"]).group(1)
    from datetime import datetime

    assert datetime.strptime(deadline, "%B %d, %Y").date() > date.today()
    assert "The team\nHandle Registry" in answer.get_json()["body"]


def test_a_refused_letter_logs_nothing_and_says_why(api, app, scene, inbox):
    token = api.token("staff")
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # nothing listens there
    url = f"/api/v1/requests/{scene['request'].id}/letters"
    answer = api.post(url, {"contact_point": scene["email_point"], "template": "offer"}, token)
    assert answer.status_code == 502
    assert "nothing was logged" in answer.get_json()["error"]
    assert attempts(app, scene["request"].id) == []
    with app.app_context():
        assert db.session().exec(select(Letter)).all() == []
        request = db.session().get(TransferRequest, scene["request"].id)
        assert request.state == "proposed"


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"template": "offer"}, 422, "contact_point"),
        ({"contact_point": "phone", "template": "offer"}, 422, "contact points"),
        ({"contact_point": "nobody@elsewhere.test", "template": "offer"}, 422, "contact points"),
        ({"contact_point": "EMAIL", "template": "claim"}, 422, "does not fit"),
        ({"contact_point": "EMAIL", "template": "offer", "preview": 1}, 422, "preview"),
        ({"contact_point": True, "template": "offer"}, 422, "contact_point"),
        ({"contact_point": "EMAIL", "template": "sonnet"}, 422, "Unknown letter"),
        ({"contact_point": "EMAIL", "template": "offer", "language": "de"}, 422, "French"),
        ({"contact_point": "PHONE", "template": "offer"}, 400, "no e-mail address"),
    ],
)
def test_bad_letters_are_refused_with_a_clear_message(api, scene, inbox, body, status, words):
    token = api.token("staff")
    body = dict(body)
    if body.get("contact_point") == "EMAIL":
        body["contact_point"] = scene["email_point"]
    if body.get("contact_point") == "PHONE":
        body["contact_point"] = scene["phone_point"]
    answer = api.post(f"/api/v1/requests/{scene['request'].id}/letters", body, token)
    assert answer.status_code == status, answer.text
    assert words in answer.text
    assert inbox.messages == []


def test_who_may_write(api, app, make, scene, inbox):
    make.brand("Cochonou")
    url = f"/api/v1/requests/{scene['request'].id}/letters"
    body = {"contact_point": scene["email_point"], "template": "offer", "preview": True}
    other_legal = api.token("legal", email="legal-cochonou@example.org", brand="cochonou")
    assert api.post(url, body, other_legal).status_code == 403
    own_legal = api.token("legal", email="legal-nespresso@example.org", brand="nespresso")
    assert api.post(url, body, own_legal).status_code == 403  # an offer: not legal's letter
    assert api.post(url, body).status_code == 401
    assert api.post(url, body, api.token("admin")).status_code == 200
