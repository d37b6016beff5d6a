"""The handover's use cases on a real database (SQLite, or PostgreSQL with DATABASE_URL): a
window for an agreed request, each side's confirmation, the outcome, the lock afterwards,
and the refusals on the way."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import (
    AuditEntry,
    CustodyRecord,
    Handle,
    HandoverPlan,
    TransferRequest,
    User,
)
from registry.fixtures import demo
from registry.services import (
    Conflict,
    Forbidden,
    Invalid,
    custody,
    handover_deadlines,
    handover_plans,
    locks,
    transitions,
)
from registry.services import handover as service
from tests.factories import context, hand_over

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday
WINDOW = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)


def load(app, model, row_id):
    with app.app_context():
        return db.session().get(model, row_id)


def member(session, user):
    return session.get(User, user.id)


@pytest.fixture
def agreed(make):
    """A fan's offer of @Gallimard, agreed; the fan (its proposer) and a staff member."""
    fan = make.user("fan", email="julien@example.org")
    request = make.request(["replied"], proposer=fan, state="agreed")
    return request, fan, make.user("staff", email="sam@example.org")


def schedule(session, request, staff, *, now=NOW, **values):
    values = {"window_start": WINDOW} | values
    return service.schedule(context(member(session, staff), now=now), request.id, **values)


def test_staff_plan_a_window_with_its_deadlines(app, agreed):
    request, _fan, staff = agreed
    with app.app_context():
        session = db.session()
        plan = schedule(session, request, staff, window_minutes=45, notes="Julien renames first")
        assert plan.window_minutes == 45 and plan.timezone == "Europe/Paris"
        assert plan.scheduled_on == date(2026, 12, 1)
        assert plan.confirm_by == date(2026, 12, 8)  # 5 business days
        assert plan.outcome_by == date(2026, 12, 4)  # the business day after the window
        shown = handover_plans.view(context(now=NOW), plan)
        assert shown.standing == "awaiting_confirmations"
        assert shown.owed_by == ("holder", "brand")
        assert any("frees the old name the moment it changes" in str(w) for w in shown.warnings)
        assert session.exec(
            select(AuditEntry).where(AuditEntry.action == "handover.schedule")
        ).one()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"window_start": NOW - timedelta(minutes=1)}, "window_start"),  # a past date: the past
        ({"window_start": WINDOW.replace(tzinfo=None)}, "window_start"),
        ({"window_minutes": 2}, "window_minutes"),
        ({"window_minutes": 24 * 60 + 1}, "window_minutes"),
    ],
)
def test_a_window_must_be_ahead_and_of_a_sensible_length(app, agreed, values, field):
    request, _fan, staff = agreed
    with app.app_context(), pytest.raises(Invalid) as refused:
        schedule(db.session(), request, staff, **values)
    assert refused.value.field == field


def test_only_staff_plan_and_only_an_agreed_request(app, make, agreed):
    request, fan, _staff = agreed
    other = make.brand("Flammarion")
    open_one = make.request(
        ["no_answer"], brand=other, handle=make.handle("Flammarion", brand_id=other.id)
    )
    with app.app_context():
        session = db.session()
        with pytest.raises(Forbidden):
            schedule(session, request, fan)
        with pytest.raises(Conflict) as refused:
            schedule(session, open_one, make.user("staff"))
    assert "Only an agreed request gets a handover plan" in str(refused.value)


def test_each_side_confirms_for_itself_and_staff_note_the_channel(app, make, agreed):
    request, fan, staff = agreed
    legal = make.user("legal", email="legal@gallimard.example", brand_slug="gallimard")
    with app.app_context():
        session = db.session()
        schedule(session, request, staff)
        plan = service.confirm(context(member(session, fan), now=NOW), request.id, party="holder")
        assert plan.holder_confirmed_by_id == fan.id and plan.holder_channel == ""
        plan = service.confirm(context(member(session, legal), now=NOW), request.id, party="brand")
        assert plan.brand_confirmed_by_id == legal.id
        assert handover_plans.view(context(now=NOW), plan).standing == "ready"
        # Confirming again changes nothing and writes no second entry.
        service.confirm(context(member(session, fan), now=NOW), request.id, party="holder")
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "handover.confirm"))
        assert len(entries.all()) == 2


