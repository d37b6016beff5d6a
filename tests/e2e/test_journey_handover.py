"""Journey: the handover of an agreed request. Staff plan a window a few minutes ahead, the
fans who offered the handle confirm it for its holder, the brand's legal team for the brand,
and staff record that the brand claimed the name (a confirm step first): the request is
completed and the handle's page names the brand as its holder. Then a window that fails on
another request, and a new one planned in its place."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import Handle, TransferRequest, User
from registry.presentation.context import context_for
from registry.services import accounts
from registry.web.request_page import STATE_REACHED
from tests.e2e.steps import fact, local_input, log_in, paris_now

FANS = "fans.cochonou@example.org"  # the demo's fans who offered the Cochonou fan page


def request_of(app, normalized: str, platform: str) -> int:
    """The demo's request on that handle of that platform."""
    from registry.adapters.models import Platform

    with app.app_context():
        return (
            db.session()
            .exec(
                select(TransferRequest.id)
                .join(Handle, Handle.id == TransferRequest.handle_id)
                .join(Platform, Platform.id == Handle.platform_id)
                .where(Handle.normalized == normalized, Platform.slug == platform)
            )
            .one()
        )


def one_time_password(app, email: str) -> str:
    with app.app_context():
        session = db.session()
        user = session.exec(select(User).where(User.email == email)).one()
        password = accounts.give_one_time_password(context_for(None), user)
        session.commit()
        return password


def panel(page):
    return page.locator("#handover")


def test_a_window_planned_confirmed_and_claimed(
    page, new_page, live_server, screenshot, make_user, t
):
    app = live_server.app
    request_id = request_of(app, "cochonou", "facebook")
    log_in(page, t, *make_user("staff"))
    page.goto(f"/requests/{request_id}")
    expect(page.locator("#handover")).to_have_count(0)  # not agreed yet: no handover
    for state in ("in_discussion", "agreed"):
        page.locator(".actions").get_by_role(
            "button", name=t.label(state, "move_to"), exact=True
        ).click()
        expect(page.locator(".flash-success")).to_have_text(t(STATE_REACHED[state], id=request_id))

    # Staff plan a window a few minutes ahead.
    expect(panel(page)).to_contain_text(t("No handover window is planned yet."))
    start = paris_now() + timedelta(minutes=10)
    page.locator("#handover-start").fill(local_input(start))
    expect(page.locator("#handover-minutes")).to_have_value("30")
    page.locator("#handover-notes").fill("Fans rename first, the brand at once.")
    page.get_by_role("button", name=t("Plan the window")).click()
    expect(page.locator(".flash-success")).to_have_text(
        t("The handover window is planned: each side confirms it now.")
    )
    expect(page).to_have_url(re.compile(rf"/requests/{request_id}#handover$"))
    expect(panel(page).locator(".handover-head .badge")).to_have_text(
        t.label("awaiting_confirmations", "standing")
    )
    expect(fact(panel(page), t("Holder's confirmation"))).to_have_text(t("Not yet"))
    expect(panel(page).get_by_role("button", name=t("The brand claimed the name"))).to_have_count(0)
    screenshot(page, "handover-1-planned")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "handover-1-planned-360")
    page.set_viewport_size({"width": 1280, "height": 800})

    # The fans who offered the page confirm for its holder, in their own browser.
    fans = new_page()
    log_in(fans, t, FANS, one_time_password(app, FANS))
    fans.goto(f"/requests/{request_id}")
    expect(panel(fans).get_by_role("button", name=t("Confirm for the brand"))).to_have_count(0)
    expect(panel(fans).get_by_role("button", name=t("Plan the window"))).to_have_count(0)
    panel(fans).get_by_role("button", name=t("Confirm for the holder")).click()
    expect(fans.locator(".flash-success")).to_have_text(t("The confirmation is recorded."))
    expect(fact(panel(fans), t("Holder's confirmation"))).to_contain_text(t("Confirmed"))
    expect(panel(fans).get_by_role("button", name=t("Confirm for the holder"))).to_have_count(0)

    # Cochonou's legal team confirms for the brand.
    legal = new_page()
    log_in(legal, t, *make_user("legal", email="legal@cochonou.example", brand="cochonou"))
    legal.goto(f"/requests/{request_id}")
    expect(panel(legal).get_by_role("button", name=t("Confirm for the holder"))).to_have_count(0)
    panel(legal).get_by_role("button", name=t("Confirm for the brand")).click()
    expect(legal.locator(".flash-success")).to_have_text(t("The confirmation is recorded."))
    expect(panel(legal).locator(".handover-head .badge")).to_have_text(t.label("ready", "standing"))
    screenshot(legal, "handover-2-ready")

    # Staff record that the brand claimed the name, through the confirm step.
    page.reload()
    expect(panel(page)).to_contain_text(
        t("Next step: %(what)s.", what=t("staff, to record the outcome"))
    )
    panel(page).get_by_role("button", name=t("The brand claimed the name")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Complete the handover of @%(handle)s?", handle="cochonou")
    )
    expect(page.locator(".consequence")).to_have_text(
        t(
            "Custody of @%(handle)s on %(platform)s moves to %(holder)s. This cannot be undone.",
            handle="cochonou",
            platform="Facebook",
            holder="Cochonou",
        )
    )
    expect(page.locator(".confirm-step .flash-warning")).to_have_text(
        t("No reply from %(brand)s is on record: only unanswered attempts.", brand="Cochonou")
    )
    screenshot(page, "handover-3-confirm-claimed")
    page.get_by_role("button", name=t("Yes, complete the handover")).click()
    expect(page.locator(".flash-success")).to_have_text(
        t(STATE_REACHED["completed"], id=request_id)
    )
    expect(page.locator(".badge.big")).to_have_text(t.label("completed", "state"))
    expect(panel(page).locator(".handover-head .badge")).to_have_text(
        t.label("claimed", "standing")
    )
    history = page.locator("#history")
    expect(history).to_contain_text(t("Handover window planned"))
    expect(history).to_contain_text(t("Handover outcome recorded"))
    screenshot(page, "handover-4-completed")

    # The handle's page names the brand as its holder.
    page.get_by_role("heading", level=1).get_by_role("link").click()
    expect(fact(page, t("Held by"))).to_contain_text("Cochonou")
    screenshot(page, "handover-5-handle")


