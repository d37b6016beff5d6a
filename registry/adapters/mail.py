"""Outgoing e-mail, through the server SMTP_URL names; without one (a laptop, the tests) each
message is written to the log instead, and kept in the app's outbox for whoever reads it
(attachments and extra headers included, as they would have been sent).

SMTP_URL: smtp://user:password@host:587 (STARTTLS on every smtp:// server but localhost) or
smtps://user:password@host:465 (TLS from the start). MAIL_FROM is the sender.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage, Message

from flask import current_app

from registry.adapters.smtp import MailNotSent, deliver

OUTBOX = "registry.outbox"
OUTBOX_SIZE = 200


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: its name, its content type ("text/calendar;
    charset=utf-8": the type, then its parameters) and its bytes."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Mail:
    """A message: the text (and an HTML version), files attached, and headers of its own
    (`List-Unsubscribe`, …) beside the To, From and Subject that `send` sets."""

    to: str
    subject: str
    text: str
    html: str = ""
    attachments: tuple[Attachment, ...] = ()
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
            "No SMTP_URL: this e-mail to %s was not sent.\nSubject: %s\n\n%s%s",
            mail.to,
            mail.subject,
            mail.text,
            "".join(f"\n[attached: {each.filename}]" for each in mail.attachments),
        )
        return
    message = message_of(mail)
    try:
        deliver(app.config, message)
    except MailNotSent:
        app.logger.exception("Sending an e-mail to %s failed", mail.to)
        raise


def message_of(mail: Mail) -> EmailMessage:
    """The message as sent (without From: `deliver` sets MAIL_FROM): its text, then its
    HTML version as an alternative, then its attachments (multipart/mixed)."""
    message = EmailMessage()
    message["To"] = mail.to
    message["Subject"] = mail.subject
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        kind = Message()  # the content type read by the standard library's parser
        kind["Content-Type"] = attachment.content_type
        message.add_attachment(
            attachment.content,
            maintype=kind.get_content_maintype(),
            subtype=kind.get_content_subtype(),
            filename=attachment.filename,
            params=dict((kind.get_params() or [])[1:]),  # after the type itself
        )
    return message
