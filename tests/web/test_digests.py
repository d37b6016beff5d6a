"""The overdue digest (issue 16): `registry notify-overdue` e-mails staff, admins and each
brand's legal accounts, through a real SMTP server started here, once per request and flag."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import select

from registry import cli, jobs
from registry.adapters import db
from registry.adapters.models import DigestNotice, User
from tests.mailserver import free_port

# Gallimard's first request: one e-mail on Monday 2 March 2026, due Monday 16 March; its
# second: one on Monday 9 March, due Monday 23 March. Nespresso's: as Gallimard's first.
DUE_SOON_DAY = "2026-03-12"  # the first due soon, nothing overdue
OVERDUE_DAY = "2026-03-19"  # the first and Nespresso's overdue, the second due soon


class Scene:
    def __init__(self, app, make):
        gallimard = make.brand("Gallimard")
        nespresso = make.brand("Nespresso")
        self.first = make.request(["no_answer"], opened_on=date(2026, 3, 2), brand=gallimard)
        self.second = make.offer("GallimardJr", gallimard, opened_on=date(2026, 3, 9))
        self.nespresso = make.offer("Nespresso", nespresso, opened_on=date(2026, 3, 2))
        self.staff = make.user("staff", email="staff@registry.example").email
        self.admin = make.user("admin", email="admin@registry.example").email
        self.legal = make.user("legal", email="juriste@gallimard.fr", brand_slug="gallimard").email
        self.nespresso_legal = make.user(
            "legal", email="legal@nespresso.example", brand_slug="nespresso"
        ).email
        self.quiet = make.user("staff", email="quiet@registry.example").email
        self.gone = make.user("staff", email="gone@registry.example").email
        with app.app_context():
            session = db.session()
            by_email = {u.email: u for u in session.exec(select(User))}
            by_email[self.legal].locale = "fr"
            by_email[self.quiet].digests = False
            by_email[self.gone].active = False
            session.commit()


def run(runner, *args):
    return runner.invoke(args=["notify-overdue", *args])


def text_and_html(message):
    assert message.get_content_type() == "multipart/alternative"
    parts = {
        part.get_content_type(): part.get_content().replace("\r\n", "\n")
        for part in message.iter_parts()
    }
    assert set(parts) == {"text/plain", "text/html"}
    return parts["text/plain"], parts["text/html"]


def test_each_member_gets_one_digest_of_what_they_may_see(app, make, runner, inbox):
    scene = Scene(app, make)
    result = run(runner, "--as-of", OVERDUE_DAY)
    assert result.exit_code == 0, result.output
    mails = inbox.by_recipient()
    # Not the fans, not the member who turned it off, not the deactivated one.
    assert set(mails) == {scene.staff, scene.admin, scene.legal, scene.nespresso_legal}
    assert len(inbox.messages) == 4
    assert f"{scene.staff} (en): sent 3 request(s)." in result.output
    assert f"{scene.legal} (fr): sent 2 request(s)." in result.output
    assert "4 digest(s) sent, 9 notice(s) recorded as of 2026-03-19." in result.output

    text, html = text_and_html(mails[scene.staff])
    assert mails[scene.staff]["Subject"] == "Handle Registry: 3 requests overdue or due soon"
    assert "These requests became overdue or due soon (as of March 19, 2026):" in text
    overdue, due_soon = text.split("Overdue\n")[1].split("Due soon\n")
    assert f"#{scene.first.id} @Gallimard on X (Gallimard), reply due March 16, 2026" in overdue
    assert f"#{scene.nespresso.id} @Nespresso on X (Nespresso)" in overdue
    assert f"#{scene.second.id} @GallimardJr on X (Gallimard)" in due_soon
    assert f"http://localhost/requests/{scene.first.id}" in text
    assert f'<a href="http://localhost/requests/{scene.first.id}">' in html
    assert "<h2>Overdue</h2>" in html and "<h2>Due soon</h2>" in html
    assert "http://localhost/me" in text  # where to turn it off
    # No remote resources: no image, stylesheet or script, and no address but the site's.
    for tag in ("<img", "<link", "<script", "src="):
        assert tag not in html

    # Legal hears of its own brand only, in French.
    text, html = text_and_html(mails[scene.legal])
    assert mails[scene.legal]["Subject"] == (
        "Handle Registry\u202f: 2 demandes en retard ou bientôt dues"
    )
    assert "En retard" in text and "bientôt" in html
    assert "16 mars 2026" in text
    assert "Nespresso" not in text and "Nespresso" not in html
    nespresso_text, _html = text_and_html(mails[scene.nespresso_legal])
    assert "@Nespresso" in nespresso_text and "Gallimard" not in nespresso_text


def test_the_html_part_is_escaped(app, make, runner, inbox):
    scene = Scene(app, make)
    with app.app_context():
        from registry.adapters.models import Brand

        session = db.session()
        brand = session.exec(select(Brand).where(Brand.slug == "gallimard")).one()
        brand.name = "Gallimard <b>&</b>"
        session.commit()
    assert run(runner, "--as-of", OVERDUE_DAY).exit_code == 0
    _text, html = text_and_html(inbox.by_recipient()[scene.staff])
    assert "Gallimard &lt;b&gt;&amp;&lt;/b&gt;" in html
    assert "<b>" not in html


def test_a_second_run_sends_nothing_new_and_a_new_flag_sends_again(app, make, runner, inbox):
    scene = Scene(app, make)
    first = run(runner, "--as-of", DUE_SOON_DAY)
    assert first.exit_code == 0, first.output
    to_staff = inbox.by_recipient()[scene.staff]
    assert to_staff["Subject"] == "Handle Registry: 2 requests overdue or due soon"

    inbox.messages.clear()
    again = run(runner, "--as-of", DUE_SOON_DAY)
    assert again.exit_code == 0
    assert inbox.messages == []
    assert "No new overdue or due-soon request to notify as of 2026-03-12." in again.output

    # A week later the first two are overdue (a new flag) and the second is due soon (new).
    later = run(runner, "--as-of", OVERDUE_DAY)
    assert later.exit_code == 0, later.output
    text, _html = text_and_html(inbox.by_recipient()[scene.staff])
    assert f"#{scene.first.id} @Gallimard" in text.split("Due soon\n")[0]
    assert f"#{scene.second.id} @GallimardJr" in text
    with app.app_context():
        flags = {
            (n.request_id, n.flag)
            for n in db.session().exec(select(DigestNotice))
            if n.request_id == scene.first.id
        }
    assert flags == {(scene.first.id, "due_soon"), (scene.first.id, "overdue")}


def test_a_member_who_turned_digests_off_gets_none(app, make, runner, inbox):
    scene = Scene(app, make)
    assert run(runner, "--as-of", OVERDUE_DAY).exit_code == 0
    assert scene.quiet not in inbox.by_recipient()
    with app.app_context():
        session = db.session()
        quiet = session.exec(select(User).where(User.email == scene.quiet)).one()
        quiet.digests = True
        session.commit()
    assert run(runner, "--as-of", OVERDUE_DAY).exit_code == 0
    assert scene.quiet in inbox.by_recipient()  # turned back on: told what it missed


def test_a_dry_run_sends_and_records_nothing(app, make, runner, inbox):
    scene = Scene(app, make)
    result = run(runner, "--as-of", OVERDUE_DAY, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"{scene.staff} (en): would list 3 request(s)." in result.output
    assert "Dry run as of 2026-03-19: nothing sent, nothing recorded." in result.output
    assert inbox.messages == []
    with app.app_context():
        assert db.session().exec(select(DigestNotice)).all() == []
    assert run(runner, "--as-of", OVERDUE_DAY).exit_code == 0
    assert len(inbox.messages) == 4


def test_bad_input_exits_with_one_line(app, runner):
    result = run(runner, "--as-of", "2026-02-30")
    assert result.exit_code != 0
    assert '--as-of expects a date as YYYY-MM-DD, not "2026-02-30".' in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_without_a_mail_server_nothing_is_recorded(app, make, runner):
    Scene(app, make)
    app.config["SMTP_URL"] = ""
    result = run(runner, "--as-of", OVERDUE_DAY)
    assert result.exit_code != 0
    assert "SMTP_URL is not set" in result.output
    with app.app_context():
        assert db.session().exec(select(DigestNotice)).all() == []


def test_an_unreachable_server_fails_and_records_nothing(app, make, runner):
    Scene(app, make)
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    result = run(runner, "--as-of", OVERDUE_DAY)
    assert result.exit_code != 0
    assert "4 digest(s) not sent" in result.output
    with app.app_context():
        assert db.session().exec(select(DigestNotice)).all() == []


def test_one_refused_recipient_keeps_the_others_recorded(app, make, runner, inbox):
    """The server refuses one address: the others are sent and recorded, that one is not,
    and the next run sends only it."""
    scene = Scene(app, make)
    refusing = inbox.handle_DATA

    async def refuse_legal(server, session, envelope):
        if scene.legal in envelope.rcpt_tos:
            return "550 mailbox unavailable"
        return await refusing(server, session, envelope)

    inbox.handle_DATA = refuse_legal
    result = run(runner, "--as-of", OVERDUE_DAY)
    assert result.exit_code != 0
    assert f"1 digest(s) not sent ({scene.legal}); 3 sent." in result.output
    assert set(inbox.by_recipient()) == {scene.staff, scene.admin, scene.nespresso_legal}

    inbox.handle_DATA = refusing
    inbox.messages.clear()
    retry = run(runner, "--as-of", OVERDUE_DAY)
    assert retry.exit_code == 0, retry.output
    assert set(inbox.by_recipient()) == {scene.legal}


# --- the daily job ---------------------------------------------------------------------------


def test_the_daily_job_is_off_unless_a_time_is_set():
    assert jobs.notify_overdue_at("") is None
    assert jobs.notify_overdue_at("06:30") == (6, 30)
    for wrong in ("6h30", "24:00", "06:60", "06"):
        with pytest.raises(ValueError, match="NOTIFY_OVERDUE_AT expects a time as HH:MM"):
            jobs.notify_overdue_at(wrong)
    assert not jobs.digest_due(datetime(2026, 3, 19, 6, 30), at=None)
    assert jobs.digest_due(datetime(2026, 3, 19, 6, 30), at=(6, 30))
    assert not jobs.digest_due(datetime(2026, 3, 19, 6, 31), at=(6, 30))


def test_the_daily_job_sends_the_digests(app, make, inbox, monkeypatch):
    scene = Scene(app, make)
    monkeypatch.setattr(jobs, "_worker_app", lambda: app)
    monkeypatch.setattr(cli, "home_today", lambda: date(2026, 3, 19))
    jobs.notify_overdue_daily.call_local()
    assert scene.staff in inbox.by_recipient() and len(inbox.messages) == 4
