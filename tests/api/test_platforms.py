"""How a name changes hands on each platform, through the API: `GET /api/v1/platforms` with
each method's source, a plan refused (409, with the alternatives) where a name never changes
hands, and an ownership change planned without a window, its steps and its outcome."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from registry.adapters import db
from registry.adapters.models import Handle, HandoverPlan, TransferRequest
from registry.domain.platforms import PLATFORMS
from tests.api.conftest import assert_json_error


def on(make, platform: str, handle: str = "gallimard"):
    """A fan's agreed offer of `handle` on `platform` to Gallimard."""
    fan = make.user("fan", email="julien@example.org", display_name="Julien")
    brand = make.brand("Gallimard")
    held = make.handle(
        handle, platform=platform, brand_id=brand.id, holder_kind="fan", holder_user_id=fan.id
    )
    return make.request(["replied"], proposer=fan, brand=brand, handle=held, state="agreed")


def claimed_by_staff(make, platform: str, handle: str):
    """The brand's agreed claim on `handle` on `platform`, opened by staff: the holder is no
    member, so staff record the holder's confirmation."""
    brand = make.brand("Gallimard")
    held = make.handle(handle, platform=platform, brand_id=brand.id, holder_kind="fan")
    staff = make.user("staff", email="sam@example.org")
    return make.request(["replied"], proposer=staff, brand=brand, handle=held, state="agreed")


def url(request, tail: str = "") -> str:
    return f"/api/v1/requests/{request.id}/handover{tail}"


def test_platforms_list_each_handover_method_with_its_source(api):
    answer = api.get("/api/v1/platforms")  # public: no token needed
    assert answer.status_code == 200, answer.text
    items = {item["slug"]: item for item in answer.get_json()["items"]}
    assert set(items) == {p.slug for p in PLATFORMS}
    methods = {slug: item["handover_method"] for slug, item in items.items()}
    assert {s for s, m in methods.items() if m == "rename"} == {
        "x",
        "instagram",
        "threads",
        "tiktok",
    }
    assert {s for s, m in methods.items() if m == "ownership"} == {
        "youtube",
        "facebook",
        "linkedin",
        "telegram",
    }
    assert {"snapchat", "mastodon"} <= {s for s, m in methods.items() if m == "impossible"}
    assert methods["bluesky"] == "domain"
    assert all(item["handover_source"] for item in items.values())
    assert "core.telegram.org/method/channels.editCreator" in items["telegram"]["handover_source"]
    x = next(p for p in PLATFORMS if p.slug == "x")
    assert items["x"]["name"] == "X"
    assert (items["x"]["min_length"], items["x"]["max_length"]) == (x.min_length, x.max_length)


def test_platforms_refuse_unknown_parameters(api):
    assert_json_error(api.get("/api/v1/platforms?method=rename"), 400)


@pytest.mark.parametrize(
    ("platform", "kind"), [("snapchat", "trademark"), ("mastodon", "move_followers")]
)
def test_a_name_that_never_changes_hands_gets_no_plan_but_its_alternatives(
    api, make, platform, kind
):
    agreed = on(
        make, platform, "gallimard@mastodon.social" if platform == "mastodon" else "gallimard"
    )
    staff = api.token("staff")
    start = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    answer = api.post(url(agreed), {"window_start": start}, staff)
    body = assert_json_error(answer, 409)
    assert "can never pass" in body["error"]
    assert body["method"] == "impossible"
    assert kind in [each["kind"] for each in body["alternatives"]]
    assert all(each["text"] and each["source"] for each in body["alternatives"])
    if platform == "mastodon":
        move = next(e for e in body["alternatives"] if e["kind"] == "move_followers")
        assert "posts stay behind" in move["text"] and "30 days" in move["text"]
    # In the caller's language, and nothing was planned.
    french = api.client.post(
        url(agreed),
        json={"window_start": start},
        headers={**api.headers(staff), "Accept-Language": "fr"},
    )
    assert french.status_code == 409
    assert api.audit_count("handover.schedule") == 0


