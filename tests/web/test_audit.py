"""The audit trail page: who may read it, its filters, its before/after table, read-only."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import AuditEntry, User
from registry.services import accounts, audit, privacy
from tests.conftest import PASSWORD


def add_entry(app, at: datetime, summary: str, **values) -> None:
    """An entry written at a chosen time, so date filters can be tested to the day."""
    values.setdefault("action", "handle.update")
    values.setdefault("entity_type", "handle")
    values.setdefault("actor_label", "staff@example.org")
    for side in ("before", "after"):
        if side in values:
            values[side] = json.dumps(values[side])
    with app.app_context():
        session = db.session()
        session.add(AuditEntry(at=at, summary=summary, **values))
        session.commit()


def summaries(html: str) -> list[str]:
    """The entries' summaries, in the order the page shows them."""
    return re.findall(r'<div class="muted">([^<]*)</div>\s*</td>', html)


@pytest.mark.parametrize(
    "role,status", [("fan", 403), ("staff", 200), ("legal", 200), ("admin", 200)]
)
def test_staff_legal_and_admins_read_the_audit_trail_fans_do_not(client, auth, role, status):
    auth.login(role)
    assert client.get("/audit").status_code == status


def test_visitors_are_sent_to_login(client):
    response = client.get("/audit")
    assert response.status_code == 302 and "/login" in response.location


def test_the_audit_link_is_in_the_menu_only_for_those_who_may_read_it(client, auth):
    auth.login("fan")
    assert 'href="/audit"' not in client.get("/handles").text
    auth.logout()
    auth.login("legal")
    assert 'href="/audit"' in client.get("/handles").text


def test_entries_come_newest_first_with_their_changes_field_by_field(client, auth, make):
    brand = make.brand("Gallimard")
    handle = make.handle("Gallimard", followers=1500)
    auth.login("staff")
    response = client.post(
        f"/handles/{handle.id}/edit",
        data={"brand": str(brand.id), "status": "active", "followers": "1800", "notes": ""},
    )
    assert response.status_code == 302

    page = client.get("/audit?entity_type=handle").text
    assert summaries(page) == ["@Gallimard updated", "X @Gallimard added"]
    update = page[page.index("@Gallimard updated") :]
    update = update[: update.index("</table>")]
    rows = re.findall(
        r'<td>([^<]*)</td>\s*<td class="before">(.*?)</td>\s*<td class="after">(.*?)</td>',
        update,
        flags=re.S,
    )
    assert [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in row) for row in rows] == [
        ("Brand", "—", f"Gallimard (#{brand.id})"),
        ("Followers", "1500", "1800"),
    ]


def test_filters_narrow_by_action_entity_and_actor(client, auth, app):
    moment = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)
    add_entry(app, moment, "brand edited by Ana", action="brand.update", entity_type="brand",
              actor_label="ana@example.org")  # fmt: skip
    add_entry(app, moment, "handle edited by Ana", actor_label="ana@example.org")
    add_entry(app, moment, "handle edited by Bob", actor_label="bob@example.org")
    auth.login("legal")
    assert summaries(client.get("/audit?action=brand.update").text) == ["brand edited by Ana"]
    assert set(summaries(client.get("/audit?entity_type=handle").text)) == {
        "handle edited by Ana",
        "handle edited by Bob",
    }
    assert set(summaries(client.get("/audit?actor=ANA@").text)) == {
        "brand edited by Ana",
        "handle edited by Ana",
    }
    both = client.get("/audit?actor=ana&entity_type=handle").text
    assert summaries(both) == ["handle edited by Ana"]
    assert "Clear" in both


def test_date_filters_include_both_days(client, auth, app):
    add_entry(app, datetime(2024, 1, 10, 23, 59, tzinfo=UTC), "on the 10th")
    add_entry(app, datetime(2024, 1, 11, 0, 0, tzinfo=UTC), "on the 11th")
    add_entry(app, datetime(2024, 1, 12, 23, 59, tzinfo=UTC), "late on the 12th")
    add_entry(app, datetime(2024, 1, 13, 0, 0, tzinfo=UTC), "on the 13th")
    auth.login("staff")
    page = client.get("/audit?date_from=2024-01-11&date_to=2024-01-12").text
    assert summaries(page) == ["late on the 12th", "on the 11th"]
    assert summaries(client.get("/audit?date_to=2024-01-10").text) == ["on the 10th"]