def test_a_confirmation_by_the_wrong_party_is_refused(app, make, agreed):
    request, fan, staff = agreed
    other_legal = make.user("legal", email="legal@other.example", brand_slug="")
    with app.app_context():
        session = db.session()
        schedule(session, request, staff)
        with pytest.raises(Forbidden):  # the fan does not speak for the brand
            service.confirm(context(member(session, fan), now=NOW), request.id, party="brand")
        with pytest.raises(Forbidden):  # staff cannot confirm for a fan who offered it
            service.confirm(
                context(member(session, staff), now=NOW),
                request.id,
                party="holder",
                channel="phone",
            )
        with pytest.raises(Forbidden):  # a legal account of no brand, or another
            service.confirm(
                context(member(session, other_legal), now=NOW), request.id, party="brand"
            )
        with pytest.raises(Invalid) as refused:  # staff name how the brand's came
            service.confirm(context(member(session, staff), now=NOW), request.id, party="brand")
        assert refused.value.field == "channel"
        plan = handover_plans.current_plan(session, request.id)
        assert plan.holder_confirmed_at is None and plan.brand_confirmed_at is None


def test_completion_needs_both_confirmations(app, agreed):
    request, fan, staff = agreed
    with app.app_context():
        session = db.session()
        schedule(session, request, staff)
        service.confirm(context(member(session, fan), now=NOW), request.id, party="holder")
        with pytest.raises(Conflict) as refused:
            service.record_outcome(
                context(member(session, staff), now=WINDOW), request.id, outcome="claimed"
            )
    assert "Both sides must confirm" in str(refused.value)
    assert load(app, TransferRequest, request.id).state == "agreed"


def test_claimed_completes_the_request_and_moves_custody(app, agreed):
    request, fan, staff = agreed
    with app.app_context():
        session = db.session()
        schedule(session, request, staff)
        service.confirm(context(member(session, fan), now=NOW), request.id, party="holder")
        service.confirm(
            context(member(session, staff), now=NOW), request.id, party="brand", channel="email"
        )
        service.record_outcome(
            context(member(session, staff), now=WINDOW + timedelta(minutes=5)),
            request.id,
            outcome="claimed",
        )
        current = session.exec(
            select(CustodyRecord).where(
                CustodyRecord.handle_id == request.handle_id, CustodyRecord.ended_on.is_(None)
            )
        ).one()
    assert load(app, TransferRequest, request.id).state == "completed"
    assert (current.holder_kind, current.started_on) == ("brand", WINDOW.date())
    assert load(app, Handle, request.handle_id).holder_kind == "brand"


def test_a_failed_window_leaves_the_request_agreed_for_another(app, agreed):
    request, _fan, staff = agreed
    with app.app_context():
        session = db.session()
        schedule(session, request, staff)
        with pytest.raises(Invalid) as refused:
            service.record_outcome(
                context(member(session, staff), now=WINDOW), request.id, outcome="failed"
            )
        assert refused.value.field == "reason"
        failed = service.record_outcome(
            context(member(session, staff), now=WINDOW),
            request.id,
            outcome="failed",
            reason="sniped",
        )
        assert (failed.outcome, failed.outcome_reason) == ("failed", "sniped")
        again = schedule(session, request, staff, window_start=WINDOW + timedelta(days=7))
        assert [p.id for p in handover_plans.plans_of(session, request.id)] == [failed.id, again.id]
    assert load(app, TransferRequest, request.id).state == "agreed"


def test_a_plan_under_way_is_not_replaced_but_a_lapsed_one_is(app, agreed):
    request, fan, staff = agreed
    with app.app_context():
        session = db.session()
        first = schedule(session, request, staff)
        with pytest.raises(Conflict):
            schedule(session, request, staff, now=NOW + timedelta(hours=1))
        # Nobody confirmed and the window began: lapsed. Confirming now is refused...
        late = WINDOW + timedelta(minutes=1)
        with pytest.raises(Conflict) as refused:
            service.confirm(context(member(session, fan), now=late), request.id, party="holder")
        assert "lapsed" in str(refused.value)
        # ...and a new window replaces it; the old plan is closed as failed, "lapsed".
        schedule(session, request, staff, window_start=WINDOW + timedelta(days=7), now=late)
        closed = session.get(HandoverPlan, first.id)
    assert (closed.outcome, closed.outcome_reason) == ("failed", "lapsed")


