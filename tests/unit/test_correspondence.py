"""Incoming mail read by registry.domain.correspondence: each rule on a minimal message, the
charsets and markup people's mail programs really send, broken messages, addressing, DMARC,
and mass replies. The real-world samples are in tests/unit/test_mail_corpus.py."""

import time
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.domain.correspondence import (
    MailRule,
    classify,
    mass_reply_text,
    near_copy,
    parse,
    reply_token,
)
from registry.domain.vocabulary import Outcome
from tests.unit.test_mail_corpus import CORPUS, LABELS

TOKEN = "q3V9kX2mPz8RtY6wLb1NcA"  # 22 url-safe characters: the shortest token


def message(body: str = "Bonjour, c'est d'accord.", **headers: str) -> EmailMessage:
    """A message with these headers (Auto_Submitted for Auto-Submitted)."""
    mail = EmailMessage()
    mail["From"] = headers.pop("From", "Service client <contact@brand.example>")
    mail["Subject"] = headers.pop("Subject", "Re: Transfert du compte @nespresso")
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return mail


def raw(head: str, body: bytes = b"Bonjour") -> bytes:
    return head.strip().replace("\n", "\r\n").encode() + b"\r\n\r\n" + body


# --- each rule -----------------------------------------------------------------------------


def test_a_plain_answer_is_a_reply():
    assert classify(message()) == (Outcome.REPLIED, MailRule.NONE)


@pytest.mark.parametrize("value", ["auto-replied", "auto-generated", "auto-replied (vacation)"])
def test_auto_submitted_marks_an_auto_reply(value):
    assert classify(message(Auto_Submitted=value)) == (Outcome.AUTO_REPLY, MailRule.AUTO_SUBMITTED)


def test_auto_submitted_no_is_a_person_writing():
    assert classify(message(Auto_Submitted="no")) == (Outcome.REPLIED, MailRule.NONE)


def test_x_autoreply_and_x_autorespond_mark_auto_replies():
    assert classify(message(X_Autoreply="yes")) == (Outcome.AUTO_REPLY, MailRule.X_AUTOREPLY)
    assert classify(message(X_Autorespond="Merci")) == (Outcome.AUTO_REPLY, MailRule.X_AUTORESPOND)


@pytest.mark.parametrize("value", ["bulk", "junk", "auto_reply", "Bulk"])
def test_precedence_bulk_junk_or_auto_reply_marks_an_auto_reply(value):
    assert classify(message(Precedence=value)) == (Outcome.AUTO_REPLY, MailRule.PRECEDENCE)


def test_precedence_list_and_response_suppression_say_nothing_of_the_message():
    assert classify(message(Precedence="list"))[0] == Outcome.REPLIED
    # Exchange asks others not to answer automatically: the message itself is a person's.
    assert classify(message(X_Auto_Response_Suppress="All"))[0] == Outcome.REPLIED


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office",
        "Out of the office until Monday",
        "Automatic reply: Transfert du compte @nespresso",
        "Auto: Transfert du compte",
        "Autoreply: your message",
        "Auto-Reply: your message",
        "Vacation",
        "Absence",
        "Absent du bureau",
        "Réponse automatique : Transfert du compte",
        "Reponse automatique : Transfert du compte",
        "Message d'absence",
        "En congé jusqu'au 3 janvier",
        "[Réponse automatique] Transfert du compte",
    ],
)
def test_an_out_of_office_subject_in_french_or_english_marks_an_auto_reply(subject):
    assert classify(message(Subject=subject)) == (
        Outcome.AUTO_REPLY,
        MailRule.OUT_OF_OFFICE_SUBJECT,
    )


@pytest.mark.parametrize(
    "subject",
    [
        "Re: Transfert du compte @nespresso",
        "Re: Absence de réponse à votre demande",
        "RE: the vacation account you asked about",
        "Re: automatic transfer of the handle",
    ],
)
def test_a_persons_subject_that_mentions_absence_stays_a_reply(subject):
    assert classify(message(Subject=subject))[0] == Outcome.REPLIED


REPORT = """
From: Mail Delivery System <relay@mx.brand.example>
To: reply+{token}@replies.registry.example
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.brand.example

Final-Recipient: rfc822; legal@brand.example
Action: failed
Status: 5.1.1

--B--
"""