def test_a_malformed_date_is_reported_and_ignored(client, auth, app):
    add_entry(app, datetime(2024, 1, 10, tzinfo=UTC), "kept")
    auth.login("staff")
    page = client.get("/audit?date_from=10/01/2024&action=handle.update").text
    assert "&#34;10/01/2024&#34; is not a date (YYYY-MM-DD); that filter is ignored." in page
    assert summaries(page) == ["kept"]


def test_the_trail_is_paginated(client, auth, app):
    for n in range(7):  # the test app shows 5 a page
        add_entry(app, datetime(2024, 1, 1 + n, tzinfo=UTC), f"entry {n}", action="test.entry")
    auth.login("staff")
    first = client.get("/audit?action=test.entry").text
    second = client.get("/audit?action=test.entry&page=2").text
    assert summaries(first) == [f"entry {n}" for n in (6, 5, 4, 3, 2)]
    assert summaries(second) == ["entry 1", "entry 0"]
    assert "page 1 of 2" in first
    assert client.get("/audit?page=zzz").status_code == 200


def test_nothing_on_the_audit_pages_accepts_a_change(client, auth, app):
    auth.login("admin")
    assert client.post("/audit").status_code == 405
    assert client.delete("/audit").status_code == 405
    methods = {
        method
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("audit.")
        for method in rule.methods or ()
    }
    assert methods == {"GET", "HEAD", "OPTIONS"}


def test_list_entries_orders_by_time_then_id_and_counts_all_matches(session):
    same_moment = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    for summary in ("first", "second"):
        session.add(AuditEntry(at=same_moment, action="x.y", entity_type="x", summary=summary))
    session.add(AuditEntry(at=datetime(2024, 4, 1, tzinfo=UTC), action="x.y", entity_type="x"))
    session.commit()
    page = audit.list_entries(
        session, audit.AuditFilters(action="x.y", date_from=date(2024, 5, 1)), page=1, page_size=1
    )
    assert (page.total, page.pages) == (2, 2)
    assert [row.entry.summary for row in page.items] == ["second"]


def test_field_changes_pair_before_and_after_values():
    entry = AuditEntry(
        action="handle.update",
        entity_type="handle",
        before=json.dumps({"status": "active", "notes": ""}),
        after=json.dumps({"status": "for_sale", "followers": 12}),
    )
    assert [(c.field, c.before, c.after) for c in audit.field_changes(entry)] == [
        ("followers", None, 12),
        ("notes", "", None),
        ("status", "active", "for_sale"),
    ]


# --- codes, and members by reference ----------------------------------------------------------

FRENCH = {"Accept-Language": "fr"}


def test_summaries_are_codes_said_in_the_readers_language(client, auth, app, make):
    make.brand("Gallimard")  # by the system (no actor)
    auth.login("staff")
    with app.app_context():
        entry = (
            db.session().exec(select(AuditEntry).where(AuditEntry.action == "brand.create")).one()
        )
    assert (entry.summary, json.loads(entry.params)) == (
        "Brand %(brand)s created",
        {"brand": "Gallimard"},
    )
    assert (entry.actor_id, entry.actor_label) == (None, "system")
    english = client.get("/audit?action=brand.create").text
    assert summaries(english) == ["Brand Gallimard created"] and ">System</td>" in english
    french = client.get("/audit?action=brand.create", headers=FRENCH).text
    assert summaries(french) == ["Marque Gallimard créée"] and ">Système</td>" in french


