"""The Atom feed of overdue and due-soon requests (issue 16) and its address on the profile;
the profile's digest opt-out."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import AuditEntry, User
from registry.domain.clock import calendar_for
from registry.services import digests, privacy
from registry.services.flags import FlagCutoffs
from registry.services.listings import ListedRequest
from tests.factories import context

ATOM = "{http://www.w3.org/2005/Atom}"
FR = calendar_for("FR")


def today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def due_soon_start() -> date:
    """A business day whose e-mail's reply (10 business days on) is due soon today."""
    until = FlagCutoffs.of(FR, today()).due_soon_until
    day = today()
    while not (FR.is_business_day(day) and today() <= FR.add_business_days(day, 10) <= until):
        day -= timedelta(days=1)
    return day


@pytest.fixture
def scene(app, make):
    """Gallimard: one request long overdue, one due soon; Nespresso: one long overdue."""
    gallimard, nespresso = make.brand("Gallimard"), make.brand("Nespresso")
    overdue = make.request(["no_answer"], opened_on=date(2026, 3, 2), brand=gallimard)
    soon = make.offer("GallimardJr", gallimard, opened_on=due_soon_start())
    theirs = make.offer("Nespresso", nespresso, opened_on=date(2026, 3, 2))
    return {"overdue": overdue.id, "soon": soon.id, "nespresso": theirs.id}


def feed_token(app, email: str) -> str:
    with app.app_context():
        session = db.session()
        user = session.exec(select(User).where(User.email == email)).one()
        return digests.make_feed_token(context(), user)


def read_feed(client, token: str) -> ET.Element:
    response = client.get(f"/feeds/overdue.atom?token={token}")
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    return root


def entries(root) -> dict[str, dict[str, str]]:
    found = {}
    for entry in root.iter(f"{ATOM}entry"):
        found[entry.findtext(f"{ATOM}id")] = {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
    return found


def test_staff_read_every_flagged_request_in_atom(app, make, client, scene):
    make.user("staff", email="staff@example.org")
    root = read_feed(client, feed_token(app, "staff@example.org"))
    items = entries(root)
    assert set(items) == {
        f"tag:localhost,2026:requests/{scene['overdue']}/overdue",
        f"tag:localhost,2026:requests/{scene['nespresso']}/overdue",
        f"tag:localhost,2026:requests/{scene['soon']}/due_soon",
    }
    first = items[f"tag:localhost,2026:requests/{scene['overdue']}/overdue"]
    assert first["title"] == f"Overdue: #{scene['overdue']} @Gallimard on X"
    assert first["link"] == f"http://localhost/requests/{scene['overdue']}"
    assert first["summary"] == "Gallimard, reply due March 16, 2026"
    # Overdue from the day after its due date, midnight in Paris.
    assert first["updated"] == "2026-03-16T23:00:00+00:00"
    soon = items[f"tag:localhost,2026:requests/{scene['soon']}/due_soon"]
    assert soon["title"].startswith("Due soon: ")
    latest = max(datetime.fromisoformat(i["updated"]) for i in items.values())
    assert datetime.fromisoformat(root.findtext(f"{ATOM}updated")) == latest
    assert root.findtext(f"{ATOM}title") == "Overdue and due-soon requests"


def test_legal_reads_its_own_brand_only_in_its_language(app, make, client, scene):
    legal = make.user("legal", email="juriste@gallimard.fr", brand_slug="gallimard")
    with app.app_context():
        session = db.session()
        session.get(User, legal.id).locale = "fr"
        session.commit()
    root = read_feed(client, feed_token(app, legal.email))
    items = entries(root)
    assert {key.rsplit("/", 2)[1] for key in items} == {str(scene["overdue"]), str(scene["soon"])}
    titles = [item["title"] for item in items.values()]
    assert f"En retard\u202f: #{scene['overdue']} @Gallimard sur X" in titles
    assert root.findtext(f"{ATOM}title") == "Demandes en retard ou bientôt dues"
    assert (
        "16 mars 2026"
        in items[f"tag:localhost,2026:requests/{scene['overdue']}/overdue"]["summary"]
    )


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 5000])
def test_a_missing_or_wrong_token_gets_404_and_no_data(app, make, client, scene, token):
    make.user("staff", email="staff@example.org")
    feed_token(app, "staff@example.org")
    response = client.get(
        "/feeds/overdue.atom",
        query_string={"token": token} if token else {},
        follow_redirects=True,  # an overlong query string is first cut short
    )
    assert response.status_code == 404
    assert b"Gallimard" not in response.data and b"<feed" not in response.data


