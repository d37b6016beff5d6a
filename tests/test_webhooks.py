"""Webhook deliveries end to end: a change committed, its event dispatched, the delivery
POSTed to a real HTTP server on loopback (so WEBHOOK_ALLOW_PRIVATE is on, except where a
test turns it off), signed, retried with backoff, failed after a day, the hook disabled and
its owner told. Signatures are checked with `cryptography`'s HMAC, not the registry's code.
Time is moved by running the job's round with a context whose `now` is later."""

from __future__ import annotations

import itertools
import json
import socket
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from sqlmodel import col, select

from registry.adapters import db, secrets, webhook_http
from registry.adapters.models import (
    AuditEntry,
    Notification,
    User,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from registry.jobs import webhooks as delivery_job
from registry.services import Forbidden, Invalid, webhooks
from tests.conftest import make_test_app
from tests.factories import Factories, context
from tests.webhookreceiver import start_receiver

ALL = ["request.created", "attempt.logged", "request.transitioned"]


@pytest.fixture
def app(tmp_path):
    app = make_test_app(tmp_path, WEBHOOK_ALLOW_PRIVATE=True)
    yield app
    app.extensions["registry.engine"].dispose()


@pytest.fixture
def receiver():
    server = start_receiver()
    yield server
    server.stop()


def register(app, owner, url, events=ALL, brand=None):
    with app.app_context():
        actor = db.session().get(User, owner.id)
        hook, secret = webhooks.register(context(actor), url=url, events=events, brand=brand)
        return hook.id, secret


def independently_signed(secret: str, header: str, body: bytes) -> bool:
    """The receiver's check, written apart from registry.domain.webhooks."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    mac = crypto_hmac.HMAC(secret.encode(), hashes.SHA256())
    mac.update(fields["t"].encode() + b"." + body)
    try:
        mac.verify(bytes.fromhex(fields["v1"]))
    except Exception:
        return False
    return True


def deliveries_of(app, hook_id):
    with app.app_context():
        session = db.session()
        return list(
            session.exec(
                select(WebhookDelivery)
                .where(WebhookDelivery.webhook_id == hook_id)
                .order_by(col(WebhookDelivery.id))
            )
        )


def run_at(app, moment) -> int:
    """One round of the delivery job as of `moment`."""
    with app.app_context():
        ctx = context(now=moment)
        return delivery_job.run(ctx)


def test_a_committed_change_is_posted_signed_with_the_events_data(app, receiver):
    make = Factories(app)
    admin = make.user("admin")
    hook_id, secret = register(app, admin, receiver.url)
    request = make.request()
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.path == "/hooks/registry"
    assert got.headers["Content-Type"] == "application/json"
    assert independently_signed(secret, got.headers["X-Registry-Signature"], got.body)
    assert not independently_signed("another secret", got.headers["X-Registry-Signature"], got.body)
    body = json.loads(got.body)
    assert set(body) == {"id", "event", "occurred_at", "data"}
    assert body["event"] == "request.created"
    assert body["data"]["request"]["id"] == request.id
    assert body["data"]["brand"] == "gallimard"
    [delivery] = deliveries_of(app, hook_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.event_id == body["id"]


def test_the_secret_is_kept_encrypted_and_registering_is_audited(app, receiver):
    make = Factories(app)
    admin = make.user("admin")
    hook_id, secret = register(app, admin, receiver.url)
    with app.app_context():
        session = db.session()
        stored = session.get(Webhook, hook_id).secret
        assert secret not in stored
        assert secrets.decrypt(app.config["SECRET_KEY"], stored) == secret
        with pytest.raises(secrets.Unreadable):
            secrets.decrypt("another key", stored)
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "webhook.create")).one()
        assert entry.entity_id == hook_id and entry.actor_id == admin.id
        assert secret not in entry.after and stored not in entry.after


def test_a_failed_delivery_is_retried_with_backoff_until_it_is_delivered(app, receiver):
    make = Factories(app)
    admin = make.user("admin")
    hook_id, secret = register(app, admin, receiver.url)
    receiver.answers = [500, 503]
    make.request()
    [delivery] = deliveries_of(app, hook_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    first_wait = delivery.next_attempt_at - delivery.created_at
    assert timedelta(seconds=29) < first_wait < timedelta(seconds=32)
    # Not due yet: nothing is sent.
    assert run_at(app, delivery.next_attempt_at - timedelta(seconds=5)) == 0
    assert len(receiver.received) == 1
    second = delivery.next_attempt_at + timedelta(seconds=1)
    assert run_at(app, second) == 1
    [delivery] = deliveries_of(app, hook_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 2, 503)
    assert (
        timedelta(seconds=59)
        < delivery.next_attempt_at.replace(tzinfo=None) - second.replace(tzinfo=None)
        <= timedelta(seconds=61)
    )  # doubled
    assert run_at(app, delivery.next_attempt_at + timedelta(seconds=1)) == 1
    [delivery] = deliveries_of(app, hook_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    # The same event each time, each try signed afresh.
    bodies = {r.body for r in receiver.received}
    assert len(receiver.received) == 3 and len(bodies) == 1
    assert all(
        independently_signed(secret, r.headers["X-Registry-Signature"], r.body)
        for r in receiver.received
    )
    with app.app_context():
        tries = db.session().exec(
            select(WebhookAttempt.status_code).where(WebhookAttempt.delivery_id == delivery.id)
        )
        assert sorted(tries) == [200, 500, 503]
    # Delivered: never sent again, however late the next round.
    assert run_at(app, delivery.next_attempt_at or second + timedelta(days=3)) == 0
    assert len(receiver.received) == 3


def test_a_hook_failing_for_a_day_fails_its_delivery_is_disabled_and_its_owner_told(app, receiver):
    make = Factories(app)
    gallimard = make.brand("Gallimard")
    legal = make.user("legal", brand_slug=gallimard.slug)
    hook_id, _secret = register(app, legal, receiver.url)
    receiver.default = 500
    make.request(brand=gallimard)
    [delivery] = deliveries_of(app, hook_id)
    created = delivery.created_at
    rounds = 0
    while delivery.status == "pending":
        assert run_at(app, delivery.next_attempt_at) == 1
        [delivery] = deliveries_of(app, hook_id)
        rounds += 1
        assert rounds < 40
    assert delivery.status == "failed"
    last = delivery.next_attempt_at
    assert last is None
    with app.app_context():
        session = db.session()
        tries = list(
            session.exec(
                select(WebhookAttempt.at)
                .where(WebhookAttempt.delivery_id == delivery.id)
                .order_by(col(WebhookAttempt.at))
            )
        )
        # Exponential: 30 s, 1 min, 2 min... capped at 2 h; for a day, not longer.
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(tries)]
        assert 29 <= gaps[0] <= 32 and 59 <= gaps[1] <= 62
        assert max(gaps) <= 2 * 3600 + 1
        assert timedelta(hours=23) < tries[-1] - created <= timedelta(days=1, seconds=5)
        assert delivery.attempts == len(tries) == len(receiver.received)
        hook = session.get(Webhook, hook_id)
        assert hook.disabled_at is not None
        told = session.exec(
            select(Notification).where(
                Notification.user_id == legal.id, Notification.topic == "webhook_disabled"
            )
        ).all()
        assert len(told) == 1 and told[0].on_site
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "webhook.disable")).one()
    # Disabled: the next change is not delivered to it.
    sent = len(receiver.received)
    make.request(
        brand=gallimard,
        handle=make.handle("GallimardLivres", brand_id=gallimard.id),
        proposer=make.user("staff"),
    )
    assert len(receiver.received) == sent
    assert len(deliveries_of(app, hook_id)) == 1


def test_a_redirect_is_not_followed(app, receiver):
    make = Factories(app)
    hook_id, _secret = register(app, make.user("admin"), receiver.url)
    receiver.answers = [302]
    make.request()
    assert [r.path for r in receiver.received] == ["/hooks/registry"]  # not /elsewhere
    [delivery] = deliveries_of(app, hook_id)
    assert (delivery.status, delivery.last_status_code) == ("pending", 302)
    assert "redirect" in delivery.last_error


def test_a_refused_connection_is_a_failed_try(app):
    make = Factories(app)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    hook_id, _secret = register(app, make.user("admin"), f"http://127.0.0.1:{port}/x")
    make.request()
    [delivery] = deliveries_of(app, hook_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert "could not connect" in delivery.last_error


def test_a_receiver_too_slow_times_out():
    """The sender's timeout, shortened for the test through post()'s own parameter (the
    deliveries use its default, TIMEOUT_SECONDS, which DESIGN.md sets to 10 s)."""
    assert webhook_http.TIMEOUT_SECONDS == 10
    slow = start_receiver()
    slow.pause = 2.0
    try:
        sent = webhook_http.post(slow.url, b"{}", {}, allow_private=True, timeout=0.5)
    finally:
        slow.stop()
    assert sent.status_code is None and "no answer within 0.5 s" in sent.error
    assert sent.duration_ms < 1500


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.1/hook",
        "http://100.64.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[fd00:ec2::254]/",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://localhost:8080/hook",  # a name that resolves to 127.0.0.1
    ],
)
def test_a_private_address_is_refused_at_registration(tmp_path, url):
    app = make_test_app(tmp_path)  # WEBHOOK_ALLOW_PRIVATE off, as by default
    admin = Factories(app).user("admin")
    with app.app_context(), pytest.raises(Invalid) as refused:
        webhooks.register(context(db.session().get(User, admin.id)), url=url, events=ALL)
    assert refused.value.field == "url"
    with app.app_context():
        assert db.session().exec(select(Webhook)).all() == []
    app.extensions["registry.engine"].dispose()


def test_an_address_allowed_at_registration_is_refused_at_delivery_once_private_is_off(
    app, receiver
):
    make = Factories(app)
    hook_id, _secret = register(app, make.user("admin"), receiver.url)
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    make.request()
    assert receiver.received == []  # no request reached it
    [delivery] = deliveries_of(app, hook_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert delivery.last_error.startswith("refused: 127.0.0.1 is not a public")


def test_a_legal_teams_hook_gets_its_brands_events_only_and_an_admins_every_brands(app, receiver):
    make = Factories(app)
    gallimard, nespresso = make.brand("Gallimard"), make.brand("Nespresso")
    legal = make.user("legal", brand_slug=gallimard.slug)
    other = start_receiver()
    try:
        legal_hook, _ = register(app, legal, receiver.url)
        admin_hook, _ = register(app, make.user("admin"), other.url)
        ours = make.request(brand=gallimard)
        theirs = make.request(
            brand=nespresso,
            handle=make.handle("Nespresso", brand_id=nespresso.id),
            proposer=make.user("staff"),
        )
        seen = [json.loads(r.body)["data"]["request"]["id"] for r in receiver.received]
        assert seen == [ours.id]
        seen_by_admin = {json.loads(r.body)["data"]["request"]["id"] for r in other.received}
        assert seen_by_admin == {ours.id, theirs.id}
    finally:
        other.stop()
    assert len(deliveries_of(app, legal_hook)) == 1
    assert len(deliveries_of(app, admin_hook)) == 2


def test_a_legal_team_registers_for_its_own_brand_only(app, receiver):
    make = Factories(app)
    gallimard, nespresso = make.brand("Gallimard"), make.brand("Nespresso")
    legal = make.user("legal", brand_slug=gallimard.slug)
    hook_id, _ = register(app, legal, receiver.url)
    with app.app_context():
        assert db.session().get(Webhook, hook_id).brand_id == gallimard.id
        actor = db.session().get(User, legal.id)
        with pytest.raises(Forbidden):
            webhooks.register(context(actor), url=receiver.url, events=ALL, brand=nespresso.slug)
        staff = db.session().get(User, make.user("staff").id)
        with pytest.raises(Forbidden):
            webhooks.register(context(staff), url=receiver.url, events=ALL)


def test_a_delivery_is_claimed_by_one_round_only(app, receiver):
    make = Factories(app)
    hook_id, _secret = register(app, make.user("admin"), receiver.url)
    receiver.answers = [500]
    make.request()
    [delivery] = deliveries_of(app, hook_id)
    later = delivery.next_attempt_at + timedelta(seconds=1)
    with app.app_context():
        first = webhooks.due(context(now=later), limit=10)
        second = webhooks.due(context(now=later), limit=10)  # a second worker, meanwhile
    assert [o.delivery_id for o in first] == [delivery.id] and second == []
    # Sent once, recorded once: later rounds find it delivered.
    assert run_at(app, later + timedelta(minutes=10)) == 1
    assert run_at(app, later + timedelta(minutes=20)) == 0
    assert len(receiver.received) == 2


def test_deleting_a_hook_removes_its_deliveries_and_their_tries(app, receiver):
    make = Factories(app)
    admin = make.user("admin")
    hook_id, _secret = register(app, admin, receiver.url)
    make.request()
    with app.app_context():
        webhooks.delete_hook(context(db.session().get(User, admin.id)), hook_id)
        session = db.session()
        assert session.get(Webhook, hook_id) is None
        assert session.exec(select(WebhookDelivery)).all() == []
        assert session.exec(select(WebhookAttempt)).all() == []
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "webhook.delete")).one()


def test_an_erased_members_hooks_stop_with_the_account(app, receiver):
    from registry.services import privacy
    from tests.conftest import PASSWORD

    make = Factories(app)
    brand = make.brand("Gallimard")
    legal = make.user("legal", brand_slug=brand.slug)
    hook_id, _secret = register(app, legal, receiver.url)
    with app.app_context():
        session = db.session()
        member = session.get(User, legal.id)
        privacy.delete_member(context(member), member, password=PASSWORD)
        session.commit()
        assert session.get(Webhook, hook_id).disabled_at is not None
    make.request(brand=brand)
    assert receiver.received == []
