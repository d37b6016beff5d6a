"""The Alembic migrations: data written under the first revision survives every later one, and
the migrated schema is exactly what the models describe.

Runs on SQLite (a file in tmp_path) and, when DATABASE_URL is PostgreSQL, on that database
(emptied first and afterwards, alembic_version included). New revisions need no change here:
the tests always go to "head"."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import DateTime, MetaData, bindparam, text
from sqlmodel import Session, SQLModel, select
from werkzeug.security import generate_password_hash

import registry.adapters.models
from registry import create_app
from registry.adapters import db
from registry.domain.platforms import get_rules
from tests.factories import context

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
            handle = session.get(registry.adapters.models.Handle, ids["handle"])
            assert handle.followers_seen_on == date(2011, 3, 1)
            assert handle.created_at == RECORDED_AT
            (custody,) = session.exec(
                select(registry.adapters.models.CustodyRecord).where(
                    registry.adapters.models.CustodyRecord.handle_id == handle.id
                )
            ).all()
            assert (custody.started_on, custody.recorded_at) == (date(2009, 6, 1), RECORDED_AT)
            assert custody.recorded_by_id == ids["user"]
            brand = session.get(registry.adapters.models.Brand, ids["brand"])
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


# --- revision 0007: erasure by reference, codes instead of sentences ---------------------------

FAN = {"email": "julien@example.org", "name": "Julien Martin", "phone": "+33 6 12 34 56 78"}
# (actor, action, entity_type, entity, summary, before, after) as the code wrote them before 0007
# ("fan", "staff": accounts; None: the system; entity "fan" is the fan's account id).
OLD_ENTRIES = [
    (None, "brand.create", "brand", 1, "Brand Gallimard created", None, {"name": "Gallimard"}),
    ("fan", "user.create", "user_account", "fan", f"Account {FAN['email']} created with role fan",
     None, {"email": FAN["email"], "display_name": FAN["name"], "role": "fan"}),
    ("fan", "user.update", "user_account", "fan", "Profile updated",
     {"display_name": "", "phone": ""}, {"display_name": FAN["name"], "phone": FAN["phone"]}),
    ("fan", "handle.create", "handle", 1, "X @Gallimard added", None,
     {"handle": "Gallimard", "holder_kind": "fan", "holder_name": FAN["name"],
      "holder_contact": FAN["email"]}),
    ("fan", "request.create", "transfer_request", 1, "Request #1: @Gallimard to Gallimard", None,
     {"state": "proposed"}),
    ("fan", "attempt.create", "contact_attempt", 1, "Request #1: outbound email, no_answer", None,
     {"summary": "Sent"}),
    ("fan", "request.transition", "transfer_request", 1,
     "Request #1: proposed → contacting (first contact attempt)",
     {"state": "proposed"}, {"state": "contacting"}),
    ("fan", "request.transition", "transfer_request", 1,
     f"Request #1: contacting → withdrawn (withdrawn by {FAN['email']})",
     {"state": "contacting"}, {"state": "withdrawn"}),
    ("staff", "handle.custody", "handle", 1, f"@Gallimard now held by {FAN['name']}",
     {"holder_kind": "unknown", "holder_name": "", "holder_contact": ""},
     {"holder_kind": "fan", "holder_name": FAN["name"], "holder_contact": FAN["email"]}),
    ("staff", "handle.custody", "handle", 1, "@Gallimard now held by Gallimard",
     {"holder_kind": "fan", "holder_name": FAN["name"], "holder_contact": FAN["email"]},
     {"holder_kind": "brand", "holder_name": "Gallimard", "holder_contact": ""}),
    ("staff", "token.create", "api_token", 1,
     "API token “scripts” (abcd1234…) created for staff@example.org", None, {"name": "scripts"}),
    ("staff", "user.role", "user_account", "fan", f"{FAN['email']}: role staff, active",
     {"role": "fan"}, {"role": "staff"}),
    (None, "test.entry", "", None, "Something typed by hand", None, None),
    (None, "brand.update", "brand", 1, "Brand Gallimard crA former memberatA former memberd",
     None, None),
]  # fmt: skip
# What each becomes: (summary, params, actor_label).
NEW_ENTRIES = [
    ("Brand %(brand)s created", {"brand": "Gallimard"}, "system"),
    ("Account %(account)s created with role %(role)s",
     {"account": {"member": "fan"}, "role": "fan"}, ""),
    ("Profile updated", {}, ""),
    ("%(platform)s @%(handle)s added", {"platform": "X", "handle": "Gallimard"}, ""),
    ("Request #%(id)s: @%(handle)s to %(brand)s",
     {"id": 1, "handle": "Gallimard", "brand": "Gallimard"}, ""),
    ("Request #%(id)s: %(direction)s %(channel)s, %(outcome)s",
     {"id": 1, "direction": "outbound", "channel": "email", "outcome": "no_answer"}, ""),
    ("Request #%(id)s: %(before)s → %(after)s (%(note)s)",
     {"id": 1, "before": "proposed", "after": "contacting",
      "note": {"phrase": "first contact attempt"}}, ""),
    ("Request #%(id)s: %(before)s → %(after)s",
     {"id": 1, "before": "contacting", "after": "withdrawn"}, ""),
    ("@%(handle)s now held by %(holder)s", {"handle": "Gallimard", "holder": {"member": "fan"}},
     ""),
    ("@%(handle)s now held by %(holder)s", {"handle": "Gallimard", "holder": "Gallimard"}, ""),
    ("API token “%(name)s” (%(prefix)s…) created for %(account)s",
     {"name": "scripts", "prefix": "abcd1234", "account": {"member": "staff"}}, ""),
    ("%(account)s: role %(role)s, active", {"account": {"member": "fan"}, "role": "staff"}, ""),
    ("Something typed by hand", {}, "system"),
    ("Brand Gallimard crA former memberatA former memberd", {}, "system"),
]  # fmt: skip


def _write_0006_data(url: str) -> dict:
    """Revision 0001's rows, and what the code stored as sentences and copies until 0007."""
    ids = _write_first_revision_data(url)
    engine = db.make_engine(url)
    try:
        with engine.begin() as conn:
            _insert(
                conn,
                "INSERT INTO user_account (email, password_hash, role, display_name, phone,"
                " active, created_at, locale, timezone)"
                " VALUES (:email, :hash, 'fan', :name, :phone, :active, :created_at, '',"
                " 'Europe/Paris')",
                email=FAN["email"],
                hash=generate_password_hash("fan password", method="pbkdf2:sha256:1000"),
                name=FAN["name"],
                phone=FAN["phone"],
                active=True,
                created_at=RECORDED_AT,
            )
            ids["fan"] = _scalar(
                conn, "SELECT id FROM user_account WHERE email = :e", e=FAN["email"]
            )
            ids["staff"] = ids["user"]
            _insert(
                conn,
                "INSERT INTO api_token (user_id, name, token_hash, prefix, created_at)"
                " VALUES (:user_id, 'scripts', :hash, 'abcd1234', :created_at)",
                user_id=ids["staff"],
                hash="0" * 64,
                created_at=RECORDED_AT,
            )
            for started, note in (
                (date(2011, 3, 14), "Handed over through transfer request #1. Merci !"),
                (date(2011, 3, 20), "Recorded by a CSV import."),
                (date(2011, 3, 21), "First recorded in the registry."),
                (date(2011, 3, 22), "Handed over through transfer request #2."),
            ):
                _insert(
                    conn,
                    "INSERT INTO custody_record (handle_id, holder_kind, holder_name,"
                    " holder_contact, started_on, evidence_url, note, recorded_at)"
                    " VALUES (:handle_id, 'brand', 'Gallimard', '', :started_on, '', :note,"
                    " :recorded_at)",
                    handle_id=ids["handle"],
                    started_on=started,
                    note=note,
                    recorded_at=RECORDED_AT,
                )
            _insert(
                conn,
                "INSERT INTO transfer_request (handle_id, kind, from_holder_kind,"
                " from_holder_name, to_holder_kind, to_holder_name, proposer_id, terms, message,"
                " state, opened_on, unanswered_attempts, created_at, updated_at)"
                " VALUES (:handle_id, 'offer', 'fan', :name, 'brand', 'Gallimard', :fan,"
                " 'free', '', 'agreed', :opened_on, 0, :created_at, :created_at)",
                handle_id=ids["handle"],
                name=FAN["name"],
                fan=ids["fan"],
                opened_on=date(2011, 1, 10),
                created_at=RECORDED_AT,
            )
            # Two decisions (one with a typed message), and a legal department's ordinary reply.
            for logged_by, outcome, summary in (
                ("staff", "replied", "The brand accepts the transfer."),
                ("staff", "refused", "The brand declines the transfer."),
                ("staff", "replied", "They will call back."),
            ):
                _insert(
                    conn,
                    "INSERT INTO contact_attempt (request_id, direction, channel, contact_point,"
                    " logged_by_id, happened_at, outcome, summary, created_at)"
                    " VALUES (1, 'inbound', 'email', 'Legal department', :by, :happened_at,"
                    " :outcome, :summary, :created_at)",
                    by=ids[logged_by],
                    happened_at=RECORDED_AT,
                    outcome=outcome,
                    summary=summary,
                    created_at=RECORDED_AT,
                )
            for actor, action, entity_type, entity, summary, before, after in OLD_ENTRIES:
                actor_id = ids[actor] if actor else None
                _insert(
                    conn,
                    "INSERT INTO audit_entry (at, actor_id, actor_label, action, entity_type,"
                    " entity_id, summary, before, after)"
                    " VALUES (:at, :actor_id, :label, :action, :entity_type, :entity_id,"
                    " :summary, :before, :after)",
                    at=RECORDED_AT,
                    actor_id=actor_id,
                    label={"fan": FAN["email"], "staff": "staff@example.org"}.get(actor, "system"),
                    action=action,
                    entity_type=entity_type,
                    entity_id=ids[entity] if isinstance(entity, str) else entity,
                    summary=summary,
                    before=json.dumps(before) if before else "",
                    after=json.dumps(after) if after else "",
                )
    finally:
        engine.dispose()
    return ids


