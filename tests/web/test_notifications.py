"""Members' notifications (DESIGN.md "Notifications"): who hears of each event, on the site and
by e-mail (a real SMTP server on loopback), once; their choices; the list, opening one, the
header's unread count; the one-click unsubscribe (RFC 8058); a member's data and erasure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from html import unescape

import pytest
from sqlmodel import col, select

from registry.adapters import db
from registry.adapters.models import Notification, NotificationPreference, User
from registry.jobs import notification_mail
from registry.jobs import notifications as notification_jobs
from registry.services import attempts, handover, mail_intake, privacy, transitions
from registry.services import notifications as notices
from tests.conftest import PASSWORD
from tests.factories import context

REPLY_DOMAIN = "replies.registry.test"
NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class Scene:
    app: object
    people: dict[str, User]
    request_id: int
    other_request_id: int

    def told(self) -> dict[str, list[str]]:
        """Each person's notifications (their topics, oldest first)."""
        with self.app.app_context():
            rows = db.session().exec(select(Notification).order_by(col(Notification.id))).all()
        by_id = {user.id: name for name, user in self.people.items()}
        heard: dict[str, list[str]] = {name: [] for name in self.people}
        for row in rows:
            heard[by_id[row.user_id]].append(row.topic)
        return heard

    def clear(self) -> None:
        with self.app.app_context():
            session = db.session()
            for row in session.exec(select(Notification)).all():
                session.delete(row)
            session.commit()

    def run(self, use_case, *args, who: str | None = None, **kwargs):
        with self.app.app_context():
            actor = db.session().get(User, self.people[who].id) if who else None
            result = use_case(context(actor), *args, **kwargs)
            db.session().commit()
            return result


@pytest.fixture
def scene(app, make) -> Scene:
    """Gallimard and Nespresso, a member of each role (legal for each brand), then `fan`'s
    offer of @Gallimard to Gallimard and `other_fan`'s offer of @Nespresso to Nespresso."""
    gallimard = make.brand("Gallimard")
    nespresso = make.brand("Nespresso")
    people = {
        "fan": make.user("fan", email="fan@example.org"),
        "other_fan": make.user("fan", email="other@example.org"),
        "staff": make.user("staff", email="staff@example.org"),
        "admin": make.user("admin", email="admin@example.org"),
        "legal": make.user("legal", email="legal@example.org", brand_slug=gallimard.slug),
        "legal_other": make.user(
            "legal", email="legal-other@example.org", brand_slug=nespresso.slug
        ),
    }
    offered = make.handle(
        "Gallimard", brand_id=gallimard.id, holder_kind="fan", holder_user_id=people["fan"].id
    )
    other = make.handle(
        "Nespresso",
        brand_id=nespresso.id,
        holder_kind="fan",
        holder_user_id=people["other_fan"].id,
    )
    request = make.request(
        opened_on=date(2026, 3, 2), proposer=people["fan"], brand=gallimard, handle=offered
    )
    other_request = make.request(
        opened_on=date(2026, 3, 2), proposer=people["other_fan"], brand=nespresso, handle=other
    )
    return Scene(app, people, request.id, other_request.id)


def reply_logged(scene: Scene, request_id: int | None = None, *, who: str = "staff") -> None:
    scene.run(
        attempts.log_attempt,
        request_id or scene.request_id,
        who=who,
        direction="inbound",
        channel="email",
        outcome="replied",
        happened_at=NOW - timedelta(minutes=5),
        summary="They answered.",
    )


def agreed(scene: Scene, *, accept: bool = True) -> None:
    scene.run(
        transitions.decide,
        scene.request_id,
        who="legal",
        accept=accept,
        channel="email",
        summary="Yes." if accept else "No.",
        confirmed=True,
    )


def unmatched_mail(app, n: int = 0) -> None:
    message = EmailMessage()
    message["From"] = "Claire Martin <claire@nespresso.test>"
    message["To"] = "press@registry.test"
    message["Subject"] = "Hello"
    message["Message-ID"] = f"<stray-{n}@nespresso.test>"
    message.set_content("A message.")
    app.config["MAIL_REPLY_DOMAIN"] = REPLY_DOMAIN
    with app.app_context():
        received = mail_intake.receive_mail(context(), message.as_bytes())
        db.session().commit()
    assert received.status == "unmatched"


def words_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def bell(response) -> str:
    """The header bell's accessible name."""
    found = re.search(r'<a class="bell"[^>]*aria-label="([^"]+)"', response.text)
    assert found, "no bell in the header"
    return unescape(found.group(1))


