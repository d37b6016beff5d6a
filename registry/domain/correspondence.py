"""Incoming mail: what a message is, who sent it, what it answers and what it says (issue 26).

The registry sends letters to brands and reads their answers (DESIGN.md, "Correspondence").
Each message is read by ``parse`` into a ``ParsedMail``, whatever its bytes: the services
match it to a request (``reply_token`` on its recipients, else its ``references`` to a letter
sent) and log it as an inbound attempt with the outcome ``classify`` decides:

- ``bounced``: an RFC 3464 delivery-status report (``multipart/report;
  report-type=delivery-status``, or a ``message/delivery-status`` part), or a failure from a
  mail server (From MAILER-DAEMON, postmaster or "Mail Delivery Subsystem", or an empty
  Return-Path with a failure subject). It comes first: most servers' bounces also carry
  ``Auto-Submitted``, and a bounce is what they are.
- ``auto_reply``: RFC 3834 ``Auto-Submitted`` other than ``no``; ``X-Autoreply``;
  ``X-Autorespond``; ``Precedence: auto_reply``, ``bulk`` or ``junk``; an out-of-office
  subject in French or English. ``X-Auto-Response-Suppress`` asks *others* not to answer
  automatically and says nothing of the message itself.
- else ``replied``.

Each rule is tested on real messages: the corpus in /work/shared/mail-corpus, 65 messages
from other projects' test fixtures, each labelled from that project's own tests
(tests/unit/test_mail_corpus.py).

Mass replies: ``mass_reply_text`` keeps what a brand's reply says once greetings, sign-offs,
names, quotes and numbers are gone, and ``near_copy`` compares two of them, so that the
services can find the same answer pasted to many requests (DESIGN.md: three or more other
requests of the same brand in 30 days).

Authentication-Results (RFC 8601) is read with ``authres`` (the parser of the dkimpy and
pyspf authors): RFC 8601's comments and quoting are easy to get wrong by hand. Only the
receiving server's verdict counts, and it writes its header on top of the message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import SequenceMatcher
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from enum import StrEnum
from itertools import pairwise

import authres

from registry.domain.mail_text import (
    MAX_HTML_CHARS,
    MAX_TEXT_CHARS,
    bound_headers,
    decode,
    header_text,
    html_to_text,
    new_text,
)
from registry.domain.vocabulary import Outcome


class MailRule(StrEnum):
    """Which rule decided a message's outcome."""

    DELIVERY_STATUS = "delivery_status"  # RFC 3464 multipart/report
    MAILER_DAEMON = "mailer_daemon"
    AUTO_SUBMITTED = "auto_submitted"  # RFC 3834
    X_AUTOREPLY = "x_autoreply"
    X_AUTORESPOND = "x_autorespond"
    PRECEDENCE = "precedence"
    OUT_OF_OFFICE_SUBJECT = "out_of_office_subject"
    NONE = "none"  # a reply


@dataclass(frozen=True)
class ParsedMail:
    """What the registry keeps of one incoming message (its bytes are kept beside it)."""

    message_id: str  # without <>, "" when absent
    references: tuple[str, ...]  # In-Reply-To then References, without <>, each once
    sender: str  # the From address, lower-cased; "" when absent or unreadable
    sender_name: str
    recipients: tuple[str, ...]  # To, Cc, Delivered-To, X-Original-To, Envelope-To
    subject: str
    sent_at: datetime | None  # aware, UTC; None when absent, unreadable or implausible
    text: str  # the whole body as text (text/plain preferred, else the HTML's text)
    summary: str  # the new text only: no quoted thread, no signature
    outcome: str  # an Outcome: auto_reply, bounced or replied
    rule: MailRule
    dmarc: str  # the receiving server's DMARC verdict: pass, fail, none (absent)...
    defects: tuple[str, ...]  # what was wrong with the message, in short words


MAX_IDS = 200
MAX_AUTH_CHARS = 4_000  # authres re-copies the rest of the header at each token
MAX_ADDRESSES = 500
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")