def _table_rows(url: str, sql: str) -> list[tuple]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _with_ids(value, ids: dict):
    """The expected params, the account names in them replaced by the accounts' ids."""
    if isinstance(value, dict):
        if set(value) == {"member"}:
            return {"member": ids[value["member"]]}
        return {k: _with_ids(v, ids) for k, v in value.items()}
    return value


def test_revision_0011_stores_the_moment_of_each_request_s_latest_attempt(empty_db):
    db.upgrade(empty_db, "0006")
    _write_0006_data(empty_db)
    db.upgrade(empty_db, "head")
    engine = db.make_engine(empty_db)
    try:
        with engine.connect() as conn:
            stored = conn.execute(
                select(registry.adapters.models.TransferRequest.last_attempt_at)
            ).scalar_one()
    finally:
        engine.dispose()
    assert stored == RECORDED_AT


def test_revision_0012_counts_the_handles_already_there_and_keeps_counting(empty_db):
    db.upgrade(empty_db, "0006")
    _write_0006_data(empty_db)
    db.upgrade(empty_db, "head")
    assert _table_rows(empty_db, "SELECT rows FROM row_count WHERE table_name = 'handle'") == [(1,)]
    engine = db.make_engine(empty_db)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO handle (version, platform_id, handle, normalized, holder_kind,"
                    " holder_name, holder_contact, holder_verified, status, notes, private_notes,"
                    " created_at, updated_at) SELECT 1, platform_id, 'Second', 'second',"
                    " 'unknown', '', '', holder_verified, 'active', '', '', created_at,"
                    " updated_at FROM handle"
                )
            )
    finally:
        engine.dispose()
    assert _table_rows(empty_db, "SELECT rows FROM row_count WHERE table_name = 'handle'") == [(2,)]


