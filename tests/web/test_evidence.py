"""The evidence pack as a PDF, read back with pypdf: the handle, the brand, the dated contact
log with its outcomes, the handover plans and their outcomes, in the reader's language; and
who may have it (readers of the request), with private data only for those allowed it."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from registry.adapters import db
from registry.adapters.models import User
from registry.services import handover
from tests.factories import context, hand_over


def text_of(response) -> str:
    assert response.status_code == 200, response.text[:300]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def handed_over(app, make):
    """Julien's offer of @Gallimard: two attempts, agreed, a window sniped on March 10, then
    the name claimed in a window on March 12."""
    fan = make.user("fan", email="julien@example.org", display_name="Julien")
    request = make.request(["no_answer", "replied"], proposer=fan, state="agreed")
    with app.app_context():
        session = db.session()
        staff = make.user("staff", email="sam@example.org")
        start = datetime(2026, 3, 10, 10, tzinfo=UTC)
        actor = session.get(User, staff.id)
        handover.schedule(
            context(actor, now=start - timedelta(days=1)), request.id, window_start=start
        )
        handover.record_outcome(
            context(actor, now=start), request.id, outcome="failed", reason="sniped"
        )
        hand_over(request.id, date(2026, 3, 12))
        session.commit()
    return request


def url(request) -> str:
    return f"/requests/{request.id}/evidence.pdf"


def test_the_pack_says_what_a_platform_form_asks_for(client, auth, handed_over):
    auth.login("staff", email="sam@example.org")
    text = text_of(client.get(url(handed_over), headers={"Accept-Language": "en"}))
    assert "@Gallimard" in text and "https://x.com/Gallimard" in text
    assert "Gallimard" in text and "Julien" in text
    assert "March 2, 2026" in text and "March 3, 2026" in text  # the attempts, in words
    assert "No answer" in text and "Replied" in text
    assert "Someone else took the name in between" in text  # the sniped window
    assert "Claimed · March 12, 2026" in text  # the outcome of the second window
    assert "julien@example.org" in text  # staff read private data


def test_the_pack_is_in_the_readers_language(client, auth, handed_over):
    auth.login("staff", email="sam@example.org")
    text = text_of(client.get(url(handed_over), headers={"Accept-Language": "fr"}))
    assert "2 mars 2026" in text and "Pas de réponse" in text
    assert "Dossier de preuves" in text


def test_the_proposer_reads_their_pack_and_legal_of_the_brand_too(client, auth, handed_over):
    auth.login("fan", email="julien@example.org")
    assert "@Gallimard" in text_of(client.get(url(handed_over)))
    auth.logout()
    auth.login("legal", email="legal@gallimard.example", brand="gallimard")
    assert "Julien" in text_of(client.get(url(handed_over)))


def test_a_fan_who_did_not_propose_it_is_refused(client, auth, handed_over):
    auth.login("fan", email="other@example.org")
    assert client.get(url(handed_over)).status_code == 403
    assert client.get("/requests/999/evidence.pdf").status_code == 404


def test_visitors_are_sent_to_log_in(client, handed_over):
    response = client.get(url(handed_over))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_request_page_links_to_the_pack(client, auth, handed_over):
    auth.login("staff", email="sam@example.org")
    page = client.get(f"/requests/{handed_over.id}").text
    assert f'href="{url(handed_over)}"' in page and "Evidence pack (PDF)" in page


def test_private_data_only_for_those_the_request_page_shows_it_to(client, auth, make):
    """The proposer reads their own e-mail in their pack, not a holder's contact as recorded
    by staff (private data of the registry); staff read both."""
    fan = make.user("fan", email="julien@example.org", display_name="Julien")
    brand = make.brand("Gallimard")
    handle = make.handle(
        "Gallimard",
        brand_id=brand.id,
        holder_kind="fan",
        holder_name="Julien",
        holder_user_id=fan.id,
        holder_contact="+33 6 00 00 00 00",
    )
    request = make.request(["no_answer"], proposer=fan, brand=brand, handle=handle)
    auth.login("fan", email="julien@example.org")
    text = text_of(client.get(url(request)))
    assert "julien@example.org" in text and "+33 6 00 00 00 00" not in text
    assert "No handover window is planned yet." in text
    auth.logout()
    auth.login("staff", email="sam@example.org")
    text = text_of(client.get(url(request)))
    assert "julien@example.org" in text and "+33 6 00 00 00 00" in text
