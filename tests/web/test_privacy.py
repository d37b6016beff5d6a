"""A member's data: the export holds it all; deletion erases it and keeps history consistent."""

import json

from sqlmodel import select

from registry import db
from registry.models import AuditEntry, CustodyRecord, Handle, TransferRequest, User
from tests.conftest import PASSWORD


def fan_with_a_request(client, auth, make):
    brand = make.brand("Flammarion")
    auth.login("fan", email="julien@example.org")
    client.post("/me", data={"display_name": "Julien Martin", "phone": "+33 6 12 34 56 78"})
    response = client.post(
        "/requests/new",
        data={
            "platform": "x",
            "handle": "Flammarion",
            "brand": str(brand.id),
            "terms": "free",
            "message": "Take it",
        },
    )
    assert response.status_code == 302
    client.post(
        "/requests/1/attempts",
        data={
            "direction": "outbound",
            "channel": "email",
            "contact_point": "Press office",
            "happened_at": "2026-03-02T10:00",
            "outcome": "no_answer",
            "summary": "Sent",
        },
    )


def test_privacy_notice_is_public_and_linked_from_every_page(client):
    page = client.get("/privacy")
    assert page.status_code == 200 and "What we store" in page.text
    assert 'href="/privacy"' in client.get("/").text


def test_a_member_downloads_everything_held_about_them(client, auth, make):
    fan_with_a_request(client, auth, make)
    response = client.get("/me/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == "julien@example.org"
    assert data["account"]["phone"] == "+33 6 12 34 56 78"
    assert [r["message"] for r in data["transfer_requests"]] == ["Take it"]
    assert [a["contact_point"] for a in data["contact_attempts_logged"]] == ["Press office"]
    assert data["handles_held"][0]["holder_contact"] == "julien@example.org"
    assert "password_hash" not in json.dumps(data)


def test_visitors_cannot_download_or_delete(client):
    assert client.get("/me/data.json").status_code == 302
    assert client.post("/me/delete", data={"password": "x"}).status_code == 302


def test_deletion_needs_the_password_and_changes_nothing_without_it(client, auth, app, make):
    fan_with_a_request(client, auth, make)
    response = client.post("/me/delete", data={"password": "wrong"})
    assert response.status_code == 422 and "current password" in response.text
    with app.app_context():
        assert db.session().exec(select(User)).one().email == "julien@example.org"


def test_deletion_erases_personal_data_and_keeps_history(client, auth, app, make):
    fan_with_a_request(client, auth, make)
    response = client.post("/me/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/me").status_code == 302  # logged out
    with app.app_context():
        session = db.session()
        user = session.exec(select(User)).one()
        assert user.deleted_at is not None and not user.active
        assert (user.display_name, user.phone) == ("", "")
        assert "julien" not in user.email
        handle = session.exec(select(Handle)).one()
        assert (handle.holder_contact, handle.holder_name) == ("", "A former member")
        custody = session.exec(select(CustodyRecord)).one()
        assert custody.holder_contact == "" and custody.holder_name == "A former member"
        request = session.exec(select(TransferRequest)).one()
        assert request.proposer_id == user.id and request.state == "contacting"
        entries = list(session.exec(select(AuditEntry)))
        everything = json.dumps([e.model_dump(mode="json") for e in entries])
        assert "julien@example.org" not in everything and "Julien Martin" not in everything
        assert "+33 6 12 34 56 78" not in everything
        assert any(e.action == "user.delete" for e in entries)
    # The login no longer works, and a new account may reuse the address.
    response = client.post("/login", data={"email": "julien@example.org", "password": PASSWORD})
    assert response.status_code == 422
    auth.login("staff")
    page = client.get("/requests/1").text
    assert "A former member" in page and "julien@example.org" not in page


def test_deletion_revokes_api_tokens_and_export_lists_them(client, auth, app):
    from registry.models import ApiToken
    from registry.services import tokens

    auth.login("legal", email="lawyer@example.org")
    with app.app_context():
        session = db.session()
        me = session.exec(select(User)).one()
        tokens.create_token(session, me, "inventory script", actor=me)
        session.commit()
    data = json.loads(client.get("/me/data.json").data)
    assert [t["name"] for t in data["api_tokens"]] == ["inventory script"]
    assert client.post("/me/delete", data={"password": PASSWORD}).status_code == 302
    with app.app_context():
        assert db.session().exec(select(ApiToken)).one().revoked_at is not None