def test_a_delivery_status_report_is_a_bounce_even_with_auto_submitted():
    mail = parse(raw(REPORT.format(token=TOKEN), b""))
    assert (mail.outcome, mail.rule) == (Outcome.BOUNCED, MailRule.DELIVERY_STATUS)
    assert mail.text.startswith("I'm sorry to have to inform you")


def test_a_mailer_daemon_failure_is_a_bounce_even_with_auto_submitted():
    bounce = message(
        "Delivery to the following recipient failed permanently.",
        From="MAILER-DAEMON@mx.brand.example",
        Subject="Mail delivery failed: returning message to sender",
        Auto_Submitted="auto-replied",
    )
    assert classify(bounce) == (Outcome.BOUNCED, MailRule.MAILER_DAEMON)
    postmaster = message("Could not deliver.", From="Postmaster <POSTMASTER@brand.example>")
    assert classify(postmaster)[0] == Outcome.BOUNCED


def test_an_empty_return_path_bounces_only_with_a_failure_subject():
    failure = message(From="relay@brand.example", Subject="Undeliverable: Transfert du compte")
    failure["Return-Path"] = "<>"
    assert classify(failure) == (Outcome.BOUNCED, MailRule.MAILER_DAEMON)
    notice = message(From="relay@brand.example", Subject="Re: Transfert du compte")
    notice["Return-Path"] = "<>"
    assert classify(notice) == (Outcome.REPLIED, MailRule.NONE)


# --- charsets ------------------------------------------------------------------------------


def text_of(head: str, body: bytes) -> tuple[str, tuple[str, ...]]:
    mail = parse(raw(head, body))
    return mail.text, mail.defects


def test_iso_8859_1_is_read_as_labelled():
    assert text_of("Content-Type: text/plain; charset=ISO-8859-1", b"Caf\xe9") == ("Café", ())


def test_windows_1252_quotes_labelled_iso_8859_1_read_as_browsers_read_them():
    text, _ = text_of("Content-Type: text/plain; charset=iso-8859-1", b"l\x92\xe9quipe")
    assert text == "l’équipe"


def test_utf8_labelled_latin_1_is_read_as_utf8_and_said():
    text, defects = text_of("Content-Type: text/plain; charset=latin-1", "Café ’".encode())
    assert text == "Café ’"
    assert defects == ("UTF-8 text labelled latin-1",)


@pytest.mark.parametrize(("body", "expected"), [(b"Caf\xc3\xa9", "Café"), (b"Caf\xe9", "Café")])
def test_an_unknown_charset_falls_back_and_is_said(body, expected):
    text, defects = text_of("Content-Type: text/plain; charset=x-foo", body)
    assert text == expected
    assert "unknown charset x-foo" in defects


def test_eight_bit_text_without_a_charset_is_read_and_said():
    text, defects = text_of("Content-Type: text/plain", b"Re\xe7u, merci")
    assert text == "Reçu, merci"
    assert defects == ("8-bit text without a charset",)


def test_text_not_in_its_declared_charset_is_read_and_said():
    text, defects = text_of("Content-Type: text/plain; charset=shift_jis", b"\xff\xfe\xfd ok")
    assert text.endswith(" ok")
    assert defects == ("text not in shift_jis",)


def test_eight_bit_and_encoded_headers_are_decoded():
    mail = parse(
        b"From: Fran\xe7ois <Francois@Brand.Example>\r\nSubject: R\xc3\xa9ponse\r\n"
        b"Cc: =?x-foo?q?caf=E9?= <cafe@brand.example>, =?utf-8?q?=C3=89lodie?= <e@x.fr>\r\n\r\nOui"
    )
    assert (mail.sender_name, mail.sender, mail.subject) == (
        "François",
        "francois@brand.example",
        "Réponse",
    )
    assert mail.recipients == ("cafe@brand.example", "e@x.fr")


def test_nul_bytes_never_reach_the_text():
    mail = parse(raw("Subject: a\x00b", b"Bon\x00jour"))
    assert (mail.text, mail.subject) == ("Bonjour", "ab")


