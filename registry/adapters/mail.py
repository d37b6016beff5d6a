"""Outgoing e-mail, through the server SMTP_URL names; without one (a laptop, the tests) each
message is written to the log instead, and kept in the app's outbox for whoever reads it.

SMTP_URL: smtp://user:password@host:587 (STARTTLS on every smtp:// server but localhost) or
smtps://user:password@host:465 (TLS from the start). MAIL_FROM is the sender.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app

from registry.adapters.smtp import MailNotSent, deliver

OUTBOX = "registry.outbox"
OUTBOX_SIZE = 200


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str = ""
    headers: tuple[tuple[str, str], ...] = ()


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
    message = EmailMessage()  # From: MAIL_FROM, set by deliver
    message["To"] = mail.to
    message["Subject"] = mail.subject
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    try:
        deliver(app.config, message)
    except MailNotSent:
        app.logger.exception("Sending an e-mail to %s failed", mail.to)
        raise
