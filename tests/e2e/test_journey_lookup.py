"""Journeys in a real browser: a visitor looks a handle up; staff add a handle."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from registry.adapters import db
from registry.fixtures.demo import FIRST_RECORDED, HANDLES
from registry.services import custody, handles
from tests.e2e.steps import fact

# The demo's X handle @Gallimard: (platform, handle, brand, first holder's kind and name, ...).
_, _, _, FIRST_KIND, FIRST_HOLDER, *_ = next(r for r in HANDLES if r[:2] == ("x", "Gallimard"))
# What staff type about the handle they add, in the journey's language.
SOMEONE_ELSE = {"en": "Someone else", "fr": "Quelqu’un d’autre"}


def holder_now_and_history(app, platform: str, handle: str):
    """What the live database says; the demo's story (a transfer) decides the current holder."""
    with app.app_context():
        session = db.session()
        found = handles.lookup(session, platform, handle).handle
        assert found is not None, f"the demo data has no {platform} {handle}"
        return found, custody.custody_history(session, found.id)


def look_up(page, t, platform: str, handle: str) -> None:
    page.locator("#platform").select_option(platform)
    page.locator("#handle").fill(handle)
    page.locator("form.searchbar").get_by_role("button", name=t("Look up")).click()
    page.wait_for_load_state()


