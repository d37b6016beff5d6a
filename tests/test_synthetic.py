"""`registry gen-data`: a synthetic registry written in bulk, true to the registry's rules."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import select as core_select
from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import (
    Brand,
    ContactAttempt,
    CustodyRecord,
    FollowerCount,
    Handle,
    Platform,
    TransferRequest,
    User,
)
from registry.domain import clock, recorded, workflow
from registry.domain.handles import parse_handle
from registry.domain.platforms import PLATFORMS
from registry.domain.vocabulary import HandleStatus, HolderKind, State, values
from registry.fixtures import synthetic
from registry.services import context, flags, listings, platforms, reply_clock
from tests import factories
from tests.conftest import reset_tables

TODAY = date(2026, 3, 16)
# Small, yet enough for every platform, holder kind, status, state, channel and outcome.
SIZES = {"handles": 400, "brands": 12, "requests": 80, "attempts": 900}


def gen_data(runner, *, seed: int = 7, **sizes):
    args = ["gen-data", "--seed", str(seed), "--today", TODAY.isoformat()]
    for name, value in (SIZES | sizes).items():
        args += [f"--{name}", str(value)]
    return runner.invoke(args=args)


def generated(runner, **sizes) -> str:
    result = gen_data(runner, **sizes)
    assert result.exit_code == 0, result.output
    return result.output


def count(app, model) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model)).one()


def digest(app) -> str:
    """Every row the command writes, table by table in id order (the password hash, made
    from a fresh random secret each run, aside)."""
    sha = hashlib.sha256()
    with app.app_context():
        connection = db.session().connection()
        for table in synthetic.TABLES:
            columns = [c for c in table.c if c.name != "password_hash"]
            for row in connection.execute(core_select(*columns).order_by(table.c.id)):
                sha.update(repr(tuple(row)).encode())
    return sha.hexdigest()


def test_writes_the_counts_asked_for_and_says_how_long_it_took(runner, app):
    output = generated(runner)
    assert count(app, Handle) == 400
    assert count(app, Brand) == 12
    assert count(app, TransferRequest) == 80
    assert count(app, ContactAttempt) == 900
    assert count(app, User) >= 80 // 4  # fans, plus staff, admins and legal accounts
    assert "400 handles" in output and "900 contact attempts" in output
    assert " s (seed 7, up to 2026-03-16)" in output
    assert len(output.strip().splitlines()) == 1


def test_the_same_seed_writes_the_same_data_and_another_seed_other_data(runner, app):
    generated(runner)
    first = digest(app)
    reset_tables(app)
    with app.app_context():
        platforms.sync_platforms(factories.context())
    generated(runner)
    assert digest(app) == first
    reset_tables(app)
    with app.app_context():
        platforms.sync_platforms(factories.context())
    generated(runner, seed=8)
    assert digest(app) != first


def test_every_platform_holder_kind_status_state_channel_and_outcome_appears(runner, app):
    generated(runner)
    with app.app_context():
        session = db.session()
        slugs = set(session.exec(select(Platform.slug).join(Handle)).all())
        kinds = set(session.exec(select(Handle.holder_kind)).all())
        statuses = set(session.exec(select(Handle.status)).all())
        states = set(session.exec(select(TransferRequest.state)).all())
        request_kinds = set(session.exec(select(TransferRequest.kind)).all())
        directions = set(session.exec(select(ContactAttempt.direction)).all())
        channels = set(session.exec(select(ContactAttempt.channel)).all())
        outcomes = set(session.exec(select(ContactAttempt.outcome)).all())
        regions = set(session.exec(select(Brand.country, Brand.subdivision, Brand.timezone)).all())
        roles = set(session.exec(select(User.role)).all())
        legal_brands = session.exec(select(User.brand_id).where(User.role == "legal")).all()
        deadlines = session.exec(select(Brand.reply_deadline_days)).all()
        fans_holding = session.exec(
            select(func.count()).select_from(Handle).where(Handle.holder_user_id.is_not(None))
        ).one()
    assert slugs == {rules.slug for rules in PLATFORMS}
    assert kinds == set(values(HolderKind))
    assert statuses == set(values(HandleStatus))
    assert states == set(values(State))
    assert request_kinds == {"offer", "claim"}
    assert directions == set(clock.DIRECTIONS)
    assert channels == set(clock.CHANNELS)
    assert outcomes == set(clock.OUTCOMES)
    assert {
        ("FR", "", "Europe/Paris"),
        ("GB", "GB-ENG", "Europe/London"),
        ("GB", "GB-SCT", "Europe/London"),
        ("DE", "DE-BY", "Europe/Berlin"),
        ("CH", "CH-ZH", "Europe/Zurich"),
        ("US", "US-NY", "America/New_York"),
        ("CA", "CA-QC", "America/Toronto"),
        ("JP", "", "Asia/Tokyo"),
    } <= regions
    assert roles == {"fan", "staff", "legal", "admin"}
    assert legal_brands and None not in legal_brands
    assert fans_holding > 0
    assert None in deadlines  # most brands follow the site's deadline


def test_the_stored_due_dates_are_what_refresh_clock_computes(runner, app):
    generated(runner)
    with app.app_context():
        session = db.session()
        policy = context.ClockPolicy.from_config(app.config)
        rows = session.exec(
            select(TransferRequest, Brand)
            .join(Handle, Handle.id == TransferRequest.handle_id)
            .join(Brand, Brand.id == Handle.brand_id)
            .order_by(TransferRequest.id)
        ).all()

        def clock_of(request):
            return (
                request.reply_due_on,
                request.first_contact_due_on,
                request.waiting_since,
                request.unanswered_attempts,
                request.last_attempt_at,
            )

        stored = {request.id: clock_of(request) for request, _ in rows}
        for request, brand in rows:
            reply_clock.refresh_clock(session, request, brand, policy=policy)
        fresh = {request.id: clock_of(request) for request, _ in rows}
        is_open = {request.id: workflow.is_open(request.state) for request, _ in rows}
        session.rollback()
    assert fresh == stored
    open_ones = [stored[i] for i in stored if is_open[i]]
    assert any(reply_due for reply_due, *_ in open_ones)  # awaiting a reply
    assert any(first_contact for _, first_contact, *_ in open_ones)  # nobody contacted yet
    assert any(value[:4] == (None, None, None, 0) for value in open_ones)  # answered
    assert all(stored[i][:4] == (None, None, None, 0) for i in stored if not is_open[i])


def test_the_data_keeps_the_registry_s_rules(runner, app):
    generated(runner)
    with app.app_context():
        session = db.session()
        rules = {p.id: p.rules() for p in session.exec(select(Platform))}
        handles = {h.id: h for h in session.exec(select(Handle))}
        brands = {b.id: b for b in session.exec(select(Brand))}
        custody = defaultdict(list)
        for record in session.exec(select(CustodyRecord).order_by(CustodyRecord.id)):
            custody[record.handle_id].append(record)
        attempts = defaultdict(list)
        for attempt in session.exec(select(ContactAttempt)):
            attempts[attempt.request_id].append(attempt)
        requests = list(session.exec(select(TransferRequest)))
    for handle in handles.values():
        parsed = parse_handle(rules[handle.platform_id], handle.handle)
        assert (parsed.display, parsed.normalized) == (handle.handle, handle.normalized)
        records = custody[handle.id]
        assert [r.ended_on for r in records].count(None) == 1 and records[-1].ended_on is None
        for earlier, later in itertools.pairwise(records):
            assert earlier.ended_on == later.started_on
        current = records[-1]
        assert (current.holder_kind, current.holder_user_id) == (
            handle.holder_kind,
            handle.holder_user_id,
        )
    assert len({r.handle_id for r in requests}) == len(requests)
    for request in requests:
        handle, brand = handles[request.handle_id], brands[handles[request.handle_id].brand_id]
        assert request.from_holder_kind != "brand"
        assert (request.closed_at is None) == workflow.is_open(request.state)
        if request.kind == "offer":
            assert (
                request.proposer_id
                == custody[handle.id][-2 if request.state == "completed" else -1].holder_user_id
            )
        if request.state == "completed":
            handed, previous = custody[handle.id][-1], custody[handle.id][-2]
            assert handle.holder_kind == handed.holder_kind == "brand"
            assert handed.note_code == "handed_over"
            assert json.loads(handed.note_params) == {"id": request.id}
            assert previous.ended_on == handed.started_on
        else:
            assert handle.holder_kind != "brand"
        for attempt in attempts[request.id]:
            assert context.local_day(attempt.happened_at, brand) >= request.opened_on
            assert attempt.happened_at <= (request.closed_at or attempt.happened_at)
            assert attempt.happened_at.date() <= TODAY
        if request.state == "proposed":
            assert all(a.direction == "inbound" for a in attempts[request.id])
    counts = sorted(len(attempts[r.id]) for r in requests)
    assert counts[0] == 0 and counts[-1] >= 50  # some untouched, some chased at length


def test_pages_render_afterwards(runner, app, client, auth):
    generated(runner)
    with app.app_context():
        session = db.session()
        busiest = session.exec(
            select(ContactAttempt.request_id)
            .group_by(ContactAttempt.request_id)
            .order_by(func.count().desc(), ContactAttempt.request_id)
        ).first()
        completed = session.exec(
            select(TransferRequest).where(TransferRequest.state == "completed")
        ).first()
        brand = session.exec(select(Brand).order_by(Brand.id)).first()
    auth.login("staff")
    pages = [
        "/",
        "/handles",
        "/brands",
        f"/brands/{brand.slug}",
        "/requests/attention",
        f"/requests/attention?as_of={TODAY.isoformat()}",
        f"/handles/{completed.handle_id}",
        f"/requests/{busiest}",
        f"/requests/{completed.id}",
        "/audit",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)


def test_the_app_inserts_after_the_explicit_ids(runner, app, make):
    generated(runner, handles=60, brands=5, requests=10, attempts=40)
    brand = make.brand("A brand made afterwards")
    handle = make.handle("madeafterwards", brand_id=brand.id)
    user = make.user("fan")
    assert brand.id == 6 and handle.id == 61
    assert user.id == count(app, User)


def test_a_registry_with_data_is_refused_with_one_line(runner, app, make):
    generated(runner, handles=60, brands=5, requests=10, attempts=40)
    again = gen_data(runner)
    assert again.exit_code == 1
    assert "already holds 60 handles and 5 brands" in again.output
    assert len(again.output.strip().splitlines()) == 1
    assert count(app, Handle) == 60


def test_brands_alone_are_enough_to_refuse(runner, app, make):
    make.brand("Gallimard")
    result = gen_data(runner)
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert count(app, Handle) == 0 and count(app, Brand) == 1


def test_impossible_sizes_and_days_are_refused_with_one_line(runner, app):
    for result in (
        gen_data(runner, handles=10, brands=5, requests=50),
        gen_data(runner, handles=50, brands=0, requests=5),
        gen_data(runner, requests=0, attempts=10),
        runner.invoke(args=["gen-data", "--today", "2999-01-01"]),
        runner.invoke(args=["gen-data", "--today", "soon"]),
    ):
        assert result.exit_code == 1, result.output
        assert len(result.output.strip().splitlines()) == 1
    assert count(app, Handle) == 0 and count(app, Brand) == 0  # nothing half-written


@pytest.mark.parametrize("inline", [True, False], ids=["changed-by-id", "changed-by-query"])
def test_flags_from_the_database_are_the_flags_each_request_s_attempts_give(
    runner, app, monkeypatch, inline
):
    """The oracle: for days with attempts and closings after them, and for the last day of
    the data, the dashboard's SQL (stored due dates, recomputing the requests changed since)
    lists exactly the requests whose own attempts flag them that day, with the same due date,
    wait and unanswered count."""
    if not inline:
        monkeypatch.setattr(flags, "CHANGED_BY_ID", 0)  # a day long past: by subquery
    generated(runner)
    with app.app_context():
        session = db.session()
        policy = context.ClockPolicy.from_config(app.config)
        rows = session.exec(
            select(TransferRequest, Brand)
            .join(Handle, Handle.id == TransferRequest.handle_id)
            .join(Brand, Brand.id == Handle.brand_id, isouter=True)
        ).all()
        attempts = defaultdict(list)
        for attempt in session.exec(
            select(ContactAttempt).order_by(ContactAttempt.happened_at, ContactAttempt.id)
        ):
            attempts[attempt.request_id].append(attempt)
        checked = 0
        for as_of in (date(2026, 2, 13), date(2026, 3, 6), date(2026, 3, 13), TODAY):
            expected = set()
            for request, brand in rows:
                status = reply_clock.status_as_of(
                    request, brand, attempts[request.id], as_of=as_of, policy=policy
                )
                if status.flag:
                    expected.add(
                        (
                            request.id,
                            status.flag,
                            status.due_on,
                            status.business_days_waiting,
                            status.unanswered_attempts,
                        )
                    )
            listed = {
                (
                    r.request.id,
                    r.flag,
                    r.due_date,
                    r.business_days_waiting,
                    r.unanswered_attempts,
                )
                for r in listings.flagged(factories.context(), as_of=as_of)
            }
            assert listed == expected, as_of
            checked += len(expected)
    assert checked > 20  # the days asked do flag requests


def test_each_counted_handle_has_its_followers_history(runner, app):
    """As the registry keeps them: oldest first, ending with the handle's current count; a
    handle handed over to its brand (its followers grew) keeps the count from before too."""
    generated(runner)
    with app.app_context():
        session = db.session()
        counts = defaultdict(list)
        for row in session.exec(
            select(FollowerCount).order_by(FollowerCount.seen_on, FollowerCount.id)
        ):
            counts[row.handle_id].append((row.followers, row.seen_on))
        counted = session.exec(select(Handle).where(Handle.followers.is_not(None))).all()
        handed_over = set(
            session.exec(
                select(CustodyRecord.handle_id).where(
                    CustodyRecord.note_code == recorded.HANDED_OVER
                )
            )
        )
    assert counted and set(counts) == {handle.id for handle in counted}
    for handle in counted:
        assert counts[handle.id][-1] == (handle.followers, handle.followers_seen_on)
    grown = [h for h in counted if h.id in handed_over and len(counts[h.id]) > 1]
    assert grown  # some handed-over handles show their growth
