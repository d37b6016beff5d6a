"""Outgoing e-mail, through the server SMTP_URL names; without one (a laptop, the tests) each
message is written to the log instead, and kept in the app's outbox for whoever reads it.

SMTP_URL: smtp://user:password@host:587 (STARTTLS on every smtp:// server but localhost) or
smtps://user:password@host:465 (TLS from the start). MAIL_FROM is the sender.
"""

from __future__ import annotations

import smtplib
import ssl
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app

OUTBOX = "registry.outbox"
OUTBOX_SIZE = 200
TIMEOUT_S = 15


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str = ""


class MailNotSent(RuntimeError):
    """The mail server refused the message or could not be reached."""


def outbox(app=None) -> deque[Mail]:
    """The messages written to the log rather than sent (no SMTP_URL), newest last."""
    app = app or current_app
    return app.extensions.setdefault(OUTBOX, deque(maxlen=OUTBOX_SIZE))


def send(mail: Mail) -> None:
    app = current_app
    url = app.config.get("SMTP_URL", "")
    if not url:
        outbox(app).append(mail)
        app.logger.warning(
            "No SMTP_URL: this e-mail to %s was not sent.\nSubject: %s\n\n%s",
            mail.to,
            mail.subject,
            mail.text,
        )
        return
    message = EmailMessage()
    message["From"] = app.config.get("MAIL_FROM", "Handle Registry <no-reply@localhost>")
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    try:
        _deliver(url, message)
    except (OSError, smtplib.SMTPException) as exc:
        app.logger.exception("Sending an e-mail to %s failed", mail.to)
        raise MailNotSent(str(exc)) from exc


def deliver(settings: Mapping[str, Any], message: EmailMessage) -> None:
    """Send a message built by its caller (a letter, with its own Message-ID and Reply-To)
    through SMTP_URL, or raise MailNotSent saying why: unlike `send`, never only to the log,
    since the caller records that the message left."""
    url = settings.get("SMTP_URL", "")
    if not url:
        raise MailNotSent("no mail server is configured (SMTP_URL)")
    if not message["From"]:
        message["From"] = settings.get("MAIL_FROM", "Handle Registry <no-reply@localhost>")
    try:
        _deliver(url, message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(str(exc) or type(exc).__name__) from exc


def _deliver(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise MailNotSent(f"SMTP_URL must start with smtp:// or smtps://, not {parts.scheme}://")
    host = parts.hostname or "localhost"
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            host, parts.port or 465, timeout=TIMEOUT_S, context=context
        )
    else:
        server = smtplib.SMTP(host, parts.port or 587, timeout=TIMEOUT_S)
    with server:
        if parts.scheme == "smtp" and host not in ("localhost", "127.0.0.1", "::1"):
            server.starttls(context=context)
        if parts.username:
            server.login(unquote(parts.username), unquote(parts.password or ""))
        server.send_message(message)