def test_an_ownership_change_needs_no_window(api, app, make):
    agreed = on(make, "youtube", "editionsgallimard")
    staff = api.token("staff")
    answer = api.post(url(agreed), {"notes": "Julien adds the brand as owner"}, staff)
    assert answer.status_code == 201, answer.text
    plan = answer.get_json()
    assert plan["method"] == "ownership"
    assert plan["window_start"] is None and plan["window_end"] is None
    assert plan["window_minutes"] is None
    assert plan["standing"] == "awaiting_confirmations"
    # No rename race: nothing about a name freed for anyone; YouTube's 7 days, sourced.
    assert not any("frees the old name" in w for w in plan["warnings"])
    assert not any("holds a freed name" in w for w in plan["warnings"])
    assert any("7 days" in w and "support.google.com" in w for w in plan["warnings"])
    assert any("owner" in step for step in plan["steps"]["holder"])
    assert any("remove the holder" in step for step in plan["steps"]["brand"])
    # The deadlines still follow: confirmations 5 business days after today; the outcome
    # one business day after YouTube's 7 days past the last day to confirm.
    confirm_by = date.fromisoformat(plan["confirm_by"])
    outcome_by = date.fromisoformat(plan["outcome_by"])
    assert confirm_by > date.today()
    assert outcome_by >= confirm_by + timedelta(days=8)
    with app.app_context():
        stored = db.session().get(HandoverPlan, plan["id"])
        assert stored.window_start is None
    # The evidence pack shows it too, without a window.
    pack = api.get(f"/api/v1/requests/{agreed.id}/evidence", staff)
    assert pack.status_code == 200, pack.text
    (shown,) = pack.get_json()["plans"]
    assert shown["window_start"] is None and shown["window_minutes"] is None


def test_a_claimed_ownership_change_completes_the_request_and_moves_custody(api, app, make):
    agreed = claimed_by_staff(make, "facebook", "gallimard.editions")
    staff = api.token("staff")
    legal = api.token("legal", brand="gallimard")
    assert api.post(url(agreed), {}, staff).status_code == 201
    brand = api.post(url(agreed, "/confirm"), {"party": "brand"}, legal)
    assert brand.status_code == 200, brand.text
    confirmed = api.post(url(agreed, "/confirm"), {"party": "holder", "channel": "email"}, staff)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.get_json()["standing"] == "awaiting_outcome"
    claimed = api.post(url(agreed, "/outcome"), {"outcome": "claimed"}, staff)
    assert claimed.status_code == 200, claimed.text
    assert claimed.get_json()["standing"] == "claimed"
    with app.app_context():
        session = db.session()
        request = session.get(TransferRequest, agreed.id)
        assert request.state == "completed"
        assert session.get(Handle, request.handle_id).holder_kind == "brand"


def test_a_rename_platform_still_needs_its_window(api, make):
    agreed = on(make, "tiktok")
    answer = api.post(url(agreed), {}, api.token("staff"))
    assert assert_json_error(answer, 422)["fields"]["window_start"]


def test_a_window_may_still_be_given_for_an_ownership_change(api, make):
    agreed = on(make, "telegram", "gallimard")
    start = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    answer = api.post(url(agreed), {"window_start": start.isoformat()}, api.token("staff"))
    assert answer.status_code == 201, answer.text
    plan = answer.get_json()
    assert plan["method"] == "ownership"
    assert datetime.fromisoformat(plan["window_start"]) == start
    assert any("24 hours" in w for w in plan["warnings"])


def test_bluesky_plans_a_domain_handle(api, make):
    agreed = on(make, "bluesky", "gallimard.bsky.social")
    start = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    plan = api.post(url(agreed), {"window_start": start}, api.token("staff")).get_json()
    assert plan["method"] == "domain"
    assert any("_atproto" in step for step in plan["steps"]["brand"])
    assert any("not freed" in w for w in plan["warnings"])


@pytest.mark.parametrize(
    ("platform", "terms", "route"),
    [
        ("x", "sale", "help.x.com/en/rules-and-policies/x-username-squatting"),
        ("threads", "donation", "help.instagram.com/581066165581870"),
    ],
)
def test_paid_terms_against_the_platform_s_rules_warn_when_proposed_and_in_the_plan(
    api, make, platform, terms, route
):
    make.brand("Gallimard")
    staff = api.token("staff")
    body = {"platform": platform, "handle": "gallimard", "brand": "gallimard", "kind": "claim"}
    answer = api.post("/api/v1/requests", {**body, "terms": terms, "amount": 500}, staff)
    assert answer.status_code == 201, answer.text  # a warning, not a refusal
    proposed = answer.get_json()
    assert any(route in w and "trademark" in w for w in proposed["warnings"])
    request_id = proposed["id"]
    for step in ("contacting", "in_discussion", "agreed"):
        moved = api.post(f"/api/v1/requests/{request_id}/transition", {"to": step}, staff)
        assert moved.status_code == 200, moved.text
    start = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    plan = api.post(f"/api/v1/requests/{request_id}/handover", {"window_start": start}, staff)
    assert plan.status_code == 201, plan.text
    assert any(route in w for w in plan.get_json()["warnings"])


def test_free_terms_warn_of_nothing(api, make):
    make.brand("Gallimard")
    body = {"platform": "x", "handle": "gallimard", "brand": "gallimard", "kind": "claim"}
    answer = api.post("/api/v1/requests", {**body, "terms": "free"}, api.token("staff"))
    assert answer.status_code == 201, answer.text
    assert answer.get_json()["warnings"] == []