def test_plans_past_a_deadline_are_due(app, agreed):
    request, _fan, staff = agreed
    with app.app_context():
        session = db.session()
        schedule(session, request, staff)
        assert handover_deadlines.due_handovers(context(now=NOW), as_of=None) == []
        due = handover_deadlines.due_handovers(
            context(now=WINDOW + timedelta(minutes=1)), as_of=None
        )
        assert [d.request.id for d in due] == [request.id]


def test_plans_past_a_deadline_as_of_a_day_read_what_was_known_then(app, make, agreed):
    """Planned Tuesday 1 December for Thursday 3, 14:00 UTC, both sides confirmed on the 2nd:
    the outcome was due by Friday 4 (1 business day after the window). It was recorded, late,
    on Wednesday 9. As of the 7th the plan was past its deadline, whatever came after."""
    request, fan, staff = agreed
    legal = make.user("legal", email="legal@gallimard.example", brand_slug="gallimard")
    confirmed = datetime(2026, 12, 2, 10, tzinfo=UTC)
    recorded = datetime(2026, 12, 9, 10, tzinfo=UTC)
    now = datetime(2026, 12, 10, 9, tzinfo=UTC)
    with app.app_context():
        session = db.session()
        schedule(session, request, staff)
        for user, party in ((fan, "holder"), (legal, "brand")):
            service.confirm(context(member(session, user), now=confirmed), request.id, party=party)
        service.record_outcome(
            context(member(session, staff), now=recorded),
            request.id,
            outcome="failed",
            reason="no_show",
        )

        def due_as_of(day, **values):
            found = handover_deadlines.due_handovers(context(now=now), as_of=day, **values)
            return [(d.request.id, d.late, d.deadline) for d in found]

        late = [(request.id, "outcome", date(2026, 12, 4))]
        assert due_as_of(date(2026, 11, 30)) == []  # not planned yet
        assert due_as_of(date(2026, 12, 4)) == []  # the deadline day itself is not late
        assert due_as_of(date(2026, 12, 7)) == late
        assert due_as_of(date(2026, 12, 8), brand_slug="gallimard") == late
        assert due_as_of(date(2026, 12, 8), brand_slug="cochonou") == []
        assert due_as_of(date(2026, 12, 9)) == []  # recorded that morning: known by its end
        assert handover_deadlines.due_handovers(context(now=now), as_of=None) == []


def test_a_day_ahead_lists_what_will_be_late_if_nothing_happens(app, agreed):
    request, _fan, staff = agreed
    with app.app_context():
        session = db.session()
        schedule(session, request, staff)
        assert handover_deadlines.due_handovers(context(now=NOW), as_of=None) == []
        # The window begins on the 3rd without either confirmation: lapsed by then.
        ahead = handover_deadlines.due_handovers(context(now=NOW), as_of=date(2026, 12, 3))
        assert [(d.late, d.window_began) for d in ahead] == [("confirmations", True)]


def test_no_new_request_on_a_handle_during_the_lock(app, make, client, auth):
    request = make.request(["replied"], state="agreed")
    today = date.today()
    with app.app_context():
        session = db.session()
        hand_over(request.id, today)
        # The same day, an agency takes the name over (the brand let it go): a new claim
        # would bounce the name straight back; the lock refuses it for 60 days.
        custody.move_custody(
            context(today=today),
            session.get(Handle, request.handle_id),
            holder_kind="agency",
            started_on=today,
        )
        session.commit()
    auth.login("staff")
    response = client.post(f"/requests/new?handle_id={request.handle_id}", data={"terms": "free"})
    ends = today + timedelta(days=60)
    assert response.status_code == 422
    assert "changed hands recently" in response.text
    with app.app_context():
        assert locks.lock_until(context(today=today), request.handle_id) == ends
        assert locks.lock_until(context(today=ends), request.handle_id) is None