def test_revision_0007_turns_sentences_into_codes_and_copies_of_members_into_references(
    empty_db,
):
    db.upgrade(empty_db, "0006")
    ids = _write_0006_data(empty_db)
    entries_before = _table_rows(
        empty_db, "SELECT id, at, action, entity_type FROM audit_entry ORDER BY id"
    )

    db.upgrade(empty_db, "head")

    # Not one entry lost; each sentence a code with its parameters; no copy of the fan left.
    assert _table_rows(
        empty_db, "SELECT id, at, action, entity_type FROM audit_entry ORDER BY id"
    ) == (entries_before)
    audit_rows = _table_rows(
        empty_db, "SELECT summary, params, actor_label, before, after FROM audit_entry ORDER BY id"
    )
    assert [(s, json.loads(p) if p else {}, a) for s, p, a, _b, _a in audit_rows] == [
        (summary, _with_ids(params, ids), label) for summary, params, label in NEW_ENTRIES
    ]
    everything = repr(audit_rows)
    for value in FAN.values():
        assert value not in everything
    assert "staff@example.org" not in everything
    profile = json.loads(audit_rows[2][4])
    assert profile == {"display_name": {"personal": True}, "phone": {"personal": True}}
    handover = json.loads(audit_rows[9][3])
    assert handover["holder_user_id"] == ids["fan"]
    assert handover["holder_name"] == handover["holder_contact"] == {"personal": True}
    # The handle and its first custody record held by the fan point at their account now.
    assert _table_rows(empty_db, "SELECT holder_user_id FROM handle") == [(ids["fan"],)]
    assert _table_rows(
        empty_db,
        "SELECT holder_user_id, note_code, note_params, note FROM custody_record ORDER BY id",
    ) == [
        (ids["fan"], "", "", "First seen."),
        (None, "handed_over", '{"id": 1}', "Merci !"),
        (None, "imported", "", ""),
        (None, "first_recorded", "", ""),
        (None, "handed_over", '{"id": 2}', ""),
    ]
    assert _table_rows(
        empty_db, "SELECT decision, contact_point, summary FROM contact_attempt ORDER BY id"
    ) == [
        ("accept", "legal", ""),
        ("decline", "legal", ""),
        ("", "Legal department", "They will call back."),
    ]

    # The site says it all again, from the codes and the references.
    app = create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "t", "DATABASE_URL": empty_db}
    )
    try:
        client = app.test_client()
        with app.app_context():
            session = db.session()
            staff = session.get(registry.adapters.models.User, ids["staff"])
            staff.password_hash = generate_password_hash("staff password")
            session.add(staff)
            session.commit()
        client.post("/login", data={"email": "staff@example.org", "password": "staff password"})
        page = client.get("/audit?page=1").text + client.get("/audit?page=2").text
        assert "Account julien@example.org created with role fan" in page
        assert "Request #1: proposed → contacting (first contact attempt)" in page
        assert "Something typed by hand" in page
        # Codes stored plain before they were marked are named too (recorded.UNMARKED).
        french = {"Accept-Language": "fr"}
        page = client.get("/audit?page=1", headers=french).text
        page += client.get("/audit?page=2", headers=french).text
        assert "proposée → contact en cours (première tentative de contact)" in page
        page = client.get(f"/handles/{ids['handle']}", headers={"Accept-Language": "fr"}).text
        assert "Cédé par la demande de transfert n°1. Merci !" in page
        assert "Enregistré par un import CSV." in page

        # And erasing the fan now rewrites no entry and leaves no copy of them anywhere.
        from registry.services import privacy

        with app.app_context():
            session = db.session()
            privacy.delete_member(
                context(),
                session.get(registry.adapters.models.User, ids["fan"]),
                password="fan password",
            )
            session.commit()
        after = _table_rows(
            empty_db,
            "SELECT summary, params, actor_label, before, after FROM audit_entry ORDER BY id",
        )
        assert after[: len(audit_rows)] == audit_rows
        stored = repr(
            [
                _table_rows(empty_db, f"SELECT * FROM {table.name}")
                for table in SQLModel.metadata.sorted_tables
            ]
        )
        for value in FAN.values():
            assert value not in stored
        page = client.get("/audit?page=1").text + client.get("/audit?page=2").text
        assert "Account A former member created with role fan" in page
    finally:
        app.extensions["registry.engine"].dispose()


