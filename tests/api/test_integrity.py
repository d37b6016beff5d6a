"""Integrity of the record under concurrency: racing transitions, stale edits, many writers.

Runs on SQLite and, in CI, on PostgreSQL: each thread has its own client, hence its own
session and connection, as two staff members' browsers or scripts would."""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import ContactAttempt, CustodyRecord, Handle, TransferRequest
from tests.api.conftest import assert_json_error
from tests.factories import context


def race(app, calls):
    """Run each call (a function of a fresh test client) in its own thread, all released at
    once; returns their responses in the calls' order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        client = app.test_client()
        barrier.wait()
        try:
            results[index] = call(client)
        except BaseException as exc:  # the test reports it rather than losing it in a thread
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def post_json(url, body, token):
    return lambda client: client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})


def custody_of(app, handle_id):
    with app.app_context():
        session = db.session()
        handle = session.get(Handle, handle_id)
        records = session.exec(
            select(CustodyRecord).where(CustodyRecord.handle_id == handle_id)
        ).all()
        return handle.holder_kind, sorted((r.holder_kind, r.ended_on is None) for r in records)


@pytest.mark.parametrize("round_", range(4))
def test_completed_and_declined_sent_together_have_exactly_one_winner(app, api, make, round_):
    request = make.request(["no_answer"], state="agreed")
    one, other = api.token("staff", "one@example.org"), api.token("staff", "two@example.org")
    url = f"/api/v1/requests/{request.id}/transition"
    first, second = race(
        app, [post_json(url, {"to": "completed"}, one), post_json(url, {"to": "declined"}, other)]
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409], (
        first.text,
        second.text,
    )
    loser = first if first.status_code == 409 else second
    assert_json_error(loser, 409)
    with app.app_context():
        final = db.session().get(TransferRequest, request.id)
    holder, records = custody_of(app, request.handle_id)
    if final.state == "completed":
        assert first.status_code == 200
        assert holder == "brand" and records == [("brand", True), ("fan", False)]
    else:
        assert final.state == "declined" and second.status_code == 200
        assert holder == "fan" and records == [("fan", True)]


def test_two_moves_from_the_same_state_one_wins_the_other_gets_409(app, api, make):
    """in_discussion → agreed and in_discussion → declined are both allowed moves: the state
    each caller saw (`from_state`) makes the second a conflict instead of a silent override."""
    request = make.request(["no_answer"], state="in_discussion")
    token = api.token("staff")
    url = f"/api/v1/requests/{request.id}/transition"
    answers = race(
        app,
        [
            post_json(url, {"to": "agreed", "from_state": "in_discussion"}, token),
            post_json(url, {"to": "declined", "from_state": "in_discussion"}, token),
        ],
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    winner = next(a for a in answers if a.status_code == 200)
    with app.app_context():
        assert db.session().get(TransferRequest, request.id).state == winner.get_json()["state"]


def test_a_transition_with_a_stale_if_match_is_412_and_changes_nothing(api, make):
    request = make.request(["no_answer"], state="in_discussion")
    token = api.token("staff")
    etag = api.get(f"/api/v1/requests/{request.id}", token).headers["ETag"]
    moved = api.post(f"/api/v1/requests/{request.id}/transition", {"to": "agreed"}, token)
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    stale = api.client.post(
        f"/api/v1/requests/{request.id}/transition",
        json={"to": "declined"},
        headers={**api.headers(token), "If-Match": etag},
    )
    body = assert_json_error(stale, 412)
    assert body["etag"] == moved.headers["ETag"].strip('"')
    assert api.get(f"/api/v1/requests/{request.id}", token).get_json()["state"] == "agreed"


def test_sixteen_threads_logging_fifty_attempts_each_lose_none(app, api, make):
    request = make.request()
    tokens = [api.token("staff", f"staff{n}@example.org") for n in range(16)]
    start = datetime.now(UTC) - timedelta(days=30)

    def writer(token, n):
        def call(client):
            statuses = []
            for k in range(50):
                body = {
                    "direction": "outbound",
                    "channel": "email",
                    "outcome": "no_answer",
                    "happened_at": (start + timedelta(minutes=n * 50 + k)).isoformat(),
                    "summary": f"writer {n} attempt {k}",
                }
                response = client.post(
                    f"/api/v1/requests/{request.id}/attempts",
                    json=body,
                    headers={"Authorization": f"Bearer {token}"},
                )
                statuses.append(response.status_code)
            return statuses

        return call

    results = race(app, [writer(token, n) for n, token in enumerate(tokens)])
    assert Counter(s for statuses in results for s in statuses) == {201: 800}
    with app.app_context():
        session = db.session()
        count = session.exec(
            select(func.count())
            .select_from(ContactAttempt)
            .where(ContactAttempt.request_id == request.id)
        ).one()
        saved = session.get(TransferRequest, request.id)
    assert count == 800
    assert saved.unanswered_attempts == 800  # the stored clock saw every one of them
    assert saved.state == "contacting"


# --- stale forms and If-Match -----------------------------------------------------------------


def test_a_stale_handle_form_is_refused_and_the_newer_values_are_kept(app, make, auth, client):
    handle = make.handle("Gallimard", followers=1500)
    auth.login("staff")
    page_a = client.get(f"/handles/{handle.id}/edit").text
    page_b = client.get(f"/handles/{handle.id}/edit").text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page_b)
    assert version, "the edit form carries the version it was made from"
    assert f'name="version" type="hidden" value="{version[1]}"' in page_a  # both read the same
    common = {"status": "active", "brand": "", "followers_seen_on": ""}
    saved = client.post(
        f"/handles/{handle.id}/edit",
        data={
            **common,
            "version": version[1],
            "followers": "1800",
            "notes": "A saw 1,800 followers",
        },
    )
    assert saved.status_code == 302
    stale = client.post(
        f"/handles/{handle.id}/edit",
        data={
            **common,
            "version": version[1],
            "followers": "1600",
            "notes": "B typed this from an old page",
        },
    )
    assert stale.status_code == 409
    assert "changed by someone else meanwhile" in stale.text
    assert "A saw 1,800 followers" in stale.text  # the newer values fill the form
    assert "B typed this from an old page" in stale.text  # and B's input is not lost
    with app.app_context():
        record = db.session().get(Handle, handle.id)
    assert (record.followers, record.notes) == (1800, "A saw 1,800 followers")


def test_a_stale_brand_form_is_refused_and_the_newer_values_are_kept(app, make, auth, client):
    brand = make.brand("Gallimard")
    auth.login("staff")
    page = client.get(f"/brands/{brand.slug}/edit").text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)[1]
    fields = {
        "name": "Gallimard",
        "slug": "gallimard",
        "country": "FR",
        "timezone": "Europe/Paris",
        "reply_deadline_days": "",
        "website": "",
    }
    first = client.post(
        f"/brands/{brand.slug}/edit",
        data={**fields, "version": version, "notes": "Publisher since 1911"},
    )
    assert first.status_code == 302
    second = client.post(
        f"/brands/{brand.slug}/edit", data={**fields, "version": version, "notes": "Older"}
    )
    assert second.status_code == 409 and "changed by someone else meanwhile" in second.text
    assert "Publisher since 1911" in second.text and "Older" in second.text
    with app.app_context():
        assert db.session().get(type(brand), brand.id).notes == "Publisher since 1911"


def test_patch_a_handle_with_if_match_and_a_stale_etag_is_412(api, make):
    make.handle("Gallimard", followers=1500)
    token = api.token("staff")
    url = "/api/v1/handles/x/@gallimard"
    etag = api.get(url).headers["ETag"]

    def patch(body, tag):
        headers = {**api.headers(token), **({"If-Match": tag} if tag else {})}
        return api.client.patch(url, json=body, headers=headers)

    first = patch({"followers": 1800, "notes": "Seen on 1 June"}, etag)
    assert first.status_code == 200, first.text
    assert first.get_json()["followers"] == 1800 and first.headers["ETag"] != etag
    stale = patch({"followers": 1600}, etag)
    body = assert_json_error(stale, 412)
    assert body["etag"] == first.headers["ETag"].strip('"')
    assert api.get(url).get_json()["followers"] == 1800
    # No If-Match: the caller asked for no precondition; a bad value is still a clear 422.
    assert patch({"status": "dormant"}, None).get_json()["status"] == "dormant"
    assert_json_error(patch({"status": "lost"}, None), 422)
    assert_json_error(api.client.patch(url, json={"followers": 5}), 401)


def test_patch_needs_the_edit_permission(api, make):
    make.handle("Gallimard")
    legal = api.token("legal")
    response = api.client.patch(
        "/api/v1/handles/x/gallimard", json={"notes": "x"}, headers=api.headers(legal)
    )
    assert_json_error(response, 403)


def test_a_use_case_refuses_a_session_holding_uncommitted_writes_instead_of_dropping_them(app):
    """A use case opens its own transaction; writes a caller flushed and did not commit
    would vanish in that rollback, so it refuses to start and leaves them as they are."""
    from registry.adapters.models import Brand
    from registry.services import brands
    from registry.services.unit import UnsavedWrites

    with app.app_context():
        session = db.session()
        session.add(Brand(name="Flushed", slug="flushed"))
        session.flush()
        with pytest.raises(UnsavedWrites):
            brands.create_brand(context(), name="Gallimard")
        session.commit()  # the caller's write survived the refusal
        assert sorted(session.exec(select(Brand.slug)).all()) == ["flushed"]
