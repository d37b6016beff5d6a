"""Journey 3: staff follow an overdue request up until the brand holds its handle."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from registry.demo import FIRST_RECORDED, HANDLES
from registry.web.templating import long_date
from tests.e2e.steps import fact, log_attempt, log_in, paris_now, paris_today

# The demo's Cochonou fan page on Facebook: three unanswered attempts, the reply overdue.
_, _, _, _, FAN_PAGE, *_ = next(r for r in HANDLES if r[:2] == ("facebook", "cochonou"))


def move_to(page, request_id: int, label: str) -> None:
    page.locator(".actions").get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".flash-success")).to_have_text(
        f"Request #{request_id} is now {label.lower()}."
    )
    expect(page.locator(".badge.big")).to_have_text(label)


def test_staff_follow_a_request_to_the_handover(page, screenshot, make_user):
    log_in(page, *make_user("staff"))

    # The Cochonou fan page's request waits in the dashboard's "Overdue" group.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Attention").click()
    row = page.locator("#overdue tbody tr").filter(has_text="@cochonou").filter(has_text="Facebook")
    expect(row).to_have_count(1)
    row.locator("a.handle-link").click()
    expect(page).to_have_url(re.compile(r"/requests/\d+$"))
    request_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_have_text("@cochonou on Facebook")
    expect(page.locator(".badge.big")).to_have_text("Contacting")
    expect(fact(page, "Flag")).to_have_text("Overdue")
    expect(fact(page, "Unanswered attempts")).to_have_text("3")
    waiting_since = fact(page, "Waiting since").inner_text()

    # A call that ends on a voicemail is no reply: the clock keeps running from the first try.
    now = paris_now()
    log_attempt(
        page,
        direction="outbound",
        channel="phone",
        contact_point="Switchboard",
        when=now - timedelta(hours=2),
        outcome="voicemail",
        summary="Called the switchboard; left a message on the marketing voicemail.",
    )
    expect(fact(page, "Flag")).to_have_text("Overdue")
    expect(fact(page, "Unanswered attempts")).to_have_text("4")
    expect(fact(page, "Waiting since")).to_have_text(waiting_since)
    newest = page.locator("#attempts .timeline li").last
    expect(newest).to_contain_text("Sent by phone · Switchboard")
    expect(newest.locator(".badge.outcome")).to_have_text("Voicemail")

    # The brand calls back and sets up a meeting: a real reply stops the clock.
    log_attempt(
        page,
        direction="inbound",
        channel="phone",
        contact_point="Marketing department",
        when=now - timedelta(hours=1),
        outcome="meeting",
        summary="Cochonou's marketing team called back; meeting set for next week.",
    )
    newest = page.locator("#attempts .timeline li").last
    expect(newest).to_contain_text("Received by phone · Marketing department")
    expect(newest.locator(".badge.outcome")).to_have_text("Meeting")
    expect(page.locator("#attempts .timeline li")).to_have_count(5)
    reply_clock = page.locator("section.panel", has=page.get_by_role("heading", name="Reply clock"))
    expect(reply_clock).to_contain_text("No reply awaited: the last attempt was answered.")
    expect(reply_clock.locator(".badge.flag-overdue")).to_have_count(0)
    screenshot(page, "staff-4-request-answered")

    # Along the workflow, one allowed step at a time.
    actions = page.locator(".actions")
    expect(actions.get_by_role("button", name="Agreed", exact=True)).to_have_count(0)
    move_to(page, request_id, "In discussion")
    move_to(page, request_id, "Agreed")
    screenshot(page, "staff-5-request-agreed")
    move_to(page, request_id, "Completed")
    expect(reply_clock).to_contain_text("Closed — nothing awaited.")
    expect(page.get_by_role("heading", name="Move the request")).to_have_count(0)
    expect(page.get_by_role("heading", name="Log a contact attempt")).to_have_count(0)
    expect(page.get_by_role("button", name="Log the attempt")).to_have_count(0)
    screenshot(page, "staff-6-request-completed")

    # The handle now belongs to the brand; the fan page's custody record is closed today.
    page.get_by_role("heading", level=1).get_by_role("link", name="@cochonou").click()
    expect(page).to_have_url(re.compile(r"/handles/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("@cochonou")
    held_by = fact(page, "Held by")
    expect(held_by.locator(".badge")).to_have_text("Brand")
    expect(held_by).to_contain_text("Cochonou")
    expect(held_by).not_to_contain_text(FAN_PAGE)
    today = long_date(paris_today())
    timeline = page.locator(".timeline li")
    expect(timeline).to_have_count(2)
    current = page.locator(".timeline li.current")
    expect(current).to_have_count(1)
    expect(current).to_contain_text(f"{today} → today")
    expect(current.locator(".badge")).to_have_text("Brand")
    expect(current).to_contain_text("Cochonou")
    expect(current).to_contain_text(f"Handed over through transfer request #{request_id}.")
    previous = timeline.filter(has_text=FAN_PAGE)
    expect(previous).not_to_have_class(re.compile(r"\bcurrent\b"))
    expect(previous).to_contain_text(f"{long_date(FIRST_RECORDED)} → {today}")
    expect(previous.locator(".badge")).to_have_text("Fan")
    requests = page.locator(
        "section.panel", has=page.get_by_role("heading", name="Transfer requests")
    )
    expect(requests.locator("li", has_text=f"Request #{request_id}")).to_contain_text("Completed")
    expect(page.get_by_role("link", name="Propose a transfer")).to_have_count(0)
    screenshot(page, "staff-7-handle-held-by-brand")