def log_in(client, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


# --- who hears of what ---------------------------------------------------------------------------


def test_a_new_offer_reaches_its_brands_legal_team_only(scene):
    heard = scene.told()
    assert heard["legal"] == ["new_offer"]  # fan's offer names Gallimard
    assert heard["legal_other"] == ["new_offer"]  # other_fan's names Nespresso
    assert heard["fan"] == heard["other_fan"] == heard["staff"] == heard["admin"] == []


def test_the_brands_reply_logged_by_staff_reaches_the_fan_who_offered(scene):
    scene.clear()
    reply_logged(scene)
    heard = scene.told()
    assert heard["fan"] == ["brand_replied"]
    assert all(not heard[name] for name in heard if name != "fan")  # staff acted: not told


@pytest.mark.parametrize("accept", [True, False], ids=["agreed", "declined"])
def test_the_brands_decision_reaches_the_fan_and_not_the_legal_team_that_decided(scene, accept):
    scene.clear()
    agreed(scene, accept=accept)
    heard = scene.told()
    # The decision is logged as the brand's reply too: the fan hears of it once, as the
    # decision.
    assert heard["fan"] == ["brand_decided"]
    assert heard["legal"] == []  # the actor is never told of their own act
    assert heard["other_fan"] == heard["legal_other"] == heard["staff"] == []


def test_a_handover_window_reaches_both_parties_not_another_brand(scene):
    agreed(scene)
    scene.clear()
    scene.run(
        handover.schedule, scene.request_id, who="staff", window_start=NOW + timedelta(days=3)
    )
    heard = scene.told()
    assert heard["fan"] == ["handover_to_confirm"]
    assert heard["legal"] == ["handover_to_confirm"]
    assert heard["legal_other"] == heard["other_fan"] == heard["staff"] == heard["admin"] == []


def test_unmatched_mail_reaches_staff_and_admins(scene, app):
    scene.clear()
    unmatched_mail(app)
    heard = scene.told()
    assert heard["staff"] == heard["admin"] == ["mail_unmatched"]
    assert heard["fan"] == heard["legal"] == heard["legal_other"] == heard["other_fan"] == []


def test_a_fan_who_logs_the_reply_themselves_is_not_told(scene):
    scene.clear()
    reply_logged(scene, who="fan")
    assert scene.told()["fan"] == []


def test_a_fan_never_hears_of_another_fans_request(scene):
    scene.clear()
    reply_logged(scene, scene.other_request_id)
    heard = scene.told()
    assert heard["other_fan"] == ["brand_replied"]
    assert heard["fan"] == []


def test_one_event_told_once_even_dispatched_and_drained_again(scene, app):
    scene.clear()
    reply_logged(scene)
    with app.app_context():
        notification_jobs.dispatch_all()  # nothing left to dispatch
        notification_jobs.drain.call_local()
    assert scene.told()["fan"] == ["brand_replied"]


# --- choices -----------------------------------------------------------------------------------


def choose(scene: Scene, who: str, **channels: bool) -> None:
    """Turn `brand_replied`'s channels on or off for `who` (site=..., email=...)."""
    with scene.app.app_context():
        session = db.session()
        for channel, on in channels.items():
            session.merge(
                NotificationPreference(
                    user_id=scene.people[who].id, topic="brand_replied", channel=channel, enabled=on
                )
            )
        session.commit()


@pytest.mark.parametrize(
    ("site", "email", "listed", "mailed"),
    [(False, True, False, True), (True, False, True, False), (False, False, None, None)],
    ids=["site-off", "email-off", "both-off"],
)
def test_each_channel_follows_the_members_choice(scene, app, inbox, site, email, listed, mailed):
    scene.clear()
    choose(scene, "fan", site=site, email=email)
    reply_logged(scene)
    with app.app_context():
        rows = (
            db.session()
            .exec(select(Notification).where(Notification.user_id == scene.people["fan"].id))
            .all()
        )
    if listed is None:
        assert rows == []
    else:
        assert [(r.on_site, r.by_email) for r in rows] == [(listed, mailed)]
    sent_to = [to for tos, _message in inbox.messages for to in tos]
    assert ("fan@example.org" in sent_to) is bool(mailed)


def test_the_settings_page_saves_each_topic_and_channel(client, scene):
    log_in(client, "fan@example.org")
    page = client.get("/me/notifications/settings")
    assert page.status_code == 200
    boxes = re.findall(r'name="((?:site|email)-[a-z_]+)"', page.text)
    # A fan's topics only (notifications.topics_for): nothing about unmatched mail.
    assert "site-brand_replied" in boxes and "email-handover_to_confirm" in boxes
    assert not any("mail_unmatched" in box for box in boxes)
    assert page.text.count(" checked") == len(boxes)  # no choice stored: all on
    kept = {box: "1" for box in boxes if box != "email-brand_replied"}
    saved = client.post("/me/notifications/settings", data=kept, follow_redirects=True)
    assert "Your notification settings are saved." in saved.text
    assert not re.search(r'name="email-brand_replied"[^>]*checked', saved.text)
    assert re.search(r'name="site-brand_replied"[^>]*checked', saved.text)
    with client.application.app_context():
        stored = db.session().exec(select(NotificationPreference)).all()
    assert [(p.topic, p.channel, p.enabled) for p in stored] == [("brand_replied", "email", False)]


def test_the_profile_links_to_the_settings(client, scene):
    log_in(client, "fan@example.org")
    assert 'href="/me/notifications/settings"' in client.get("/me").text


# --- the list, opening one, the header's count -------------------------------------------------


def test_the_header_count_rises_and_falls(client, scene):
    scene.clear()
    log_in(client, "fan@example.org")
    assert bell(client.get("/")) == "Notifications, none unread"
    reply_logged(scene)
    page = client.get("/")
    assert bell(page) == "Notifications, 1 unread"
    assert re.search(r'<span class="badge bell-count"[^>]*>1</span>', page.text)
    listed = client.get("/me/notifications")
    assert "Gallimard replied to your offer of @Gallimard on X" in words_of(listed)
    opened = re.search(r'href="(/me/notifications/\d+)"', listed.text).group(1)
    landed = client.get(opened)
    assert landed.status_code == 302
    assert landed.location.endswith(f"/requests/{scene.request_id}")
    assert bell(client.get("/")) == "Notifications, none unread"
    assert 'class="read"' in client.get("/me/notifications").text


def test_a_visitor_has_no_bell(client, scene):
    assert 'class="bell"' not in client.get("/").text


def test_mark_all_read(client, scene):
    log_in(client, "legal@example.org")
    assert bell(client.get("/")) == "Notifications, 1 unread"
    done = client.post("/me/notifications/read", follow_redirects=True)
    assert "All your notifications are marked read." in done.text
    assert bell(done) == "Notifications, none unread"


def test_the_count_stops_at_99_plus_and_the_list_pages(client, scene, app):
    with app.app_context():
        session = db.session()
        event_id = session.exec(select(Notification.event_id)).first()
        fan = scene.people["fan"].id
        from registry.adapters.models import Event

        for n in range(105):
            event = Event(kind="attempt.logged", request_id=scene.request_id, data="{}")
            session.add(event)
            session.flush()
            session.add(
                Notification(
                    user_id=fan,
                    event_id=event.id,
                    topic="brand_replied",
                    created_at=NOW + timedelta(seconds=n),
                )
            )
        session.commit()
        assert event_id is not None
        assert notices.unread_count(session, session.get(User, fan)) == notices.UNREAD_CAP
    log_in(client, "fan@example.org")
    page = client.get("/me/notifications")
    assert re.search(r'<span class="badge bell-count"[^>]*>99\+</span>', page.text)
    assert bell(page) == "Notifications, more than 99 unread"
    assert "105 items · page 1 of 21" in words_of(page)  # PAGE_SIZE is 5 in tests
    assert len(re.findall(r'href="/me/notifications/\d+"', page.text)) == 5
    last = client.get("/me/notifications?page=21")
    assert len(re.findall(r'href="/me/notifications/\d+"', last.text)) == 5
    assert "page 21 of 21" in words_of(last)


def test_the_empty_list_says_so(client, scene):
    log_in(client, "fan@example.org")
    page = client.get("/me/notifications")
    assert "No notifications yet." in words_of(page)


def test_another_members_notification_is_not_found(client, scene, app):
    with app.app_context():
        legal_one = (
            db.session()
            .exec(select(Notification.id).where(Notification.user_id == scene.people["legal"].id))
            .first()
        )
    log_in(client, "fan@example.org")
    assert client.get(f"/me/notifications/{legal_one}").status_code == 404


def test_a_request_one_may_no_longer_read_is_not_listed(client, scene, app):
    scene.clear()
    reply_logged(scene)
    with app.app_context():
        session = db.session()
        # A member who lost the request (here: no longer its proposer) is not shown it.
        from registry.adapters.models import TransferRequest

        request = session.get(TransferRequest, scene.request_id)
        request.proposer_id = scene.people["other_fan"].id
        session.add(request)
        session.commit()
    log_in(client, "fan@example.org")
    page = client.get("/me/notifications")
    assert "No notifications yet." in words_of(page)
    assert bell(page) == "Notifications, none unread"


def test_unmatched_mail_leads_to_the_mail_page(client, scene, app):
    scene.clear()
    unmatched_mail(app)
    log_in(client, "staff@example.org")
    listed = client.get("/me/notifications")
    assert "A message from claire@nespresso.test matches no request" in words_of(listed)
    opened = re.search(r'href="(/me/notifications/\d+)"', listed.text).group(1)
    assert client.get(opened).location.endswith("/mail/unmatched")


# --- e-mails -------------------------------------------------------------------------------------


def test_the_email_is_in_the_members_language_with_a_one_click_unsubscribe(scene, app, inbox):
    with app.app_context():
        session = db.session()
        session.get(User, scene.people["fan"].id).locale = "fr"
        session.commit()
    app.config["PUBLIC_URL"] = "https://registry.example.org"
    reply_logged(scene)
    sent = inbox.by_recipient()["fan@example.org"]
    assert sent["Subject"] == "Gallimard a répondu à votre proposition de @Gallimard sur X"
    body = sent.get_content()
    assert "Bonjour" in body
    assert re.search(r"https://registry\.example\.org/me/notifications/\d+", body)
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(
        r"<(https://registry\.example\.org(/me/notifications/unsubscribe/\S+))>",
        sent["List-Unsubscribe"],
    )
    assert link, sent["List-Unsubscribe"]
    # A mail client posts it, with no session and no CSRF token (RFC 8058).
    app.config["WTF_CSRF_ENABLED"] = True
    anonymous = app.test_client()
    answer = anonymous.post(link.group(2), data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    with app.app_context():
        choice = db.session().get(
            NotificationPreference, (scene.people["fan"].id, "brand_replied", "email")
        )
    assert choice is not None and choice.enabled is False
    before = len(inbox.messages)
    reply_logged(scene)
    assert len(inbox.messages) == before  # no more e-mails of that topic
    with app.app_context():
        assert (
            db.session()
            .exec(
                select(Notification)
                .where(Notification.user_id == scene.people["fan"].id)
                .order_by(col(Notification.id).desc())
            )
            .first()
            .on_site
        )  # still on the site


def test_the_unsubscribe_page_asks_first_and_refuses_a_forged_link(client, scene, app):
    with app.app_context():
        token = notices.unsubscribe_token(app.config, scene.people["fan"].id, "brand_replied")
    page = client.get(f"/me/notifications/unsubscribe/{token}")
    assert page.status_code == 200
    assert "Stop these e-mails?" in words_of(page)
    with app.app_context():
        assert db.session().exec(select(NotificationPreference)).all() == []  # GET changes nothing
    forged = client.post(f"/me/notifications/unsubscribe/{token[:-2]}xx")
    assert forged.status_code == 404
    assert "This link does not work" in words_of(forged)


def test_each_email_is_sent_once(scene, app, inbox):
    scene.clear()
    inbox.messages.clear()
    reply_logged(scene)
    with app.app_context():
        notification_mail.send_due()
        notification_jobs.drain.call_local()
        ids = list(db.session().exec(select(Notification.id)))
        notification_mail.send_notification_mails.call_local(ids)
    assert [tos for tos, _m in inbox.messages] == [("fan@example.org",)]


def test_a_mail_server_out_of_reach_loses_nothing(scene, app, inbox):
    scene.clear()
    working = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # nothing listens there
    reply_logged(scene)
    with app.app_context():
        row = db.session().exec(select(Notification)).one()
        assert row.emailed_at is None and row.email_claimed_at is None
    app.config["SMTP_URL"] = working
    with app.app_context():
        notification_mail.send_due()
        assert db.session().exec(select(Notification)).one().emailed_at is not None
    assert [tos for tos, _m in inbox.messages] == [("fan@example.org",)]


def test_a_claim_held_by_another_worker_is_not_sent_again(scene, app, inbox):
    scene.clear()
    working = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"
    reply_logged(scene)
    app.config["SMTP_URL"] = working
    with app.app_context():
        session = db.session()
        row = session.exec(select(Notification)).one()
        row.email_claimed_at = datetime.now(UTC) - timedelta(minutes=2)  # a worker sending it
        session.commit()
        notification_mail.send_due()
        assert inbox.messages == []
        row = session.exec(select(Notification)).one()
        row.email_claimed_at = datetime.now(UTC) - timedelta(minutes=11)  # that worker vanished
        session.commit()
        notification_mail.send_due()
    assert [tos for tos, _m in inbox.messages] == [("fan@example.org",)]


# --- a member's data ---------------------------------------------------------------------------


def test_the_data_export_holds_the_choices_and_erasure_removes_everything(scene, app):
    choose(scene, "fan", email=False)
    reply_logged(scene)
    fan_id = scene.people["fan"].id
    with app.app_context():
        session = db.session()
        fan = session.get(User, fan_id)
        data = privacy.member_data(session, fan)
        assert data["notification_preferences"] == [
            {"topic": "brand_replied", "channel": "email", "enabled": False}
        ]
        privacy.delete_member(context(fan), fan, password=PASSWORD)
        assert session.exec(select(Notification).where(Notification.user_id == fan_id)).all() == []
        assert (
            session.exec(
                select(NotificationPreference).where(NotificationPreference.user_id == fan_id)
            ).all()
            == []
        )
