"""Journey 2: a fan signs up, proposes a handle the registry does not know yet to its brand,
logs contact attempts nobody answers, and the request shows up overdue."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from registry.domain import clock
from tests.e2e.steps import (
    fact,
    fill_attempt,
    log_attempt,
    log_in,
    main_nav,
    paris_now,
    paris_today,
)

FAN_EMAIL = "libraire@example.org"
FAN_PASSWORD = "a long enough password"
HANDLE = "LibrairieDemo"  # on X, naming the demo brand Gallimard; not in the demo data
# What the fan types, in the journey's language.
TYPED = {
    "en": {
        "name": "Camille, a bookseller",
        "message": "I run @LibrairieDemo and would hand it to Gallimard for free.",
        "form": "Contact form",
        "form_summary": "Offer sent through Gallimard's contact form.",
        "switchboard": "Switchboard",
        "call_summary": "The switchboard routed the call to a voicemail.",
    },
    "fr": {
        "name": "Camille, libraire",
        "message": "Je tiens @LibrairieDemo et le céderais gratuitement à Gallimard.",
        "form": "Formulaire de contact",
        "form_summary": "Offre envoyée par le formulaire de contact de Gallimard.",
        "switchboard": "Standard",
        "call_summary": "Le standard a transféré l’appel vers une messagerie vocale.",
    },
}


def test_fan_proposes_a_handle_and_nobody_answers(
    page, new_page, live_server, screenshot, make_user, signup, t, language
):
    typed = TYPED[language]
    # Sign up through the form (CSRF protection on, as in production).
    page.goto("/")
    page.locator("header").get_by_role("link", name=t("Sign up")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Create a fan account"))
    screenshot(page, "fan-1-signup")
    # The form says "check your inbox"; the e-mail's link creates the account.
    signup(page, FAN_EMAIL, FAN_PASSWORD, typed["name"])
    expect(page.locator(".flash-success")).to_have_text(t("Welcome! Your fan account is ready."))
    expect(page.locator("header .who")).to_contain_text(typed["name"])

    # The new account follows the browser's language: its profile names none.
    page.locator("header a.who").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My profile"))
    expect(page.locator("#locale")).to_have_value("")
    expect(page.locator("#display_name")).to_have_value(typed["name"])
    expect(fact(page, t("Role"))).to_have_text(t.label("fan", "role"))
    expect(fact(page, t("Member since"))).to_have_text(t.date(paris_today()))
    screenshot(page, "fan-2-profile")

    # The handle is not in the registry: the lookup offers to propose it to its brand.
    page.goto("/lookup")
    page.locator("#platform").select_option("x")
    page.locator("#handle").fill(f"@{HANDLE}")
    page.locator("form.searchbar").get_by_role("button", name=t("Look up")).click()
    expect(page.locator(".result.notfound h2")).to_have_text(
        t("@%(handle)s is not in the registry", handle=HANDLE)
    )
    page.get_by_role("link", name=t("You hold it? Propose it to its brand")).click()
    expect(page).to_have_url(re.compile(r"/requests/new\?"))
    expect(page.locator("#platform")).to_have_value("x")
    expect(page.locator("#handle")).to_have_value(HANDLE)
    expect(page.locator("#kind")).to_have_count(0)  # a fan can only offer a handle they hold
    page.locator("#brand").select_option(label="Gallimard")
    page.locator("#terms").select_option("free")
    page.locator("#message").fill(typed["message"])
    # The name is public only when the fan says so (off by default).
    expect(page.locator("#show_name")).not_to_be_checked()
    page.locator("#show_name").check()
    screenshot(page, "fan-3-propose")
    page.get_by_role("button", name=t("Propose the transfer")).click()

    expect(page).to_have_url(re.compile(r"/requests/\d+$"))
    request_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator(".flash-success")).to_have_text(
        t("Request #%(id)s is open. Log each contact attempt on it.", id=request_id)
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"@{HANDLE} {t('on %(platform)s', platform='X')}"
    )
    expect(page.locator(".section-head")).to_contain_text(
        f"{t.label('fan', 'holder_kind')} {typed['name']} → {t.label('brand', 'holder_kind')} "
        "Gallimard"
    )
    expect(page.locator(".badge.big")).to_have_text(t.label("proposed", "state"))

    # A form error: an attempt dated tomorrow is refused next to its field, nothing lost.
    first = (paris_now() - timedelta(days=30)).replace(hour=10, minute=0)
    fill_attempt(
        page,
        direction="outbound",
        channel="web_form",
        contact_point=typed["form"],
        when=paris_now() + timedelta(days=1),
        outcome="no_answer",
        summary=typed["form_summary"],
    )
    page.get_by_role("button", name=t("Log the attempt")).click()
    expect(page.locator(".flash-error")).to_have_text(
        t("Please correct the fields marked below; nothing was saved.")
    )
    when_field = page.locator(".field.has-error", has=page.locator("#happened_at"))
    expect(when_field.locator(".error")).to_have_text(
        t("A contact attempt cannot be dated in the future.")
    )
    expect(page.locator("#happened_at")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#summary")).to_have_value(typed["form_summary"])
    expect(page.locator("#contact_point")).to_have_value(typed["form"])
    expect(page.locator("#channel")).to_have_value("web_form")
    expect(page.locator("#attempts .timeline")).to_have_text(
        t("No contact attempt yet. Log the first one below.")
    )
    screenshot(page, "fan-4-attempt-in-the-future")

    # Two unanswered attempts, a month ago: the reply was due long ago.
    page.locator("#happened_at").fill(first.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name=t("Log the attempt")).click()
    expect(page.locator(".flash-success")).to_have_text(t("Contact attempt logged."))
    expect(page.locator("#attempts .timeline")).to_contain_text(typed["form_summary"])
    log_attempt(
        page,
        t,
        direction="outbound",
        channel="phone",
        contact_point=typed["switchboard"],
        when=(paris_now() - timedelta(days=28)).replace(hour=15, minute=30),
        outcome="voicemail",
        summary=typed["call_summary"],
    )
    attempts = page.locator("#attempts .timeline li")
    expect(attempts).to_have_count(2)
    expect(attempts.filter(has_text=typed["switchboard"]).locator(".badge.outcome")).to_have_text(
        t.label("voicemail", "outcome")
    )
    expect(attempts.filter(has_text=typed["form"]).locator(".badge.outcome")).to_have_text(
        t.label("no_answer", "outcome")
    )
    expect(page.locator(".badge.big")).to_have_text(t.label("contacting", "state"))

    config = live_server.app.config
    calendar = clock.calendar_for("FR")  # Gallimard's country
    due = clock.due_after(first.date(), int(config["REPLY_DEADLINE_DAYS"]), calendar=calendar)
    assert due < paris_today()
    waiting = clock.business_days_waiting(first.date(), calendar=calendar, as_of=paris_today())
    expect(fact(page, t("Flag"))).to_have_text(t.label("overdue", "flag"))
    expect(fact(page, t("Reply due"))).to_have_text(t.date(due))
    waiting_since = f"{t.date(first.date())} ({t.days_ago(waiting)})"
    day_zero = calendar.day_zero(first.date())
    if day_zero != first.date():  # a month ago fell on a weekend or a holiday
        waiting_since += t(
            "Sent on a day off: counted from %(day)s, the next business day.",
            day=t.date(day_zero),
        )
    expect(fact(page, t("Waiting since"))).to_have_text(waiting_since)
    expect(fact(page, t("Unanswered attempts"))).to_have_text(t.number(2))
    screenshot(page, "fan-5-request-overdue")

    main_nav(page).get_by_role("link", name=t("My requests")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My requests"))
    row = page.locator("tbody tr", has_text=f"@{HANDLE}")
    expect(row.locator(".badge")).to_have_text(t.label("contacting", "state"))
    expect(row).to_contain_text(t.date(due))
    screenshot(page, "fan-6-my-requests")

    # The dashboard is for staff, legal and admins.
    refused = page.goto("/requests/attention")
    assert refused is not None and refused.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("You do not have access to this page.")
    )

    # Staff, in their own browser, see the request flagged for any "as of" date they choose.
    staff = new_page()
    log_in(staff, t, *make_user("staff"))
    main_nav(staff).get_by_role("link", name=t("Attention")).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(t("Requests needing attention"))

    def show_as_of(day):
        staff.locator("input[name=as_of]").fill(day.isoformat())
        staff.locator("form.filters").get_by_role("button", name=t("Show")).click()
        expect(staff).to_have_url(re.compile(rf"as_of={day.isoformat()}"))
        staff.wait_for_load_state()
        summary = staff.locator(".section-head .muted")
        expect(summary).to_contain_text(t.date(day))
        # The counts per flag at the top add up to the summary's figure (the fourth count,
        # handovers past a deadline, is of plans, not flags).
        flag_counts = staff.locator(".flag-count:not(.flag-count-handover_due) .flag-count-num")
        counts = flag_counts.all_inner_texts()
        expect(flag_counts).to_have_count(3)
        expect(staff.locator(".flag-count-handover_due")).to_have_count(1)
        flagged = sum(int(count) for count in counts)
        expect(summary).to_contain_text(
            t.n(
                "%(num)s flagged as of %(date)s.",
                "%(num)s flagged as of %(date)s.",
                flagged,
                date=t.date(day),
            )
        )

    ours = f"#{request_id}"

    def row_in(group):
        return staff.locator(f"#{group} tr").filter(has_text=re.compile(rf"{ours}\b"))

    # A week from now (a request is listed from the day it was opened, today, onwards).
    later = paris_today() + timedelta(days=7)
    show_as_of(later)
    row = row_in("overdue")
    expect(row).to_contain_text(f"@{HANDLE}")
    expect(row).to_contain_text("Gallimard")
    expect(row).to_contain_text(t.date(due))
    waiting = clock.business_days_waiting(first.date(), calendar=calendar, as_of=later)
    # One waiting figure, with the attempts left unanswered beneath it.
    expect(row.locator("td strong")).to_have_text(
        t.n("%(num)s business day", "%(num)s business days", waiting)
    )
    expect(row).to_contain_text(t.n("%(num)s attempt unanswered", "%(num)s attempts unanswered", 2))
    expect(row_in("due_soon")).to_have_count(0)
    expect(row_in("not_contacted")).to_have_count(0)
    screenshot(staff, "fan-7-staff-dashboard-overdue")

    # From the dashboard to the same request, with the fan's private e-mail for staff.
    row.locator("a.handle-link").click()
    expect(staff).to_have_url(re.compile(rf"/requests/{request_id}$"))
    expect(staff.locator("main .private")).to_contain_text(FAN_EMAIL)

    # The fan withdraws the offer: a confirm step first says what that does.
    page.goto(f"/requests/{request_id}")
    page.locator(".actions").get_by_role("button", name=t("Withdraw"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Withdraw request #%(id)s?", id=request_id)
    )
    expect(page.locator(".consequence")).to_have_text(
        t(
            "The request is closed as withdrawn: %(brand)s is no longer asked, and no more "
            "contact attempts can be logged. This cannot be undone.",
            brand="Gallimard",
        )
    )
    screenshot(page, "fan-8-confirm-withdrawal")
    page.get_by_role("button", name=t("Yes, withdraw the request")).click()
    expect(page.locator(".flash-success")).to_have_text(
        t("Request #%(id)s is withdrawn.", id=request_id)
    )
    expect(page.locator(".badge.big")).to_have_text(t.label("withdrawn", "state"))
    expect(page.locator("#history li").last).to_contain_text(
        f"{t.label('contacting', 'state')} → {t.label('withdrawn', 'state')}"
    )
    expect(page.get_by_role("button", name=t("Log the attempt"))).to_have_count(0)
    expect(page.locator(".actions")).to_have_count(0)
    screenshot(page, "fan-9-request-withdrawn")