def test_the_demo_hands_gallimard_over_through_a_plan_and_shows_a_sniped_window(app):
    with app.app_context():
        session = db.session()
        demo.load(context())
        plans = session.exec(select(HandoverPlan).order_by(HandoverPlan.id)).all()
    outcomes = [(p.outcome, p.outcome_reason) for p in plans]
    assert outcomes == [("claimed", ""), ("failed", "sniped"), ("", "")]
    gallimard = plans[0]
    assert gallimard.holder_confirmed_at and gallimard.brand_channel == "email"


def test_a_withdrawn_requests_window_is_neither_confirmed_nor_due(app, agreed):
    request, fan, staff = agreed
    with app.app_context():
        session = db.session()
        schedule(session, request, staff)
        transitions.transition(
            context(today=NOW.date()), request.id, to="withdrawn", confirmed=True
        )
        with pytest.raises(Conflict) as refused:
            service.confirm(context(member(session, fan), now=NOW), request.id, party="holder")
        assert "no longer applies" in str(refused.value)
        with pytest.raises(Conflict):
            service.record_outcome(
                context(member(session, staff), now=NOW),
                request.id,
                outcome="failed",
                reason="other",
            )
        assert (
            handover_deadlines.due_handovers(context(now=WINDOW + timedelta(days=30)), as_of=None)
            == []
        )


# --- how the name changes hands: the platform's method (issue 25) ----------------------------


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def agreed_on(make, platform: str, handle: str = "gallimard"):
    """A fan's agreed offer of `handle` on `platform` to Gallimard, and the fan."""
    fan = make.user("fan", email="julien@example.org")
    brand = make.brand("Gallimard")
    held = make.handle(
        handle, platform=platform, brand_id=brand.id, holder_kind="fan", holder_user_id=fan.id
    )
    return make.request(["replied"], proposer=fan, brand=brand, handle=held, state="agreed"), fan


def test_a_snapchat_request_page_says_no_handover_can_be_planned_before_anyone_tries(
    app, make, client, auth
):
    request, _fan = agreed_on(make, "snapchat")
    auth.login("staff", email="sam@example.org")
    page = client.get(f"/requests/{request.id}")
    words = text_of(page)
    assert "A name on Snapchat can never pass from one account to another" in words
    assert "What the brand can do instead" in words
    assert "help.snapchat.com, article 7047503878804" in words
    # No handover panel saying a window is "not planned yet", as if one could be.
    assert 'id="handover"' not in page.text and "No handover window is planned yet" not in words
    # No form to plan what cannot happen.
    assert f'action="/requests/{request.id}/handover"' not in page.text
    # Posted anyway: the same refusal, in words, and nothing planned.
    start = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(
        f"/requests/{request.id}/handover", data={"window_start": start, "window_minutes": "30"}
    )
    assert answer.status_code == 422
    assert "can never pass from one account to another" in text_of(answer)
    with app.app_context():
        assert db.session().exec(select(HandoverPlan)).first() is None


def test_a_mastodon_request_page_offers_moving_the_followers(make, client, auth):
    request, _fan = agreed_on(make, "mastodon", "gallimard@mastodon.social")
    auth.login("staff", email="sam@example.org")
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "Move the followers" in words and "posts stay behind" in words
    assert "docs.joinmastodon.org/user/moving" in words


