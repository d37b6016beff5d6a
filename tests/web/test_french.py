"""French and formats: dates in words, codes by their names, countries by theirs, e-mail
reasons in the reader's language, on the pages a French reader sees (issue 14)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from html import unescape

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from registry.adapters import db
from registry.domain import limits
from registry.domain.messages import Choices, Code, Message
from registry.presentation import formats, words
from registry.services import Invalid, accounts, tokens
from tests.conftest import PASSWORD
from tests.factories import context

NNBSP = "\u202f"
FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.8"}


# --- the first of the month -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "french", "english"),
    [
        (date(2026, 12, 1), "1er décembre 2026", "December 1, 2026"),
        (date(2026, 12, 2), "2 décembre 2026", "December 2, 2026"),
        (date(2026, 12, 11), "11 décembre 2026", "December 11, 2026"),
        (date(2026, 12, 21), "21 décembre 2026", "December 21, 2026"),
        (date(2009, 6, 1), "1er juin 2009", "June 1, 2009"),
    ],
)
def test_french_dates_write_only_the_first_of_the_month_as_an_ordinal(app, day, french, english):
    with app.test_request_context(headers=FRENCH):
        assert formats.long_date(day) == french
    with app.test_request_context(headers=ENGLISH):
        assert formats.long_date(day) == english


def test_a_moment_on_the_first_of_the_month_reads_1er_in_french(app):
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # 10:30 in Paris
    with app.test_request_context(headers=FRENCH):
        assert formats.long_datetime(moment).startswith("1er décembre 2026")
        assert "10:30" in formats.long_datetime(moment)
    with app.test_request_context(headers=ENGLISH):
        assert formats.long_datetime(moment).startswith("December 1, 2026")


def test_a_moment_late_on_the_last_day_is_the_first_in_paris(app):
    # 23:30 UTC on 30 November is 00:30 on 1 December in Paris: the reader's day decides.
    moment = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    with app.test_request_context(headers=FRENCH):
        assert formats.long_date(moment) == "1er décembre 2026"


def test_the_request_page_writes_the_first_of_the_month_as_an_ordinal(client, auth, make):
    request = make.request(["no_answer"], opened_on=date(2026, 12, 1))
    auth.login("staff")
    page = client.get(f"/requests/{request.id}", headers=FRENCH).text
    assert "le 1er décembre 2026" in page
    assert "1 décembre 2026" not in page


# --- dates in sentences ---------------------------------------------------------------------


def test_a_refusal_names_its_date_in_words_in_the_readers_language(client, auth, make):
    handle = make.handle("Gallimard", today=date(2009, 6, 1))
    auth.login("staff")
    url = f"/handles/{handle.id}/holder"
    data = {"holder_kind": "brand", "started_on": "2008-01-01"}
    french = unescape(client.post(url, data=data, headers=FRENCH).text)
    assert f"Le détenteur actuel le détient depuis le 1er juin 2009{NNBSP};" in french
    assert "2009-06-01" not in french
    english = unescape(client.post(url, data=data, headers=ENGLISH).text)
    assert "The current holder has held it since June 1, 2009;" in english


def test_a_date_out_of_range_names_the_range_in_words(client, auth, make):
    handle = make.handle("Gallimard")
    auth.login("staff")
    response = client.post(
        f"/handles/{handle.id}/holder",
        data={"holder_kind": "brand", "started_on": "1850-03-01"},
        headers=FRENCH,
    )
    assert response.status_code == 422
    assert "Indiquez une date entre le 1er janvier 1900 et le 31 décembre 2100." in unescape(
        response.text
    )


def test_the_cli_and_logs_keep_iso_dates_and_bare_codes():
    error = limits.OutOfRange(
        "Give a date between %(min)s and %(max)s.", min=limits.MIN_DAY, max=limits.MAX_DAY
    )
    assert str(error) == "Give a date between 1900-01-01 and 2100-12-31."
    state = Message('The request is already "%(current)s".', current=Code("state", "agreed"))
    assert str(state) == 'The request is already "agreed".'


def test_the_import_says_since_when_in_words(app, make):
    from registry.services import csv_import

    make.handle("Gallimard", holder_kind="fan", today=date(2026, 12, 1))
    with app.app_context():
        report = csv_import.import_handles(
            context(today=date(2026, 11, 20)),
            b"platform,handle,brand,holder_kind,holder_name,status,followers,notes\n"
            b"x,Gallimard,,brand,Gallimard,active,,\n",
            dry_run=True,
        )
    (problem,) = report.problems
    with app.test_request_context(headers=FRENCH):
        shown = words.translated(problem.parts[0])
    assert "depuis le 1er décembre 2026" in shown


# --- codes by their names -------------------------------------------------------------------


def test_a_code_is_named_and_choices_show_codes_with_their_names(app):
    message = Message(
        'Unknown status "%(value)s"; choose one of %(choices)s.',
        value="foo",
        choices=Choices("status", ("active", "for_sale")),
    )
    with app.test_request_context(headers=FRENCH):
        assert words.translated(message) == (
            f"Statut inconnu\xa0: «\xa0foo\xa0»{NNBSP}; choisissez parmi active (actif),"
            " for_sale (à vendre)."
        )
        # Inside a sentence, a name is a word: no capital.
        assert words.translated(Message("%(s)s", s=Code("state", "agreed"))) == "acceptée"
    with app.test_request_context(headers=ENGLISH):
        # English names add nothing to the codes they spell.
        assert words.translated(message) == (
            'Unknown status "foo"; choose one of active, for_sale.'
        )


def upload(client, data: bytes, headers):
    form = {"file": FileStorage(io.BytesIO(data), filename="handles.csv")}
    boundary, body = encode_multipart(form)
    return client.post(
        "/handles/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


def test_a_csv_error_lists_the_allowed_codes_with_their_french_names(client, auth):
    auth.login("staff")
    response = upload(
        client,
        b"platform,handle,brand,holder_kind,holder_name,status,followers,notes\n"
        b"x,Gallimard,,pirate,,sold,,\n",
        FRENCH,
    )
    assert response.status_code == 422
    page = unescape(response.text)
    assert "Statut inconnu\xa0: «\xa0sold\xa0»" in page
    assert "active (actif), dormant (inactif), emptied (vidé), for_sale (à vendre)" in page
    assert "Type de détenteur inconnu\xa0: «\xa0pirate\xa0»" in page
    assert "brand (marque), fan, agency (agence), squatter (squatteur)" in page


def test_the_api_keeps_codes_bare_in_its_sentences(client, app):
    with app.app_context():
        session = db.session()
        user = accounts.create_user(
            context(), email="api@example.org", password=PASSWORD, role="staff"
        )
        _row, token = tokens.create_token(context(user), user, "tests")
        session.commit()
    response = client.post(
        "/api/v1/handles",
        json={"platform": "x", "handle": "Gallimard", "status": "sold"},
        headers={"Authorization": f"Bearer {token}", **FRENCH},
    )
    assert response.status_code == 422
    text = str(response.get_json())
    assert "active, dormant, emptied, for_sale" in text
    assert "(Actif)" not in text


def test_a_refused_move_names_the_states_in_french(client, auth, make):
    request = make.request(["no_answer"], opened_on=date(2026, 3, 2))
    auth.login("staff")
    response = client.post(
        f"/requests/{request.id}/transition", data={"to": "completed"}, headers=FRENCH
    )
    assert response.status_code == 302  # back to the request, the refusal flashed
    page = unescape(client.get(f"/requests/{request.id}", headers=FRENCH).text)
    assert "«\xa0contact en cours\xa0» ne peut pas passer directement à «\xa0terminée\xa0»" in page


def test_the_audit_trail_names_states_roles_and_kinds_in_french(client, auth, make):
    request = make.request(["no_answer"], opened_on=date(2026, 6, 1))
    auth.login("admin")
    page = unescape(client.get("/audit", headers=FRENCH).text)
    # Summaries: the state move, the attempt (an account's role: tests/web/test_audit.py).
    assert f"Demande n°{request.id}{NNBSP}: proposée → contact en cours" in page
    assert f"Demande n°{request.id}{NNBSP}: sortante, e-mail, pas de réponse" in page
    # Before/after values, in table cells: codes by their names, days in words.
    assert '<td class="after">Contact en cours</td>' in page
    assert '<td class="after">Proposée</td>' in page
    assert "1er juin 2026" in page  # when the attempt happened
    for code in ("no_answer", "outbound", ">proposed<", ">contacting<", "2026-06-01"):
        assert code not in page, code


def test_the_audit_trail_in_english_names_them_too(client, auth, make):
    request = make.request(["no_answer"], opened_on=date(2026, 6, 1))
    auth.login("admin")
    page = unescape(client.get("/audit", headers=ENGLISH).text)
    assert f"Request #{request.id}: proposed → contacting" in page
    assert '<td class="after">Contacting</td>' in page
    assert "June 1, 2026" in page


# --- countries -------------------------------------------------------------------------------


def test_brands_show_their_country_by_name(client, auth, make):
    make.brand("Gallimard", country="FR")
    make.brand("Nespresso", country="CH")
    page = client.get("/brands", headers=FRENCH).text
    assert 'data-label="Pays">France</td>' in page and 'data-label="Pays">Suisse</td>' in page
    assert 'data-label="Pays">FR</td>' not in page
    page = client.get("/brands", headers=ENGLISH).text
    assert 'data-label="Country">Switzerland</td>' in page
    detail = client.get("/brands/nespresso", headers=FRENCH).text
    assert "Suisse" in detail and "Pays CH" not in detail


def test_a_brands_region_is_named_with_its_country(client, auth, make):
    make.brand("Irn", country="GB", subdivision="GB-SCT", timezone="Europe/London")
    page = client.get("/brands/irn", headers=FRENCH).text
    assert "Scotland (Royaume-Uni)" in page


# --- e-mail addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "french"),
    [
        ("julien.example.org", f"Saisissez une adresse e-mail valide{NNBSP}: il y manque le @."),
        ("@example.org", f"Saisissez une adresse e-mail valide{NNBSP}: il n’y a rien avant le @."),
        ("julien@example", "la partie après le @ doit contenir un point, comme example.org."),
        ("julien@@example.org", "Saisissez une adresse e-mail valide"),
    ],
)
def test_an_invalid_email_is_explained_in_french_only(client, typed, french):
    response = client.post(
        "/signup",
        data={"email": typed, "password": "a long pass phrase", "confirm": "a long pass phrase"},
        headers=FRENCH,
    )
    assert response.status_code == 422
    page = unescape(response.text)
    assert french in page
    assert "@-sign" not in page and "email address" not in page


def test_the_email_reasons_the_validator_gives_are_all_ours_in_english():
    with pytest.raises(Invalid) as refused:
        accounts.normalise_email("julien.example.org")
    assert str(refused.value) == "Enter a valid e-mail address: it has no @."
    with pytest.raises(Invalid) as refused:
        accounts.normalise_email("julien@@example.org")
    assert refused.value.msgid in {m for _, m in accounts.EMAIL_PROBLEMS} | {accounts.EMAIL_INVALID}


def test_the_brand_form_suggests_countries_by_name_in_the_readers_language(client, auth):
    auth.login("staff")
    page = client.get("/brands/new", headers=FRENCH).text
    assert 'list="countries"' in page
    assert '<option value="CH">Suisse</option>' in page
    assert '<option value="DE">Allemagne</option>' in page
    assert page.index(">Allemagne<") < page.index(">France<") < page.index(">Suisse<")
    page = client.get("/brands/new", headers=ENGLISH).text
    assert '<option value="DE">Germany</option>' in page
