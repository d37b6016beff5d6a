"""Languages and time zones: which the reader gets, how dates and numbers read, where the
reply clock's days fall, and a French catalogue that covers every string of the site."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlmodel import select

from registry import ROOT
from registry.adapters import db
from registry.adapters.models import ContactAttempt, CustodyRecord, TransferRequest, User
from registry.presentation import formats, words
from registry.services import accounts, tokens
from registry.services import attempts as attempt_log
from tests.conftest import PASSWORD
from tests.factories import context

NNBSP = "\u202f"  # the narrow no-break space Babel puts between French thousands
FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.8"}


def set_profile(app, email: str, **values) -> None:
    with app.app_context():
        session = db.session()
        user = accounts.find_by_email(session, email)
        accounts.update_profile(context(), user, **values)
        session.commit()


def stored_user(app, email: str) -> User:
    with app.app_context():
        return accounts.find_by_email(db.session(), email)


# --- which language ------------------------------------------------------------------------


def test_a_french_browser_gets_the_site_in_french(client):
    page = client.get("/", headers=FRENCH).text
    assert '<html lang="fr">' in page
    assert f"Qui détient cet identifiant{NNBSP}?" in page
    assert ">Registre</a>" in page and ">Marques</a>" in page
    assert "Who holds that handle?" not in page


def test_an_english_browser_gets_english(client):
    page = client.get("/", headers=ENGLISH).text
    assert '<html lang="en">' in page
    assert "Who holds that handle?" in page


@pytest.mark.parametrize("header", ["de-DE,de;q=0.9", "", "*"])
def test_an_unsupported_or_missing_language_falls_back_to_english(client, header):
    page = client.get("/", headers={"Accept-Language": header}).text
    assert '<html lang="en">' in page and "Who holds that handle?" in page


def test_the_profile_language_beats_the_browser(client, auth, app):
    email = auth.login("fan")
    set_profile(app, email, locale="fr")
    assert '<html lang="fr">' in client.get("/", headers=ENGLISH).text
    set_profile(app, email, locale="en")
    assert '<html lang="en">' in client.get("/", headers=FRENCH).text
    set_profile(app, email, locale="")  # "the browser's language"
    assert '<html lang="fr">' in client.get("/", headers=FRENCH).text


def test_the_footer_switcher_sets_a_visitors_language_for_the_next_pages(client):
    page = client.get("/handles?platform=x", headers=ENGLISH).text
    assert 'name="locale" value="fr"' in page  # the switcher offers the other language
    assert 'name="next" value="/handles?platform=x"' in page
    response = client.post(
        "/language", data={"locale": "fr", "next": "/handles?platform=x"}, headers=ENGLISH
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/handles?platform=x"
    assert '<html lang="fr">' in client.get("/brands", headers=ENGLISH).text


def test_the_footer_switcher_is_kept_in_a_members_profile(client, auth, app):
    email = auth.login("fan")
    client.post("/language", data={"locale": "fr", "next": "/"}, headers=ENGLISH)
    assert stored_user(app, email).locale == "fr"
    # Another browser, in English, signing in later: the profile decides.
    other = app.test_client()
    other.post("/login", data={"email": email, "password": PASSWORD})
    assert '<html lang="fr">' in other.get("/", headers=ENGLISH).text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_switcher_only_goes_back_within_the_site(client, target):
    response = client.post("/language", data={"locale": "fr", "next": target})
    assert response.headers["Location"] == "/"


def test_the_switcher_refuses_an_unknown_language(client):
    assert client.post("/language", data={"locale": "xx", "next": "/"}).status_code == 400


def test_the_switcher_needs_its_csrf_token(app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post("/language", data={"locale": "fr", "next": "/"})
    assert response.status_code == 400


def test_the_profile_form_saves_language_and_time_zone(client, auth, app):
    email = auth.login("fan")
    response = client.post(
        "/me",
        data={"display_name": "Ana", "phone": "", "locale": "fr", "timezone": "America/Montreal"},
    )
    assert response.status_code == 302
    user = stored_user(app, email)
    assert (user.locale, user.timezone) == ("fr", "America/Montreal")
    assert "Profil enregistré." in client.get("/me").text  # the flash already in French


def test_the_profile_form_refuses_an_unknown_time_zone_in_the_readers_language(client, auth, app):
    email = auth.login("fan")
    response = client.post(
        "/me",
        data={"display_name": "", "phone": "", "locale": "", "timezone": "Mars/Olympus"},
        headers=FRENCH,
    )
    assert response.status_code == 422
    assert "Fuseau horaire inconnu" in response.text and "Mars/Olympus" in response.text
    assert stored_user(app, email).timezone == "Europe/Paris"


# --- dates, numbers, durations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "day", "number", "ago", "followers"),
    [
        (FRENCH, "13 mai 2026", f"1{NNBSP}500", "il y a 3 jours ouvrés", f"1{NNBSP}500 abonnés"),
        (ENGLISH, "May 13, 2026", "1,500", "3 business days ago", "1,500 followers"),
    ],
)
def test_dates_numbers_and_durations_read_as_the_reader_writes_them(
    app, headers, day, number, ago, followers
):
    with app.test_request_context(headers=headers):
        assert formats.long_date(date(2026, 5, 13)) == day
        assert formats.thousands(1500) == number
        assert formats.business_days_ago(3) == ago
        assert formats.followers(1500) == followers


def test_one_of_a_kind_is_singular_in_both_languages(app):
    with app.test_request_context(headers=FRENCH):
        assert formats.business_days_ago(1) == "il y a 1 jour ouvré"
        assert formats.followers(1) == "1 abonné"
    with app.test_request_context(headers=ENGLISH):
        assert formats.business_days_ago(1) == "1 business day ago"


def test_the_filters_speak_english_outside_a_request():
    assert formats.long_date(date(2026, 5, 13)) == "May 13, 2026"
    assert formats.thousands(1_200_000) == "1,200,000"


def test_the_request_page_says_how_long_the_wait_has_been_in_french(client, auth, make):
    request = make.request(["no_answer"], opened_on=date(2026, 3, 2))
    auth.login("staff")
    page = client.get(f"/requests/{request.id}", headers=FRENCH).text
    assert "En attente depuis le" in page and "2 mars 2026" in page
    assert "jours ouvrés" in page
    assert "par e-mail" in page and "Pas de réponse" in page  # channel and outcome labels


def test_the_dashboard_is_in_french(client, auth, make):
    make.request(["no_answer"], opened_on=date(2026, 3, 2))  # reply due 16 March
    auth.login("staff")
    page = client.get("/requests/attention?as_of=2026-03-20", headers=FRENCH).text
    assert "Demandes à traiter" in page
    assert "1 demande signalée au 20 mars 2026." in page
    assert "En retard" in page and "<strong>14 jours ouvrés</strong>" in page
    assert "Aucune échéance proche." in page


def test_the_pagination_counts_with_plurals(client, make):
    make.handle("Gallimard")
    page = client.get("/handles", headers=ENGLISH).text
    assert "1 handle · page 1 of 1" in page  # not "1 handles"
    page = client.get("/handles", headers=FRENCH).text
    assert "1 identifiant · page 1 sur 1" in page


def test_notes_the_registry_writes_itself_are_translated_but_typed_notes_are_not(client, make):
    handle = make.handle("Gallimard")  # its first custody note is written by the registry
    page = client.get(f"/handles/{handle.id}", headers=FRENCH).text
    assert "Première inscription au registre." in page
    with client.application.test_request_context(headers=FRENCH):
        handed_over = CustodyRecord(note_code="handed_over", note_params='{"id": 7}', note="Merci")
        assert words.custody_note(handed_over) == "Cédé par la demande de transfert n°7. Merci"
        typed = CustodyRecord(note="Bought at auction.")
        assert words.custody_note(typed) == "Bought at auction."
    with client.application.test_request_context(headers=ENGLISH):
        assert words.custody_note(handed_over) == ("Handed over through transfer request #7. Merci")


# --- time zones --------------------------------------------------------------------------------


def attempt_at(app, make, moment: datetime) -> TransferRequest:
    request = make.request()
    with app.app_context():
        session = db.session()
        attempt_log.log_attempt(
            context(now=datetime(2026, 12, 31, tzinfo=UTC)),
            request.id,
            direction="outbound",
            channel="phone",
            outcome="voicemail",
            happened_at=moment,
        )
        session.commit()
    return request


def attempt_time_shown(client, request_id: int) -> str:
    page = client.get(f"/requests/{request_id}", headers=ENGLISH).text
    attempts = page.index('id="attempts"')
    start = page.index('<div class="when">', attempts) + len('<div class="when">')
    return page[start : page.index("</div>", start)]


def test_times_are_shown_in_paris_time_by_default(client, auth, app, make):
    request = attempt_at(app, make, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    auth.login("staff")
    assert attempt_time_shown(client, request.id) == "March 3, 2026, 12:30\u202fAM"


def test_times_are_shown_in_the_members_own_time_zone(client, auth, app, make):
    request = attempt_at(app, make, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    email = auth.login("staff")
    set_profile(app, email, timezone="America/New_York")
    assert attempt_time_shown(client, request.id) == "March 2, 2026, 6:30\u202fPM"


def test_french_readers_get_a_24_hour_clock(client, auth, app, make):
    request = attempt_at(app, make, datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
    auth.login("staff")
    page = client.get(f"/requests/{request.id}", headers=FRENCH).text
    assert "2 mars 2026, 09:30" in page


def log_attempt_through_the_form(client, request_id: int, local_time: str):
    return client.post(
        f"/requests/{request_id}/attempts",
        data={
            "direction": "outbound",
            "channel": "email",
            "contact_point": "Press office",
            "happened_at": local_time,
            "outcome": "no_answer",
            "summary": "",
        },
    )


def stored_wait(app, request_id: int) -> tuple[datetime, date]:
    with app.app_context():
        session = db.session()
        attempt = session.exec(
            select(ContactAttempt).where(ContactAttempt.request_id == request_id)
        ).one()
        happened_at = attempt.happened_at.replace(tzinfo=attempt.happened_at.tzinfo or UTC)
        return happened_at, session.get(TransferRequest, request_id).waiting_since


def test_an_attempt_at_half_past_eleven_on_a_friday_in_paris_counts_on_friday(
    client, auth, app, make
):
    request = make.request(opened_on=date(2026, 6, 1))
    auth.login("staff")  # time zone Europe/Paris, the default
    response = log_attempt_through_the_form(client, request.id, "2026-06-05T23:30")
    assert response.status_code == 302, response.text
    happened_at, waiting_since = stored_wait(app, request.id)
    assert happened_at == datetime(2026, 6, 5, 21, 30, tzinfo=UTC)  # stored in UTC (CEST)
    assert waiting_since == date(2026, 6, 5)  # Friday, not Saturday
    assert date(2026, 6, 5).weekday() == 4


def test_the_reply_clock_takes_the_day_in_the_brands_time_zone(client, auth, app, make):
    """Friday 23:30 in New York is Saturday 05:30 in Paris, where Gallimard answers."""
    request = make.request(opened_on=date(2026, 6, 1))
    email = auth.login("staff")
    set_profile(app, email, timezone="America/New_York")
    response = log_attempt_through_the_form(client, request.id, "2026-06-05T23:30")
    assert response.status_code == 302, response.text
    happened_at, waiting_since = stored_wait(app, request.id)
    assert happened_at == datetime(2026, 6, 6, 3, 30, tzinfo=UTC)
    assert waiting_since == date(2026, 6, 6)


def test_the_attempt_form_names_the_readers_time_zone(client, auth, app, make):
    request = make.request()
    email = auth.login("staff")
    assert (
        "Your local time (Paris). Never in the future."
        in client.get(f"/requests/{request.id}").text
    )
    set_profile(app, email, timezone="America/New_York", locale="fr")
    page = client.get(f"/requests/{request.id}").text
    assert "Votre heure locale (New York). Jamais dans le futur." in page


# --- refusals in the reader's language --------------------------------------------------------


def test_a_service_refusal_is_shown_in_french(client):
    page = client.get("/lookup?platform=x&handle=GallimardEditions", headers=FRENCH).text
    # The sentence and the phrase it names (the X length note) are both translated.
    assert "Les identifiants X comptent au plus 15 caractères" in page
    assert "les nouveaux comptes X en demandent au moins 4" in page


def test_a_service_refusal_next_to_its_field_is_in_french(client, auth):
    auth.login("staff")
    response = client.post(
        "/handles/new",
        data={"platform": "facebook", "handle": "nesp", "holder_kind": "unknown"},
        headers=FRENCH,
    )
    assert response.status_code == 422
    assert "Les noms d’utilisateur Facebook comptent au moins 5 caractères." in response.text


def test_form_validators_speak_french(client):
    response = client.post(
        "/signup",
        data={"email": "", "password": "long enough", "confirm": "different"},
        headers=FRENCH,
    )
    assert response.status_code == 422
    assert "Les mots de passe sont différents." in response.text  # ours
    assert "Ce champ est requis." in response.text  # WTForms' own, in French too
    assert "Mot de passe" in response.text  # the labels


def test_error_pages_are_in_french(client):
    response = client.get("/no/such/page", headers=FRENCH)
    assert response.status_code == 404
    assert "Il n’y a rien à cette adresse." in response.text


def token_for(app, role: str = "staff", **profile) -> str:
    with app.app_context():
        session = db.session()
        user = accounts.create_user(
            context(), email=f"{role}-api@example.org", password=PASSWORD, role=role
        )
        if profile:
            accounts.update_profile(context(), user, **profile)
        _token, plaintext = tokens.create_token(context(user), user, "tests")
        session.commit()
    return plaintext


def test_api_errors_follow_accept_language(client):
    response = client.get("/api/v1/handles?platform=myspace", headers=FRENCH)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"].startswith("Valeur de platform inconnue")
    assert "myspace" in body["fields"]["platform"]
    english = client.get("/api/v1/handles?platform=myspace").get_json()
    assert english["error"].startswith('Unknown platform "myspace"')


def test_api_refusals_of_the_services_are_translated_with_their_fields(client, app):
    token = token_for(app)
    response = client.post(
        "/api/v1/handles",
        json={"platform": "x", "handle": "Galli-mard"},
        headers={"Authorization": f"Bearer {token}", **FRENCH},
    )
    assert response.status_code == 422
    body = response.get_json()
    expected = (
        "Les identifiants X ne peuvent contenir que des lettres, des chiffres et des tirets bas."
    )
    assert body["error"] == expected
    assert body["fields"] == {"handle": expected}


def test_the_token_accounts_language_beats_accept_language_on_the_api(client, app):
    token = token_for(app, locale="fr")
    response = client.get(
        "/api/v1/requests/999", headers={"Authorization": f"Bearer {token}", **ENGLISH}
    )
    assert response.status_code == 404
    assert response.get_json()["error"] == "Cette demande de transfert n’existe pas."


# --- the catalogue -----------------------------------------------------------------------------

CATALOGUE = ROOT / "registry" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
TEMPLATE = ROOT / "registry" / "translations" / "messages.pot"


def extracted_msgids() -> set[str | tuple[str, ...]]:
    """Every string marked for translation in registry/ (its templates too), extracted the way
    `make translations-update` does it, from babel.cfg."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def catalogue_entries(path: Path) -> dict:
    with path.open("rb") as po_file:
        catalog = read_po(po_file)
    return {(m.id if isinstance(m.id, str) else tuple(m.id)): m for m in catalog if m.id}