def test_staff_plan_an_ownership_change_without_a_window(app, make, client, auth):
    request, _fan = agreed_on(make, "youtube", "editionsgallimard")
    auth.login("staff", email="sam@example.org")
    page = text_of(client.get(f"/requests/{request.id}"))
    assert "no window is needed" in page
    answer = client.post(
        f"/requests/{request.id}/handover", data={"window_start": "", "window_minutes": "30"}
    )
    assert answer.status_code == 302, answer.text
    with app.app_context():
        plan = db.session().exec(select(HandoverPlan)).one()
        assert plan.window_start is None
    words = text_of(client.get(f"/requests/{request.id}"))
    assert "None needed: the account changes owners and keeps its name." in words
    assert "Wait the delay the platform sets for a new owner, then remove the holder." in words
    assert "An owner must have held the role for 7 days" in words
    assert "frees the old name" not in words
    # A change of owner, not a window: no name is freed, so none can be taken in between.
    assert "Confirm the change of owner" in words and "Confirm the window" not in words
    assert "The change of owner failed" in words and "The window failed" not in words
    assert "Someone else took the name in between" not in words
    pdf = client.get(f"/requests/{request.id}/evidence.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_a_rename_platform_still_asks_for_the_window_s_start(make, client, auth):
    request, _fan = agreed_on(make, "tiktok")
    auth.login("staff", email="sam@example.org")
    answer = client.post(
        f"/requests/{request.id}/handover", data={"window_start": "", "window_minutes": "30"}
    )
    assert answer.status_code == 422
    assert "Enter the date and time." in text_of(answer)


def test_an_ownership_plan_awaits_its_outcome_and_claimed_completes_the_request(app, make):
    brand = make.brand("Gallimard")
    held = make.handle("gallimard", platform="telegram", brand_id=brand.id, holder_kind="fan")
    staff = make.user("staff", email="sam@example.org")
    request = make.request(["replied"], proposer=staff, brand=brand, handle=held, state="agreed")
    with app.app_context():
        session = db.session()
        plan = schedule(session, request, staff, window_start=None)
        assert plan.window_start is None
        assert plan.confirm_by == date(2026, 12, 8)
        # Telegram's day (a session at least 24 hours old), then one business day.
        assert plan.outcome_by == date(2026, 12, 10)
        for party in ("holder", "brand"):
            service.confirm(
                context(member(session, staff), now=NOW), request.id, party=party, channel="email"
            )
        shown = handover_plans.view(context(now=NOW), plan)
        assert shown.standing == "awaiting_outcome" and shown.method == "ownership"
        assert any("24 hours" in str(w) for w in shown.warnings)
        service.record_outcome(
            context(member(session, staff), now=NOW), request.id, outcome="claimed"
        )
        session.commit()
        stored = session.get(TransferRequest, request.id)
        assert stored.state == "completed"
        assert session.get(Handle, stored.handle_id).holder_kind == "brand"


@pytest.mark.parametrize(("platform", "terms"), [("x", "sale"), ("instagram", "donation")])
def test_paid_terms_against_the_platform_s_rules_are_said_when_proposed(
    app, make, client, auth, platform, terms
):
    brand = make.brand("Gallimard")
    handle = make.handle("gallimard", platform=platform, brand_id=brand.id, holder_kind="unknown")
    auth.login("staff")
    answer = client.post(
        f"/requests/new?handle_id={handle.id}",
        data={"terms": terms, "amount": "500"},
        follow_redirects=True,
    )
    assert answer.status_code == 200, answer.text
    words = text_of(answer)
    route = "x-username-squatting" if platform == "x" else "help.instagram.com/581066165581870"
    # Said once as the proposal's flash, and on the request page: a warning, not a refusal.
    assert words.count(route) == 2
    assert "trademark" in words
    with app.app_context():
        assert db.session().exec(select(TransferRequest)).one().terms == terms


def test_free_terms_on_x_warn_of_nothing(make, client, auth):
    brand = make.brand("Gallimard")
    handle = make.handle("gallimard", platform="x", brand_id=brand.id, holder_kind="unknown")
    auth.login("staff")
    answer = client.post(
        f"/requests/new?handle_id={handle.id}", data={"terms": "free"}, follow_redirects=True
    )
    assert answer.status_code == 200
    assert "x-username-squatting" not in answer.text


def test_an_ownership_change_cannot_fail_for_a_reason_only_a_freed_name_has(app, make):
    brand = make.brand("Gallimard")
    held = make.handle("gallimard", platform="youtube", brand_id=brand.id, holder_kind="fan")
    staff = make.user("staff", email="sam@example.org")
    request = make.request(["replied"], proposer=staff, brand=brand, handle=held, state="agreed")
    with app.app_context():
        session = db.session()
        schedule(session, request, staff, window_start=None)
        acting = context(member(session, staff), now=NOW)
        with pytest.raises(Invalid, match="no_show or other"):
            service.record_outcome(acting, request.id, outcome="failed", reason="sniped")
        service.record_outcome(acting, request.id, outcome="failed", reason="no_show")
        session.commit()
        assert session.exec(select(HandoverPlan)).one().outcome_reason == "no_show"