# --- HTML ----------------------------------------------------------------------------------

HTML = b"""<html><head><title>Titre</title><style>p { color: red }</style></head>
<body><script>alert("x")</script><p>Bonjour&nbsp;Marie &amp; merci,</p>
<div>Nous &eacute;tudions <b>votre</b>
   demande.</div><br>
<div class="gmail_quote">Le 3 mars, Registre a &eacute;crit :<blockquote>Votre offre
<blockquote>plus ancien</blockquote></blockquote></div></body></html>"""


def test_an_html_only_message_becomes_the_text_a_reader_sees():
    mail = parse(raw("Content-Type: text/html; charset=utf-8", HTML))
    assert "<" not in mail.text
    lines = [line for line in mail.text.splitlines() if line]
    assert lines[:2] == ["Bonjour\xa0Marie & merci,", "Nous étudions votre demande."]
    assert lines[-3:] == ["Le 3 mars, Registre a écrit :", "> Votre offre", "> > plus ancien"]
    for hidden in ("alert", "color", "Titre"):
        assert hidden not in mail.text
    assert mail.summary == "Bonjour\xa0Marie & merci,\n\nNous étudions votre demande."


def test_text_plain_is_preferred_over_html():
    mail = message("Texte brut")
    mail.add_alternative("<p>En HTML</p>", subtype="html")
    assert parse(mail.as_bytes()).text == "Texte brut"


# --- broken messages -----------------------------------------------------------------------

BROKEN = [
    b"",
    b"\x00" * 100,
    b"\xff\xfe garbage \x80\x81\r\n\r\n\r\n:::",
    raw(
        'Content-Type: multipart/mixed; boundary="X"', b"--X\r\nContent-Type: text/plain\r\n\r\nHi"
    ),
    raw("Content-Type: multipart/alternative", b"no boundary at all"),
    raw("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64", b"%%%="),
    raw("Date: Mon, 99 Foo 99999 99:99:99 +9999\nMessage-ID: <<>>\nFrom: <<@>>", b"x"),
    raw("Subject: =?utf-8?b?////?= =?unknown?x?y?=", b"x"),
]


@pytest.mark.parametrize("data", BROKEN, ids=range(len(BROKEN)))
def test_a_broken_message_is_read_without_raising(data):
    mail = parse(data)
    assert mail.outcome in {Outcome.REPLIED, Outcome.AUTO_REPLY, Outcome.BOUNCED}


def test_a_multipart_without_its_closing_boundary_keeps_its_text():
    mail = parse(raw('Content-Type: multipart/mixed; boundary="X"', b"--X\r\n\r\nStill read"))
    assert mail.text == "Still read"
    assert "close boundary not found" in mail.defects


@pytest.mark.parametrize(
    "data",
    [
        b"Subject: " + b"a" * 2_000_000 + b"\r\n\r\nBonjour",
        b"From: " + b"<a@b.example>," * 150_000 + b"\r\n\r\nBonjour",
        b"Content-Type: text/plain;" + b" a=b;" * 400_000 + b"\r\n\r\nBonjour",
        b"X-A: b\r\n" * 200_000 + b"\r\nBonjour",
    ],
    ids=["2 MB subject", "150 000 senders", "400 000 parameters", "200 000 headers"],
)
def test_a_huge_header_is_cut_short_and_read_quickly(data):
    started = time.perf_counter()
    mail = parse(data)
    assert time.perf_counter() - started < 2
    assert mail.text == "Bonjour"
    assert "header too long" in mail.defects


# --- identifiers, dates, addresses ---------------------------------------------------------


def test_message_id_and_references_lose_their_brackets_and_keep_their_order():
    mail = parse(
        raw(
            "Message-ID: <reply-1@brand.example>\nIn-Reply-To: <letter-2@registry.example>\n"
            "References: <letter-1@registry.example>\n <letter-2@registry.example> "
            "<other@x.example>"
        )
    )
    assert mail.message_id == "reply-1@brand.example"
    assert mail.references == (
        "letter-2@registry.example",
        "letter-1@registry.example",
        "other@x.example",
    )


