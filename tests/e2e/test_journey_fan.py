"""Journey 2: a fan signs up, proposes a handle the registry does not know yet to its brand,
logs contact attempts nobody answers, and the request shows up overdue."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from registry.domain import clock
from registry.web.templating import long_date
from tests.e2e.steps import fact, fill_attempt, log_attempt, log_in, paris_now, paris_today

FAN_EMAIL = "libraire@example.org"
FAN_NAME = "Camille, a bookseller"
FAN_PASSWORD = "a long enough password"
HANDLE = "LibrairieDemo"  # on X, naming the demo brand Gallimard; not in the demo data


def test_fan_proposes_a_handle_and_nobody_answers(
    page, new_page, live_server, screenshot, make_user
):
    # Sign up through the form (CSRF protection on, as in production).
    page.goto("/")
    page.locator("header").get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a fan account")
    page.locator("#email").fill(FAN_EMAIL)
    page.locator("#display_name").fill(FAN_NAME)
    page.locator("#password").fill(FAN_PASSWORD)
    page.locator("#confirm").fill(FAN_PASSWORD)
    screenshot(page, "fan-1-signup")
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".flash-success")).to_contain_text("Your fan account is ready")
    expect(page.locator("header")).to_contain_text(FAN_NAME)

    # The handle is not in the registry: the lookup offers to propose it to its brand.
    page.goto("/lookup")
    page.locator("#platform").select_option("x")
    page.locator("#handle").fill(f"@{HANDLE}")
    page.get_by_role("button", name="Look up").click()
    expect(page.locator(".result.notfound")).to_contain_text("not in the registry")
    page.get_by_role("link", name="Propose it to its brand").click()
    expect(page).to_have_url(re.compile(r"/requests/new\?"))
    expect(page.locator("#platform")).to_have_value("x")
    expect(page.locator("#handle")).to_have_value(HANDLE)
    expect(page.locator("#kind")).to_have_count(0)  # a fan can only offer a handle they hold
    page.locator("#brand").select_option(label="Gallimard")
    page.locator("#terms").select_option("free")
    page.locator("#message").fill("I run @LibrairieDemo and would hand it to Gallimard for free.")
    screenshot(page, "fan-2-propose")
    page.get_by_role("button", name="Propose the transfer").click()

    expect(page).to_have_url(re.compile(r"/requests/\d+$"))
    request_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator(".flash-success")).to_contain_text(f"Request #{request_id} is open")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"@{HANDLE}")
    expect(page.locator(".section-head")).to_contain_text(f"Fan {FAN_NAME} → Brand Gallimard")
    expect(page.locator(".badge.big")).to_have_text("Proposed")

    # A form error: an attempt dated tomorrow is refused next to its field, nothing lost.
    summary = "Offer sent through Gallimard's contact form."
    first = (paris_now() - timedelta(days=30)).replace(hour=10, minute=0)
    fill_attempt(
        page,
        direction="outbound",
        channel="web_form",
        contact_point="Contact form",
        when=paris_now() + timedelta(days=1),
        outcome="no_answer",
        summary=summary,
    )
    page.get_by_role("button", name="Log the attempt").click()
    expect(page.locator(".flash-error")).to_contain_text("nothing was saved")
    when_field = page.locator(".field.has-error", has=page.locator("#happened_at"))
    expect(when_field.locator(".error")).to_have_text(
        "A contact attempt cannot be dated in the future."
    )
    expect(page.locator("#happened_at")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#summary")).to_have_value(summary)
    expect(page.locator("#contact_point")).to_have_value("Contact form")
    expect(page.locator("#channel")).to_have_value("web_form")
    expect(page.locator("#attempts .timeline")).to_contain_text("No contact attempt yet")
    screenshot(page, "fan-3-attempt-in-the-future")

    # Two unanswered attempts, a month ago: the reply was due long ago.
    page.locator("#happened_at").fill(first.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Log the attempt").click()
    expect(page.locator(".flash-success")).to_contain_text("Contact attempt logged.")
    expect(page.locator("#attempts .timeline")).to_contain_text(summary)
    log_attempt(
        page,
        direction="outbound",
        channel="phone",
        contact_point="Switchboard",
        when=(paris_now() - timedelta(days=28)).replace(hour=15, minute=30),
        outcome="voicemail",
        summary="The switchboard routed the call to a voicemail.",
    )
    attempts = page.locator("#attempts .timeline li")
    expect(attempts).to_have_count(2)
    expect(attempts.filter(has_text="Switchboard")).to_contain_text("Voicemail")
    expect(attempts.filter(has_text="Contact form")).to_contain_text("No answer")
    expect(page.locator(".badge.big")).to_have_text("Contacting")

    config = live_server.app.config
    calendar = clock.calendar_for("FR")  # Gallimard's country
    due = calendar.add_business_days(first.date(), int(config["REPLY_DEADLINE_DAYS"]))
    assert due < paris_today()
    expect(fact(page, "Flag")).to_have_text("Overdue")
    expect(fact(page, "Reply due")).to_have_text(long_date(due))
    expect(fact(page, "Waiting since")).to_contain_text(long_date(first.date()))
    expect(fact(page, "Unanswered attempts")).to_have_text("2")
    screenshot(page, "fan-4-request-overdue")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My requests").click()
    row = page.locator("tbody tr", has_text=f"@{HANDLE}")
    expect(row).to_contain_text("Contacting")
    expect(row).to_contain_text(long_date(due))

    # The dashboard is for staff, legal and admins.
    refused = page.goto("/requests/attention")
    assert refused is not None and refused.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You do not have access to this page."
    )

    # Staff, in their own browser, see the request flagged for any "as of" date they choose.
    staff = new_page()
    log_in(staff, *make_user("staff"))
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Attention").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Requests needing attention")

    def show_as_of(day):
        staff.locator("input[name=as_of]").fill(day.isoformat())
        staff.get_by_role("button", name="Show").click()
        expect(staff).to_have_url(re.compile(rf"as_of={day.isoformat()}"))
        expect(staff.locator("main")).to_contain_text(f"flagged as of {long_date(day)}")

    ours = f"#{request_id}"

    def row_in(group):
        link = staff.get_by_role("link", name=ours, exact=True)
        return staff.locator(f"#{group} tbody tr").filter(has=link)

    # A week from now (a request is listed from the day it was opened, today, onwards).
    later = paris_today() + timedelta(days=7)
    show_as_of(later)
    row = row_in("overdue")
    expect(row).to_contain_text(f"@{HANDLE}")
    expect(row).to_contain_text("Gallimard")
    expect(row).to_contain_text(long_date(due))
    waiting = clock.business_days_waiting(first.date(), calendar=calendar, as_of=later)
    expect(row.locator("td.num")).to_have_text([str(waiting), "2"])  # days waiting, unanswered
    expect(row_in("due_soon")).to_have_count(0)
    expect(row_in("not_contacted")).to_have_count(0)
    screenshot(staff, "fan-5-staff-dashboard-overdue")

    # From the dashboard to the same request, with the fan's private e-mail for staff.
    row.get_by_role("link", name=ours).click()
    expect(staff).to_have_url(re.compile(rf"/requests/{request_id}$"))
    expect(staff.locator("main")).to_contain_text(FAN_EMAIL)