# compat32: headers stay the raw strings this module decodes itself (`_header`); the default
# policy parses every header into an object on each read, which cost two thirds of a parse.
_POLICY = policy.compat32


def parse(raw: bytes, *, authserv_id: str = "") -> ParsedMail:
    """Read one RFC 5322 message; never raises, whatever the bytes.

    ``authserv_id``: the receiving server's name in its Authentication-Results headers.
    Given, only the headers it wrote count (the run of them at the top: a sender can write
    one with any name lower down); without it, only the topmost header counts.
    """
    bounded, defects = bound_headers(bytes(raw))
    try:
        message: Message = BytesParser(policy=_POLICY).parsebytes(bounded)
    except Exception:  # the email package's own limits: an empty message then
        message = EmailMessage(policy=_POLICY)
        defects.append("unreadable message")
    defects.extend(_defect_names(message))
    text, text_defects = _body_text(message)
    defects.extend(text_defects)
    outcome, rule = classify(message)
    sender_name, sender = _sender(message)
    return ParsedMail(
        message_id=_first_id(_header(message, "Message-ID")),
        references=_references(message),
        sender=sender,
        sender_name=sender_name,
        recipients=_recipients(message),
        subject=_header(message, "Subject")[:998],
        sent_at=_sent_at(_header(message, "Date")),
        text=text,
        summary=new_text(text),
        outcome=outcome,
        rule=rule,
        dmarc=_dmarc(message, authserv_id),
        defects=tuple(dict.fromkeys(defects)),
    )


def classify(message: Message) -> tuple[Outcome, MailRule]:
    """The outcome of an incoming message and the rule that decided it (module docstring)."""
    bounce = _delivery_status(message) or _mailer_daemon(message)
    if bounce is not None:
        return Outcome.BOUNCED, bounce
    auto = _auto_reply_rule(message)
    if auto is not None:
        return Outcome.AUTO_REPLY, auto
    return Outcome.REPLIED, MailRule.NONE


# --- headers -------------------------------------------------------------------------------


def _headers(message: Message, name: str) -> list[str]:
    """Every value of a header, decoded, top first, read raw (never the policy's parser)."""
    wanted = name.lower()
    try:
        return [header_text(value) for key, value in message.raw_items() if key.lower() == wanted]
    except Exception:
        return []


def _header(message: Message, name: str) -> str:
    values = _headers(message, name)
    return values[0] if values else ""


def _safe(call: object, default: str) -> str:
    """A content-type lookup that a malformed header cannot break."""
    try:
        value = call() if callable(call) else call
    except Exception:
        return default
    return str(value) if value is not None else default


def _defect_names(message: Message) -> list[str]:
    names: list[str] = []
    try:
        for part in message.walk():
            for defect in getattr(part, "defects", []):
                words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(defect).__name__)
                names.append(words.removesuffix(" Defect").lower())
    except Exception:
        names.append("unreadable structure")
    return names


def _ids(value: str) -> list[str]:
    found = re.findall(r"<([^<>\s]{1,998})>", value)
    if not found:
        found = [word for word in value.split() if "@" in word and len(word) <= 998]
    return found


def _first_id(value: str) -> str:
    ids = _ids(value)
    if ids:
        return ids[0]
    return value.strip().strip("<>")[:998] if " " not in value.strip() else ""


def _references(message: Message) -> tuple[str, ...]:
    ids: list[str] = []
    for name in ("In-Reply-To", "References"):
        for value in _headers(message, name):
            ids.extend(_ids(value))
    return tuple(dict.fromkeys(ids))[:MAX_IDS]


def _address(addr: str, *, keep_local_case: bool = False) -> str:
    addr = addr.strip().strip("<>").strip()
    if not addr or any(c.isspace() for c in addr):
        return ""
    local, at, domain = addr.rpartition("@")
    if not at:
        return addr if keep_local_case else addr.lower()
    return f"{local if keep_local_case else local.lower()}@{domain.lower()}"