def test_a_session_is_not_a_feed_token(app, client, auth, scene):
    auth.login("staff")
    assert client.get("/feeds/overdue.atom").status_code == 404


def test_an_owner_who_lost_the_role_reads_nothing(app, make, client, scene):
    staff = make.user("staff", email="staff@example.org")
    token = feed_token(app, staff.email)
    with app.app_context():
        session = db.session()
        session.get(User, staff.id).role = "fan"
        session.commit()
    assert client.get(f"/feeds/overdue.atom?token={token}").status_code == 404


def test_erasing_the_member_turns_their_feed_and_digest_off(app, make, client, scene):
    from tests.factories import PASSWORD

    staff = make.user("staff", email="staff@example.org")
    token = feed_token(app, staff.email)
    with app.app_context():
        session = db.session()
        privacy.delete_member(context(), session.get(User, staff.id), password=PASSWORD)
        erased = session.get(User, staff.id)
        assert (erased.feed_token_hash, erased.digests) == (None, False)
    assert client.get(f"/feeds/overdue.atom?token={token}").status_code == 404


# --- the feed's address on the profile -----------------------------------------------------------


def feed_url_in(page: str) -> str:
    found = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page)
    assert found, page
    return found.group(1).replace("&amp;", "&")


def test_the_profile_makes_shows_once_renews_and_revokes_the_address(app, client, auth, scene):
    auth.login("staff")
    page = client.get("/me").text
    assert "Make my feed address" in page and "Turn my feed off" not in page

    made = client.post("/me/feed")
    assert made.status_code == 201
    assert made.headers["Cache-Control"] == "no-store"
    url = feed_url_in(made.text)
    assert url.startswith("http://localhost/feeds/overdue.atom?token=")
    reader = app.test_client()  # a feed reader: no session
    assert reader.get(url).status_code == 200

    page = client.get("/me").text
    assert url.split("token=")[1] not in page  # shown once
    assert "Make a new feed address" in page and "Turn my feed off" in page

    renewed = feed_url_in(client.post("/me/feed").text)
    assert reader.get(url).status_code == 404
    assert reader.get(renewed).status_code == 200

    off = client.post("/me/feed/revoke", follow_redirects=True)
    assert "Your overdue feed is turned off" in off.text
    assert reader.get(renewed).status_code == 404
    with app.app_context():
        actions = db.session().exec(select(AuditEntry.action)).all()
    assert actions.count("user.feed") == 3


def test_a_fan_has_no_feed_and_no_digest_box(client, auth):
    auth.login("fan")
    page = client.get("/me").text
    assert "overdue-feed" not in page and 'name="digests"' not in page
    assert client.post("/me/feed").status_code == 403


def test_the_profile_turns_the_digest_off_and_on(app, client, auth):
    email = auth.login("legal")
    page = client.get("/me").text
    box = re.search(r'<input[^>]*name="digests"[^>]*>', page)
    assert box and " checked " in box.group(0)
    assert "One e-mail when requests you see become overdue or due soon" in page
    form = {"timezone": "Europe/Paris", "locale": ""}
    assert client.post("/me", data=form).status_code == 302  # the box unticked
    with app.app_context():
        assert not db.session().exec(select(User).where(User.email == email)).one().digests
    assert client.post("/me", data={**form, "digests": "y"}).status_code == 302
    with app.app_context():
        assert db.session().exec(select(User).where(User.email == email)).one().digests


# --- when a flag began (the entries' `updated`) ---------------------------------------------------


@pytest.mark.parametrize(
    ("due", "began"),
    [
        # Due Monday 16 March 2026: due soon from Thursday 12 (Thu, Fri, Mon are its window).
        (date(2026, 3, 16), date(2026, 3, 12)),
        # Due Tuesday 17 March: from Friday 13 (the weekend between is not counted).
        (date(2026, 3, 17), date(2026, 3, 13)),
        # Due Wednesday 18 March: from Monday 16.
        (date(2026, 3, 18), date(2026, 3, 16)),
    ],
)
def test_a_due_soon_flag_begins_when_its_window_first_reaches_the_due_date(due, began):
    row = ListedRequest(None, None, None, None, None, "due_soon", due, 0, 0)
    assert digests.flag_began(row, FR) == began
    assert FlagCutoffs.of(FR, began).due_soon_until >= due
    assert FlagCutoffs.of(FR, began - timedelta(days=1)).due_soon_until < due


def test_an_overdue_flag_begins_the_day_after_the_due_date():
    row = ListedRequest(None, None, None, None, None, "overdue", date(2026, 3, 16), 0, 0)
    assert digests.flag_began(row, FR) == date(2026, 3, 17)