def test_absent_ids_are_empty():
    mail = parse(raw("Subject: x"))
    assert (mail.message_id, mail.references) == ("", ())


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Tue, 3 Mar 2026 10:15:00 +0100", datetime(2026, 3, 3, 9, 15, tzinfo=UTC)),
        ("Tue, 3 Mar 2026 10:15:00 -0000", datetime(2026, 3, 3, 10, 15, tzinfo=UTC)),
        ("Sat, 3 Mar 1800 10:15:00 +0000", None),
        ("not a date", None),
        ("", None),
    ],
)
def test_sent_at_is_utc_and_plausible(date, expected):
    assert parse(raw(f"Date: {date}")).sent_at == expected


def test_recipients_come_from_every_delivery_header_with_their_domain_lower_cased():
    mail = parse(
        raw(
            f"To: Legal <legal@Brand.Example>\nCc: a@x.example, reply+{TOKEN}@Replies.Example\n"
            "Delivered-To: d@x.example\nX-Original-To: o@x.example\nEnvelope-To: e@x.example"
        )
    )
    assert mail.recipients == (
        "legal@brand.example",
        "a@x.example",
        f"reply+{TOKEN}@replies.example",
        "d@x.example",
        "o@x.example",
        "e@x.example",
    )


def test_reply_token_finds_the_first_reply_address_on_the_domain():
    assert reply_token([f"REPLY+{TOKEN}@Replies.Example"], "replies.example") == TOKEN
    assert reply_token(["legal@brand.example", f"reply+{TOKEN}@replies.example"], "REPLIES.example")
    assert (
        reply_token([f"<reply+{TOKEN}-x_y@replies.example>"], "replies.example") == TOKEN + "-x_y"
    )


@pytest.mark.parametrize(
    "address",
    [
        f"reply+{TOKEN[:21]}@replies.example",  # too short to be unguessable
        f"reply+{TOKEN * 3}@replies.example",  # longer than any token made
        f"reply+{TOKEN}@other.example",
        f"reply+{TOKEN}@replies.example.evil",
        f"reply+{TOKEN[:-1]}=@replies.example",
        f"noreply+{TOKEN}@replies.example",
        "",
    ],
)
def test_reply_token_ignores_other_addresses(address):
    assert reply_token([address], "replies.example") is None


# --- DMARC ---------------------------------------------------------------------------------

PASS = (
    "mx.registry.example; spf=pass smtp.mailfrom=brand.example;"
    " dmarc=pass (p=reject) header.from=brand.example"
)
FAIL = "mx.registry.example; dmarc=FAIL header.from=brand.example"


def dmarc_of(*results: str, authserv_id: str = "") -> str:
    head = "".join(f"Authentication-Results: {value}\n" for value in results)
    return parse(raw(head + "From: legal@brand.example"), authserv_id=authserv_id).dmarc


def test_the_topmost_authentication_results_give_the_dmarc_verdict():
    assert dmarc_of(PASS) == "pass"
    assert dmarc_of(FAIL) == "fail"
    assert dmarc_of() == "none"
    assert dmarc_of("mx.registry.example; dmarc=temperror header.from=x") == "temperror"
    assert dmarc_of("mx.registry.example; spf=pass smtp.mailfrom=x") == "none"


def test_a_forged_lower_header_is_ignored():
    assert dmarc_of(FAIL, PASS) == "fail"
    assert dmarc_of("mx.registry.example; none", PASS) == "none"
    assert dmarc_of("unreadable ;;; ===", PASS) == "none"


def test_with_an_authserv_id_only_that_servers_headers_count():
    forged = "mx.registry.example.evil; dmarc=pass header.from=brand.example"
    assert dmarc_of(forged, authserv_id="mx.registry.example") == "none"
    assert dmarc_of(forged, FAIL, authserv_id="mx.registry.example") == "none"
    spf_only = "MX.registry.example; spf=pass smtp.mailfrom=brand.example"
    assert dmarc_of(spf_only, FAIL, authserv_id="mx.registry.example") == "fail"
    assert dmarc_of(PASS, authserv_id="mx.registry.example") == "pass"


# --- mass replies --------------------------------------------------------------------------