def _sender(message: Message) -> tuple[str, str]:
    value = _header(message, "From")
    try:
        name, addr = parseaddr(value)
    except Exception:
        return "", ""
    return name.strip()[:200], _address(addr)[:320]


def _recipients(message: Message) -> tuple[str, ...]:
    """Every address the message was sent to, domain lower-cased.

    The local part keeps its case: the reply token in reply+TOKEN@ is case-sensitive, and
    RFC 5321 leaves the local part's case to the receiving server.
    """
    values = [value for name in RECIPIENT_HEADERS for value in _headers(message, name)]
    try:
        pairs = getaddresses(values)
    except Exception:
        return ()
    addresses = (_address(addr, keep_local_case=True) for _, addr in pairs)
    return tuple(dict.fromkeys(addr for addr in addresses if "@" in addr))[:MAX_ADDRESSES]


def _sent_at(value: str) -> datetime | None:
    if not value:
        return None
    try:
        sent = parsedate_to_datetime(value)
    except Exception:
        return None
    if sent.tzinfo is None:  # "-0000": the zone is unknown; RFC 5322 reads it as UTC
        sent = sent.replace(tzinfo=UTC)
    try:
        sent = sent.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return sent if 1900 <= sent.year <= 2100 else None


# --- body ----------------------------------------------------------------------------------


def _text_parts(message: Message) -> tuple[Message | None, Message | None]:
    """The first inline text/plain and text/html parts, outside attached messages."""
    plain: Message | None = None
    html: Message | None = None
    pending = [message]
    while pending and (plain is None or html is None):
        part = pending.pop(0)
        ctype = _safe(part.get_content_type, "text/plain")
        if part.is_multipart():
            if part is message or not ctype.startswith("message/"):
                payload = part.get_payload()
                pending[:0] = [p for p in payload if isinstance(p, Message)]
            continue
        if _safe(part.get_content_disposition, "") == "attachment":
            continue
        if ctype == "text/plain" and plain is None:
            plain = part
        elif ctype == "text/html" and html is None:
            html = part
    return plain, html


def _payload_text(part: Message) -> tuple[str, list[str]]:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return "", ["unreadable body"]
    if not isinstance(data, bytes):
        return "", []
    label = _safe(part.get_content_charset, "") or None
    return decode(data[: MAX_TEXT_CHARS * 4], label)


def _body_text(message: Message) -> tuple[str, list[str]]:
    """The body as text: text/plain preferred, else the HTML's text."""
    try:
        plain, html = _text_parts(message)
    except Exception:
        return "", ["unreadable structure"]
    if plain is not None:
        text, defects = _payload_text(plain)
        if text.strip() or html is None:
            return text.strip()[:MAX_TEXT_CHARS], defects
    if html is not None:
        markup, defects = _payload_text(html)
        if len(markup) > MAX_HTML_CHARS:
            defects.append("HTML cut short")
        try:
            return html_to_text(markup)[:MAX_TEXT_CHARS], defects
        except Exception:
            return "", [*defects, "unreadable HTML"]
    if not message.is_multipart() and _safe(message.get_content_maintype, "") == "multipart":
        # A multipart whose boundary never comes: its body is all the text there is.
        text, defects = _payload_text(message)
        return text.strip()[:MAX_TEXT_CHARS], defects
    return "", []


# --- the rules -----------------------------------------------------------------------------


def _delivery_status(message: Message) -> MailRule | None:
    """An RFC 3464 report: multipart/report for delivery status, or such a part in it."""
    ctype = _safe(message.get_content_type, "")
    if ctype == "multipart/report":
        kind = _safe(lambda: message.get_param("report-type", ""), "")
        if kind.lower() == "delivery-status":
            return MailRule.DELIVERY_STATUS
    try:
        parts = list(message.walk())
    except Exception:
        return None
    for part in parts:
        if _safe(part.get_content_type, "") in (
            "message/delivery-status",
            "message/global-delivery-status",  # RFC 6533, the same report in UTF-8
        ):
            return MailRule.DELIVERY_STATUS
    return None


