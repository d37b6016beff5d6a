"""The e-mails of members' notifications: each in the member's language, with a link to what it
is about and a one-click unsubscribe from its topic (RFC 8058: `List-Unsubscribe` with an
https address, and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`).

Each is sent once: a worker claims a notification's e-mail before sending it (a claim older
than ten minutes, of a worker that vanished, may be taken over), then marks it sent. A mail
server that refuses or is out of reach gives the claim back: the next round of
registry.jobs.notifications.drain, each minute, tries again, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, render_template

from registry.adapters import mail
from registry.adapters.models import User
from registry.adapters.smtp import MailNotSent
from registry.jobs import huey, in_app, job_context
from registry.jobs.digests import absolute_url
from registry.jobs.reminders import language_of
from registry.presentation import i18n
from registry.presentation import notifications as words
from registry.services import notifications
from registry.services.notifications import Item

ONE_CLICK = "List-Unsubscribe=One-Click"


def page_url(item: Item) -> str:
    """Where the e-mail's link leads: the page opening the notification marks it read."""
    return absolute_url("notifications.open_one", notification_id=item.id)


def compose(item: Item, user: User) -> mail.Mail:
    """The message to one member about one notification, in their language."""
    assert user.id is not None
    token = notifications.unsubscribe_token(current_app.config, user.id, item.topic)
    with current_app.test_request_context("/"), i18n.in_language(language_of(user)):
        unsubscribe = absolute_url("notifications.unsubscribe", unsubscribe_token=token)
        sentence = words.text(item)
        text = render_template(
            "mail/notification.txt",
            sentence=sentence,
            topic=words.topic_label(item.topic),
            request_id=item.request_id,
            url=page_url(item),
            settings=absolute_url("notifications.settings"),
            unsubscribe=unsubscribe,
        )
    return mail.Mail(
        to=user.email,
        subject=sentence,
        text=text,
        headers=(("List-Unsubscribe", f"<{unsubscribe}>"), ("List-Unsubscribe-Post", ONE_CLICK)),
    )


def send(ids: Iterable[int] | None = None) -> int:
    """Send the e-mails due (among `ids` when given), each once; how many went."""
    ctx = job_context()
    sent = 0
    try:
        for notification_id in notifications.emails_due(ctx, ids):
            due = notifications.claim_email(ctx, notification_id)
            if due is None:
                continue  # another worker's, already sent, or no longer to be sent
            try:
                mail.send(compose(due.item, due.user))
            except MailNotSent:
                notifications.email_failed(ctx, notification_id)
                continue
            notifications.email_sent(ctx, notification_id)
            sent += 1
    finally:
        ctx.session.close()
    return sent


@huey.task()
def send_notification_mails(notification_ids: list[int]) -> None:
    """Send these notifications by e-mail, each once."""
    in_app(lambda: send(notification_ids))


def send_due() -> None:
    """Send the notifications whose e-mail is still due (a failure, a worker that stopped)."""
    in_app(lambda: send(None))
