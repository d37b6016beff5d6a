"""A handover window as an iCalendar file (RFC 5545, written by the `icalendar` library):
the download of the request page and the attachment of the reminders before a window, in
the language of whoever reads it (the caller sets it, as for a page or an e-mail).

Choices, and why:

- One VEVENT per request, its UID `handover-<request id>@<host of PUBLIC_URL>` the same
  for every window of the request, so that a calendar replaces its copy rather than adding
  a second event; the copy with the higher SEQUENCE wins (RFC 5545 3.8.7.4), and the
  sequence grows with each change (registry.domain.handover.event_sequence).
- No METHOD, and so neither REQUEST nor CANCEL: METHOD makes the file an iTIP scheduling
  message (RFC 5546), which needs an ORGANIZER and ATTENDEEs the registry does not keep
  and would make clients answer an organizer by e-mail. The file is a published event, as
  a calendar import reads it; a lapsed or failed window says so in its own STATUS:CANCELLED
  (RFC 5545 3.8.1.11), with a higher SEQUENCE than the copy it replaces. Without METHOD,
  DTSTAMP is when the event was last revised (RFC 5545 3.8.7.2): the same file for the same
  facts, whenever it is downloaded.
- DTSTART and DTEND in UTC ("Z"), so no VTIMEZONE is needed and no client can read the
  window in the wrong zone; the brand's zone is named by X-WR-TIMEZONE (the de facto
  extension calendar applications read as a calendar's zone) and, for people, in the
  DESCRIPTION with the window's local time there."""

from __future__ import annotations

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time
from flask import current_app, url_for
from icalendar import Calendar, Event

from registry.adapters.mail import Attachment
from registry.domain import handover
from registry.presentation import i18n
from registry.presentation.i18n import gettext as _
from registry.services.handover_calendar import HandoverEvent

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Handle Registry//Handover windows//EN"
DEFAULT_HOST = "handle-registry"


def filename(request_id: int) -> str:
    return f"handover-{request_id}.ics"


def uid(request_id: int, public_url: str) -> str:
    """The event's identity, the same for every window of a request."""
    host = urlsplit(public_url).hostname if public_url else None
    return f"handover-{request_id}@{host or DEFAULT_HOST}"


def request_url(request_id: int) -> str:
    """The request page's address on PUBLIC_URL, as the e-mails link it; "" without one (a
    link to the address a test or a laptop happens to run on would lead nowhere)."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return base + url_for("requests.detail", request_id=request_id) if base else ""


def ics(event: HandoverEvent, *, url: str, public_url: str) -> bytes:
    """The calendar of one event, in the current language; `url` is the request page's
    address ("" for none), `public_url` the site's (PUBLIC_URL) for the event's UID."""
    summary = _(
        "Handover of @%(handle)s on %(platform)s", handle=event.handle, platform=event.platform
    )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-timezone", event.zone)
    entry = Event()
    entry.add("uid", uid(event.request_id, public_url))
    entry.add("dtstamp", event.revised_at)
    entry.add("last-modified", event.revised_at)
    entry.add("sequence", event.sequence)
    entry.add("status", event.status)
    entry.add("dtstart", event.start)
    entry.add("dtend", event.end)
    entry.add("summary", summary)
    entry.add("description", description(event, url=url))
    entry.add("transp", "OPAQUE")
    if url:
        entry.add("url", url)
    calendar.add_component(entry)
    return calendar.to_ical()


def description(event: HandoverEvent, *, url: str) -> str:
    """What the event says to people: the window in the brand's time, each side's steps and
    the request's page; first, for a cancelled window, that it is off."""
    zone = ZoneInfo(event.zone)
    language = i18n.current_locale()
    lines = []
    if event.cancelled:
        lines += [_("This window is cancelled: the request's page says what comes next."), ""]
    lines.append(
        _(
            "The handover window of @%(handle)s on %(platform)s (request #%(id)s):",
            handle=event.handle,
            platform=event.platform,
            id=event.request_id,
        )
    )
    lines.append(
        _(
            "%(start)s to %(end)s (%(zone)s)",
            start=format_datetime(
                event.start, "EEEE d MMMM y, HH:mm", tzinfo=zone, locale=language
            ),
            end=format_time(event.end, "HH:mm", tzinfo=zone, locale=language),
            zone=event.zone,
        )
    )
    for side, title in (
        (handover.HOLDER, _("What the holder does:")),
        (handover.BRAND, _("What the brand does:")),
    ):
        steps = event.steps.get(side, ())
        if steps:
            lines += ["", title, *(f"- {_(step)}" for step in steps)]
    if url:
        lines += ["", url]
    return "\n".join(lines)


def attachment(event: HandoverEvent) -> Attachment:
    """The event as a file attached to an e-mail, in the current language."""
    public_url = current_app.config.get("PUBLIC_URL") or ""
    body = ics(event, url=request_url(event.request_id), public_url=public_url)
    return Attachment(filename(event.request_id), CONTENT_TYPE, body)
