"""The request page (issue 14): confirm steps for moves that cannot be undone, the history of
state changes and the decision, forms only where they can be used, fitting empty states,
the holder an offer comes from, and ids that are each the page's own."""

import re
from datetime import UTC, date, datetime
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlmodel import select

from registry.adapters import db
from registry.adapters.models import ContactAttempt, Handle, TransferRequest, User
from registry.domain import workflow
from registry.services import Conflict, Invalid, proposals, timeline, transitions
from tests.factories import context

NOW = datetime(2026, 3, 20, 10, tzinfo=UTC)


def load(app, model, ident):
    with app.app_context():
        return db.session().get(model, ident)


def legal_of(app, make, request, email="legal@example.org", **values):
    """A legal account attached to the request's brand."""
    user = make.user("legal", email=email, **values)
    with app.app_context():
        session = db.session()
        handle = session.get(Handle, request.handle_id)
        member = session.get(User, user.id)
        member.brand_id = handle.brand_id
        session.commit()
    return user


def text_of(response) -> str:
    return " ".join(unescape(response.text).split())


def words_of(html: str) -> str:
    """What a reader reads: the text without its tags."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- the rule: irreversible moves are confirmed -----------------------------------------------


def test_the_moves_that_cannot_be_undone_are_the_closing_ones():
    assert {"completed", "declined", "withdrawn"} == workflow.IRREVERSIBLE
    assert [s for s in workflow.STATES if workflow.needs_confirming(s)] == [
        "completed",
        "declined",
        "withdrawn",
    ]


@pytest.mark.parametrize("target", ["declined", "withdrawn"])  # completed: see the handover
def test_an_unconfirmed_irreversible_move_is_refused_and_changes_nothing(app, make, target):
    request = make.request(["replied"], state="agreed")
    with app.app_context(), pytest.raises(Invalid) as refused:
        transitions.transition(context(today=date(2026, 3, 9)), request.id, to=target)
    assert refused.value.field == "confirmed"
    assert "cannot be undone" in str(refused.value)
    assert load(app, TransferRequest, request.id).state == "agreed"


def test_a_reversible_move_needs_no_confirmation(app, make):
    request = make.request(["no_answer"])
    with app.app_context():
        moved = transitions.transition(
            context(today=date(2026, 3, 9)), request.id, to="in_discussion"
        )
        assert moved.state == "in_discussion"


def test_a_confirmed_move_from_a_stale_page_is_refused_as_changed_meanwhile(app, make):
    request = make.request(["no_answer"])  # contacting
    with app.app_context(), pytest.raises(Conflict) as refused:
        transitions.transition(
            context(today=date(2026, 3, 9)),
            request.id,
            to="withdrawn",
            expected_state="proposed",
            confirmed=True,
        )
    assert "changed meanwhile" in str(refused.value)
    assert load(app, TransferRequest, request.id).state == "contacting"


def test_an_unconfirmed_decline_by_legal_is_refused(app, make):
    request = make.request(["no_answer"])
    legal = legal_of(app, make, request)
    with app.app_context():
        session = db.session()
        with pytest.raises(Invalid) as refused:
            transitions.decide(
                context(session.get(User, legal.id), today=NOW.date(), now=NOW),
                request.id,
                accept=False,
                channel="email",
                summary="",
            )
    assert refused.value.field == "confirmed"
    assert load(app, TransferRequest, request.id).state == "contacting"


def test_the_brand_decides_once(app, make):
    request = make.request(["no_answer"])
    legal = legal_of(app, make, request)
    decision = {"channel": "email", "summary": "", "confirmed": True}
    with app.app_context():
        session = db.session()
        member = session.get(User, legal.id)
        as_legal = context(member, today=NOW.date(), now=NOW)
        transitions.decide(as_legal, request.id, accept=True, **decision)
        with pytest.raises(Conflict) as refused:
            transitions.decide(as_legal, request.id, accept=False, **decision)
    assert "already recorded" in str(refused.value)
    assert load(app, TransferRequest, request.id).state == "agreed"


def test_the_api_moves_without_a_second_step(client, app, make):
    """An API call is itself deliberate: it declines a request in one call."""
    request = make.request(["replied"], state="agreed")
    staff = make.user("staff", email="robot@example.org")
    with app.app_context():
        from registry.services import tokens

        session = db.session()
        _row, token = tokens.create_token(context(), session.get(User, staff.id), "t")
        session.commit()
    response = client.post(
        f"/api/v1/requests/{request.id}/transition",
        json={"to": "declined"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    assert response.json["state"] == "declined"


# --- the confirm pages --------------------------------------------------------------------------


def test_staff_declining_asks_first(client, auth, app, make):
    request = make.request(["no_answer"])
    auth.login("staff")
    response = client.post(f"/requests/{request.id}/transition", data={"to": "declined"})
    page = text_of(response)
    assert response.status_code == 200
    assert f"Decline request #{request.id}?" in page
    assert "The request is closed as declined: Gallimard is no longer asked" in page
    assert load(app, TransferRequest, request.id).state == "contacting"


def test_a_fan_withdrawing_asks_first(client, auth, app, make):
    fan = make.user("fan", email="julien@example.org")
    request = make.request(proposer=fan)
    auth.login("fan", email="julien@example.org")
    response = client.post(f"/requests/{request.id}/withdraw", data={"from_state": "proposed"})
    page = text_of(response)
    assert response.status_code == 200
    assert f"Withdraw request #{request.id}?" in page
    assert "The request is closed as withdrawn: Gallimard is no longer asked" in page
    assert f'action="/requests/{request.id}/withdraw"' in response.text
    assert load(app, TransferRequest, request.id).state == "proposed"
    response = client.post(
        f"/requests/{request.id}/withdraw", data={"from_state": "proposed", "confirmed": "1"}
    )
    assert response.status_code == 302
    assert load(app, TransferRequest, request.id).state == "withdrawn"


def test_a_move_from_a_stale_page_is_not_offered_for_confirmation(client, auth, app, make):
    fan = make.user("fan", email="julien@example.org")
    request = make.request(["no_answer"], proposer=fan)  # contacting now
    auth.login("fan", email="julien@example.org")
    response = client.post(f"/requests/{request.id}/withdraw", data={"from_state": "proposed"})
    assert response.status_code == 409  # someone moved it first: the page as it is now
    assert f"Someone else changed request #{request.id} first" in text_of(response)
    assert "Withdraw request #" not in response.text
    assert load(app, TransferRequest, request.id).state == "contacting"


def test_a_closed_request_is_not_offered_for_confirmation(client, auth, app, make):
    request = make.request(state="withdrawn")
    auth.login("staff")
    response = client.post(
        f"/requests/{request.id}/transition", data={"to": "declined"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "it is closed" in text_of(response)
    assert load(app, TransferRequest, request.id).state == "withdrawn"


def test_legal_declining_asks_first_and_keeps_the_message(client, auth, app, make):
    request = make.request(["no_answer"])
    legal_of(app, make, request)
    auth.login("legal", email="legal@example.org")
    data = {"decision": "decline", "channel": "letter", "summary": "Not for sale"}
    response = client.post(f"/requests/{request.id}/decision", data=data)
    page = text_of(response)
    assert response.status_code == 200
    assert "Record that Gallimard declines the transfer?" in page
    assert "Gallimard declines the transfer of @Gallimard on X" in page
    assert 'name="summary" value="Not for sale"' in response.text
    assert load(app, TransferRequest, request.id).state == "contacting"

    response = client.post(f"/requests/{request.id}/decision", data=data | {"confirmed": "1"})
    assert response.status_code == 302
    assert load(app, TransferRequest, request.id).state == "declined"
    with app.app_context():
        last = db.session().exec(select(ContactAttempt).order_by(ContactAttempt.id.desc())).first()
    assert (last.decision, last.channel, last.summary) == ("decline", "letter", "Not for sale")


def test_accepting_needs_no_confirmation(client, auth, app, make):
    request = make.request(["no_answer"])
    legal_of(app, make, request)
    auth.login("legal", email="legal@example.org")
    response = client.post(
        f"/requests/{request.id}/decision", data={"decision": "accept", "channel": "email"}
    )
    assert response.status_code == 302
    assert load(app, TransferRequest, request.id).state == "agreed"


# --- the history --------------------------------------------------------------------------------


def history_of(page: str) -> str:
    start = page.index('id="history"')
    return words_of(page[start : page.index("</section>", start)])


def attempts_of(page: str) -> str:
    start = page.index('id="attempts"')
    return words_of(page[start : page.index("</section>", start)])


def test_the_history_shows_each_change_who_made_it_and_the_decision(client, auth, app, make):
    fan = make.user("fan", email="julien@example.org", display_name="Julien")
    request = make.request(proposer=fan)
    legal_of(app, make, request, display_name="Maître Dupont")
    auth.login("staff", email="anne@example.org")
    client.post("/me", data={"display_name": "Anne"})
    client.post(f"/requests/{request.id}/transition", data={"to": "contacting"})
    auth.logout()
    auth.login("legal", email="legal@example.org")
    client.post(
        f"/requests/{request.id}/decision",
        data={"decision": "accept", "channel": "email", "summary": "Agreed, thank you"},
    )
    page = client.get(f"/requests/{request.id}").text
    history = history_of(page)
    assert history.index("Request opened") < history.index("Proposed → Contacting")
    assert "by Julien" in history and "by Anne" in history
    assert "Decision The brand accepts the transfer." in history
    assert "Legal department · by email" in history and "Agreed, thank you" in history
    assert "recorded by Maître Dupont" in history
    assert history.index("Decision") < history.index("Contacting → In discussion")
    assert "In discussion → Agreed brand's decision" in history
    # The decision is a decision, not an e-mail received among the attempts.
    assert "accepts the transfer" not in attempts_of(page)
    assert "Agreed, thank you" not in attempts_of(page)


def test_the_proposer_never_reads_another_members_e_mail(client, auth, app, make):
    """Staff without a chosen name read as "a member" to a fan; staff themselves see who."""
    fan = make.user("fan", email="julien@example.org")
    request = make.request(proposer=fan)
    auth.login("staff", email="anne.private@example.org")
    client.post(f"/requests/{request.id}/transition", data={"to": "contacting"})
    client.post(
        f"/requests/{request.id}/attempts",
        data={"direction": "outbound", "channel": "email", "happened_at": "2026-03-02T10:00",
              "outcome": "no_answer", "summary": "Sent"},
    )  # fmt: skip
    assert "anne.private@example.org" in history_of(client.get(f"/requests/{request.id}").text)
    auth.logout()
    auth.login("fan", email="julien@example.org")
    page = client.get(f"/requests/{request.id}").text
    assert "anne.private@example.org" not in page
    assert "by a member" in history_of(page)
    assert "logged by a member" in attempts_of(page)


def test_the_history_is_read_in_one_statement(app, make):
    request = make.request(["no_answer", "replied"], state="agreed")
    from sqlalchemy import event

    with app.app_context():
        session = db.session()
        statements = []
        engine = session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            changes = timeline.history_of(session, request.id)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    assert [(c.before, c.after) for c in changes] == [
        (None, "proposed"),
        ("proposed", "contacting"),
        ("contacting", "in_discussion"),
        ("in_discussion", "agreed"),
    ]
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


# --- forms only where they can be used; empty states ------------------------------------------


def test_after_the_decision_legal_sees_it_and_no_decision_form(client, auth, app, make):
    request = make.request(["no_answer"])
    legal_of(app, make, request)
    auth.login("legal", email="legal@example.org")
    assert "Record the decision" in client.get(f"/requests/{request.id}").text
    client.post(f"/requests/{request.id}/decision", data={"decision": "accept", "channel": "email"})
    page = client.get(f"/requests/{request.id}").text
    assert load(app, TransferRequest, request.id).state == "agreed"  # open still
    assert "Record the decision" not in page and "Accept the transfer" not in page
    assert "The brand accepts the transfer." in history_of(page)


def test_a_withdrawn_request_says_nothing_was_logged_and_offers_no_form(client, auth, make):
    fan = make.user("fan", email="julien@example.org")
    request = make.request(proposer=fan, state="withdrawn")
    auth.login("fan", email="julien@example.org")
    page = client.get(f"/requests/{request.id}").text
    assert "No contact attempt was logged before the request was withdrawn." in attempts_of(page)
    assert "below" not in attempts_of(page)
    assert "Log the attempt" not in page
    assert f'action="/requests/{request.id}/withdraw"' not in page


def test_an_open_request_without_attempts_speaks_to_who_reads_it(client, auth, app, make):
    request = make.request()
    legal_of(app, make, request)
    auth.login("legal", email="legal@example.org")  # reads it, cannot log attempts
    page = client.get(f"/requests/{request.id}").text
    assert "No contact attempt yet." in attempts_of(page)
    assert "below" not in attempts_of(page) and "Log the attempt" not in page
    auth.logout()
    auth.login("staff")
    page = client.get(f"/requests/{request.id}").text
    assert "No contact attempt yet. Log the first one below." in attempts_of(page)
    assert "Log the attempt" in page


# --- the holder an offer comes from -------------------------------------------------------------


def test_a_fans_offer_of_a_handle_whose_holder_was_unknown_is_from_a_fan(client, auth, app, make):
    brand = make.brand("Cochonou")
    handle = make.handle("Cochonou", brand_id=brand.id, holder_kind="unknown")
    auth.login("fan", email="julien@example.org")
    response = client.post(
        f"/requests/new?handle_id={handle.id}", data={"handle_id": handle.id, "terms": "free"}
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        saved = db.session().exec(select(TransferRequest)).one()
    assert (saved.from_holder_kind, saved.from_holder_name) == ("fan", "")
    assert (saved.to_holder_kind, saved.to_holder_name) == ("brand", "Cochonou")
    page = client.get(f"/requests/{saved.id}").text
    head = words_of(page[page.index('class="section-head"') : page.index('class="grid-2"')])
    assert "Fan A fan → Brand Cochonou" in head
    assert "Unknown" not in head and "Holder" not in head


def test_staff_recording_an_offer_keep_the_recorded_holder(app, make):
    brand = make.brand("Cochonou")
    handle = make.handle(
        "Cochonou", brand_id=brand.id, holder_kind="squatter", holder_name="Squat Inc"
    )
    staff = make.user("staff")
    with app.app_context():
        session = db.session()
        request = proposals.propose(
            context(session.get(User, staff.id), today=date(2026, 3, 2)), handle_id=handle.id
        )
        assert (request.from_holder_kind, request.from_holder_name) == ("squatter", "Squat Inc")


# --- one id, one element --------------------------------------------------------------------------


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.label_targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"])
        if tag == "label" and values.get("for"):
            self.label_targets.append(values["for"])


@pytest.mark.parametrize("reader", ["staff", "legal", "fan", "admin"])
def test_every_id_on_the_request_page_is_its_own(client, auth, app, make, reader):
    fan = make.user("fan", email="julien@example.org")
    request = make.request(["no_answer"], proposer=fan)
    if reader == "legal":
        legal_of(app, make, request)
        auth.login("legal", email="legal@example.org")
    elif reader == "fan":
        auth.login("fan", email="julien@example.org")
    else:
        auth.login(reader)
    parser = Ids()
    parser.feed(client.get(f"/requests/{request.id}").text)
    assert parser.ids and len(parser.ids) == len(set(parser.ids)), sorted(parser.ids)
    assert set(parser.label_targets) <= set(parser.ids)
    if reader == "admin":  # both forms on the page
        assert {"channel", "decision-channel", "summary", "decision-summary"} <= set(parser.ids)


def test_a_decision_from_a_stale_page_says_it_is_already_recorded(client, auth, app, make):
    request = make.request(["no_answer"])
    legal_of(app, make, request)
    auth.login("legal", email="legal@example.org")
    client.post(f"/requests/{request.id}/decision", data={"decision": "accept", "channel": "email"})
    response = client.post(
        f"/requests/{request.id}/decision",
        data={"decision": "decline", "channel": "email"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert f"The brand's decision on request #{request.id} is already recorded." in text_of(
        response
    )
    assert "Record that Gallimard declines" not in response.text  # no confirm step for it
    assert load(app, TransferRequest, request.id).state == "agreed"


def test_on_an_agreed_request_the_brand_can_only_still_decline(client, auth, app, make):
    request = make.request(["replied"], state="agreed")  # staff marked it agreed
    legal_of(app, make, request)
    auth.login("legal", email="legal@example.org")
    page = client.get(f"/requests/{request.id}").text
    menu = re.search(r'<select id="decision"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert 'value="decline"' in menu and 'value="accept"' not in menu
    brand = request_brand(app, request)
    open_one = make.request(
        ["no_answer"], brand=brand, handle=make.handle("Autre", brand_id=brand.id)
    )
    page = client.get(f"/requests/{open_one.id}").text
    menu = re.search(r'<select id="decision"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert 'value="decline"' in menu and 'value="accept"' in menu


def request_brand(app, request):
    from registry.adapters.models import Brand

    with app.app_context():
        session = db.session()
        return session.get(Brand, session.get(Handle, request.handle_id).brand_id)
