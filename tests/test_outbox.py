"""The outbox: each change writes its event beside its audit entry, in its transaction; a
committed event is dispatched once, to the members it concerns; flags are raised once per due
date. (The members' pages and e-mails, and the webhooks, have tests of their own.)"""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete
from sqlmodel import col, func, select

from registry.adapters import db
from registry.adapters.models import AuditEntry, Event, Notification, User
from registry.domain.notifications import EventKind
from registry.services import Invalid, attempts, dispatch, flag_events, outbox
from registry.services.unit import use_case
from tests.factories import context, hand_over

REPLY_AT = datetime(2026, 3, 5, 10, tzinfo=UTC)


def _events(app, kind: str | None = None) -> list[Event]:
    with app.app_context():
        query = select(Event).order_by(col(Event.id))
        if kind:
            query = query.where(Event.kind == kind)
        return list(db.session().exec(query))


def _notifications(app) -> set[tuple[int, str]]:
    with app.app_context():
        return {(n.user_id, n.topic) for n in db.session().exec(select(Notification))}


def _log_reply(app, request_id: int, member_id: int, **values) -> None:
    with app.app_context():
        member = db.session().get(User, member_id)
        attempts.log_attempt(
            context(member),
            request_id,
            direction=values.pop("direction", "inbound"),
            channel="email",
            outcome=values.pop("outcome", "replied"),
            happened_at=REPLY_AT,
            summary="Le service juridique répond.",
            **values,
        )


@pytest.fixture
def scene(app, make):
    brand = make.brand("Gallimard")
    other = make.brand("Nespresso")
    legal = make.user("legal", brand_slug="gallimard")
    other_legal = make.user("legal", brand_slug="nespresso")
    staff = make.user("staff")
    offer = make.offer("gallimard_fan", brand, opened_on=date(2026, 3, 2))
    return {
        "brand": brand,
        "other": other,
        "legal": legal,
        "other_legal": other_legal,
        "staff": staff,
        "offer": offer,
    }


def test_each_change_writes_its_event_with_its_audit_entry(app, make, scene):
    offer, staff = scene["offer"], scene["staff"]
    _log_reply(app, offer.id, staff.id)
    kinds = [e.kind for e in _events(app)]
    # The offer, its first outbound attempt (which moves it to contacting), then the reply.
    assert kinds == [
        "request.created",
        "attempt.logged",
        "request.transitioned",
        "attempt.logged",
    ]
    with app.app_context():
        actions = [
            a.action
            for a in db.session().exec(select(AuditEntry).order_by(col(AuditEntry.id)))
            if a.action in ("request.create", "attempt.create", "request.transition")
        ]
    assert actions == ["request.create", "attempt.create", "request.transition", "attempt.create"]
    reply = _events(app, "attempt.logged")[-1]
    data = json.loads(reply.data)
    assert data["request"] == {
        "id": offer.id,
        "kind": "offer",
        "state": "contacting",
        "due_date": data["request"]["due_date"],
    }
    assert data["handle"]["platform"] == "x"
    assert data["handle"]["handle"] == "gallimard_fan"
    assert data["brand"] == "gallimard"
    assert data["attempt"]["direction"] == "inbound"
    assert data["attempt"]["outcome"] == "replied"
    assert data["attempt"]["happened_at"] == REPLY_AT.isoformat()
    # Never a summary, a contact or anyone's name.
    assert "Le service juridique" not in reply.data
    assert "Julien" not in reply.data
    assert reply.brand_id == scene["brand"].id
    assert reply.request_id == offer.id
    assert reply.actor_id == staff.id


def test_a_change_rolled_back_notifies_nobody(app, scene):
    offer = scene["offer"]

    @use_case
    def change_then_refuse(ctx, request_id):
        request = ctx.session.get(
            __import__("registry").adapters.models.TransferRequest, request_id
        )
        outbox.emit(ctx.session, EventKind.REQUEST_TRANSITIONED, request=request, actor=ctx.actor)
        ctx.session.flush()
        raise Invalid("No.")

    before = len(_events(app))
    told = _notifications(app)
    with app.app_context(), pytest.raises(Invalid):
        change_then_refuse(context(), offer.id)
    assert len(_events(app)) == before
    assert _notifications(app) == told


def test_a_committed_event_is_dispatched_once_to_whom_it_concerns(app, scene):
    offer, staff, legal = scene["offer"], scene["staff"], scene["legal"]
    _log_reply(app, offer.id, staff.id)
    assert all(e.dispatched_at is not None for e in _events(app))
    told = _notifications(app)
    # Legal of Gallimard heard of the new offer; the fan of the brand's reply. Not the
    # other brand's legal team, not staff who logged the reply.
    assert told == {(legal.id, "new_offer"), (offer.proposer_id, "brand_replied")}
    with app.app_context():
        again = dispatch.dispatch(context())
        assert again.events == 0
        # An event dispatched again by mistake (its mark lost) tells nobody twice.
        session = db.session()
        for event in session.exec(select(Event)):
            event.dispatched_at = None
            session.add(event)
        session.commit()
        redone = dispatch.dispatch(context())
        assert redone.events == len(_events(app))
    assert _notifications(app) == told
    with app.app_context():
        count = db.session().exec(select(func.count()).select_from(Notification)).one()
    assert count == 2


