"""The registry commands: init-db, seed-demo, create-user."""

from html import unescape

from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import Brand, Handle, User
from tests.factories import context


def test_seed_demo_loads_the_real_cases_once(runner, app):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = db.session()
        slugs = set(session.exec(select(Brand.slug)))
        gallimard = session.exec(select(Handle).where(Handle.normalized == "gallimard")).first()
        handles_before = session.exec(select(func.count()).select_from(Handle)).one()
    assert {"gallimard", "nespresso", "cochonou"} <= slugs
    assert gallimard is not None
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already has data" in again.output
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(Handle)).one() == handles_before


def test_create_user_reads_the_password_from_stdin(runner, app):
    result = runner.invoke(
        args=["create-user", "Legal@Example.org", "--role", "legal"], input="a long password\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session().exec(select(User)).one()
    assert (user.email, user.role) == ("legal@example.org", "legal")


def test_create_user_with_a_bad_role_exits_non_zero_with_one_line(runner, app):
    result = runner.invoke(
        args=["create-user", "x@example.org", "--role", "boss"], input="a long password\n"
    )
    assert result.exit_code != 0
    assert 'Unknown role "boss"' in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_init_db_migrates_an_empty_database(tmp_path):
    from registry import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/fresh.db", "SECRET_KEY": "x"})
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "12 platforms" in result.output


def test_create_user_attaches_a_legal_account_to_its_brand(runner, app, make):
    brand = make.brand("Gallimard")
    result = runner.invoke(
        args=["create-user", "legal@gallimard.example", "--role", "legal", "--brand", "gallimard"],
        input="a long password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session().exec(select(User).where(User.role == "legal")).one()
    assert user.brand_id == brand.id
    refused = runner.invoke(
        args=["create-user", "fan@example.org", "--brand", "gallimard"], input="a long password\n"
    )
    assert refused.exit_code != 0 and "Only a legal account acts for a brand" in refused.output


def test_create_user_with_a_name_longer_than_its_column_exits_with_one_line(runner, app):
    result = runner.invoke(
        args=["create-user", "long@example.org", "--name", "N" * 121], input="a long password\n"
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: This text is too long: 121 characters, at most 120."
    ]
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(User)).one() == 0


def test_a_profile_phone_longer_than_its_column_is_refused_by_the_use_case(app, make):
    import pytest

    from registry.services import Invalid, accounts

    user = make.user("fan")
    with app.app_context():
        session = db.session()
        with pytest.raises(Invalid) as refused:
            accounts.update_profile(context(), session.get(User, user.id), phone="0" * 41)
        assert refused.value.field == "phone"
        assert session.get(User, user.id).phone == ""


def test_a_demo_login_password_signs_in_once_and_its_session_goes_on(runner, app):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    shown = runner.invoke(args=["demo-login"])
    assert shown.exit_code == 0, shown.output
    email, password = next(
        (parts[1], parts[2])
        for parts in (line.split() for line in shown.output.splitlines())
        if len(parts) == 3 and "@" in parts[1]
    )
    first, second = app.test_client(), app.test_client()
    signed_in = first.post("/login", data={"email": email, "password": password})
    assert signed_in.status_code == 302
    again = second.post("/login", data={"email": email, "password": password})
    assert again.status_code == 422
    assert "Wrong e-mail or password." in unescape(again.text)
    assert second.get("/me").status_code == 302  # not signed in: sent to the log-in page
    assert first.get("/me").status_code == 200  # the first session works on
    assert first.post("/login", data={"email": email, "password": password}).status_code == 422
