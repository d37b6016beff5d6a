"""Messages for the mail tests: real ones from ../shared/mail-corpus, read in place and
readdressed as its README allows, and replies built with the `email` package."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path


def find_corpus() -> Path:
    """The shared corpus, read in place: $MAIL_CORPUS, else `../shared/mail-corpus` beside the
    checkout, else the workplace's own copy (a clone made elsewhere, as CI's). Missing, the
    tests fail at once saying so: they never skip."""
    checkout = Path(__file__).resolve().parents[1]
    candidates = [
        os.environ.get("MAIL_CORPUS", ""),
        checkout.parent / "shared" / "mail-corpus",
        "/work/shared/mail-corpus",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "labels.json").is_file():
            return Path(candidate)
    raise RuntimeError(
        "The mail corpus is missing: set MAIL_CORPUS to the folder of shared/mail-corpus "
        f"(looked in {', '.join(str(c) for c in candidates if c)})."
    )


CORPUS = find_corpus()
REPLY_DOMAIN = "replies.registry.test"
ADDRESSING = (
    "delivered-to",
    "x-original-to",
    "x-orig-to",
    "envelope-to",
    "x-envelope-to",
    "x-apparently-to",
    "x-delivered-to",
    "x-forwarded-to",
)


def corpus_message(name: str, to: str) -> bytes:
    """A corpus message readdressed as its README allows: no mbox `From ` line, `To:` the
    request's reply address, the delivery headers removed. Nothing else changes."""
    raw = (CORPUS / name).read_bytes()
    if raw.startswith(b"From "):
        raw = raw.split(b"\n", 1)[1]
    head, sep, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
    newline = b"\r\n" if sep == b"\r\n\r\n" else b"\n"
    lines, kept, skipping = head.split(newline), [], False
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        name_ = line.split(b":", 1)[0].strip().lower().decode("latin-1")
        skipping = name_ == "to" or name_ in ADDRESSING
        if not skipping:
            kept.append(line)
    kept.insert(0, b"To: " + to.encode())
    return newline.join(kept) + sep + body


def labels() -> list[dict]:
    return json.loads((CORPUS / "labels.json").read_text())


def reply(
    to: str,
    text: str = "Bonjour,\n\nNous acceptons volontiers votre proposition.\n\nLe service client",
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Service client <service@nespresso.test>")
    message["To"] = to
    message["Subject"] = headers.pop("Subject", "Re: votre proposition")
    message["Date"] = format_datetime(datetime(2026, 11, 10, 10, tzinfo=UTC))
    message["Message-ID"] = headers.pop("Message_ID", f"<{abs(hash(text + to))}@nespresso.test>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()
