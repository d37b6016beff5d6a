"""Every message of the real-world mail corpus gets the outcome its source project's own tests
give it, by the DESIGN.md rule its label names, and a reply's summary is its new text.

The corpus (65 messages: auto-replies, bounces and replies from many servers and clients) is
shared data, read in place from ``../shared/mail-corpus`` beside the checkout (or
$MAIL_CORPUS), never copied into the repository; its README says what a test may change: the
addressing only (the leading mbox line, To and the delivery headers), which this test does
to address each message to a request's reply address.
"""

import hashlib
import json
import re
import secrets

import pytest

from registry.domain.correspondence import MailRule, parse, reply_token
from tests.mailscene import CORPUS

LABELS = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
REPLY_DOMAIN = "replies.registry.example"

# The README's list: the headers that say where a copy was delivered, removed with To.
DELIVERY_HEADERS = {
    b"to",
    b"delivered-to",
    b"x-original-to",
    b"x-orig-to",
    b"envelope-to",
    b"x-envelope-to",
    b"x-apparently-to",
    b"x-delivered-to",
    b"x-forwarded-to",
}

# Which MailRule each kind of design_rule entry in labels.json names.
DESIGN_RULES = {
    "auto-submitted": MailRule.AUTO_SUBMITTED,
    "x-autoreply": MailRule.X_AUTOREPLY,
    "x-autorespond": MailRule.X_AUTORESPOND,
    "precedence": MailRule.PRECEDENCE,
    "subject": MailRule.OUT_OF_OFFICE_SUBJECT,
    "multipart/report": MailRule.DELIVERY_STATUS,
    "from": MailRule.MAILER_DAEMON,
}


def addressed(raw: bytes, reply_address: str) -> bytes:
    """The message as the registry would receive it at a request's reply address."""
    if raw.startswith(b"From "):
        raw = raw.split(b"\n", 1)[1]
    end = re.search(rb"\r?\n\r?\n", raw)
    head, body = (raw[: end.start()], raw[end.start() :]) if end else (raw, b"")
    newline = b"\r\n" if b"\r\n" in head else b"\n"
    kept: list[bytes] = [b"To: " + reply_address.encode()]
    dropping = False
    for line in head.splitlines():
        if line[:1] in (b" ", b"\t"):
            if not dropping:
                kept.append(line)
            continue
        dropping = line.split(b":", 1)[0].strip().lower() in DELIVERY_HEADERS
        if not dropping:
            kept.append(line)
    return newline.join(kept) + body


def first_line(text: str) -> str:
    # talon's own test compares the first line, and its Sparrow sample ends it with a space
    # the summary does not keep (it is stripped).
    return text.split("\n", 1)[0].rstrip()


@pytest.mark.parametrize("entry", LABELS, ids=[entry["file"] for entry in LABELS])
def test_each_corpus_message_gets_its_label_by_its_rule(entry):
    raw = (CORPUS / entry["file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
    token = secrets.token_urlsafe(24)

    mail = parse(addressed(raw, f"reply+{token}@{REPLY_DOMAIN}"))

    assert mail.outcome == entry["label"]
    named = {
        DESIGN_RULES[rule.split(":")[0].split(";")[0].strip().lower()]
        for rule in entry.get("design_rule", [])
    }
    assert mail.rule in (named or {MailRule.NONE})
    assert reply_token(mail.recipients, REPLY_DOMAIN) == token


REPLIES = [entry for entry in LABELS if entry["label"] == "replied"]


@pytest.mark.parametrize("entry", REPLIES, ids=[entry["file"] for entry in REPLIES])
def test_a_replys_summary_is_its_new_text_without_the_quoted_thread(entry):
    mail = parse((CORPUS / entry["file"]).read_bytes())

    assert mail.summary
    if "expected_text" in entry:
        assert first_line(mail.summary) == first_line(entry["expected_text"])
    summary_lines = {line.strip() for line in mail.summary.splitlines()}
    assert [line for line in entry.get("quoted", []) if line.strip() in summary_lines] == []


def test_the_corpus_is_whole():
    labels = [entry["label"] for entry in LABELS]
    assert {label: labels.count(label) for label in set(labels)} == {
        "auto_reply": 20,
        "bounced": 22,
        "replied": 23,
    }
    assert sum("expected_text" in entry for entry in REPLIES) == 20
