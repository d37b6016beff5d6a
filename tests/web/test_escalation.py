"""The escalation ladder on a request (issue 15): the service, the request page and the API."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from registry.adapters import db
from registry.adapters.models import User
from registry.services import attempts as attempt_log
from registry.services import brands, request_reads, transitions
from tests.factories import context
from tests.web.test_request_page import words_of

MOMENT = datetime(2026, 3, 2, 9, tzinfo=UTC)


def scene(app, make, channels=("web_form", "web_form"), points=True, **request_values):
    """A fan's offer with one unanswered outbound attempt per channel, and the brand's points."""
    request = make.request(**request_values)
    with app.app_context():
        session = db.session()
        proposer = session.get(User, request.proposer_id)
        if points:
            for kind, label, value in (
                ("press_office", "", "presse@gallimard.fr"),
                ("email", "Contact", "contact@gallimard.fr"),
                ("legal", "Juridique", "juridique@gallimard.fr"),
            ):
                brands.add_contact_point(
                    context(), "gallimard", kind=kind, label=label, value=value
                )
        for n, channel in enumerate(channels):
            attempt_log.log_attempt(
                context(proposer, now=MOMENT + timedelta(days=30)),
                request.id,
                direction="outbound",
                channel=channel,
                outcome="no_answer",
                happened_at=MOMENT + timedelta(days=n),
                # The first one went to the press office, named in French as the page offers.
                contact_point="Service de presse" if n == 0 else "",
            )
        session.commit()
    return request, proposer


def test_the_service_suggests_the_next_rung_and_the_untried_points(app, make):
    request, _ = scene(app, make)
    with app.app_context():
        session = db.session()
        row = request_reads.get_request(session, request.id)
        names = {"press_office": ("Press office", "Service de presse")}
        found = attempt_log.escalation_for(context(), row, department_names=names)
        assert (found.channel, found.unanswered, found.next_channel) == ("web_form", 2, "email")
        assert [p.value for p in found.untried] == [
            "contact@gallimard.fr",
            "juridique@gallimard.fr",
        ]
        # Without the department names, "Service de presse" names no point.
        plain = attempt_log.escalation_for(context(), row)
        assert len(plain.untried) == 3
        patient = replace(context(), policy=replace(context().policy, escalate_after=3))
        assert attempt_log.escalation_for(patient, row) is None


def test_a_closed_request_suggests_nothing(app, make):
    request, _ = scene(app, make)
    with app.app_context():
        session = db.session()
        transitions.transition(
            context(today=MOMENT.date()), request.id, to="withdrawn", confirmed=True
        )
        session.commit()
        row = request_reads.get_request(session, request.id)
        assert attempt_log.escalation_for(context(), row) is None


def test_the_page_shows_the_suggestion_to_whoever_logs_attempts(client, auth, app, make):
    request, proposer = scene(app, make)
    auth.login(email=proposer.email)
    text = words_of(client.get(f"/requests/{request.id}").text)
    assert "2 attempts by web form got no answer. Try email next." in text
    assert "Contact points not tried yet:" in text
    # The press office was named ("Service de presse"): only the other two are listed.
    assert "Contact (contact@gallimard.fr)" in text
    assert "Juridique (juridique@gallimard.fr)" in text
    assert (
        "presse@gallimard.fr"
        not in text.split("Contact points not tried yet:")[1].split("Contact attempts")[0]
    )


def test_the_page_speaks_french(client, auth, app, make):
    request, proposer = scene(app, make, channels=("email", "email"))
    with app.app_context():
        session = db.session()
        session.get(User, proposer.id).locale = "fr"
        session.commit()
    auth.login(email=proposer.email)
    text = words_of(client.get(f"/requests/{request.id}").text)
    assert "2 tentatives par e-mail sont restées sans réponse." in text, text
    assert "Essayez ensuite le téléphone." in text
    assert "Points de contact pas encore essayés" in text


def test_readers_who_cannot_log_attempts_see_no_suggestion(client, auth, app, make):
    request, _ = scene(app, make)
    auth.login("legal", brand="gallimard")
    response = client.get(f"/requests/{request.id}")
    assert response.status_code == 200
    assert 'id="escalation"' not in response.text


def test_no_suggestion_before_enough_unanswered_attempts(client, auth, app, make):
    request, proposer = scene(app, make, channels=("web_form",))
    auth.login(email=proposer.email)
    assert 'id="escalation"' not in client.get(f"/requests/{request.id}").text


def test_escalate_after_comes_from_the_config(client, auth, app, make):
    app.config["ESCALATE_AFTER"] = 3
    request, proposer = scene(app, make)
    auth.login(email=proposer.email)
    assert 'id="escalation"' not in client.get(f"/requests/{request.id}").text
    app.config["ESCALATE_AFTER"] = 1
    assert 'id="escalation"' in client.get(f"/requests/{request.id}").text
