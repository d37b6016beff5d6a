"""`registry backup` and `registry restore`: every table back exactly as it was, on the
database the suite runs on (SQLite, or PostgreSQL through pg_dump and pg_restore)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from sqlmodel import SQLModel

from registry.adapters import backup, db
from tests.conftest import reset_tables


def every_table(app) -> dict[str, list[tuple]]:
    engine = app.extensions["registry.engine"]
    with engine.connect() as connection:
        rows = {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    table.select().order_by(*table.primary_key.columns)
                ).all()
            ]
            for table in SQLModel.metadata.sorted_tables
        }
        rows["alembic_version"] = [
            tuple(r) for r in connection.execute(text("SELECT version_num FROM alembic_version"))
        ]
    return rows


def test_a_backup_brings_back_every_table_and_a_restore_over_data_needs_force(
    app, make, runner, tmp_path
):
    command.stamp(db.alembic_config(app.config["DATABASE_URL"]), "head")
    make.request(["no_answer", "replied"])  # brand, handle, custody, members, attempts, audit
    make.user("staff")
    before = every_table(app)
    assert all(before[name] for name in ("brand", "handle", "contact_attempt", "audit_entry"))
    path = tmp_path / "registry.adapters.backup"

    saved = runner.invoke(args=["backup", str(path)])
    assert (saved.exit_code, saved.output.strip()) == (0, f"Backed up the registry to {path}.")
    again = runner.invoke(args=["backup", str(path)])
    assert again.exit_code == 1
    assert again.output.strip() == f"Error: {path} already exists; choose a new file."

    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code == 1
    assert "The registry holds data" in refused.output and "--force" in refused.output
    assert runner.invoke(args=["restore", str(path), "--force"]).exit_code == 0
    assert every_table(app) == before

    reset_tables(app)  # an empty registry: a restore needs no --force
    assert not backup.holds_data(app.extensions["registry.engine"])
    restored = runner.invoke(args=["restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert every_table(app) == before
    make.handle("Nespresso")  # the restored registry works, and its counters count
    with app.extensions["registry.engine"].connect() as connection:
        kept = connection.execute(text("SELECT rows FROM row_count")).scalar_one()
        real = connection.execute(text("SELECT count(*) FROM handle")).scalar_one()
    assert kept == real == len(before["handle"]) + 1


def test_restoring_a_missing_or_foreign_file_is_refused_in_one_line(app, runner, tmp_path):
    missing = runner.invoke(args=["restore", str(tmp_path / "nothing.backup")])
    assert missing.exit_code == 1
    nothing = tmp_path / "nothing.backup"
    assert missing.output.strip() == f"Error: Cannot read {nothing}: no such file."
    if app.extensions["registry.engine"].dialect.name == "sqlite":
        foreign = tmp_path / "notes.txt"
        foreign.write_text("not a database")
        result = runner.invoke(args=["restore", str(foreign)])
        assert result.exit_code == 1
        assert "is not a registry backup" in result.output


def test_without_postgresql_s_tools_a_backup_says_what_to_install(
    app, runner, tmp_path, monkeypatch
):
    engine = app.extensions["registry.engine"]
    if engine.dialect.name != "postgresql":
        # SQLite needs no tool: the backup is written by the online backup API.
        assert runner.invoke(args=["backup", str(tmp_path / "x.backup")]).exit_code == 0
        return
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    result = runner.invoke(args=["backup", str(tmp_path / "x.backup")])
    assert result.exit_code == 1
    assert "pg_dump is not on PATH" in result.output