_DAEMON_LOCAL = {"mailer-daemon", "mailerdaemon", "mailer_daemon", "postmaster", "mail-daemon"}
_DAEMON_NAME = re.compile(r"^(mail delivery (subsystem|system)|mailer[- ]?daemon)$", re.I)
_FAILURE_SUBJECT = re.compile(
    r"undeliver|undelivered|returned mail|delivery (status notification|failure|failed|"
    r"has failed)|mail delivery failed|failure notice|could not be delivered|non remis|"
    r"non distribuable|échec de (la )?(remise|distribution)|non recapitabile|unzustellbar",
    re.IGNORECASE,
)


def _mailer_daemon(message: Message) -> MailRule | None:
    """A failure from a mail server rather than a person."""
    name, addr = _sender(message)
    if addr.split("@")[0] in _DAEMON_LOCAL:
        return MailRule.MAILER_DAEMON
    if _DAEMON_NAME.match(name.strip()):
        return MailRule.MAILER_DAEMON
    return_path = _header(message, "Return-Path").replace(" ", "")
    if return_path == "<>" and _FAILURE_SUBJECT.search(_header(message, "Subject")):
        return MailRule.MAILER_DAEMON
    return None


# Out-of-office subjects. Phrases are found anywhere; a bare word only at the start, so that
# "Re: vos congés" from a person stays a reply.
_OUT_OF_OFFICE_ANYWHERE = re.compile(
    r"out of (the )?office|automatic (reply|response)|auto[- ]?(reply|répon|respon)|"
    r"r[ée]ponse automatique|message d'absence|absent du bureau|absence du bureau|"
    r"away from (the )?office|on vacation|en vacances|en congés?\b",
    re.IGNORECASE,
)
_OUT_OF_OFFICE_START = re.compile(
    r"^\s*[\[(]?(auto\s?:|absence|absent|en congé|congés|vacation|away|ooo\b|abwesend)",
    re.IGNORECASE,
)


def _auto_reply_rule(message: Message) -> MailRule | None:
    submitted = _header(message, "Auto-Submitted").split(";")[0].split("(")[0].strip()
    if submitted and submitted.lower() != "no":
        return MailRule.AUTO_SUBMITTED
    if _flag(_headers(message, "X-Autoreply")):
        return MailRule.X_AUTOREPLY
    if _flag(_headers(message, "X-Autorespond")):
        return MailRule.X_AUTORESPOND
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in ("auto_reply", "bulk", "junk"):
        return MailRule.PRECEDENCE
    subject = _header(message, "Subject")
    if _OUT_OF_OFFICE_ANYWHERE.search(subject) or _OUT_OF_OFFICE_START.match(subject):
        return MailRule.OUT_OF_OFFICE_SUBJECT
    return None


def _flag(values: list[str]) -> bool:
    """Whether a header such as X-Autoreply is there and not turned off."""
    return any(value.strip().lower() not in ("no", "false", "0") for value in values)


# --- reply address and DMARC ---------------------------------------------------------------

_REPLY = re.compile(r"reply\+([A-Za-z0-9_-]{22,64})@([^@\s]+)", re.IGNORECASE)


def reply_token(addresses: Iterable[str], domain: str) -> str | None:
    """The TOKEN of the first address reply+TOKEN@domain among these, else None."""
    wanted = domain.strip().lower().rstrip(".")
    for address in addresses:
        found = _REPLY.fullmatch(address.strip().strip("<>"))
        if found and found[2].lower().rstrip(".") == wanted:
            return found[1]
    return None


