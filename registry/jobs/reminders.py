"""The e-mails that remind a handover's parties of its window (`registry remind-handovers`).

Each member gets one message in their profile's language (English when they chose none),
the window in their own time zone, and what their side does (registry.domain.handover.steps);
nothing about any other member. The window comes attached as a calendar event in their
language (registry.presentation.calendar), to add to their calendar. The plans come from
registry.services.handover_deadlines.reminders_due, and a plan is marked reminded once its
messages are sent, so none is sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time
from flask import current_app, render_template
from flask_babel import gettext as _

from registry.adapters import mail
from registry.adapters.models import User
from registry.domain import handover, permissions
from registry.domain.messages import LANGUAGES
from registry.presentation import calendar, i18n
from registry.services.handover_deadlines import STAFF_SIDE, Reminder


@dataclass(frozen=True)
class Outgoing:
    plan_id: int
    side: str
    language: str
    mail: mail.Mail


def language_of(user: User) -> str:
    return user.locale if user.locale in LANGUAGES else i18n.DEFAULT_LOCALE


def zone_of(user: User) -> ZoneInfo:
    name = user.timezone if i18n.is_known_zone(user.timezone) else i18n.DEFAULT_TIMEZONE
    return ZoneInfo(name)


def compose(reminder: Reminder, user: User, side: str) -> Outgoing:
    """The message to one member about one plan, in their language and zone."""
    assert reminder.request.id is not None  # a stored request has its id
    assert reminder.plan.id is not None  # a stored plan has its id
    language = language_of(user)
    zone = zone_of(user)
    start = reminder.plan.window_start
    assert start is not None  # only a plan with a window is reminded (reminders_due)
    if start.tzinfo is None:
        start = start.replace(tzinfo=ZoneInfo("UTC"))
    end = handover.minutes_after(start, reminder.plan.window_minutes)
    # A request context of its own, so the catalogue and url_for work from the command line.
    with current_app.test_request_context("/"), i18n.in_language(language):
        names = {
            "handle": reminder.handle.handle,
            "platform": reminder.platform.name,
        }
        sides = (handover.HOLDER, handover.BRAND) if side == STAFF_SIDE else (side,)
        steps = [
            (
                _side_title(each),
                [_(step) for step in reminder.steps.get(each, ())],
            )
            for each in sides
        ]
        confirmed = {
            handover.HOLDER: reminder.plan.holder_confirmed_at is not None,
            handover.BRAND: reminder.plan.brand_confirmed_at is not None,
        }
        text = render_template(
            "mail/handover_reminder.txt",
            names=names,
            request_id=reminder.request.id,
            starts=format_datetime(start, "EEEE d MMMM y, HH:mm", tzinfo=zone, locale=language),
            ends=format_time(end, "HH:mm", tzinfo=zone, locale=language),
            zone=zone.key,
            steps=steps,
            unconfirmed=side != STAFF_SIDE and not confirmed[side],
            staff=side == STAFF_SIDE,
            url=calendar.request_url(reminder.request.id),
        )
        subject = _("Reminder: the handover of @%(handle)s on %(platform)s starts soon", **names)
        # Every recipient is a party or staff; the rule is asked all the same.
        may_see = permissions.may_see_handover_calendar(user, reminder.request, reminder.brand)
        attached = (calendar.attachment(reminder.event),) if may_see else ()
    message = mail.Mail(to=user.email, subject=subject, text=text, attachments=attached)
    return Outgoing(reminder.plan.id, side, language, message)


def _side_title(side: str) -> str:
    return {
        handover.HOLDER: _("What the holder does:"),
        handover.BRAND: _("What the brand does:"),
    }[side]


def messages_for(reminders: list[Reminder]) -> list[Outgoing]:
    return [
        compose(reminder, user, side)
        for reminder in reminders
        for user, side in reminder.recipients
    ]
