"""Mail in, through the use case every entry point calls (registry.services.mail_intake):
matched by reply address, else by the letters it answers, else left for staff; classified by
rule; received once whatever the re-runs; bad input kept, never lost, never a crash. Real
messages from ../shared/mail-corpus are read in place."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import AuditEntry, ContactAttempt, MailMessage, TransferRequest
from registry.services import Forbidden, mail_intake
from tests.factories import context
from tests.mailscene import REPLY_DOMAIN, corpus_message, labels, reply


@pytest.fixture
def scene(mail_scene):
    return mail_scene


def receive(app, raw: bytes, *, now: datetime | None = None):
    with app.app_context():
        ctx = context(now=now or datetime(2026, 11, 10, 11, tzinfo=UTC))
        return mail_intake.receive_mail(ctx, raw)


def request_state(app, request_id):
    with app.app_context():
        session = db.session()
        request = session.get(TransferRequest, request_id)
        attempts = session.exec(
            select(ContactAttempt)
            .where(ContactAttempt.request_id == request_id)
            .order_by(ContactAttempt.id)
        ).all()
        return request, attempts


def count(app, model) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model)).one()


def test_a_reply_to_the_reply_address_is_logged_and_stops_the_clock(app, scene):
    before, _ = request_state(app, scene["request_id"])
    assert before.reply_due_on is not None
    received = receive(app, reply(scene["reply_to"]))
    assert (received.status, received.request_id, received.outcome) == (
        "matched",
        scene["request_id"],
        "replied",
    )
    request, attempts = request_state(app, scene["request_id"])
    inbound = attempts[-1]
    assert (inbound.direction, inbound.channel, inbound.outcome) == ("inbound", "email", "replied")
    assert inbound.summary.startswith("Bonjour")
    assert "service@nespresso.test" in inbound.contact_point
    assert inbound.happened_at.replace(tzinfo=UTC) == datetime(2026, 11, 10, 10, tzinfo=UTC)
    assert request.reply_due_on is None  # answered: nothing is due
    with app.app_context():
        kept = db.session().get(MailMessage, received.mail_id)
        assert kept.matched_by == "reply_address"
        assert kept.raw.startswith(b"From: ")
        assert re.fullmatch(r"[0-9a-f]{64}", kept.sha256)


def test_a_reply_without_the_address_is_matched_by_the_letter_it_answers(app, scene):
    raw = reply(
        "someone-else@registry.test",
        In_Reply_To=f"<{scene['letter_message_id']}>",
        References=f"<{scene['letter_message_id']}>",
    )
    received = receive(app, raw)
    assert (received.status, received.request_id) == ("matched", scene["request_id"])
    with app.app_context():
        assert db.session().get(MailMessage, received.mail_id).matched_by == "references"


def test_a_message_naming_no_request_waits_for_staff(app, scene):
    received = receive(app, reply("press@registry.test", "Who are you?"))
    assert (received.status, received.problem) == ("unmatched", "no_request")
    unknown = reply(f"reply+{'a' * 26}@{REPLY_DOMAIN}", "Another text")
    assert receive(app, unknown).problem == "unknown_address"
    _, attempts = request_state(app, scene["request_id"])
    assert [a.direction for a in attempts] == ["outbound"]
    with app.app_context():
        page = mail_intake.unmatched(context(scene["staff"]))
        assert page.total == 2


def test_the_same_message_received_twice_is_stored_once(app, scene):
    raw = reply(scene["reply_to"])
    assert receive(app, raw).status == "matched"
    again = receive(app, raw)
    assert again.status == "duplicate"
    assert count(app, MailMessage) == 1
    _, attempts = request_state(app, scene["request_id"])
    assert len(attempts) == 2
    # Without a Message-ID, its bytes are its identity.
    anonymous = reply(scene["reply_to"], "Sans identifiant, mais une vraie réponse.")
    anonymous = re.sub(rb"Message-ID: [^\n]*\n", b"", anonymous)
    assert receive(app, anonymous).status == "matched"
    assert receive(app, anonymous).status == "duplicate"
    assert count(app, MailMessage) == 2


@pytest.mark.parametrize(
    ("headers", "outcome"),
    [
        ({"Auto_Submitted": "auto-replied"}, "auto_reply"),
        ({"Auto_Submitted": "no"}, "replied"),
        ({"X_Autoreply": "yes"}, "auto_reply"),
        ({"Precedence": "bulk"}, "auto_reply"),
        ({"Subject": "Réponse automatique : absent du bureau"}, "auto_reply"),
        ({"Subject": "Out of Office: back on Monday"}, "auto_reply"),
    ],
)
def test_an_auto_reply_does_not_stop_the_clock(app, scene, headers, outcome):
    before, _ = request_state(app, scene["request_id"])
    received = receive(app, reply(scene["reply_to"], **headers))
    assert received.outcome == outcome
    request, _ = request_state(app, scene["request_id"])
    if outcome == "auto_reply":
        assert request.reply_due_on == before.reply_due_on
    else:
        assert request.reply_due_on is None


@pytest.mark.parametrize("entry", labels(), ids=lambda entry: entry["file"])
def test_real_messages_are_logged_as_their_label(app, scene, entry):
    raw = corpus_message(entry["file"], scene["reply_to"])
    received = receive(app, raw)
    assert received.status == "matched", received
    assert received.outcome == entry["label"]
    request, attempts = request_state(app, scene["request_id"])
    assert attempts[-1].outcome == entry["label"]
    assert (request.reply_due_on is None) == (entry["label"] == "replied")


def test_a_reply_failing_dmarc_is_unverified_until_staff_confirm_it(app, scene):
    raw = reply(
        scene["reply_to"],
        Authentication_Results="mx.registry.test; spf=fail smtp.mailfrom=nespresso.test; "
        "dmarc=fail header.from=nespresso.test",
    )
    received = receive(app, raw)
    request, attempts = request_state(app, scene["request_id"])
    assert attempts[-1].unverified is True
    assert request.reply_due_on is not None  # does not stop the clock
    with app.app_context():
        mail_intake.correct_attempt(context(scene["staff"]), received.attempt_id, verified=True)
    request, attempts = request_state(app, scene["request_id"])
    assert attempts[-1].unverified is False
    assert request.reply_due_on is None
    with app.app_context():
        entry = (
            db.session().exec(select(AuditEntry).where(AuditEntry.action == "attempt.update")).one()
        )
        assert '"unverified": true' in entry.before


def test_staff_correct_an_outcome_and_the_clock_follows(app, scene):
    received = receive(app, reply(scene["reply_to"], Auto_Submitted="auto-replied"))
    with app.app_context():
        mail_intake.correct_attempt(context(scene["staff"]), received.attempt_id, outcome="replied")
    request, attempts = request_state(app, scene["request_id"])
    assert attempts[-1].outcome == "replied"
    assert request.reply_due_on is None
    fan = scene["make"].user("fan")
    with app.app_context(), pytest.raises(Forbidden, match="Only staff"):
        mail_intake.correct_attempt(context(fan), received.attempt_id, outcome="bounced")


NESPRESSO_ANSWER = (
    "{greeting}\n\nNous vous remercions pour votre message concernant notre marque. Votre "
    "demande a bien été transmise au service concerné, qui l'étudiera avec attention. Nous ne "
    "manquerons pas de revenir vers vous dans les meilleurs délais. Référence {ticket}.\n\n"
    "Cordialement,\n{name}\nService Consommateurs Nespresso"
)


def test_a_copy_pasted_answer_sent_to_many_requests_is_a_mass_reply(app, scene):
    make, brand = scene["make"], scene["brand"]
    requests = [scene["request_id"]]
    for n in range(4):
        other = make.request(
            brand=brand,
            handle=make.handle(f"Nespresso_{n}", brand_id=brand.id, holder_kind="fan"),
            opened_on=date(2026, 11, 2),
            outcomes=("no_answer",),
        )
        requests.append(other.id)
    names = ["Julie", "Marc", "Sophie", "Paul", "Claire"]
    results = []
    for n, request_id in enumerate(requests):
        with app.app_context():
            request = db.session().get(TransferRequest, request_id)
            if request.reply_token is None:
                request.reply_token = f"{'t' * 24}{n:02d}"
                db.session().commit()
            to = f"reply+{request.reply_token}@{REPLY_DOMAIN}"
        text = NESPRESSO_ANSWER.format(
            greeting=f"Bonjour {names[n]},", ticket=f"NS-{1000 + n}", name=names[-n - 1]
        )
        results.append(
            receive(
                app,
                reply(to, text),
                now=datetime(2026, 11, 10, 11, tzinfo=UTC) + timedelta(hours=n),
            )
        )
    with app.app_context():
        session = db.session()
        marked = [session.get(ContactAttempt, r.attempt_id).mass_reply for r in results]
    # The fourth copy is the first sent to 3 others before it; the fifth too.
    assert marked == [False, False, False, True, True]
    request, _ = request_state(app, requests[3])
    assert request.reply_due_on is not None  # the clock still runs
    # A real answer from the same brand is not a copy.
    with app.app_context():
        own = db.session().get(TransferRequest, requests[4])
    different = receive(
        app,
        reply(
            f"reply+{own.reply_token}@{REPLY_DOMAIN}",
            "Bonjour, notre directrice juridique vous appellera jeudi pour convenir de la "
            "reprise du compte et des conditions du don.",
        ),
    )
    with app.app_context():
        assert db.session().get(ContactAttempt, different.attempt_id).mass_reply is False


def test_a_message_too_large_is_kept_unread_and_said_so(app, scene):
    app.config["MAX_MAIL_MB"] = 0.01  # 10 kB
    raw = reply(scene["reply_to"], "x" * 20_000)
    received = receive(app, raw)
    assert (received.status, received.problem) == ("unmatched", "too_large")
    with app.app_context():
        kept = db.session().get(MailMessage, received.mail_id)
        assert kept.raw == raw
        assert kept.subject == "Re: votre proposition"


def test_a_reply_to_a_closed_request_waits_for_staff(app, scene):
    from registry.services import transitions

    with app.app_context():
        transitions.transition(
            context(scene["staff"]), scene["request_id"], to="withdrawn", confirmed=True
        )
        db.session().commit()
    received = receive(app, reply(scene["reply_to"]))
    assert (received.status, received.problem) == ("unmatched", "closed")


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\x01\x02 garbage \xff\xfe",
        (
            b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n"
            b"Content-Type: text/plain\r\n\r\nno end boundary"
        ),
        (
            b"Subject: =?x-unknown?Q?caf=E9?=\r\nContent-Type: text/plain; charset=x-unknown"
            b"\r\n\r\ncaf\xe9"
        ),
        b"Subject: " + b"A" * 200_000 + b"\r\n\r\nbody",
    ],
    ids=["empty", "garbage", "no-end-boundary", "unknown-charset", "huge-header"],
)
def test_malformed_mail_is_kept_for_staff_never_lost(app, scene, raw):
    received = receive(app, raw)
    assert received.status == "unmatched"
    with app.app_context():
        assert db.session().get(MailMessage, received.mail_id).raw == raw


def test_charsets_are_read_right(app, scene):
    latin = (
        f"From: a@nespresso.test\r\nTo: {scene['reply_to']}\r\n"
        "Subject: =?iso-8859-1?q?R=E9ponse?=\r\n"
        "Message-ID: <latin@x>\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + "Très bien, c’est d’accord.".encode("cp1252")
    received = receive(app, latin)
    _, attempts = request_state(app, scene["request_id"])
    assert received.status == "matched"
    assert attempts[-1].summary == "Très bien, c’est d’accord."


def test_unmatched_mail_is_assigned_or_discarded_by_staff_and_audited(app, scene):
    first = receive(app, reply("press@registry.test", "Réponse égarée"))
    second = receive(app, reply("press@registry.test", "Publicité"))
    staff = scene["staff"]
    with app.app_context():
        attempt_id = mail_intake.assign_mail(context(staff), first.mail_id, scene["request_id"]).id
        mail_intake.discard_mail(context(staff), second.mail_id, note="spam")
        with pytest.raises(mail_intake.Invalid):
            mail_intake.discard_mail(context(staff), second.mail_id)
        assert mail_intake.unmatched(context(staff)).total == 0
        actions = db.session().exec(select(AuditEntry.action)).all()
    assert {"mail.assign", "mail.discard"} <= set(actions)
    _, attempts = request_state(app, scene["request_id"])
    assert attempts[-1].id == attempt_id
    assert attempts[-1].summary.startswith("Réponse égarée")
