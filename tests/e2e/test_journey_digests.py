"""Journey: a legal member turns the overdue digest off and makes, reads and turns off the
address of their overdue feed, on a desk and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import log_in


@pytest.mark.parametrize("width", [1280, 390])
def test_legal_manages_digest_and_feed_on_the_profile(page, screenshot, make_user, t, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, t, *make_user("legal", brand="cochonou"))
    page.goto("/me")
    box = page.get_by_label(t("E-mail me the overdue digest"))
    expect(box).to_be_checked()
    screenshot(page, f"digests-1-profile-{width}")
    box.uncheck()
    page.get_by_role("button", name=t("Save")).click()
    expect(page.locator(".flash-success")).to_have_text(t("Profile saved."))
    expect(page.get_by_label(t("E-mail me the overdue digest"))).not_to_be_checked()

    page.get_by_role("button", name=t("Make my feed address")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your overdue feed"))
    address = page.get_by_label(t("Feed address (Atom)")).input_value()
    screenshot(page, f"digests-2-feed-address-{width}")
    reader = page.context.request  # a feed reader would need no session: the token decides
    feed = reader.get(address)
    assert feed.status == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    assert "<feed" in feed.text() and "Cochonou" in feed.text()

    page.goto("/me")
    expect(page.get_by_role("button", name=t("Make a new feed address"))).to_be_visible()
    page.get_by_role("button", name=t("Turn my feed off")).click()
    expect(page.locator(".flash-success")).to_have_text(
        t("Your overdue feed is turned off: its address no longer works.")
    )
    assert reader.get(address).status == 404
    screenshot(page, f"digests-3-feed-off-{width}")
