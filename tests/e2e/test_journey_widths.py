"""Every main page, for each kind of reader, on a phone (360 px) and on a desk (1280 px), in
English and in French: nothing may be wider than the screen. The page is loaded at each width
(not resized after loading), as a phone would load it; the main pages are saved as
screenshots, `LANG-width-ROLE-PAGE-360.png`, for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import Handle, TransferRequest, User
from registry.presentation.context import context_for
from registry.services import accounts
from tests.e2e.steps import log_in

# Letters on (the request pages show their "Write to the brand" form), and mail to sort.
pytestmark = pytest.mark.usefixtures("mail_inbox", "stray_mail")

WIDTHS = (360, 1280)
HEIGHT = 800
# How much wider than the viewport the document may be: none.
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def demo_facts(app) -> dict:
    """Ids in the demo data the pages need: a request of each story, a handle with custody."""
    with app.app_context():
        session = db.session()
        handle = session.exec(select(Handle).where(Handle.handle == "Gallimard")).one()
        julien = session.exec(select(User).where(User.email == "julien@example.org")).one()
        fans_request = session.exec(
            select(TransferRequest).where(TransferRequest.proposer_id == julien.id)
        ).first()
        open_request = session.exec(
            select(TransferRequest)
            .where(TransferRequest.state == "contacting")
            .order_by(TransferRequest.id)
        ).first()
        # The Voitures Lumière Instagram request: a failed window, and a new one planned.
        handover_request = session.exec(
            select(TransferRequest)
            .join(Handle, Handle.id == TransferRequest.handle_id)
            .where(Handle.normalized == "voitureslumiere", TransferRequest.state == "agreed")
        ).first()
        nespresso = session.exec(
            select(TransferRequest)
            .join(Handle, Handle.id == TransferRequest.handle_id)
            .where(Handle.normalized == "nespresso", TransferRequest.state == "proposed")
        ).first()
        # The demo fan's own password, for this test only (`registry demo-login` does the same).
        password = accounts.give_one_time_password(context_for(None), julien)
        session.commit()
        return {
            "handle": handle.id,
            "fan_request": fans_request.id,
            "open_request": open_request.id,
            "nespresso_request": nespresso.id if nespresso else open_request.id,
            "handover_request": handover_request.id,
            "julien": ("julien@example.org", password),
        }


def pages_for(role: str, ids: dict) -> list[tuple[str, str]]:
    """(name, path) of the pages this reader uses; the first ones are screenshotted."""
    public = [
        ("home", "/"),
        ("lookup-found", "/lookup?platform=x&handle=Gallimard"),
        ("lookup-missing", "/lookup?platform=instagram&handle=gallimard"),
        ("registry", "/handles"),
        ("handle", f"/handles/{ids['handle']}"),
        ("brands", "/brands"),
        ("brand", "/brands/gallimard"),
        ("privacy", "/privacy"),
        ("help", "/help?brand=gallimard"),
        ("responsiveness", "/reports/responsiveness"),
        ("responsiveness-sorted", "/reports/responsiveness?sort=median&order=desc"),
    ]
    member = [("profile", "/me"), ("password", "/me/password"), ("erase", "/me/delete")]
    readers = [
        ("requests", "/requests"),
        ("attention", "/requests/attention"),
        ("attention-all", "/requests/attention?show=overdue&sort=waiting"),
        ("audit", "/audit"),
        ("tokens", "/me/tokens"),
    ]
    return {
        "visitor": [*public, ("login", "/login"), ("signup", "/signup")],
        "fan": [
            ("my-requests", "/requests/mine"),
            ("request", f"/requests/{ids['fan_request']}"),
            ("propose", "/requests/new"),
            ("propose-handle", f"/requests/new?handle_id={ids['handle']}"),
            *member,
            *public,
        ],
        "staff": [
            ("request", f"/requests/{ids['open_request']}"),
            *readers,
            ("request-handover", f"/requests/{ids['handover_request']}"),
            ("handle-new", "/handles/new"),
            ("handle-edit", f"/handles/{ids['handle']}/edit"),
            ("holder", f"/handles/{ids['handle']}/holder"),
            ("import", "/handles/import"),
            ("brand-new", "/brands/new"),
            ("brand-edit", "/brands/gallimard/edit"),
            ("propose", "/requests/new"),
            ("unmatched-mail", "/mail/unmatched"),
            *member,
            *public,
        ],
        "legal": [
            ("request", f"/requests/{ids['nespresso_request']}"),
            *readers,
            *member,
            ("registry", "/handles"),
        ],
        "admin": [
            ("users", "/admin/users"),
            ("request", f"/requests/{ids['open_request']}"),
            *readers,
            ("letters", "/admin/letters"),
            ("letter-wording", "/admin/letters/offer/fr"),
            ("brand", "/brands/gallimard"),
        ],
    }[role]


SCREENSHOTTED = 4  # the first pages of each reader's list


def visit(page: Page, path: str, width: int) -> int:
    page.set_viewport_size({"width": width, "height": HEIGHT})
    response = page.goto(path)
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    return page.evaluate(OVERFLOW)


@pytest.mark.parametrize("role", ["visitor", "fan", "staff", "legal", "admin"])
def test_no_page_is_wider_than_a_phone_or_a_desk(page, live_server, make_user, t, screenshot, role):
    ids = demo_facts(live_server.app)
    if role == "fan":
        log_in(page, t, *ids["julien"])
    elif role == "legal":
        log_in(page, t, *make_user("legal", brand="nespresso"))
    elif role != "visitor":
        log_in(page, t, *make_user(role))
    too_wide = []
    for n, (name, path) in enumerate(pages_for(role, ids)):
        for width in WIDTHS:
            overflow = visit(page, path, width)
            if overflow > 0:
                too_wide.append(f"{path} at {width} px: {overflow} px too wide")
            if n < SCREENSHOTTED:
                screenshot(page, f"width-{role}-{name}-{width}")
    assert not too_wide, "\n".join(too_wide)


def test_the_phone_menu_opens_and_leads_somewhere(page, make_user, t):
    log_in(page, t, *make_user("staff"))
    page.set_viewport_size({"width": 360, "height": HEIGHT})
    page.goto("/")
    nav = page.locator("nav.mainnav")
    expect(nav).to_be_hidden()  # folded behind the button
    page.locator("summary.menu-button").click()
    expect(nav).to_be_visible()
    nav.get_by_role("link", name=t("Attention")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Requests needing attention"))
    expect(page.locator("nav.mainnav")).to_be_hidden()  # a new page starts folded
    assert page.evaluate(OVERFLOW) <= 0
    page.set_viewport_size({"width": 1280, "height": HEIGHT})
    expect(page.locator("summary.menu-button")).to_be_hidden()
    expect(page.locator("nav.mainnav")).to_be_visible()  # always open on a desk
