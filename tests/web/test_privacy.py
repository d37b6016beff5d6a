"""A member's data: the export holds it all; deletion erases it and keeps history consistent."""

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import AuditEntry, CustodyRecord, Handle, TransferRequest, User
from tests.conftest import PASSWORD, AuthActions
from tests.factories import context, hand_over


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
    # The registry's own sentences, made from their codes in the member's language.
    assert [c["note"] for c in data["custody_records"]] == ["First recorded in the registry."]
    assert "Request #1: outbound email, no answer" in [a["summary"] for a in data["actions"]]
    french = json.loads(client.get("/me/data.json", headers={"Accept-Language": "fr"}).data)
    assert [c["note"] for c in french["custody_records"]] == ["Première inscription au registre."]


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
        # Their rows are found by id and blanked; the reference stays, so pages can say
        # "A former member" in the reader's language.
        handle = session.exec(select(Handle)).one()
        assert (handle.holder_contact, handle.holder_name) == ("", "")
        assert handle.holder_user_id == user.id
        custody = session.exec(select(CustodyRecord)).one()
        assert (custody.holder_contact, custody.holder_name) == ("", "")
        assert custody.holder_user_id == user.id and custody.note_code == "first_recorded"
        request = session.exec(select(TransferRequest)).one()
        assert request.proposer_id == user.id and request.state == "contacting"
        assert request.from_holder_name == ""
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
    assert "Julien Martin" not in page
    page = client.get("/handles/1").text
    assert "A former member" in page and "julien@example.org" not in page
    page = client.get("/handles/1", headers={"Accept-Language": "fr"}).text
    assert "Un ancien membre" in page


def test_deletion_revokes_api_tokens_and_export_lists_them(client, auth, app):
    from registry.adapters.models import ApiToken
    from registry.services import tokens

    auth.login("legal", email="lawyer@example.org")
    with app.app_context():
        session = db.session()
        me = session.exec(select(User)).one()
        tokens.create_token(context(me), me, "inventory script")
        session.commit()
    data = json.loads(client.get("/me/data.json").data)
    assert [t["name"] for t in data["api_tokens"]] == ["inventory script"]
    assert client.post("/me/delete", data={"password": PASSWORD}).status_code == 302
    with app.app_context():
        assert db.session().exec(select(ApiToken)).one().revoked_at is not None


# --- Erasure by reference -------------------------------------------------------------------


def audit_rows(session) -> dict[int, dict]:
    """Every audit entry, all its columns, by id."""
    return {e.id: e.model_dump(mode="json") for e in session.exec(select(AuditEntry))}