def test_a_failed_window_and_a_new_one(page, live_server, screenshot, make_user, t):
    app = live_server.app
    request_id = request_of(app, "voitureslumiere", "instagram")
    log_in(page, t, *make_user("staff"))
    page.goto(f"/requests/{request_id}")
    # The demo's second window awaits both sides; the first one failed (sniped).
    past = panel(page).locator(".handover-past li")
    expect(past).to_have_count(1)
    expect(past).to_contain_text(t.label("sniped", "failure_reason"))
    screenshot(page, "handover-6-second-window")

    page.locator("#handover-reason").select_option("no_show")
    page.locator("#handover-note").fill("Nobody came.")
    page.get_by_role("button", name=t("The window failed")).click()
    expect(page.locator(".flash-success")).to_have_text(
        t("The failed window is recorded: a new one can be planned.")
    )
    expect(page.locator(".badge.big")).to_have_text(t.label("agreed", "state"))
    expect(past).to_have_count(2)
    expect(past.last).to_contain_text(t.label("no_show", "failure_reason"))

    page.locator("#handover-start").fill(local_input(paris_now() + timedelta(days=2)))
    page.locator("#handover-minutes").fill("20")
    page.get_by_role("button", name=t("Plan the window")).click()
    expect(page.locator(".flash-success")).to_have_text(
        t("The handover window is planned: each side confirms it now.")
    )
    expect(panel(page).locator(".handover-head .badge")).to_have_text(
        t.label("awaiting_confirmations", "standing")
    )
    expect(panel(page)).to_contain_text(t.n("%(num)s minute", "%(num)s minutes", 20))
    screenshot(page, "handover-7-new-window")