def test_revision_0007_downgrades_to_sentences_and_upgrades_again_to_the_same_codes(empty_db):
    from alembic import command

    db.upgrade(empty_db, "0006")
    ids = _write_0006_data(empty_db)
    db.upgrade(empty_db, "head")
    tables = {
        "audit_entry": "SELECT id, summary, params, actor_label, before, after FROM audit_entry",
        "custody_record": "SELECT id, holder_user_id, note_code, note_params, note"
        " FROM custody_record",
        "contact_attempt": "SELECT id, decision, contact_point, summary FROM contact_attempt",
    }
    upgraded = {name: sorted(_table_rows(empty_db, sql)) for name, sql in tables.items()}

    command.downgrade(db.alembic_config(empty_db), "0006")
    notes = _table_rows(empty_db, "SELECT note FROM custody_record ORDER BY id")
    assert notes[1:3] == [
        ("Handed over through transfer request #1. Merci !",),
        ("Recorded by a CSV import.",),
    ]
    summaries = dict(_table_rows(empty_db, "SELECT id, summary FROM audit_entry"))
    assert summaries[2] == f"Account {FAN['email']} created with role fan"
    assert _table_rows(empty_db, "SELECT contact_point, summary FROM contact_attempt ORDER BY id")[
        0
    ] == (
        "Legal department",
        "The brand accepts the transfer.",
    )

    db.upgrade(empty_db, "head")
    assert {name: sorted(_table_rows(empty_db, sql)) for name, sql in tables.items()} == upgraded
    assert ids["fan"] in {row[1] for row in upgraded["custody_record"]}