def _dmarc(message: Message, authserv_id: str) -> str:
    """The receiving server's DMARC result (parse's docstring), "none" when it gave none."""
    for value in _headers(message, "Authentication-Results"):
        try:
            header = authres.AuthenticationResultsHeader.parse_value(value[:MAX_AUTH_CHARS])
        except Exception:
            return "none"  # an unreadable verdict is no verdict
        server = str(header.authserv_id or "").lower()
        if authserv_id and server != authserv_id.strip().lower():
            return "none"
        for result in header.results:
            if str(result.method).lower() == "dmarc":
                return str(result.result).lower()
        if not authserv_id:
            return "none"
    return "none"


# --- mass replies --------------------------------------------------------------------------

_GREETING = re.compile(
    r"^\W*(bonjour|bonsoir|salut|hello|hi|hey|dear|good (morning|afternoon|evening)|"
    r"madame,? monsieur|mesdames,? messieurs|madame|monsieur|cher|chère|chers|chères|"
    r"to whom it may concern)\b[^,\n!:.]{0,40}[,!:.]?",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^\W*(cordialement|bien (à|a) vous|bien cordialement|sinc[èe]res salutations|"
    r"salutations|meilleures salutations|bonne (journée|soirée)|merci|thanks|thank you|"
    r"best|regards|best regards|kind regards|warm regards|best wishes|sincerely|cheers|"
    r"yours (sincerely|truly|faithfully)|l'équipe|the .{1,40} team)\b",
    re.IGNORECASE,
)
SIGN_OFF_LINES = 6  # a sign-off is one of the last lines...
SIGN_OFF_CHARS = 60  # ...and a short one: "Merci pour votre message, nous…" is the reply


def mass_reply_text(summary: str, names: Iterable[str] = ()) -> str:
    """What a reply says, to compare it with others: no greeting, sign-off, name or number.

    ``names``: the sender's and recipient's names and the handles, each removed whole and
    word by word. The text is case- and space-folded, and every word with a digit in it (a
    ticket number, a date, an amount) is read as "0".
    """
    lines = [line.strip() for line in summary.splitlines() if not line.lstrip().startswith(">")]
    lines = [line for line in lines if line]
    while lines and (found := _GREETING.match(lines[0])):
        rest = lines[0][found.end() :].strip()
        lines[0:1] = [rest] if rest else []
    for i in range(max(len(lines) - SIGN_OFF_LINES, 1), len(lines)):
        if len(lines[i]) <= SIGN_OFF_CHARS and _SIGN_OFF.match(lines[i]):
            del lines[i:]
            break
    text = " ".join(lines).casefold()
    text = re.sub(r"\S+@\S+|https?://\S+", " ", text)
    words = sorted(
        {part.casefold() for name in names for part in (name, *name.split()) if len(part) >= 3},
        key=len,
        reverse=True,
    )
    for word in words:
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", text)
    text = re.sub(r"[\w/.:-]*\d[\w/.:-]*", "0", text)
    return " ".join(re.findall(r"\w+", text))


NEAR_COPY = 0.9
MIN_MASS_CHARS = 40
SHARED_PAIRS = 0.6


def near_copy(a: str, b: str) -> bool:
    """Whether two ``mass_reply_text`` results are the same answer (NEAR_COPY of their words).

    A short text is never one: "Merci" or "Bien reçu" from two people is no mass reply.
    """
    if len(a) < MIN_MASS_CHARS or len(b) < MIN_MASS_CHARS:
        return False
    first, second = a.split(), b.split()
    # Cheap first: texts alike at NEAR_COPY share most of their word pairs (each word out of
    # place breaks two), so few shared pairs rule a match out before the costlier ratio.
    pairs_a, pairs_b = set(pairwise(first)), set(pairwise(second))
    if len(pairs_a & pairs_b) < SHARED_PAIRS * max(len(pairs_a), len(pairs_b)):
        return False
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    return matcher.real_quick_ratio() >= NEAR_COPY and (
        matcher.quick_ratio() >= NEAR_COPY and matcher.ratio() >= NEAR_COPY
    )
