"""Journey 3: staff follow an overdue request up until the brand holds its handle."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from registry.fixtures.demo import HANDLES
from registry.web.request_page import STATE_REACHED
from tests.e2e.steps import fact, log_attempt, log_in, main_nav, paris_now

# The demo's Cochonou fan page on Facebook: three unanswered attempts, the reply overdue.
_, _, _, _, FAN_PAGE, *_ = next(r for r in HANDLES if r[:2] == ("facebook", "cochonou"))
# What staff type, in the journey's language.
TYPED = {
    "en": {
        "switchboard": "Switchboard",
        "voicemail": "Called the switchboard; left a message on the marketing voicemail.",
        "marketing": "Marketing department",
        "meeting": "Cochonou's marketing team called back; meeting set for next week.",
    },
    "fr": {
        "switchboard": "Standard",
        "voicemail": "Appel au standard ; message laissé sur la messagerie du marketing.",
        "marketing": "Service marketing",
        "meeting": "Le marketing de Cochonou a rappelé ; rendez-vous la semaine prochaine.",
    },
}


def move_to(page, t, request_id: int, state: str) -> None:
    button = t.label(state, "move_to")
    page.locator(".actions").get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".flash-success")).to_have_text(t(STATE_REACHED[state], id=request_id))
    expect(page.locator(".badge.big")).to_have_text(t.label(state, "state"))


def test_staff_follow_a_request_to_the_handover(page, screenshot, make_user, t, language):
    typed = TYPED[language]
    log_in(page, t, *make_user("staff"))

    # The Cochonou fan page's request waits in the dashboard's "Overdue" group.
    main_nav(page).get_by_role("link", name=t("Attention")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Requests needing attention"))
    row = page.locator("#overdue tr").filter(has_text="@cochonou").filter(has_text="Facebook")
    expect(row).to_have_count(1)
    screenshot(page, "staff-4-dashboard")
    row.locator("a.handle-link").click()
    expect(page).to_have_url(re.compile(r"/requests/\d+$"))
    request_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"@cochonou {t('on %(platform)s', platform='Facebook')}"
    )
    expect(page.locator(".badge.big")).to_have_text(t.label("contacting", "state"))
    expect(fact(page, t("Flag"))).to_have_text(t.label("overdue", "flag"))
    expect(fact(page, t("Unanswered attempts"))).to_have_text(t.number(3))
    waiting_since = fact(page, t("Waiting since")).inner_text()
    screenshot(page, "staff-5-request-overdue")

    # A call that ends on a voicemail is no reply: the clock keeps running from the first try.
    now = paris_now()
    log_attempt(
        page,
        t,
        direction="outbound",
        channel="phone",
        contact_point=typed["switchboard"],
        when=now - timedelta(hours=2),
        outcome="voicemail",
        summary=typed["voicemail"],
    )
    expect(fact(page, t("Flag"))).to_have_text(t.label("overdue", "flag"))
    expect(fact(page, t("Unanswered attempts"))).to_have_text(t.number(4))
    expect(fact(page, t("Waiting since"))).to_have_text(waiting_since)
    newest = page.locator("#attempts .timeline li").last
    expect(newest).to_contain_text(
        f"{t('→ Sent')} {t.label('phone', 'by_channel')} · {typed['switchboard']}"
    )
    expect(newest.locator(".badge.outcome")).to_have_text(t.label("voicemail", "outcome"))

    # The brand calls back and sets up a meeting: a real reply stops the clock.
    log_attempt(
        page,
        t,
        direction="inbound",
        channel="phone",
        contact_point=typed["marketing"],
        when=now - timedelta(hours=1),
        outcome="meeting",
        summary=typed["meeting"],
    )
    newest = page.locator("#attempts .timeline li").last
    expect(newest).to_contain_text(
        f"{t('← Received')} {t.label('phone', 'by_channel')} · {typed['marketing']}"
    )
    expect(newest.locator(".badge.outcome")).to_have_text(t.label("meeting", "outcome"))
    expect(page.locator("#attempts .timeline li")).to_have_count(5)
    reply_clock = page.locator(
        "section.panel", has=page.get_by_role("heading", name=t("Reply clock"))
    )
    expect(reply_clock.locator("p.muted")).to_have_text(
        t("No reply awaited: the last attempt was answered.")
    )
    expect(reply_clock.locator(".badge.flag-overdue")).to_have_count(0)
    screenshot(page, "staff-6-request-answered")

    # Along the workflow, one allowed step at a time.
    actions = page.locator(".actions")
    expect(
        actions.get_by_role("button", name=t.label("agreed", "move_to"), exact=True)
    ).to_have_count(0)
    move_to(page, t, request_id, "in_discussion")
    move_to(page, t, request_id, "agreed")
    screenshot(page, "staff-7-request-agreed")
    # Completing is not a move: the handover's outcome completes a request (its own journey,
    # tests/e2e/test_journey_handover.py).
    expect(
        actions.get_by_role("button", name=t.label("completed", "move_to"), exact=True)
    ).to_have_count(0)