def test_revision_0016_indexes_the_lookalike_keys_of_the_handles_already_there(empty_db):
    from alembic import command

    from registry.domain.lookalikes import index_keys

    db.upgrade(empty_db, "0006")
    _write_0006_data(empty_db)
    db.upgrade(empty_db, "0015")
    [(normalized,)] = _table_rows(empty_db, "SELECT normalized FROM handle")
    db.upgrade(empty_db, "head")
    keys = {key for (key,) in _table_rows(empty_db, "SELECT key FROM lookalike_key")}
    assert keys == index_keys(normalized) and keys
    command.downgrade(db.alembic_config(empty_db), "0015")
    engine = db.make_engine(empty_db)
    try:
        assert "lookalike_key" not in sqlalchemy.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_revision_0019_starts_each_handle_s_followers_history_with_its_count(empty_db):
    from alembic import command

    db.upgrade(empty_db, "0006")
    _write_0006_data(empty_db)
    db.upgrade(empty_db, "0018")
    engine = db.make_engine(empty_db)
    try:
        with engine.begin() as conn:  # a count nobody dated, and a handle with none
            conn.execute(
                text(
                    "INSERT INTO handle (version, platform_id, handle, normalized, holder_kind,"
                    " holder_name, holder_contact, holder_verified, status, followers,"
                    " notes, private_notes, created_at, updated_at) SELECT 1, platform_id,"
                    " :name, :normalized, 'unknown', '', '', holder_verified, 'active',"
                    " :followers, '', '', created_at, updated_at FROM handle"
                    " WHERE normalized = 'gallimard'"
                ),
                [
                    {"name": "Undated", "normalized": "undated", "followers": 42},
                    {"name": "Uncounted", "normalized": "uncounted", "followers": None},
                ],
            )
    finally:
        engine.dispose()
    db.upgrade(empty_db, "head")
    history = _table_rows(
        empty_db,
        "SELECT h.normalized, c.followers, c.seen_on FROM follower_count c"
        " JOIN handle h ON h.id = c.handle_id ORDER BY h.normalized",
    )
    as_dates = [(name, count, date.fromisoformat(str(day))) for name, count, day in history]
    assert as_dates == [
        ("gallimard", 1500, date(2011, 3, 1)),
        ("undated", 42, RECORDED_AT.date()),
    ]
    command.downgrade(db.alembic_config(empty_db), "0018")
    engine = db.make_engine(empty_db)
    try:
        assert "follower_count" not in sqlalchemy.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_revision_0022_rebuilds_the_lookalike_keys_stored_under_the_former_folds(empty_db):
    """A database indexed by the former rule (each handle's single core, e.g. "gucl" for
    "gucci") gets the keys lookups now ask for."""
    from registry.domain.lookalikes import index_keys

    db.upgrade(empty_db, "0006")
    _write_0006_data(empty_db)
    db.upgrade(empty_db, "0021")
    [(handle_id, normalized)] = _table_rows(empty_db, "SELECT id, normalized FROM handle")
    engine = db.make_engine(empty_db)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM lookalike_key"))
            conn.execute(
                text(
                    "INSERT INTO lookalike_key (handle_id, key, platform_id, kind) "
                    "SELECT id, 'stale', platform_id, 0 FROM handle"
                )
            )
    finally:
        engine.dispose()
    db.upgrade(empty_db, "head")
    keys = {key for (key,) in _table_rows(empty_db, "SELECT key FROM lookalike_key")}
    assert keys == index_keys(normalized) and "stale" not in keys
    assert _table_rows(empty_db, "SELECT DISTINCT handle_id FROM lookalike_key") == [(handle_id,)]


def test_revision_0025_chains_the_audit_entries_already_there(empty_db):
    from alembic import command

    from registry.services import audit_chain

    db.upgrade(empty_db, "0006")
    _write_0006_data(empty_db)
    db.upgrade(empty_db, "head")
    [(entries,)] = _table_rows(empty_db, "SELECT count(*) FROM audit_entry")
    assert entries > 0
    engine = db.make_engine(empty_db)
    try:
        with Session(engine) as session:
            result = audit_chain.verify(session)
        assert (result.problem, result.entries) == (None, entries)
    finally:
        engine.dispose()
    command.downgrade(db.alembic_config(empty_db), "0024")
    engine = db.make_engine(empty_db)
    try:
        assert "audit_chain" not in sqlalchemy.inspect(engine).get_table_names()
    finally:
        engine.dispose()