def test_the_extraction_finds_the_sites_strings():
    found = extracted_msgids()
    assert len(found) > 500
    assert "Who holds that handle?" in found  # a template
    assert "Enter a handle." in found  # the domain, through N_()
    assert 'Unknown platform "%(slug)s".' in found  # a service's Invalid()
    assert ("%(num)s handle", "%(num)s handles") in found  # a plural


def test_every_string_has_a_french_translation():
    """Fails when a string is added to the code or a template without being translated: run
    `make translations-update`, then translate the new entries of the French catalogue."""
    french = catalogue_entries(CATALOGUE)
    missing = sorted(str(m) for m in extracted_msgids() if m not in french)
    assert not missing, f"not in {CATALOGUE.relative_to(ROOT)}: {missing}"
    untranslated = sorted(
        str(key)
        for key, message in french.items()
        if message.fuzzy
        or not all((message.string,) if isinstance(message.string, str) else message.string)
    )
    assert not untranslated, f"fuzzy or without French: {untranslated}"


def test_the_catalogue_template_is_up_to_date():
    assert extracted_msgids() <= set(catalogue_entries(TEMPLATE))


def test_french_entries_keep_their_placeholders():
    with CATALOGUE.open("rb") as po_file:
        catalog = read_po(po_file)
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert not problems


def test_the_brands_decision_is_stored_as_a_code_and_said_in_the_readers_language(
    client, auth, app, make
):
    request = make.request(["no_answer"])
    auth.login("admin")
    response = client.post(
        f"/requests/{request.id}/decision",
        data={"decision": "decline", "channel": "email", "confirmed": "1"},
    )
    assert response.status_code == 302
    with app.app_context():
        last = db.session().exec(select(ContactAttempt).order_by(ContactAttempt.id.desc())).first()
    assert (last.decision, last.contact_point, last.summary) == ("decline", "legal", "")
    page = client.get(f"/requests/{request.id}", headers=FRENCH).text
    assert "La marque refuse le transfert." in page and "Service juridique" in page
    page = client.get(f"/requests/{request.id}", headers=ENGLISH).text
    assert "The brand declines the transfer." in page and "Legal department" in page
