"""Custody history is append-only: a change of holder closes one record and opens the next."""

from datetime import date

import pytest
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import CustodyIsAppendOnly, CustodyRecord, Handle


def history(app, handle_id):
    with app.app_context():
        return list(
            db.session().exec(
                select(CustodyRecord)
                .where(CustodyRecord.handle_id == handle_id)
                .order_by(CustodyRecord.id)
            )
        )


def test_change_of_holder_appends_and_closes_the_previous_record(client, auth, app, make):
    handle = make.handle("Gallimard", holder_kind="fan", holder_name="Julien")
    before = history(app, handle.id)
    auth.login("staff")
    response = client.post(
        f"/handles/{handle.id}/holder",
        data={
            "holder_kind": "brand",
            "holder_name": "Gallimard",
            "started_on": "2024-06-01",
            "evidence_url": "https://example.org/handover",
            "note": "Handed over after a meeting",
        },
    )
    assert response.status_code == 302
    after = history(app, handle.id)
    assert len(after) == 2
    first, second = after
    assert first.id == before[0].id
    assert (first.holder_kind, first.holder_name, first.started_on) == (
        before[0].holder_kind,
        before[0].holder_name,
        before[0].started_on,
    )
    assert first.ended_on == date(2024, 6, 1)
    assert (second.holder_kind, second.ended_on) == ("brand", None)
    page = client.get(f"/handles/{handle.id}").text
    assert "Handed over after a meeting" in page and "Julien" in page


def test_change_of_holder_in_the_future_is_refused(client, auth, app, make):
    handle = make.handle("Gallimard")
    auth.login("staff")
    response = client.post(
        f"/handles/{handle.id}/holder", data={"holder_kind": "brand", "started_on": "2099-01-01"}
    )
    assert response.status_code == 422
    assert "cannot be dated in the future" in response.text
    assert len(history(app, handle.id)) == 1


def test_change_dated_before_the_current_holder_is_refused(client, auth, app, make):
    handle = make.handle("Gallimard", today=date(2024, 1, 15))
    auth.login("staff")
    response = client.post(
        f"/handles/{handle.id}/holder", data={"holder_kind": "brand", "started_on": "2020-01-01"}
    )
    assert response.status_code == 422
    assert "cannot be dated before that" in response.text
    with app.app_context():
        assert db.session().get(Handle, handle.id).holder_kind == "unknown"


def test_custody_records_cannot_be_rewritten_or_deleted(app, make):
    handle = make.handle("Gallimard")
    with app.app_context():
        session = db.session()
        record = session.exec(
            select(CustodyRecord).where(CustodyRecord.handle_id == handle.id)
        ).one()
        record.holder_name = "Someone else"
        with pytest.raises(CustodyIsAppendOnly):
            session.flush()
        session.rollback()
        record = session.exec(select(CustodyRecord)).one()
        session.delete(record)
        with pytest.raises(CustodyIsAppendOnly):
            session.flush()
        session.rollback()
    assert history(app, handle.id)[0].holder_name == ""
