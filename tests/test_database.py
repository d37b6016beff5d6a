"""Which database the suite really ran on, and what only PostgreSQL checks for us.

.ci/run sets EXPECTED_DATABASE=sqlite for its first pass and EXPECTED_DATABASE=postgresql for
its second, so a PostgreSQL pass that silently fell back to SQLite fails here."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import exc, text
from sqlmodel import select

from registry.adapters.models import Brand
from tests.factories import context


def test_database_backend_matches_environment(app):
    engine = app.extensions["registry.engine"]
    configured = os.environ.get("DATABASE_URL", "")
    wanted = "postgresql" if configured.startswith("postgresql") else "sqlite"
    assert engine.dialect.name == wanted, f"DATABASE_URL={configured!r} but ran on {engine.url}"
    expected = os.environ.get("EXPECTED_DATABASE")
    if expected:
        assert engine.dialect.name == expected, (
            f"EXPECTED_DATABASE={expected} but the tests ran on {engine.dialect.name}"
        )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1


@pytest.mark.postgres
def test_postgresql_enforces_column_lengths(session):
    """SQLite stores any length; PostgreSQL refuses what the forms' limits let slip."""
    session.add(Brand(name="x" * 121, slug="too-long"))
    with pytest.raises(exc.DataError, match="too long"):
        session.flush()
    session.rollback()


@pytest.mark.postgres
def test_postgresql_keeps_times_as_instants_in_utc(session):
    paris_noon = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    session.add(Brand(name="Gallimard", slug="gallimard", created_at=paris_noon))
    session.commit()
    column_type = (
        session.connection()
        .execute(
            text(
                "SELECT data_type FROM information_schema.columns"
                " WHERE table_name = 'brand' AND column_name = 'created_at'"
            )
        )
        .scalar_one()
    )
    assert column_type == "timestamp with time zone"
    session.expire_all()
    stored = session.exec(select(Brand).where(Brand.slug == "gallimard")).one().created_at
    assert stored == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_the_registry_total_is_kept_by_the_database_whoever_writes(app, make):
    """row_count follows every insert and delete (registry.adapters.counts): the services, a bulk
    import, and plain SQL, one row or many at a time; the list's total reads it."""
    from registry.adapters import db
    from registry.services import csv_import, handles

    def kept_and_real():
        with app.app_context():
            session = db.session()
            kept = handles.count_handles(session, handles.HandleFilters())
            real = session.execute(text("SELECT count(*) FROM handle")).scalar_one()
            return kept, real

    assert kept_and_real() == (0, 0)
    make.handle("Gallimard")
    make.handle("Nespresso")
    assert kept_and_real() == (2, 2)
    rows = "\n".join(f"x,fan_{n},,fan,Fan {n},active,," for n in range(5))
    with app.app_context():
        header = "platform,handle,brand,holder_kind,holder_name,status,followers,notes"
        report = csv_import.import_handles(
            context(today=datetime(2026, 3, 2).date()), f"{header}\n{rows}\n"
        )
        assert report.created == 5
    assert kept_and_real() == (7, 7)
    engine = app.extensions["registry.engine"]
    with engine.begin() as conn:
        conn.execute(
            text(
                "DELETE FROM custody_record WHERE handle_id IN"
                " (SELECT id FROM handle WHERE normalized LIKE 'fan_%')"
            )
        )
        conn.execute(text("DELETE FROM audit_entry"))
        conn.execute(text("DELETE FROM handle WHERE normalized LIKE 'fan_%'"))
    assert kept_and_real() == (2, 2)
    with engine.connect() as conn:  # a write rolled back leaves the count as it was
        conn.execute(text("DELETE FROM custody_record"))
        conn.execute(text("DELETE FROM handle"))
        conn.rollback()
    assert kept_and_real() == (2, 2)
