"""Every write through the API leaves its audit entry, with the token's account as actor."""

from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import AuditEntry


def entries_since(app, last_id: int) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session().exec(
                select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id)
            )
        )


def last_entry_id(app) -> int:
    with app.app_context():
        entry = db.session().exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        return entry.id if entry else 0


def test_every_api_write_leaves_an_audit_entry(api, app, make):
    make.brand("Gallimard")
    token = api.token("staff")
    writes = [
        ("/api/v1/handles", {"platform": "x", "handle": "Gallimard", "brand": "gallimard"}, 201),
        ("/api/v1/requests", {"platform": "x", "handle": "Gallimard"}, 201),
        (
            "/api/v1/requests/1/attempts",
            {
                "direction": "outbound",
                "channel": "email",
                "happened_at": "2026-03-02T09:00:00Z",
                "outcome": "no_answer",
            },
            201,
        ),
        ("/api/v1/requests/1/transition", {"to": "in_discussion"}, 200),
    ]
    expected = ["handle.create", "request.create", "attempt.create", "request.transition"]
    for (url, body, status), action in zip(writes, expected, strict=True):
        before = last_entry_id(app)
        response = api.post(url, body, token)
        assert response.status_code == status, response.text
        entries = entries_since(app, before)
        assert action in [e.action for e in entries], (url, [e.action for e in entries])
        assert {e.actor_id for e in entries} == {api.user("staff").id}


def test_a_refused_write_leaves_no_entry(api, app):
    token = api.token("staff")
    before = last_entry_id(app)
    response = api.post("/api/v1/handles", {"platform": "x", "handle": "bad handle!"}, token)
    assert response.status_code == 422
    assert entries_since(app, before) == []