NESPRESSO_1 = """Bonjour Marie,

Nous vous remercions pour votre message concernant le compte @nespresso_fan. Votre demande
a bien été transmise à notre service juridique, qui l'étudiera dans les meilleurs délais.
Référence de votre dossier : CAS-0012345 du 03/03/2026.

Cordialement,
Julie
Service Consommateurs Nespresso"""

NESPRESSO_2 = """Madame, Monsieur,

Nous vous remercions pour votre message concernant le compte @capsule_lover. Votre demande a
bien été transmise à notre service juridique, qui l'étudiera dans les meilleurs délais.
Référence de votre dossier : CAS-0098765 du 11/03/2026.

Bien à vous,
Thomas
Service Consommateurs Nespresso"""

REAL_1 = """Hello,

Thanks for reaching out. We checked the account and it belongs to a former franchisee; we
will contact them and ask them to hand it over before the end of the month.

Best regards,
Anna"""

REAL_2 = """Dear Mr Smith,

We are not able to transfer this handle: it is part of an ongoing trademark dispute and our
lawyers asked us to keep it as it is until the court decides.

Kind regards,
Legal team"""


def test_mass_reply_text_drops_greetings_sign_offs_names_and_numbers():
    text = mass_reply_text(NESPRESSO_1, ["Marie Dupont", "Julie", "nespresso_fan"])
    assert text.startswith("nous vous remercions pour votre message concernant le compte ")
    assert text.endswith("référence de votre dossier 0 du 0")
    for gone in ("bonjour", "marie", "julie", "nespresso_fan", "cordialement", "12345"):
        assert gone not in text


def test_a_reply_that_starts_with_thanks_keeps_what_it_says():
    text = mass_reply_text("Merci pour votre message, nous transférons le compte lundi.\nMerci")
    assert text == "merci pour votre message nous transférons le compte lundi"


def test_two_pasted_answers_with_other_names_greetings_and_tickets_are_near_copies():
    first = mass_reply_text(NESPRESSO_1, ["Marie Dupont", "Julie", "nespresso_fan"])
    second = mass_reply_text(NESPRESSO_2, ["Jean Martin", "Thomas", "capsule_lover"])
    assert near_copy(first, second)


def test_two_different_replies_are_not_near_copies():
    assert not near_copy(mass_reply_text(REAL_1, ["Anna"]), mass_reply_text(REAL_2, ["Smith"]))
    assert not near_copy(mass_reply_text(NESPRESSO_1), mass_reply_text(REAL_1))


def test_a_short_thanks_is_never_a_mass_reply():
    assert not near_copy(mass_reply_text("Merci"), mass_reply_text("Merci"))
    assert not near_copy("bien reçu nous revenons vers vous", "bien reçu nous revenons vers vous")


def test_quoted_lines_are_no_part_of_the_compared_text():
    quoted = NESPRESSO_1 + "\n> Votre lettre du 1er mars\n> au sujet du compte"
    assert mass_reply_text(quoted) == mass_reply_text(NESPRESSO_1)


# --- properties ----------------------------------------------------------------------------


def assert_sound(mail) -> None:
    assert mail.outcome in {Outcome.REPLIED, Outcome.AUTO_REPLY, Outcome.BOUNCED}
    assert len(mail.summary) <= 4000
    assert "\x00" not in mail.text + mail.summary + mail.subject + mail.sender_name


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_parse_never_raises_on_any_bytes(data):
    assert_sound(parse(data))


CORPUS_BYTES = [(CORPUS / entry["file"]).read_bytes() for entry in LABELS]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(CORPUS_BYTES),
    st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 3), st.binary(min_size=1, max_size=40)),
        min_size=1,
        max_size=6,
    ),
)
def test_parse_never_raises_on_a_mutated_corpus_message(original, mutations):
    data = bytearray(original)
    for where, how, chunk in mutations:
        at = int(where * len(data))
        if how == 0:
            data[at : at + len(chunk)] = chunk  # overwrite
        elif how == 1:
            data[at:at] = chunk  # insert
        elif how == 2:
            del data[at : at + len(chunk) * 20]  # cut
        else:
            del data[at:]  # truncate
    assert_sound(parse(bytes(data)))


def test_the_corpus_is_where_the_tests_read_it():
    assert Path(CORPUS, "README.md").is_file()
