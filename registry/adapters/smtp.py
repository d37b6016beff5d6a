"""Sending one message through the SMTP server SMTP_URL names, with no Flask: what the use
cases that send (a letter) and the site's own notices (registry.adapters.mail) share.

SMTP_URL: smtp://user:password@host:587 (STARTTLS on every smtp:// server but localhost) or
smtps://user:password@host:465 (TLS from the start).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

TIMEOUT_S = 15


class MailNotSent(RuntimeError):
    """The mail server refused the message or could not be reached."""


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
        send_through(url, message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(str(exc) or type(exc).__name__) from exc


def send_through(url: str, message: EmailMessage) -> None:
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
