"""Journey: a fan hears of the brand's reply without looking (DESIGN.md "Notifications"). The
fans who offered the Cochonou fan page are on their request's page; staff, in their own
browser, log the brand's reply; the fans reload, see the bell's unread count rise, open the
notification, land on the request, and the count falls. Their notifications and their
settings are seen on a desk and on a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import User
from registry.jobs import huey
from registry.jobs import notifications as notification_jobs
from registry.presentation.context import context_for
from registry.services import notifications
from tests.e2e.conftest import VIEWPORT
from tests.e2e.steps import log_attempt, log_in, paris_now
from tests.e2e.test_journey_handover import FANS, one_time_password, request_of

SHOTS = Path("/tmp/shots-notes")  # looked at, never committed
PHONE = {"width": 360, "height": 800}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def jobs_at_once(live_app, monkeypatch):
    """The notifications' jobs run in the request that commits (as JOBS_IMMEDIATE does),
    the demo's own events dispatched and the fans' notifications read first: the journey
    starts with nothing unread."""
    monkeypatch.setattr(huey, "immediate", True)
    with live_app.app_context():
        notification_jobs.dispatch_all()
        session = db.session()
        fans = session.exec(select(User).where(User.email == FANS)).one()
        notifications.mark_all_read(context_for(fans))


def bell(page):
    return page.locator("a.bell")


def shoot(page, language: str, name: str) -> None:
    """The page on a desk and on a phone, where it must fit the screen."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{language}-{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert page.evaluate(OVERFLOW) <= 0, f"{name}: wider than a phone"
    page.screenshot(path=str(SHOTS / f"{language}-{name}-360.png"), full_page=True)
    page.set_viewport_size(VIEWPORT)


def test_the_fan_sees_the_count_rise_opens_the_notification_and_it_falls(
    page, new_page, live_server, make_user, t, language, jobs_at_once
):
    app = live_server.app
    request_id = request_of(app, "cochonou", "facebook")
    log_in(page, t, FANS, one_time_password(app, FANS))
    page.goto(f"/requests/{request_id}")
    expect(bell(page)).to_have_attribute("aria-label", t("Notifications, none unread"))
    expect(bell(page).locator(".bell-count")).to_have_count(0)

    # Staff, in their own browser, log the brand's reply on the request.
    staff = new_page()
    log_in(staff, t, *make_user("staff"))
    staff.goto(f"/requests/{request_id}")
    log_attempt(
        staff,
        t,
        direction="inbound",
        channel="email",
        contact_point="community@cochonou.example",
        when=paris_now(),
        outcome="replied",
        summary="Cochonou would like to talk about the page.",
    )

    # The fans reload their page: the bell counts one unread notification.
    page.reload()
    expect(bell(page)).to_have_attribute(
        "aria-label",
        t.n("Notifications, %(num)s unread", "Notifications, %(num)s unread", 1),
    )
    expect(bell(page).locator(".bell-count")).to_have_text("1")

    # They open their notifications, then the one about the reply.
    bell(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Notifications"))
    sentence = t(
        "%(brand)s replied to your offer of @%(handle)s on %(platform)s",
        brand="Cochonou",
        handle="cochonou",
        platform="Facebook",
    )
    unread = page.locator(".notification-list li.unread")
    expect(unread).to_have_count(1)
    expect(unread.locator(".notification-text")).to_have_text(sentence)
    expect(bell(page)).to_have_attribute("aria-current", "page")
    shoot(page, language, "notifications")

    unread.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/requests/{request_id}$"))
    expect(bell(page)).to_have_attribute("aria-label", t("Notifications, none unread"))
    expect(bell(page).locator(".bell-count")).to_have_count(0)

    # The list shows it read now.
    bell(page).click()
    expect(page.locator(".notification-list li.unread")).to_have_count(0)
    expect(page.locator(".notification-list li.read").first).to_contain_text(sentence)

    # Their settings: from the list; e-mails of replies turned off, and saved.
    page.get_by_role("link", name=t("Settings")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Notification settings"))
    page.locator("#email-brand_replied").uncheck()
    shoot(page, language, "settings")
    page.get_by_role("button", name=t("Save my settings")).click()
    expect(page.locator(".flash-success")).to_have_text(t("Your notification settings are saved."))
    expect(page.locator("#email-brand_replied")).not_to_be_checked()
    expect(page.locator("#site-brand_replied")).to_be_checked()
