"""Benchmark of reading the registry's mail from a real IMAP server (Dovecot), in one process.

`python scripts/bench_fetch_mail.py [--messages 5000] [--batch 200] [--handle MODULE:FUNCTION]`

1. starts a throwaway Dovecot on 127.0.0.1 (tests/imapserver.py; or reads `--url IMAP_URL`, a
   mailbox you own: it is filled, then emptied into its processed folder);
2. fills it with `--messages` realistic messages: brands' replies to the registry's reply
   addresses (reply+TOKEN@…, In-Reply-To a letter, the quoted thread, HTML beside the text,
   now and then a PDF), out-of-office auto-replies, delivery-status bounces, and mass replies;
3. times `registry.adapters.imap.fetch` handing each message to `--handle`, then prints the
   messages per second and whether the issue's target (5,000 in under a minute, use case
   included) is met.

`--handle` names a callable: `f(raw: bytes)`, or `f(ctx, raw: bytes)` (its first parameter
named `ctx`: a use case), which then runs in an app on a fresh SQLite database (init-db), with
the operator's context made for each message, as the `registry fetch-mail` command does:
`--handle registry.services.mail_intake:receive_mail`. The default, `parse`, only parses each
message and finds its reply address: the IMAP part alone, plus the parsing any handler does.
`--handle none` does nothing with the message.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import importlib
import inspect
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.adapters import imap  # noqa: E402 (after the checkout is on the path)
from tests import imapserver  # noqa: E402

TARGET_MESSAGES, TARGET_SECONDS = 5_000, 60.0
REPLY_DOMAIN = "registry.example"

BRANDS = [
    ("Maison Lune", "legal@maisonlune.fr", "fr"),
    ("Northwind Outfitters", "trademarks@northwind.example", "en"),
    ("Atelier Sève", "juridique@atelier-seve.fr", "fr"),
    ("Blue Harbor Coffee", "brand-protection@blueharbor.example", "en"),
    ("Kestrel Audio", "legal@kestrel-audio.example", "en"),
    ("Fromagerie Delorme", "contact@fromagerie-delorme.fr", "fr"),
]
PLATFORMS = ["Instagram", "TikTok", "X", "YouTube", "Threads", "Bluesky"]
REPLIES = {
    "en": [
        (
            "Thank you for your message. We have forwarded your request to our legal team and "
            "will come back to you within ten business days."
        ),
        (
            "We confirm that the account belongs to a former agency of ours. We agree to the "
            "transfer; please send the handover window that suits you."
        ),
        "Could you send us the trademark registration number and a screenshot of the profile?",
        "We do not agree to the transfer at this time.",
    ],
    "fr": [
        (
            "Merci pour votre message. Nous avons transmis votre demande à notre service "
            "juridique et reviendrons vers vous sous dix jours ouvrés."
        ),
        (
            "Nous confirmons que ce compte a été ouvert par une ancienne agence. Nous acceptons "
            "le transfert ; merci de nous proposer un créneau."
        ),
        "Pourriez-vous nous transmettre le numéro d’enregistrement de la marque ?",
        "Nous ne donnons pas suite à cette demande pour le moment.",
    ],
}
MASS_REPLY = (
    "Thank you for contacting us. Due to the high volume of requests we receive, we are unable "
    "to answer each message individually. Please visit our help centre."
)
PDF = base64.encodebytes(b"%PDF-1.4\n" + os.urandom(24_000) + b"\n%%EOF\n").decode()


REQUESTS = 800  # the open requests the messages answer


def reply_tokens(seed: int) -> list[str]:
    """The reply addresses' tokens, as the registry makes them (registry.domain.letters):
    lower-case base32 of 128 random bits, here from the seeded generator."""
    rng = random.Random(f"tokens-{seed}")
    return [
        base64.b32encode(rng.randbytes(16)).decode().rstrip("=").lower() for _ in range(REQUESTS)
    ]


def realistic_messages(count: int, *, seed: int = 1) -> Iterator[bytes]:
    """`count` messages as a registry's mailbox receives them: 85 % replies (5 % of them with a
    PDF, 3 % of all a mass reply), 8 % auto-replies, 4 % bounces."""
    rng = random.Random(seed)
    tokens = reply_tokens(seed)
    for number in range(1, count + 1):
        request = rng.randrange(len(tokens))
        brand, sender, language = rng.choice(BRANDS)
        handle = f"@{brand.lower().replace(' ', '')}"
        platform = rng.choice(PLATFORMS)
        kind = rng.random()
        common = {
            "number": number,
            "token": tokens[request],
            "request": request + 1,
            "brand": brand,
            "sender": sender,
            "date": (
                f"Mon, {1 + number % 28:02d} Dec 2026 {number % 24:02d}:{number % 60:02d}:00 +0100"
            ),
            "subject": (
                f"Demande de transfert de {handle} sur {platform}"
                if language == "fr"
                else f"Transfer request for {handle} on {platform}"
            ),
        }
        if kind < 0.04:
            yield _bounce(**common)
        elif kind < 0.12:
            yield _auto_reply(language=language, **common)
        else:
            text = MASS_REPLY if kind < 0.15 else rng.choice(REPLIES[language])
            yield _reply(text=text, language=language, pdf=rng.random() < 0.05, **common)


def _headers(*lines: str) -> str:
    return "".join(f"{line}\r\n" for line in lines)


def _reply(*, number, token, request, brand, sender, date, subject, text, language, pdf) -> bytes:
    said = "a écrit" if language == "fr" else "wrote"
    quoted = (
        f"Le 1 déc. 2026, Handle Registry {said} :"
        if language == "fr"
        else f"On 1 Dec 2026, Handle Registry {said}:"
    )
    thread = (
        f"{quoted}\r\n> Hello {brand},\r\n> We write about request {request}, an account that\r\n"
        "> uses your brand's name. Please reply to this address.\r\n"
    )
    plain = f"Hello,\r\n\r\n{text}\r\n\r\nBest regards,\r\n{brand}\r\n\r\n{thread}"
    html = f"<html><body><p>Hello,</p><p>{text}</p><p>Best regards,<br>{brand}</p></body></html>"
    alternative = (
        "--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
        f"\r\n{plain}\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{html}\r\n--alt--\r\n"
    )
    if pdf:
        body = (
            "--mixed\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n"
            f"{alternative}\r\n--mixed\r\nContent-Type: application/pdf\r\n"
            'Content-Disposition: attachment; filename="trademark-certificate.pdf"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n{PDF}\r\n--mixed--\r\n"
        )
        content_type = "multipart/mixed; boundary=mixed"
    else:
        body, content_type = alternative, "multipart/alternative; boundary=alt"
    prefix = "RE : " if language == "fr" else "Re: "
    head = _headers(
        f'From: "{brand}" <{sender}>',
        f"To: reply+{token}@{REPLY_DOMAIN}",
        f"Subject: {prefix}{subject}",
        f"Date: {date}",
        f"Message-ID: <reply-{number}@{sender.split('@')[1]}>",
        f"In-Reply-To: <letter-{request}@{REPLY_DOMAIN}>",
        f"References: <letter-{request}@{REPLY_DOMAIN}>",
        "MIME-Version: 1.0",
        f"Content-Type: {content_type}",
    )
    return f"{head}\r\n{body}".encode()


def _auto_reply(*, number, token, request, brand, sender, date, subject, language) -> bytes:
    if language == "fr":
        title, text = (
            "Absence du bureau",
            "Je suis absent jusqu’au 5 janvier, sans accès à mes e-mails.",
        )
    else:
        title, text = (
            "Out of Office",
            "I am out of the office until 5 January with no access to e-mail.",
        )
    head = _headers(
        f'From: "{brand}" <{sender}>',
        f"To: reply+{token}@{REPLY_DOMAIN}",
        f"Subject: {title}: {subject}",
        f"Date: {date}",
        f"Message-ID: <auto-{number}@{sender.split('@')[1]}>",
        f"In-Reply-To: <letter-{request}@{REPLY_DOMAIN}>",
        "Auto-Submitted: auto-replied",
        "X-Autoreply: yes",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    )
    return f"{head}\r\n{text}\r\n".encode()


def _bounce(*, number, token, request, brand, sender, date, subject) -> bytes:
    domain = sender.split("@")[1]
    head = _headers(
        f"From: Mail Delivery System <MAILER-DAEMON@mx.{domain}>",
        f"To: reply+{token}@{REPLY_DOMAIN}",
        "Subject: Undelivered Mail Returned to Sender",
        f"Date: {date}",
        f"Message-ID: <bounce-{number}@mx.{domain}>",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=report",
    )
    body = (
        "--report\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        f"Your message to {sender} could not be delivered: mailbox unavailable.\r\n"
        "--report\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.{domain}\r\n\r\n"
        f"Final-Recipient: rfc822; {sender}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        "--report\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: Handle Registry <reply+{token}@{REPLY_DOMAIN}>\r\nTo: {sender}\r\n"
        f"Subject: {subject}\r\nMessage-ID: <letter-{request}@{REPLY_DOMAIN}>\r\n"
        "--report--\r\n"
    )
    return f"{head}\r\n{body}".encode()


def parse(raw: bytes) -> str | None:
    """The default handler: what any handler does first, parse the message and find the reply
    address's token."""
    message = message_from_bytes(raw, policy=policy.default)
    for address in str(message.get("To", "")).split(","):
        local = address.strip().strip("<>").partition("@")[0]
        if local.startswith("reply+"):
            return local.removeprefix("reply+")
    return None