def test_a_member_is_named_when_the_trail_is_read_and_keeps_no_personal_value(client, auth, app):
    email = auth.login("fan", email="ana@example.org")
    client.post("/me", data={"display_name": "Ana Lima", "phone": "+351 912 345 678"})
    with app.app_context():
        session = db.session()
        ana = accounts.find_by_email(session, email)
        entries = list(session.exec(select(AuditEntry).where(AuditEntry.actor_id == ana.id)))
    stored = json.dumps([e.model_dump(mode="json") for e in entries])
    assert [e.action for e in entries] == ["user.create", "user.update"]
    for value in ("ana@example.org", "Ana Lima", "+351 912 345 678"):
        assert value not in stored
    assert json.loads(entries[0].params) == {
        "account": {"member": ana.id},
        "role": {"code": "role", "value": "fan"},
    }
    profile = entries[1]
    assert json.loads(profile.after)["display_name"] == {"personal": True}

    auth.logout()
    auth.login("admin")
    page = client.get("/audit?actor=ANA@").text
    assert set(summaries(page)) == {
        "Account ana@example.org created with role fan",
        "Profile updated",
    }
    assert ">ana@<wbr>example<wbr>.org</td>" in page  # may wrap after the @, before dots
    # The profile's change is shown as a change, without the values.
    # The e-mail of the new account, the name and phone typed later: changes, without values.
    assert page.count("personal data, not kept in the trail") == 3

    with app.app_context():
        session = db.session()
        privacy.delete_member(session, session.get(User, ana.id), password=PASSWORD)
        session.commit()
    assert summaries(client.get("/audit?actor=ana@").text) == []  # the e-mail is gone
    page = client.get("/audit?entity_type=user_account", headers=FRENCH).text
    assert "Compte Un ancien membre créé avec le rôle fan" in page
    assert ">Un ancien membre</td>" in page and "ana@example.org" not in page


def test_a_handle_held_by_a_member_is_audited_with_a_reference_not_their_contact(app, make):
    fan = make.user("fan", email="julien@example.org", display_name="Julien Martin")
    make.handle(
        "Gallimard",
        holder_kind="fan",
        holder_name="Julien Martin",
        holder_contact="julien@example.org",
        holder_user_id=fan.id,
    )
    make.handle("Cochonou", holder_kind="squatter", holder_name="Someone", holder_contact="s@x.org")
    with app.app_context():
        created = list(
            db.session().exec(
                select(AuditEntry)
                .where(AuditEntry.action == "handle.create")
                .order_by(AuditEntry.id)
            )
        )
    member, squatter = (json.loads(e.after) for e in created)
    assert member["holder_user_id"] == fan.id
    assert member["holder_name"] == member["holder_contact"] == {"personal": True}
    # A holder who is not a member: the name staff typed is registry data, kept as typed; a
    # contact is private, whoever it is.
    assert squatter["holder_name"] == "Someone"
    assert squatter["holder_contact"] == {"personal": True}


def test_a_new_record_shows_its_values_alone_and_a_change_shows_both_sides():
    from registry.adapters.models import AuditEntry
    from registry.services.audit import AuditRow, FieldChange

    created = AuditRow(
        AuditEntry(action="handle.create", entity_type="handle"),
        [FieldChange("handle", None, "Gallimard"), FieldChange("notes", None, "")],
    )
    assert created.is_new
    assert [c.field for c in created.shown_changes] == ["handle"]
    edited = AuditRow(
        AuditEntry(action="handle.update", entity_type="handle"),
        [FieldChange("notes", "", "Seen"), FieldChange("status", "active", None)],
    )
    assert not edited.is_new
    assert edited.shown_changes == edited.changes


def test_actions_are_named_in_the_readers_language_with_their_code_beside(client, auth, make):
    make.brand("Gallimard")
    auth.login("staff")
    french = client.get("/audit?action=brand.create", headers=FRENCH).text
    assert (
        'data-label="Action">Marque ajoutée <code class="small">brand<wbr>.create</code>' in french
    )
    # The filter's menu names them too, and still sends the code.
    assert '<option value="brand.create" selected>Marque ajoutée</option>' in french
    english = client.get("/audit?action=brand.create").text
    assert 'data-label="Action">Brand added <code class="small">brand<wbr>.create</code>' in english


def test_every_action_the_registry_records_has_a_name():
    from registry import ROOT
    from registry.presentation import labels

    source = "".join(path.read_text() for path in (ROOT / "registry").rglob("*.py"))
    recorded = set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', source))
    assert len(recorded) >= 15 and recorded <= set(labels.LABELS["action"])
