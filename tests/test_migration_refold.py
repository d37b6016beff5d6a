"""Revision 0018: handles stored with an invisible character or in fullwidth letters before
issue 25 take the spelling and key parse_handle gives them today; a second record of one name
is left for staff to merge, and named in the log."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from registry.adapters import db
from registry.adapters.models import Handle, LookalikeKey, Platform
from registry.domain.platforms import get_rules
from registry.services import lookalike_index

BEFORE = "0017"


@pytest.fixture
def db_at_0017(tmp_path):
    # A file of its own, whatever database the suite runs on: the refold is SQL that both
    # databases run alike, and tests/test_migrations.py upgrades PostgreSQL through it.
    url = f"sqlite:///{tmp_path}/refold.db"
    db.upgrade(url, BEFORE)
    return url


def _store(url: str, *handles: tuple[str, str, str]) -> dict[str, int]:
    """Rows as the code before issue 25 wrote them: (platform, handle, normalized)."""
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            platforms = {}
            for slug in {slug for slug, _, _ in handles}:
                platforms[slug] = Platform.from_rules(get_rules(slug))
                session.add(platforms[slug])
            session.flush()
            rows = [
                Handle(platform_id=platforms[slug].id, handle=handle, normalized=key)
                for slug, handle, key in handles
            ]
            session.add_all(rows)
            session.flush()
            lookalike_index.rebuild_index(session)
            session.commit()
            return {row.handle: row.id for row in rows}
    finally:
        engine.dispose()


def _handles(url: str) -> dict[int, tuple[str, str]]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT id, handle, normalized FROM handle"))
            return {id_: (handle, key) for id_, handle, key in found}
    finally:
        engine.dispose()


def _out_of_index(url: str) -> list[int]:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            assert session.exec(select(func.count()).select_from(LookalikeKey)).one() > 0
            return lookalike_index.handles_out_of_index(session)
    finally:
        engine.dispose()


FULLWIDTH = "\uff26\uff4c\uff41\uff4d\uff4d\uff41\uff52\uff49\uff4f\uff4e"  # Ｆｌａｍｍａｒｉｏｎ


def test_a_handle_stored_in_another_spelling_takes_today_s_key(db_at_0017):
    ids = _store(
        db_at_0017,
        ("youtube", FULLWIDTH, FULLWIDTH.casefold()),
        ("youtube", "Nespresso\ufe0f", "nespresso\ufe0f"),
        ("x", "Gallimard", "gallimard"),
    )
    db.upgrade(db_at_0017, "head")
    stored = _handles(db_at_0017)
    assert stored[ids[FULLWIDTH]] == ("Flammarion", "flammarion")
    assert stored[ids["Nespresso\ufe0f"]] == ("Nespresso", "nespresso")
    assert stored[ids["Gallimard"]] == ("Gallimard", "gallimard")
    assert _out_of_index(db_at_0017) == []


def test_a_second_record_of_one_name_is_left_and_named_for_staff(db_at_0017, caplog):
    ids = _store(
        db_at_0017,
        ("youtube", "Gallimard", "gallimard"),
        ("youtube", "Galli\u034fmard", "galli\u034fmard"),
    )
    with caplog.at_level(logging.WARNING, logger="alembic.runtime.migration"):
        db.upgrade(db_at_0017, "head")
    stored = _handles(db_at_0017)
    assert stored[ids["Galli\u034fmard"]] == ("Galli\u034fmard", "galli\u034fmard")
    assert stored[ids["Gallimard"]] == ("Gallimard", "gallimard")
    twice, first = ids["Galli\u034fmard"], ids["Gallimard"]
    expected = (
        f"Handle {twice} (youtube @Galli\u034fmard) is handle {first} written another way:"
        " merge them by hand."
    )
    assert expected in caplog.messages