def load_handler(name: str) -> tuple[Callable[..., object], bool]:
    """The callable `name` names and whether it is a use case (its first parameter `ctx`)."""
    if name == "parse":
        return parse, False
    if name == "none":
        return (lambda raw: None), False
    module_name, _, attribute = name.partition(":")
    if not attribute:
        sys.exit(f"--handle expects MODULE:FUNCTION, not {name!r}")
    function = getattr(importlib.import_module(module_name), attribute)
    parameters = list(inspect.signature(function).parameters)
    return function, bool(parameters) and parameters[0] == "ctx"


@contextlib.contextmanager
def use_case_handler(
    function: Callable[..., object], workdir: str, seed: int
) -> Iterator[Callable]:
    """`function(ctx, raw)` in an app on a fresh SQLite database, a context for each message."""
    from registry import create_app
    from registry.adapters import db
    from registry.presentation.context import context_for, home_today
    from registry.services import platforms

    url = f"sqlite:///{workdir}/bench.db"
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "bench", "MAIL_REPLY_DOMAIN": REPLY_DOMAIN}
    )
    with app.app_context():
        db.upgrade(url)
        platforms.sync_platforms(context_for(None))
        _requests_awaiting_replies(app, seed)
        yield lambda raw: function(context_for(None, today=home_today()), raw)


