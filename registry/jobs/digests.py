"""The overdue digest e-mails (`registry notify-overdue`, and the daily job when
NOTIFY_OVERDUE_DAILY is set).

Each member gets one message, text and HTML (multipart/alternative; the HTML from a Jinja
template, escaped, with no remote resources), in their profile's language (English when they
chose none), listing the requests that became overdue or due soon that they were not told of
yet (registry.services.digests). Each member's notices are recorded once their own message is
sent: a member the mail server refuses is told at the next run, the others are not told again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import current_app, render_template, url_for
from flask_babel import ngettext

from registry.adapters import mail
from registry.domain import digests as rules
from registry.jobs.reminders import language_of
from registry.presentation import i18n
from registry.services import digests
from registry.services.context import Context


def absolute_url(endpoint: str, **values) -> str:
    """An address readers can follow from outside the site: on PUBLIC_URL when it is set,
    else on the app's own server name (SERVER_NAME, or localhost)."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def compose(digest: digests.Digest, *, as_of: date) -> tuple[str, mail.Mail]:
    """The message to one member (and its language), in their language."""
    language = language_of(digest.recipient)
    with current_app.test_request_context("/"), i18n.in_language(language):
        groups = [
            (flag, [row for row in digest.items if row.flag == flag])
            for flag in rules.NOTIFIED_FLAGS
        ]
        groups = [(flag, rows) for flag, rows in groups if rows]
        links = {
            row.request.id: absolute_url("requests.detail", request_id=row.request.id)
            for row in digest.items
        }
        context = {
            "groups": groups,
            "links": links,
            "as_of": as_of,
            "dashboard": absolute_url("requests.dashboard"),
            "profile": absolute_url("auth.profile"),
        }
        text = render_template("mail/overdue_digest.txt", **context)
        html = render_template("mail/overdue_digest.html", language=language, **context)
        count = len(digest.items)
        subject = ngettext(
            "Handle Registry: %(num)d request overdue or due soon",
            "Handle Registry: %(num)d requests overdue or due soon",
            count,
        )
    return language, mail.Mail(to=digest.recipient.email, subject=subject, text=text, html=html)


@dataclass(frozen=True)
class Delivery:
    """What became of one member's digest: sent (and recorded), or why not."""

    digest: digests.Digest
    language: str
    error: str = ""
    dry_run: bool = False

    @property
    def sent(self) -> bool:
        return not self.error and not self.dry_run


class NoMailServer(RuntimeError):
    """SMTP_URL is not set: a digest would only be logged, and its notices lost."""


def deliver(ctx: Context, *, as_of: date, dry_run: bool) -> Iterator[Delivery]:
    """Send each member's digest as of `as_of` (or, dry, only say what it would hold),
    recording each member's notices right after their message went out."""
    if not dry_run and not ctx.settings.get("SMTP_URL"):
        raise NoMailServer("SMTP_URL is not set: no digest can be sent (try --dry-run).")
    for digest in digests.digests_due(ctx, as_of=as_of):
        language, message = compose(digest, as_of=as_of)
        if dry_run:
            yield Delivery(digest, language, dry_run=True)
            continue
        try:
            mail.send(message)
        except mail.MailNotSent as exc:
            yield Delivery(digest, language, error=str(exc))
            continue
        sent_at = ctx.at(datetime.now(UTC))  # when this member's message went out
        assert digest.recipient.id is not None  # a stored account has its id
        digests.mark_sent(sent_at, digest.recipient.id, digest.notices)
        yield Delivery(digest, language)