def test_visitor_finds_who_holds_a_handle(page, live_server, screenshot, t):
    holder, history = holder_now_and_history(live_server.app, "x", "@Gallimard")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Who holds that handle?"))
    expect(page.locator("#platform")).to_have_value("x")
    screenshot(page, "lookup-1-home")

    look_up(page, t, "x", "@Gallimard")
    expect(page).to_have_url(re.compile(r"/lookup\?platform=x&handle=%40Gallimard"))
    result = page.locator(".result")
    expect(result.locator(".handle-name")).to_have_text("@Gallimard")
    held_by = fact(result, t("Held by"))
    expect(held_by.locator(".badge")).to_have_text(t.label(holder.holder_kind, "holder_kind"))
    expect(held_by).to_contain_text(holder.holder_name)
    expect(result.locator(f".badge.status-{holder.status}")).to_be_visible()
    expect(
        fact(result, t("Brand")).get_by_role("link", name="Gallimard", exact=True)
    ).to_be_visible()
    expect(fact(result, t("Followers"))).to_contain_text(t.number(holder.followers))
    # The custody timeline: every holder since the demo first recorded the fan's account.
    timeline = result.locator(".timeline li")
    expect(timeline).to_have_count(len(history))
    first = timeline.filter(has_text=t.date(FIRST_RECORDED))
    expect(first.locator(".badge")).to_have_text(t.label(FIRST_KIND, "holder_kind"))
    expect(first).to_contain_text(FIRST_HOLDER)
    expect(result.locator(".timeline li.current .when")).to_contain_text(f"→ {t('today')}")
    expect(result.locator(".timeline li.current")).to_contain_text(holder.holder_name)
    expect(result).not_to_contain_text("julien@example.org")  # holders' contacts are private
    screenshot(page, "lookup-2-result")
    # Below the result, its lookalikes: the demo's squatter of @Gallimard, and why.
    lookalike = page.locator("#lookalikes tbody tr", has_text="@Ga11imard")
    expect(lookalike).to_contain_text(t.label("confusable", "lookalike_reason"))
    expect(lookalike.locator(".badge.holder-squatter")).to_be_visible()

    # A pasted profile URL finds the same handle.
    look_up(page, t, "x", "https://x.com/Gallimard")
    expect(page.locator(".result .handle-name")).to_have_text("@Gallimard")
    expect(page.locator(".result dl")).to_contain_text(holder.holder_name)

    # From the result to the handle's own page.
    page.get_by_role("link", name=t("Open its page")).click()
    expect(page).to_have_url(re.compile(r"/handles/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("@Gallimard")
    expect(fact(page, t("Held by"))).to_contain_text(holder.holder_name)
    expect(fact(page, t("Status"))).to_have_text(t.label(holder.status, "status"))
    screenshot(page, "lookup-3-handle-page")

    page.goto("/")
    look_up(page, t, "x", "@Flammarion")
    notfound = page.locator(".result.notfound")
    expect(notfound.get_by_role("heading", level=2)).to_have_text(
        t("@%(handle)s is not in the registry", handle="Flammarion")
    )
    expect(notfound.locator("code")).to_have_text("flammarion")
    expect(notfound.get_by_role("link", name="https://x.com/Flammarion")).to_be_visible()
    expect(notfound.get_by_role("link", name=t("Add it to the registry"))).to_have_count(0)
    expect(
        notfound.get_by_role("link", name=t("You hold it? Propose it to its brand"))
    ).to_be_visible()
    screenshot(page, "lookup-4-not-found")


def test_staff_adds_a_handle(page, screenshot, make_user, t, language):
    email, password = make_user("staff")
    page.goto("/")
    page.locator("header").get_by_role("link", name=t("Log in")).click()
    page.get_by_label(t("E-mail")).fill(email)
    page.get_by_label(t("Password")).fill(password)
    screenshot(page, "staff-1-login")
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.locator(".flash-success")).to_have_text(t("Logged in as %(email)s.", email=email))

    # CSRF protection is on, as in production: a form post without its token is refused.
    forged = page.request.post("/handles/new", form={"platform": "x", "handle": "forged"})
    assert forged.status == 400

    # From an unknown handle's lookup straight to the form, pre-filled.
    look_up(page, t, "x", "@Flammarion")
    page.get_by_role("link", name=t("Add it to the registry")).click()
    expect(page).to_have_url(re.compile(r"/handles/new\?"))
    expect(page.locator("#platform")).to_have_value("x")
    expect(page.locator("#handle")).to_have_value("Flammarion")

    # A handle X refuses: shown again with the reason next to the field, nothing lost.
    page.locator("#handle").fill("@Flammarion-Editions")
    page.locator("#holder_kind").select_option("squatter")
    page.locator("#holder_name").fill(SOMEONE_ELSE[language])
    page.get_by_role("button", name=t("Save handle")).click()
    expect(page.locator(".flash-error")).to_have_text(
        t("Please correct the fields marked below; nothing was saved.")
    )
    handle_field = page.locator(".field.has-error", has=page.locator("#handle"))
    expect(handle_field.locator(".error")).not_to_have_count(0)
    expect(page.locator("#handle")).to_have_value("@Flammarion-Editions")
    expect(page.locator("#handle")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#holder_kind")).to_have_value("squatter")
    expect(page.locator("#holder_name")).to_have_value(SOMEONE_ELSE[language])
    screenshot(page, "staff-2-invalid-handle")

    page.locator("#handle").fill("https://x.com/Flammarion")
    page.locator("#followers").fill("320")
    page.get_by_role("button", name=t("Save handle")).click()
    expect(page).to_have_url(re.compile(r"/handles/\d+$"))
    expect(page.locator(".flash-success")).to_have_text(
        t("@%(handle)s is now in the registry.", handle="Flammarion")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("@Flammarion")
    held_by = fact(page, t("Held by"))
    expect(held_by).to_contain_text(SOMEONE_ELSE[language])
    expect(held_by.locator(".badge")).to_have_text(t.label("squatter", "holder_kind"))
    expect(fact(page, t("Followers"))).to_contain_text(t.number(320))
    screenshot(page, "staff-3-handle-page")

    # Visitors now find it.
    page.locator("header form.inline").get_by_role("button", name=t("Log out")).click()
    expect(page.locator(".flash-info")).to_have_text(t("You are logged out."))
    page.goto("/lookup?platform=x&handle=flammarion")
    expect(page.locator(".result .handle-name")).to_have_text("@Flammarion")
