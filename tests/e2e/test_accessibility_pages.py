"""Pages the journeys do not reach are checked by axe-core too (conftest.py checks every page
shown): each role's lists, forms and details, and forms sent empty, which show their errors."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import log_in

# Letters on (the request pages show their "Write to the brand" form), and mail to sort.
pytestmark = pytest.mark.usefixtures("mail_inbox", "stray_mail")

# What each role opens, beyond the journeys. A path ending in "!" is a form sent as it comes,
# to see its errors.
PAGES = {
    "visitor": [
        "/",
        "/lookup?platform=x&handle=Gallimard",
        "/lookup?platform=x&handle=nobody_here",
        "/lookup?platform=x&handle=nespresso",
        "/lookup?platform=x&handle=no%20such%20handle",
        "/handles",
        "/handles?q=nes",
        "/handles/1",
        "/brands",
        "/brands/gallimard",
        "/reports/responsiveness",
        "/reports/responsiveness?from=2026-12-01&to=2026-01-01",
        "/privacy",
        "/help",
        "/help?brand=gallimard",
        "/help?brand=nobody",
        "/signup!",
        "/login!",
        "/no-such-page",
    ],
    "fan": ["/requests/mine", "/requests/new!", "/me", "/me/password!", "/me/delete"],
    "staff": [
        "/requests",
        "/requests?state=proposed",
        "/requests/attention",
        "/requests/1",
        "/handles/new!",
        "/handles/1/edit",
        "/handles/1/holder",
        "/brands/new!",
        "/brands/gallimard/edit",
        "/handles/import",
        "/mail/unmatched",
    ],
    "legal": ["/requests/1", "/brands/nespresso", "/brands/nespresso/lookalikes", "/me/tokens"],
    # A request open to both the attempt form and the brand's decision.
    "admin": [
        "/admin/users",
        "/audit",
        "/audit?page=2",
        "/requests/2",
        "/admin/letters",
        "/admin/letters/offer/fr",
    ],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_each_roles_pages_pass_axe(page, make_user, t, role):
    if role != "visitor":
        brand = "nespresso" if role == "legal" else ""
        log_in(page, t, *make_user(role, brand=brand))
    for path in PAGES[role]:
        send = path.endswith("!")
        page.goto(path.rstrip("!"))
        expect(page.locator("main h1").first).to_be_visible()
        if send:
            page.locator("main form[method=post] [type=submit]").first.click()
            expect(page.locator("main h1").first).to_be_visible()


def test_the_first_tab_shows_a_link_that_skips_to_the_content(page, t, screenshot):
    page.goto("/lookup")
    skip = page.get_by_role("link", name=t("Skip to content"))
    expect(skip).not_to_be_in_viewport()  # out of the way until the keyboard reaches it
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    screenshot(page, "skip-link")
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is in the content, past the menus
    expect(page.locator("main#content :focus")).to_have_count(1)


def test_what_forms_answer_passes_axe_too(page, make_user, t):
    log_in(page, t, *make_user("legal", brand="nespresso"))
    page.goto("/me/tokens")
    page.locator("#name").fill("Feed reader")
    page.locator("main form[method=post] [type=submit]").first.click()
    expect(page.locator("#token-value")).to_be_visible()  # the new token, shown once

    log_in(page, t, *make_user("staff"))
    page.goto("/mail/unmatched")
    page.locator("main input.request-number").first.fill("99999")  # no such request
    page.locator("main form[method=post] [type=submit]").first.click()
    expect(page.locator("main .unmatched .flash-error")).to_have_count(1)

    page.goto("/handles/import")
    page.locator("#file").set_input_files(
        {"name": "handles.csv", "mimeType": "text/csv", "buffer": b"platform,handle\nx,A11y\n"}
    )
    page.locator("main form[method=post] [type=submit]").first.click()
    # The import's own page, following the job (no worker runs beside the journeys).
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Import in progress"))
