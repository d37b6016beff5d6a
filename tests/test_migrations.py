"""The Alembic migrations: data written under the first revision survives every later one, and
the migrated schema is exactly what the models describe.

Runs on SQLite (a file in tmp_path) and, when DATABASE_URL is PostgreSQL, on that database
(emptied first and afterwards, alembic_version included). New revisions need no change here:
the tests always go to "head"."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import DateTime, MetaData, bindparam, text
from sqlmodel import SQLModel, select

import registry.models  # noqa: F401  (registers every table on SQLModel.metadata)
from registry import create_app, db
from registry.domain.platforms import get_rules

FIRST_REVISION = "0001"
RECORDED_AT = datetime(2011, 3, 1, 9, 30, tzinfo=UTC)


def _wipe(url: str) -> None:
    """Drop every table (alembic_version too) and, on PostgreSQL, every enum type."""
    engine = db.make_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        metadata.drop_all(engine)
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                types = conn.execute(
                    text(
                        "SELECT t.typname FROM pg_type t "
                        "JOIN pg_namespace n ON n.oid = t.typnamespace "
                        "WHERE t.typtype = 'e' AND n.nspname = current_schema()"
                    )
                ).scalars()
                for name in list(types):
                    conn.execute(text(f'DROP TYPE IF EXISTS "{name}" CASCADE'))
    finally:
        engine.dispose()


@pytest.fixture
def empty_db(tmp_path):
    """A database with nothing in it: a fresh SQLite file, or the emptied PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path}/migrations.db"
        return
    _wipe(url)
    yield url
    _wipe(url)


def test_migrations_form_a_single_line():
    """Two revisions written in parallel must be merged, or `upgrade head` refuses to run."""
    scripts = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    assert scripts.get_bases() == [FIRST_REVISION]
    assert len(scripts.get_heads()) == 1, f"several heads: {scripts.get_heads()}"


def _insert(conn, sql: str, **values) -> None:
    statement = text(sql)
    stamps = [bindparam(k, type_=DateTime(timezone=True)) for k in values if k.endswith("_at")]
    if stamps:
        statement = statement.bindparams(*stamps)
    conn.execute(statement, values)


def _scalar(conn, sql: str, **values):
    return conn.execute(text(sql), values).scalar_one()


def _write_first_revision_data(url: str) -> dict:
    """A platform, a brand, an account, a handle and its custody, as revision 0001 stored them."""
    x = get_rules("x")
    engine = db.make_engine(url)
    try:
        with engine.begin() as conn:
            _insert(
                conn,
                "INSERT INTO platform (slug, name, url_template, hosts, path_prefixes, pattern,"
                " allowed_description, min_length, max_length, case_sensitive,"
                " ignored_characters, requires_letter, length_note, kind)"
                " VALUES (:slug, :name, :url_template, :hosts, :path_prefixes, :pattern,"
                " :allowed_description, :min_length, :max_length, :case_sensitive,"
                " :ignored_characters, :requires_letter, :length_note, :kind)",
                slug=x.slug,
                name=x.name,
                url_template=x.url_template,
                hosts=",".join(x.hosts),
                path_prefixes=",".join(x.path_prefixes),
                pattern=x.pattern,
                allowed_description=x.allowed_description,
                min_length=x.min_length,
                max_length=x.max_length,
                case_sensitive=x.case_sensitive,
                ignored_characters=x.ignored_characters,
                requires_letter=x.requires_letter,
                length_note=x.length_note,
                kind=x.kind,
            )
            platform_id = _scalar(conn, "SELECT id FROM platform WHERE slug = 'x'")
            _insert(
                conn,
                "INSERT INTO brand (name, slug, country, timezone, website,"
                " reply_deadline_days, notes, created_at)"
                " VALUES (:name, :slug, 'FR', 'Europe/Paris', 'https://www.gallimard.fr',"
                " 15, :notes, :created_at)",
                name="Gallimard",
                slug="gallimard",
                notes="Publisher founded in 1911.",
                created_at=RECORDED_AT,
            )
            brand_id = _scalar(conn, "SELECT id FROM brand WHERE slug = 'gallimard'")
            _insert(
                conn,
                "INSERT INTO user_account (email, password_hash, role, display_name, phone,"
                " active, created_at)"
                " VALUES ('staff@example.org', 'pbkdf2:sha256:1$salt$hash', 'staff',"
                " 'Camille', '+33 1 23 45 67 89', :active, :created_at)",
                active=True,
                created_at=RECORDED_AT,
            )
            user_id = _scalar(conn, "SELECT id FROM user_account WHERE email = 'staff@example.org'")
            _insert(
                conn,
                "INSERT INTO handle (platform_id, handle, normalized, brand_id, holder_kind,"
                " holder_name, holder_contact, status, followers, followers_seen_on, notes,"
                " private_notes, created_at, updated_at)"
                " VALUES (:platform_id, 'Gallimard', 'gallimard', :brand_id, 'fan',"
                " 'Julien, a reader', 'julien@example.org', 'active', 1500, :seen_on,"
                " 'Registered by a fan.', 'Asked for a book in exchange.',"
                " :created_at, :updated_at)",
                platform_id=platform_id,
                brand_id=brand_id,
                seen_on=date(2011, 3, 1),
                created_at=RECORDED_AT,
                updated_at=RECORDED_AT,
            )
            handle_id = _scalar(conn, "SELECT id FROM handle WHERE normalized = 'gallimard'")
            _insert(
                conn,
                "INSERT INTO custody_record (handle_id, holder_kind, holder_name,"
                " holder_contact, started_on, ended_on, evidence_url, note, recorded_by_id,"
                " recorded_at)"
                " VALUES (:handle_id, 'fan', 'Julien, a reader', 'julien@example.org',"
                " :started_on, NULL, 'https://example.org/evidence', 'First seen.',"
                " :user_id, :recorded_at)",
                handle_id=handle_id,
                started_on=date(2009, 6, 1),
                user_id=user_id,
                recorded_at=RECORDED_AT,
            )
    finally:
        engine.dispose()
    return {"platform": platform_id, "brand": brand_id, "user": user_id, "handle": handle_id}