def test_erasing_a_member_named_e_changes_no_other_audit_entry(client, auth, app):
    """A one-letter name is in almost every sentence: erasure must not touch other entries."""

    from registry.fixtures import demo

    with app.app_context():
        session = db.session()
        demo.load(context(today=date(2026, 11, 2)))
        session.commit()
    auth.login("fan", email="e@example.org")
    client.post("/me", data={"display_name": "e", "phone": "+33 6 00 00 00 00"})
    gallimard = None
    with app.app_context():
        from registry.adapters.models import Brand

        gallimard = db.session().exec(select(Brand).where(Brand.slug == "gallimard")).one().id
    response = client.post(
        "/requests/new",
        data={"platform": "instagram", "handle": "gallimard_fans", "brand": str(gallimard),
              "terms": "free", "message": "Yours"},
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        session = db.session()
        me = session.exec(select(User).where(User.email == "e@example.org")).one()
        before = audit_rows(session)
        others = {i: row for i, row in before.items() if row["actor_id"] != me.id}
    assert len(others) > 50 and len(before) > len(others)

    assert client.post("/me/delete", data={"password": PASSWORD}).status_code == 302

    with app.app_context():
        after = audit_rows(db.session())
    changed = [i for i, row in others.items() if after.get(i) != row]
    assert changed == [], f"{len(changed)} of {len(others)} entries by others changed"
    # Not even the member's own entries are rewritten: only the deletion entry is new.
    assert {i: after[i] for i in before} == before
    assert [row["action"] for i, row in after.items() if i not in before] == ["user.delete"]


ZEPHYRINE = {"email": "zephyrine.q@example.org", "name": "Zéphyrine Quillard",
             "phone": "+33 7 98 76 54 32"}  # fmt: skip


def everything_stored(app) -> str:
    """Every value of every row of every table, as one text to search."""
    from sqlmodel import SQLModel

    with app.app_context():
        session = db.session()
        return "\n".join(
            repr(tuple(row))
            for table in SQLModel.metadata.sorted_tables
            for row in session.execute(table.select())
        )


def test_an_erased_members_data_appears_nowhere_and_they_read_as_a_former_member(
    client, auth, app, make
):
    """Their offer goes all the way (decision, handover); then they leave. Nothing stored or
    shown anywhere still holds their e-mail, name or phone."""
    brand = make.brand("Gallimard")
    auth.login("fan", email=ZEPHYRINE["email"])
    client.post("/me", data={"display_name": ZEPHYRINE["name"], "phone": ZEPHYRINE["phone"]})
    response = client.post(
        "/requests/new",
        data={"platform": "x", "handle": "ZephyGallimard", "brand": str(brand.id),
              "terms": "free", "message": "Yours"},
    )  # fmt: skip
    assert response.status_code == 302
    client.post(
        "/requests/1/attempts",
        data={"direction": "outbound", "channel": "email", "contact_point": "Press office",
              "happened_at": "2026-03-02T10:00", "outcome": "no_answer", "summary": "Sent"},
    )  # fmt: skip
    auth.logout()
    auth.login("admin")
    client.post("/requests/1/decision", data={"decision": "accept", "channel": "email"})
    with app.app_context():
        # A window today where the brand is (after 23:00 UTC, Paris is already tomorrow, the
        # day the handle's custody began), both sides, claimed.
        paris_day = datetime.now(UTC).astimezone(ZoneInfo("Europe/Paris")).date()
        hand_over(1, paris_day)
        assert db.session().get(TransferRequest, 1).state == "completed"
    before = everything_stored(app)
    assert all(value in before for value in ZEPHYRINE.values())  # the scene holds them
    auth.logout()
    auth.login("fan", email=ZEPHYRINE["email"])
    assert client.post("/me/delete", data={"password": PASSWORD}).status_code == 302

    stored = everything_stored(app)
    for value in ZEPHYRINE.values():
        assert value not in stored
    client = app.test_client()  # another browser: none of this one's pending messages
    AuthActions(client, app).login("admin")
    with app.app_context():
        from registry.services import tokens

        session = db.session()
        admin = session.exec(select(User).where(User.email == "admin@example.org")).one()
        _token, staff_token = tokens.create_token(context(admin), admin, "check")
        session.commit()
    audit_pages = []
    page_number = 1
    while True:
        page = client.get(f"/audit?page={page_number}").text
        audit_pages.append(page)
        if "Next →" not in page:
            break
        page_number += 1
    pages = {
        "audit": "".join(audit_pages),
        "handle": client.get("/handles/1").text,
        "lookup": client.get("/lookup?platform=x&handle=ZephyGallimard").text,
        "request": client.get("/requests/1").text,
        "requests": client.get("/requests").text,
        "export of another member": client.get("/me/data.json").text,
        "api": client.get(
            "/api/v1/handles/x/ZephyGallimard",
            headers={"Authorization": f"Bearer {staff_token}"},
        ).text,
    }
    for where, text in pages.items():
        for value in ZEPHYRINE.values():
            assert value not in text, (where, value)
    # They are still there, by reference: the actor of their entries, the holder before the
    # handover, the proposer.
    assert "A former member" in pages["audit"]
    assert "A former member" in pages["handle"] and "A former member" in pages["request"]
    assert "Handed over through transfer request #1." in pages["handle"]
    assert "The brand accepts the transfer." in pages["request"]
    custody = json.loads(pages["api"])["custody"]
    assert [(c["holder_kind"], c["holder_name"], c["note_code"]) for c in custody] == [
        ("brand", "Gallimard", "handed_over"),
        ("fan", "", "first_recorded"),
    ]


def test_a_contact_staff_typed_as_the_members_exact_e_mail_is_theirs_and_nothing_else(
    client, auth, app, make
):
    """Before Julien had an account, staff recorded him as a holder by his e-mail: that row is
    his. Rows whose text merely contains his address or his name are someone else's."""
    make.handle("Gallimard", holder_kind="fan", holder_name="Julien",
                holder_contact="Julien@Example.org")  # fmt: skip
    make.handle("Flammarion", holder_kind="agency", holder_name="Julien & Co",
                holder_contact="contact.julien@example.org.uk")  # fmt: skip
    auth.login("fan", email="julien@example.org")
    with app.app_context():
        stored = json.dumps(list(audit_rows(db.session()).values()))
    assert "Julien@Example.org" not in stored  # a holder's contact never goes to the trail
    assert client.post("/me/delete", data={"password": PASSWORD}).status_code == 302
    with app.app_context():
        session = db.session()
        julien = session.exec(select(User)).one()
        rows = {h.handle: h for h in session.exec(select(Handle))}
        custody = {c.handle_id: c for c in session.exec(select(CustodyRecord))}
    gallimard, flammarion = rows["Gallimard"], rows["Flammarion"]
    assert (gallimard.holder_name, gallimard.holder_contact) == ("", "")
    assert gallimard.holder_user_id == julien.id
    assert (custody[gallimard.id].holder_contact, custody[gallimard.id].holder_user_id) == (
        "",
        julien.id,
    )
    assert (flammarion.holder_name, flammarion.holder_contact) == (
        "Julien & Co",
        "contact.julien@example.org.uk",
    )
    assert flammarion.holder_user_id is None
    assert custody[flammarion.id].holder_contact == "contact.julien@example.org.uk"