def test_the_actor_is_not_told_of_their_own_act(app, make, scene):
    # A legal member logs the brand's own reply on a claim they proposed: nobody hears of it.
    legal = scene["legal"]
    claim = make.request(
        proposer=legal,
        brand=scene["brand"],
        handle=make.handle("gallimard_claim", brand_id=scene["brand"].id),
    )
    before = _notifications(app)
    _log_reply(app, claim.id, legal.id)
    assert _notifications(app) == before


def test_an_auto_reply_is_not_the_brand_replying(app, scene):
    offer, staff = scene["offer"], scene["staff"]
    _log_reply(app, offer.id, staff.id, outcome="auto_reply")
    assert (offer.proposer_id, "brand_replied") not in _notifications(app)


def test_a_decision_and_a_handover_reach_the_fan_and_the_brand(app, make, scene):
    brand, legal = scene["brand"], scene["legal"]
    request = make.request(("no_answer",), brand=brand, state="agreed")
    fan = request.proposer_id
    told = _notifications(app)
    assert (fan, "brand_decided") in told
    start = datetime(2030, 3, 4, 10, tzinfo=UTC)
    with app.app_context():
        staff = db.session().get(User, scene["staff"].id)
        from registry.services import handover

        handover.schedule(
            context(staff, now=start - timedelta(days=2)), request.id, window_start=start
        )
        db.session().commit()
    told = _notifications(app)
    assert (fan, "handover_to_confirm") in told
    assert (legal.id, "handover_to_confirm") in told
    assert (scene["other_legal"].id, "handover_to_confirm") not in told
    kinds = [e.kind for e in _events(app)]
    assert "handover.planned" in kinds


def test_a_handover_writes_its_confirmations_and_outcome(app, make, scene):
    request = make.request(("no_answer",), brand=scene["brand"], state="agreed")
    with app.app_context():
        hand_over(request.id, date(2030, 3, 4))
        db.session().commit()
    events = [e for e in _events(app) if e.request_id == request.id]
    kinds = [e.kind for e in events]
    assert kinds[-5:] == [
        "handover.planned",
        "handover.confirmed",
        "handover.confirmed",
        "request.transitioned",
        "handover.outcome",
    ] or kinds[-5:] == [
        "handover.planned",
        "handover.confirmed",
        "handover.confirmed",
        "handover.outcome",
        "request.transitioned",
    ]
    outcome = json.loads(next(e for e in events if e.kind == "handover.outcome").data)
    assert outcome["handover"]["outcome"] == "claimed"
    parties = [json.loads(e.data)["party"] for e in events if e.kind == "handover.confirmed"]
    assert parties == ["holder", "brand"]


def test_a_flag_is_raised_once_per_due_date(app, make, scene):
    brand, legal = scene["brand"], scene["legal"]
    request = make.request(("no_answer",), brand=brand, opened_on=date(2026, 3, 2))
    with app.app_context():
        due = (
            db.session()
            .get(__import__("registry").adapters.models.TransferRequest, request.id)
            .reply_due_on
        )
    assert due is not None
    # Two business days before the due date, the reply is due soon.
    soon = due - timedelta(days=1)
    while soon.weekday() >= 5:
        soon -= timedelta(days=1)
    with app.app_context():
        first = flag_events.raise_flags(context(today=soon), as_of=soon)
        again = flag_events.raise_flags(context(today=soon), as_of=soon)
    assert first >= 1
    assert again == 0
    raised = [json.loads(e.data) for e in _events(app, "flag.raised") if e.request_id == request.id]
    assert [r["flag"]["flag"] for r in raised] == ["due_soon"]
    assert (legal.id, "reply_due_soon") in _notifications(app)
    # Once overdue, it is a new flag.
    late = due + timedelta(days=7)
    with app.app_context():
        flag_events.raise_flags(context(today=late), as_of=late)
    raised = [
        json.loads(e.data)["flag"]["flag"]
        for e in _events(app, "flag.raised")
        if e.request_id == request.id
    ]
    assert raised == ["due_soon", "overdue"]


def test_the_raise_flags_command(app, make, runner, scene):
    make.request(("no_answer",), brand=scene["brand"], opened_on=date(2026, 3, 2))
    result = runner.invoke(args=["raise-flags", "--as-of", "2026-06-01"])
    assert result.exit_code == 0, result.output
    assert "flag(s) raised as of 2026-06-01" in result.output
    again = runner.invoke(args=["raise-flags", "--as-of", "2026-06-01"])
    assert again.output.startswith("0 flag(s) raised")


def test_two_dispatchers_at_once_tell_each_member_once(app, scene):
    offer, staff = scene["offer"], scene["staff"]
    with app.app_context():
        session = db.session()
        for event in session.exec(select(Event)):
            event.dispatched_at = None
            session.add(event)
        session.execute(delete(Notification))
        session.commit()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                from registry.jobs.notifications import dispatch_all

                dispatch_all()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _notifications(app) == {(scene["legal"].id, "new_offer")}
    _log_reply(app, offer.id, staff.id)
    with app.app_context():
        rows = db.session().exec(select(Notification.user_id, Notification.event_id)).all()
    assert len(rows) == len(set(rows)) == 2