def _rows(url: str) -> dict[str, list[tuple]]:
    """The columns revision 0001 wrote, read back in a form both databases agree on."""
    queries = {
        "platform": "SELECT id, slug, name, pattern, min_length, max_length FROM platform",
        "brand": "SELECT id, name, slug, country, timezone, website, reply_deadline_days, notes"
        " FROM brand",
        "user_account": "SELECT id, email, password_hash, role, display_name, phone"
        " FROM user_account",
        "handle": "SELECT id, platform_id, handle, normalized, brand_id, holder_kind,"
        " holder_name, holder_contact, status, followers, notes, private_notes FROM handle",
        "custody_record": "SELECT id, handle_id, holder_kind, holder_name, holder_contact,"
        " evidence_url, note, recorded_by_id FROM custody_record",
    }
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table: [tuple(r) for r in conn.execute(text(sql))] for table, sql in queries.items()
            }
    finally:
        engine.dispose()


def test_data_written_under_the_first_revision_survives_the_upgrade_to_head(empty_db):
    db.upgrade(empty_db, FIRST_REVISION)
    ids = _write_first_revision_data(empty_db)
    before = _rows(empty_db)
    assert all(len(rows) == 1 for rows in before.values()), before

    db.upgrade(empty_db, "head")

    assert _rows(empty_db) == before
    # The current code reads the migrated rows, dates and times included.
    app = create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "t", "DATABASE_URL": empty_db}
    )
    try:
        with app.app_context():
            session = db.session()
            handle = session.get(registry.models.Handle, ids["handle"])
            assert handle.followers_seen_on == date(2011, 3, 1)
            assert handle.created_at == RECORDED_AT
            (custody,) = session.exec(
                select(registry.models.CustodyRecord).where(
                    registry.models.CustodyRecord.handle_id == handle.id
                )
            ).all()
            assert (custody.started_on, custody.recorded_at) == (date(2009, 6, 1), RECORDED_AT)
            assert custody.recorded_by_id == ids["user"]
            brand = session.get(registry.models.Brand, ids["brand"])
            assert (brand.name, brand.created_at) == ("Gallimard", RECORDED_AT)
        client = app.test_client()
        response = client.get("/lookup", query_string={"platform": "x", "handle": "@Gallimard"})
        assert response.status_code == 200, response.text
        assert "Julien, a reader" in response.text
        response = client.get(f"/handles/{ids['handle']}")
        assert response.status_code == 200, response.text
        assert "Registered by a fan." in response.text
    finally:
        app.extensions["registry.engine"].dispose()


def test_migrations_build_exactly_the_schema_the_models_describe(empty_db):
    db.upgrade(empty_db, "head")
    engine = db.make_engine(empty_db)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": False}
            )
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == [], (
        "models and migrations disagree; write a migration "
        "(alembic revision --autogenerate) or fix the model:\n"
        + "\n".join(repr(d) for d in differences)
    )
