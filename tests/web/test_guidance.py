"""Ways forward: the header's menu per role, the lookup's proposal links, a refused second
request that says where to go, a new fan's next steps, and the dashboard's counts and order."""

from __future__ import annotations

import re
from html import unescape

import pytest

from registry.adapters import db
from registry.services import brands


def menu(page: str) -> list[str]:
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', page, re.S).group(1)
    links = re.findall(r"<a [^>]*>(.*?)</a>", nav, re.S)
    # An entry's words, without its icon or its count.
    words = [
        re.sub(r'<span class="(menu-entry-icon|badge menu-count)"[^>]*>.*?</span>', "", a)
        for a in links
    ]
    return [unescape(re.sub(r"<[^>]+>", "", w)).strip() for w in words]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, ["Registry", "Brands", "Lookup", "Who answers"]),
        (
            "fan",
            ["Registry", "Brands", "Lookup", "Who answers", "My requests", "Propose a transfer"],
        ),
        (
            "staff",
            [
                "Registry",
                "Brands",
                "Lookup",
                "Requests",
                "Attention",
                "My requests",
                "Unmatched mail",
                "Audit",
            ],
        ),
        (
            "admin",
            [
                "Registry",
                "Brands",
                "Lookup",
                "Requests",
                "Attention",
                "My requests",
                "Unmatched mail",
                "Audit",
                "Users",
            ],
        ),
    ],
)
def test_the_menu_shows_each_role_its_ways_in(client, auth, role, expected):
    if role:
        auth.login(role)
    assert menu(client.get("/brands").text) == expected


def test_the_menu_marks_the_page_it_is_on(client, auth, make):
    handle = make.handle("Gallimard", brand_id=make.brand("Gallimard").id)
    page = client.get(f"/handles/{handle.id}").text  # a handle's page is in the registry's area
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', page) == ["/handles"]
    assert 'aria-current="page"' not in client.get("/privacy").text


def test_the_menu_folds_behind_a_button_that_needs_no_script(client):
    page = client.get("/").text
    assert re.search(r'<details class="menu">\s*<summary class="menu-button">', page)
    assert "<script" not in page


# --- the lookup's proposal links ---------------------------------------------------------------


def test_a_name_missing_on_one_platform_is_proposed_to_the_brand_using_it_elsewhere(
    client, auth, make
):
    gallimard = make.brand("Gallimard")
    make.handle("Gallimard", brand_id=gallimard.id, holder_kind="brand")
    page = unescape(client.get("/lookup?platform=instagram&handle=gallimard").text)
    assert "/requests/new?platform=instagram&handle=gallimard&brand=gallimard" in page
    auth.login("fan")
    form = client.get("/requests/new?platform=instagram&handle=gallimard&brand=gallimard").text
    assert re.search(rf'<option selected value="{gallimard.id}">Gallimard</option>', form)


def test_a_brand_named_by_nothing_is_left_to_the_proposer(client, auth, make):
    make.brand("Gallimard")
    page = unescape(client.get("/lookup?platform=x&handle=flammarion").text)
    assert "/requests/new?platform=x&handle=flammarion" in page and "brand=" not in page
    auth.login("fan")
    form = client.get("/requests/new?platform=x&handle=flammarion&brand=nosuchbrand")
    menu_html = re.search(r'<select id="brand"[^>]*>(.*?)</select>', form.text, re.S).group(1)
    assert form.status_code == 200 and '<option selected value="">' in menu_html


def test_named_by_matches_short_names_without_separators_and_stays_out_when_unsure(app, make):
    lumiere = make.brand("Voitures Lumière")
    one, other = make.brand("Alpha"), make.brand("Beta")
    make.handle("shared", brand_id=one.id)
    make.handle("shared", platform="instagram", brand_id=other.id)
    with app.app_context():
        session = db.session()
        assert brands.named_by(session, "voitures_lumiere").id == lumiere.id
        assert brands.named_by(session, "voitures.lumiere").id == lumiere.id
        assert brands.named_by(session, "shared") is None  # two brands use it
        assert brands.named_by(session, "gamma") is None
        assert brands.named_by(session, "") is None


def test_a_found_handle_offers_a_proposal_only_when_one_can_go_through(client, auth, make):
    gallimard = make.brand("Gallimard")
    held = make.handle("Gallimard", brand_id=gallimard.id, holder_kind="fan")
    home = make.handle(
        "Gallimard", platform="instagram", brand_id=gallimard.id, holder_kind="brand"
    )
    link = f"/requests/new?handle_id={held.id}"
    assert link in client.get("/lookup?platform=x&handle=Gallimard").text
    assert (
        "/requests/new?handle_id="
        not in client.get("/lookup?platform=instagram&handle=gallimard").text
    )
    request = make.request(handle=held, brand=gallimard)
    assert request.handle_id == held.id
    assert link not in client.get("/lookup?platform=x&handle=Gallimard").text  # one is open
    assert home.id != held.id


# --- a second request on one handle ------------------------------------------------------------


def test_a_second_request_links_its_proposer_to_the_open_one(client, auth, make):
    request = make.request()
    auth.login("staff")
    response = client.post(f"/requests/new?handle_id={request.handle_id}", data={"terms": "free"})
    assert response.status_code == 422
    assert "follow it there rather than opening another" in unescape(response.text)
    assert f'href="/requests/{request.id}"' in response.text


def test_someone_elses_open_request_is_named_but_not_linked(client, auth, make):
    gallimard = make.brand("Gallimard")
    handle = make.handle("Gallimard", brand_id=gallimard.id, holder_kind="unknown")
    request = make.request(handle=handle, brand=gallimard)  # opened by staff
    auth.login("fan")
    response = client.post(f"/requests/new?handle_id={handle.id}", data={"terms": "free"})
    text = unescape(response.text)
    assert response.status_code == 422 and "proposed by someone else" in text
    assert f'href="/requests/{request.id}"' not in text
    assert f'href="/handles/{handle.id}"' in text


# --- a new fan's next steps, the dashboard ------------------------------------------------------


def test_a_new_fan_is_shown_the_next_steps(client, auth):
    auth.login("fan")
    page = unescape(client.get("/me?welcome=1").text)
    assert "Next: the handle you hold" in page
    assert 'href="/lookup"' in page and 'href="/requests/new"' in page
    assert "Next: the handle you hold" not in client.get("/me").text


def test_the_dashboard_counts_each_flag_at_the_top(client, auth, make):
    make.request(["no_answer"])  # due 16 March 2026: overdue on the 20th
    auth.login("staff")
    page = unescape(client.get("/requests/attention?as_of=2026-03-20").text)
    counts = {
        name: int(num)
        for num, name in re.findall(
            r'<span class="flag-count-num">(\d+)</span>\s*<span class="flag-count-name">([^<]+)<',
            page,
        )
    }
    assert counts == {"Overdue": 1, "Due soon": 0, "Not contacted": 0, "Handovers late": 0}
    # One waiting figure per row: business days since the unanswered attempt of 2 March.
    assert re.findall(r"<strong>([^<]*business days?)</strong>", page) == ["14 business days"]
    assert "1 attempt unanswered" in page


@pytest.mark.parametrize(("asked", "shown"), [("waiting", "waiting"), ("nonsense", "due")])
def test_the_dashboard_sorts_by_a_known_order_or_by_due_date(client, auth, make, asked, shown):
    make.request(["no_answer"])
    auth.login("staff")
    page = client.get(f"/requests/attention?as_of=2026-03-20&sort={asked}").text
    assert re.search(rf'<option value="{shown}" selected>', page)
    assert page.count(" selected>") == 1