def _requests_awaiting_replies(app, seed: int) -> None:
    """A synthetic registry (`registry gen-data`) whose first open requests carry the reply
    tokens the messages are addressed to: each reply finds its request, as in production."""
    from sqlalchemy import text

    from registry.adapters import db

    result = app.test_cli_runner().invoke(
        args=[
            "gen-data",
            "--handles",
            "5000",
            "--brands",
            "50",
            "--requests",
            "2000",
            "--attempts",
            "4000",
            "--seed",
            str(seed),
        ]
    )
    if result.exit_code != 0:
        sys.exit(f"gen-data failed: {result.output}")
    session = db.session()
    open_ids = (
        session.execute(
            text(
                "SELECT id FROM transfer_request WHERE state NOT IN "
                "('completed', 'declined', 'withdrawn') ORDER BY id LIMIT :n"
            ),
            {"n": REQUESTS},
        )
        .scalars()
        .all()
    )
    if len(open_ids) < REQUESTS:
        sys.exit(f"gen-data made {len(open_ids)} open requests, fewer than {REQUESTS}")
    for request_id, token in zip(open_ids, reply_tokens(seed), strict=True):
        session.execute(
            text("UPDATE transfer_request SET reply_token = :t WHERE id = :i"),
            {"t": token, "i": request_id},
        )
    session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=TARGET_MESSAGES)
    parser.add_argument("--batch", type=int, default=imap.BATCH)
    parser.add_argument("--handle", default="parse", help="MODULE:FUNCTION, parse or none")
    parser.add_argument("--url", help="an IMAP_URL to fill and read instead of a throwaway Dovecot")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    function, takes_context = load_handler(options.handle)

    with contextlib.ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory())
        if options.url:
            url = options.url
        else:
            server = imapserver.start_dovecot()
            stack.callback(server.stop)
            url = server.mailbox().url()
        address = imap.parse_url(url)

        started = time.perf_counter()
        messages = list(realistic_messages(options.messages, seed=options.seed))
        size = sum(len(raw) for raw in messages)
        with imap.connect(address) as connection:
            imapserver.append(connection, address.folder, messages)
        filled = time.perf_counter() - started
        print(
            f"Filled {address} with {len(messages):,} messages ({size / 1e6:.1f} MB) "
            f"in {filled:.1f} s."
        )

        handle = (
            stack.enter_context(use_case_handler(function, workdir, options.seed))
            if takes_context
            else function
        )
        started = time.perf_counter()
        report = imap.fetch(url, handle, batch=options.batch)
        seconds = time.perf_counter() - started

    rate = report.seen / seconds if seconds else float("inf")
    print(f"fetch with --handle {options.handle}, batches of {options.batch}: {report.summary()}")
    print(f"{seconds:.2f} s, {rate:,.0f} messages per second.")
    if report.failures:
        print(f"First failure: UID {report.failures[0].uid}: {report.failures[0].reason}")
    projected = TARGET_MESSAGES / rate if rate else float("inf")
    verdict = "meets" if projected < TARGET_SECONDS else "MISSES"
    print(
        f"At this rate {TARGET_MESSAGES:,} messages take {projected:.1f} s: {verdict} the target "
        f"of {TARGET_MESSAGES:,} in under {TARGET_SECONDS:.0f} s."
    )
    if report.failed or verdict == "MISSES":
        sys.exit(1)


if __name__ == "__main__":
    main()
