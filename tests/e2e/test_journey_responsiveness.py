"""A visitor compares how the demo's brands answer their community: the ranking, its charts,
a period refused then accepted, a column sorted, and a brand's own scorecard."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.steps import main_nav


def test_visitor_ranks_the_brands_by_how_they_answer(page, live_server, screenshot, t):
    page.goto("/")
    main_nav(page).get_by_role("link", name=t("Who answers")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Which brands answer their community")
    )
    # Two charts, each an image named by its title and described by its values.
    charts = page.get_by_role("img", name=t("Reply rate per brand"))
    expect(charts).to_have_count(1)
    expect(page.locator("svg.chart desc").first).to_contain_text("Nespresso")
    rows = page.locator("table.responsiveness tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first.locator("td").first).to_have_text("Voitures Lumière")
    screenshot(page, "responsiveness-1-ranking")

    page.locator("input[name=from]").fill("2026-12-01")
    page.locator("input[name=to]").fill("2026-01-01")
    page.locator("form.filters").get_by_role("button", name=t("Show")).click()
    expect(page.locator("#to-error")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(0)
    screenshot(page, "responsiveness-2-bad-period")

    page.locator("input[name=from]").fill("2026-01-01")
    page.locator("input[name=to]").fill("")
    page.locator("form.filters").get_by_role("button", name=t("Show")).click()
    expect(page).to_have_url(re.compile(r"from=2026-01-01"))
    expect(rows).to_have_count(3)  # Gallimard's offer dates from 2011

    page.get_by_role("link", name=t("Overdue now")).click()
    page.get_by_role("link", name=t("Overdue now")).click()  # the largest first, then back
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "ascending")
    page.get_by_role("link", name=t("Overdue now")).click()
    expect(rows.first.locator("td").first).to_have_text("Nespresso")

    rows.first.get_by_role("link", name="Nespresso").click()
    card = page.locator("#responsiveness")
    expect(card.get_by_role("heading", level=2)).to_have_text(
        t("How %(brand)s answers its community", brand="Nespresso")
    )
    expect(card).to_contain_text(
        t.n(
            "%(num)s contacted request got only an automatic reply, which is not a reply.",
            "%(num)s contacted requests got only an automatic reply, which is not a reply.",
            3,
        )
    )
    screenshot(page, "responsiveness-3-scorecard")
