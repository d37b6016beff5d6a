"""The audit trail page: who may read it, its filters, its before/after table, read-only."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from registry import db
from registry.models import AuditEntry
from registry.services import audit


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
        session, audit.AuditFilters(action="x.y", date_from=date(2024, 5, 1)), page_size=1
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
