"""Steps several browser journeys share: logging in, logging a contact attempt, local time.

Steps that read or click visible text take `t`, the journey's catalogue (see conftest.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

if TYPE_CHECKING:
    from tests.e2e.conftest import Catalogue

# The site reads typed dates and times as Paris time and counts "today" there.
PARIS = ZoneInfo("Europe/Paris")


def paris_now() -> datetime:
    """The current minute in Paris, naive, as a datetime-local input holds it."""
    return datetime.now(PARIS).replace(tzinfo=None, second=0, microsecond=0)


def paris_today() -> date:
    return datetime.now(PARIS).date()


def local_input(moment: datetime) -> str:
    """A value for <input type="datetime-local">."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def log_in(page: Page, t: Catalogue, email: str, password: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.locator(".flash-success")).to_have_text(t("Logged in as %(email)s.", email=email))


def fill_attempt(
    page: Page,
    *,
    direction: str,
    channel: str,
    contact_point: str,
    when: datetime,
    outcome: str,
    summary: str,
) -> None:
    """Fill the request page's "Log a contact attempt" form, without sending it."""
    page.locator("#direction").select_option(direction)
    page.locator("#channel").select_option(channel)
    page.locator("#contact_point").fill(contact_point)
    page.locator("#happened_at").fill(local_input(when))
    page.locator("#outcome").select_option(outcome)
    page.locator("#summary").fill(summary)


def log_attempt(page: Page, t: Catalogue, **attempt) -> None:
    """Log one contact attempt on the open request page and wait for the confirmation."""
    fill_attempt(page, **attempt)
    page.get_by_role("button", name=t("Log the attempt")).click()
    expect(page.locator(".flash-success")).to_have_text(t("Contact attempt logged."))
    expect(page.locator("#attempts .timeline")).to_contain_text(attempt["summary"])


def fact(page: Page | Locator, term: str) -> Locator:
    """The <dd> that follows the <dt> reading `term` (a translated term) in a list of facts."""
    return page.locator("dl.facts dt", has_text=term).first.locator(
        "xpath=following-sibling::dd[1]"
    )


def main_nav(page: Page) -> Locator:
    """The header's main navigation."""
    return page.locator("nav.mainnav")
