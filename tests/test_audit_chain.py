"""The audit trail's hash chain (DESIGN.md "Evidence"): every entry chained to the one before
it as it is written, and `registry verify` naming the first entry changed, removed or
reordered behind the application's back (raw SQL: the ORM refuses to touch an entry)."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from registry.adapters import db
from registry.adapters.models import User
from registry.domain import chain
from registry.services import attempts, audit_chain
from tests.factories import context


@pytest.fixture
def trail(app, make):
    """A registry with a few dozen entries: brands, members, a request and its attempts."""
    brand = make.brand("Gallimard")
    make.user("legal", brand_slug="gallimard")
    make.request(("no_answer", "no_answer", "auto_reply"), brand=brand)
    with app.app_context():
        ids = [
            row[0] for row in db.session().execute(text("SELECT id FROM audit_entry ORDER BY id"))
        ]
    assert len(ids) >= 6
    return ids


def verified(app) -> audit_chain.Verified:
    with app.app_context():
        return audit_chain.verify(db.session(), batch=4)  # small batches: the walk's seams too


def raw(app, sql: str, **params) -> None:
    with app.app_context():
        session = db.session()
        session.execute(text(sql), params)
        session.commit()


def test_each_entry_is_chained_as_it_is_written(app, trail):
    result = verified(app)
    assert result.problem is None
    assert result.entries == len(trail)
    with app.app_context():
        rows = (
            db.session().execute(text("SELECT hash, prev_hash FROM audit_entry ORDER BY id")).all()
        )
        head = db.session().execute(text("SELECT head FROM audit_chain")).scalar_one()
    assert rows[0][1] == chain.GENESIS
    assert all(later[1] == earlier[0] for earlier, later in itertools.pairwise(rows))
    assert head == rows[-1][0]


def test_a_changed_entry_is_named(app, trail):
    target = trail[len(trail) // 2]
    raw(app, "UPDATE audit_entry SET summary = 'Nothing happened' WHERE id = :id", id=target)
    problem = verified(app).problem
    assert problem is not None
    assert (problem.entry_id, problem.reason) == (target, chain.CHANGED)


def test_a_removed_entry_is_found_at_the_next(app, trail):
    gone = trail[2]
    raw(app, "DELETE FROM audit_entry WHERE id = :id", id=gone)
    problem = verified(app).problem
    assert problem is not None
    assert (problem.entry_id, problem.reason) == (trail[3], chain.UNLINKED)


def test_reordered_entries_are_found(app, trail):
    # Two entries swap places (their contents and hashes exchanged between their ids).
    first, second = trail[1], trail[2]
    columns = "at, actor_id, actor_label, action, entity_type, entity_id, summary, params, "
    columns += "before, after, hash, prev_hash"
    with app.app_context():
        session = db.session()
        a = (
            session.execute(
                text(f"SELECT {columns} FROM audit_entry WHERE id = :id"), {"id": first}
            )
            .mappings()
            .one()
        )
        b = (
            session.execute(
                text(f"SELECT {columns} FROM audit_entry WHERE id = :id"), {"id": second}
            )
            .mappings()
            .one()
        )
        assignments = ", ".join(f'"{name}" = :{name}' for name in a)
        session.execute(
            text(f"UPDATE audit_entry SET {assignments} WHERE id = :id"), {**b, "id": first}
        )
        session.execute(
            text(f"UPDATE audit_entry SET {assignments} WHERE id = :id"), {**a, "id": second}
        )
        session.commit()
    problem = verified(app).problem
    assert problem is not None
    assert (problem.entry_id, problem.reason) == (first, chain.UNLINKED)


def test_removing_the_last_entries_is_found(app, trail):
    raw(app, "DELETE FROM audit_entry WHERE id >= :id", id=trail[-2])
    result = verified(app)
    assert result.problem == chain.Break(None, chain.TAIL_REMOVED)
    assert result.entries == len(trail) - 2


def test_the_verify_command(app, runner, trail):
    ok = runner.invoke(args=["verify"])
    assert ok.exit_code == 0, ok.output
    assert f"Audit trail: {len(trail)} entries, the chain holds." in ok.output
    raw(app, "UPDATE audit_entry SET action = 'user.delete' WHERE id = :id", id=trail[0])
    broken = runner.invoke(args=["verify"])
    assert broken.exit_code != 0
    assert f"entry #{trail[0]}: its content was changed" in broken.output


def test_concurrent_writers_chain_one_after_the_other(app, make, trail):
    nespresso = make.brand("Nespresso")
    request = make.request(
        brand=nespresso, handle=make.handle("nespresso_chain", brand_id=nespresso.id)
    )
    errors: list[BaseException] = []

    def log(n: int) -> None:
        try:
            with app.app_context():
                staff = db.session().get(User, request.proposer_id)
                for k in range(4):
                    attempts.log_attempt(
                        context(staff),
                        request.id,
                        direction="outbound",
                        channel="email",
                        outcome="no_answer",
                        happened_at=datetime(2026, 3, 2 + k, 9, n, tzinfo=UTC),
                    )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=log, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    result = verified(app)
    assert result.problem is None
    assert result.entries > len(trail) + 24


def test_an_import_chains_its_entries_in_one_batch(app, make, runner, tmp_path):
    make.brand("Gallimard")
    csv = tmp_path / "handles.csv"
    csv.write_text(
        "platform,handle,brand,holder_kind,holder_name,status,followers,notes\n"
        + "".join(f"instagram,fan_{n},gallimard,fan,Fan {n},active,{n},\n" for n in range(50))
    )
    assert runner.invoke(args=["import-handles", str(csv)]).exit_code == 0
    result = verified(app)
    assert result.problem is None
    assert result.entries >= 51


def test_a_synthetic_registry_is_chained_after_what_was_there(app, runner):
    assert (
        runner.invoke(
            args=["create-user", "admin@example.org", "--role", "admin"],
            input="a long password 1\n",
        ).exit_code
        == 0
    )
    generated = runner.invoke(
        args=["gen-data", "--handles", "300", "--requests", "20", "--seed", "3"]
    )
    assert generated.exit_code == 0, generated.output
    result = verified(app)
    assert result.problem is None
    assert result.entries > 20


def test_the_day_is_read_back_as_it_was_hashed():
    moment = datetime(2026, 3, 2, 9, 30, 1, 123456, tzinfo=UTC)
    entry = dict.fromkeys(chain.FIELDS) | {"at": moment, "action": "x"}
    assert chain.link(entry, chain.GENESIS) == chain.link(
        entry | {"at": moment.replace(tzinfo=None)}, chain.GENESIS
    )
    assert date(2026, 3, 2).isoformat() in chain.content(entry).decode()
