"""Filters and globals for templates, so templates format and never decide.

Dates, numbers and durations come out in the reader's language (registry.presentation.i18n):
"13 mai 2026" or "May 13, 2026", "1 500" or "1,500"; stored UTC moments in the reader's time
zone. The filters also work outside a request (tests compare pages with them): English, Paris time.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers
from flask import Flask, request, url_for
from markupsafe import Markup, escape

from registry.adapters import db
from registry.adapters.models import User
from registry.domain import clock, limits, recorded
from registry.domain.messages import LANGUAGES, Message
from registry.domain.roles import VIEW_PRIVATE
from registry.presentation import i18n, labels
from registry.presentation.access import can
from registry.presentation.i18n import gettext, ngettext
from registry.presentation.labels import humanize, label
from registry.web import navigation

__all__ = ["humanize", "long_date", "long_datetime", "thousands"]


def _locale() -> Locale:
    return _parsed(i18n.current_locale())


@functools.cache
def _parsed(code: str) -> Locale:
    """Babel's Locale of a language code, built once: a page formats hundreds of values."""
    return Locale.parse(code)


def _zone() -> ZoneInfo:
    return i18n.reader_zone()


def thousands(value: int | float | None) -> str:
    """A number with the reader's digit grouping: "1 500" (narrow no-break space) or "1,500"."""
    return "—" if value is None else _grouped(value, i18n.current_locale())


def long_date(value: date | datetime | None) -> str:
    """ "13 mai 2026" / "May 13, 2026"; a moment is first put in the reader's time zone."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = _in_reader_zone(value).date()
    return _long_day(value, i18n.current_locale())


# A list repeats the same days and counts: each is formatted once per language (Babel's
# formatting is most of a long page's time otherwise).
@functools.lru_cache(maxsize=8192)
def _long_day(day: date, code: str) -> str:
    return _first_ordinal(dates.format_date(day, "long", locale=_parsed(code)), day, code)


def full_date(value: date | None) -> str:
    """A day with its weekday, for worked examples: "samedi 5 décembre 2026" / "Saturday,
    December 5, 2026"."""
    if value is None:
        return "—"
    return _full_day(value, i18n.current_locale())


@functools.lru_cache(maxsize=1024)
def _full_day(day: date, code: str) -> str:
    text = dates.format_date(day, "full", locale=_parsed(code))
    if code == "fr" and day.day == 1:
        return text.replace(" 1 ", " 1er ", 1)
    return text


def _first_ordinal(text: str, day: date, code: str) -> str:
    """French writes the first of the month as an ordinal, "1er décembre", and the other
    days as numbers, "2 décembre"; Babel (CLDR) writes "1 décembre". Its long pattern starts
    with the day ("d MMMM y")."""
    if code == "fr" and day.day == 1 and text.startswith("1 "):
        return "1er" + text[1:]
    return text


@functools.lru_cache(maxsize=8192)
def _grouped(value: int | float, code: str) -> str:
    return numbers.format_decimal(value, locale=_parsed(code))


def _in_reader_zone(value: datetime) -> datetime:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(_zone())


def long_datetime(value: datetime | None) -> str:
    """A stored UTC moment in the reader's zone, a long date and a short time joined the
    locale's way: "2 mars 2026, 09:30" / "March 2, 2026, 9:30 AM"."""
    if value is None:
        return "—"
    minute = _in_reader_zone(value).replace(second=0, microsecond=0)
    # Keyed by the local wall time and its zone: aware moments in two zones compare equal.
    return _long_moment(minute.replace(tzinfo=None), str(minute.tzinfo), i18n.current_locale())


@functools.lru_cache(maxsize=8192)
def _long_moment(wall: datetime, zone: str, code: str) -> str:
    locale = _parsed(code)
    local = wall.replace(tzinfo=ZoneInfo(zone))
    day = _first_ordinal(dates.format_date(local.date(), "long", locale=locale), local, code)
    time = dates.format_time(local, "short", locale=locale)
    return locale.datetime_formats["long"].format(time, day)  # "{1}, {0}": date, then time


def country_name(code: str | None) -> str:
    """A country by its name in the reader's language ("FR" → "France", "CH" → "Suisse");
    a code Babel does not know, as it is."""
    if not code:
        return "—"
    return _locale().territories.get(code.upper(), code)


def countries() -> list[tuple[str, str]]:
    """The countries a brand may be in (those whose holidays the registry knows), as (code,
    name in the reader's language), by name: a brand form's suggestions."""
    return _countries(i18n.current_locale())


@functools.lru_cache(maxsize=8)
def _countries(code: str) -> list[tuple[str, str]]:
    names = _parsed(code).territories
    named = [(country, names.get(country, country)) for country in clock.countries_with_holidays()]
    return sorted(named, key=lambda pair: pair[1].casefold())


def region_name(iso: str | None) -> str:
    """A subdivision and its country: "Scotland (Royaume-Uni)"; "—" for none."""
    if not iso:
        return "—"
    name = clock.subdivision_name(iso)
    return f"{name} ({country_name(iso.partition('-')[0])})"


def audit_value(value, field: str, entity_type: str = ""):
    """A value of the audit trail's before/after as the reader reads it: a code by its name
    ("Acceptée"), a day or a moment in words, a country by its name, yes or no; anything
    else as `as_text` shows it."""
    kind = labels.field_kind(field, entity_type)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, str) and value:
        if kind == "country":
            return country_name(value)
        if kind == "subdivision":
            return region_name(value)
        if kind == "day":
            return _parsed_text(value, date.fromisoformat, long_date)
        if kind == "moment":
            return _parsed_text(value, datetime.fromisoformat, long_datetime)
        if kind == "decision":
            return decision(value) or value
        if kind == "locale":
            return LANGUAGES.get(value, value)
        if kind in labels.LABELS:
            return label(value, kind)
    return as_text(value)


def _parsed_text(value: str, parse, shown) -> str:
    try:
        return shown(parse(value))
    except ValueError:  # a value stored before its field was a date: shown as it was
        return value


def business_days_ago(days: int) -> str:
    """ "3 business days ago" / "il y a 3 jours ouvrés"."""
    if not days:
        return gettext("no business day yet")
    # `num` would be the bare number: the phrase shows it grouped as the reader writes it.
    return ngettext(
        "%(days)s business day ago", "%(days)s business days ago", days, days=thousands(days)
    )


def followers(value: int | None) -> str:
    """ "1 500 abonnés" / "1,500 followers"; "—" when nobody counted them."""
    if value is None:
        return "—"
    return ngettext("%(count)s follower", "%(count)s followers", value, count=thousands(value))


def custody_note(record) -> str:
    """A custody record's note: what the registry said (its code), in the reader's language,
    then what staff typed, as they typed it."""
    parts = recorded.custody_note(record.note_code, record.note_params, record.note)
    return " ".join(as_text(part) for part in parts)


def translated(message: Message | str | None) -> str:
    """A Message of the domain or a service, in the reader's language."""
    return "" if message is None else i18n.translate_message(message)


def as_text(value) -> str:
    """A value of the record as shown: a Message (a stored code and its parameters) in the
    reader's language, anything else as it is. A stored sentence whose translation names a
    parameter it was not stored with falls back to the English msgid rather than failing."""
    if value is None:
        return ""
    if not isinstance(value, Message):
        return value
    try:
        return i18n.translate_message(value)
    except (KeyError, ValueError, TypeError):
        try:
            return value.render()
        except (KeyError, ValueError, TypeError):
            return value.msgid


def holder_name(record) -> str:
    """A handle's or custody record's holder as this reader may see it named: the name
    recorded; for a member holder who did not make their name public, "A fan" (their
    name for readers of private data); "A former member" once they erased their account;
    "" when nobody recorded a name."""
    if record.holder_name:
        return record.holder_name
    user_id = getattr(record, "holder_user_id", None)
    if user_id is None:
        return ""
    user = db.session().get(User, user_id)
    if user is None or user.deleted_at is not None:
        return gettext(recorded.FORMER_MEMBER)
    if can(VIEW_PRIVATE) and user.display_name:
        return gettext("%(name)s (name not public)", name=user.display_name)
    return gettext(recorded.A_FAN)


def decision(code: str | None) -> str:
    """The brand's decision logged on a request, in the reader's language."""
    msgid = recorded.DECISIONS.get(code or "")
    return gettext(msgid) if msgid else ""


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (filters, pagination)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v not in (None, "")})
    for key in [k for k, v in changes.items() if v in (None, "")]:
        args.pop(key, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def link(endpoint: str, **values) -> str:
    """url_for of a link every page shows (the header's, the footer's), built once per
    address the site is served under: a page has a dozen, each a route lookup."""
    return _link(request.script_root, endpoint, tuple(sorted(values.items())))


@functools.lru_cache(maxsize=256)
def _link(_script_root: str, endpoint: str, values: tuple) -> str:
    return url_for(endpoint, **dict(values))


def breakable(value) -> Markup:
    """An address or a code that may not fit its column, with the places where it may wrap
    marked (<wbr>): after an "@" or slashes, before a dot between letters. A narrow cell
    wraps "fans.cochonou@" / "example.org", not "fans.cochonou@e" / "xample.org"."""
    return Markup(_BREAK_AFTER.sub(r"\g<0><wbr>", _BREAK_BEFORE.sub("<wbr>.", str(escape(value)))))


_BREAK_AFTER = re.compile(r"@|/+")
_BREAK_BEFORE = re.compile(r"(?<=[^\W\d])\.(?=\w)")


def current_url() -> str:
    """This page's path and query, for forms that come back to it (the language switcher)."""
    return request.full_path.rstrip("?") if request.query_string else request.path


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        humanize=humanize,
        label=label,
        thousands=thousands,
        long_date=long_date,
        full_date=full_date,
        long_datetime=long_datetime,
        business_days_ago=business_days_ago,
        followers=followers,
        translated=translated,
        custody_note=custody_note,
        as_text=as_text,
        breakable=breakable,
        holder_name=holder_name,
        decision=decision,
        country_name=country_name,
        region_name=region_name,
        audit_value=audit_value,
    )
    # `{% if url is web_url %}`: only http(s) links become links, even one stored before the
    # registry refused other schemes (a javascript: URL would run in the reader's browser).
    app.jinja_env.tests["web_url"] = limits.is_web_url
    app.jinja_env.globals.update(
        can=can,
        url_with=url_with,
        link=link,
        current_url=current_url,
        countries=countries,
        languages=LANGUAGES,
        current_locale=i18n.current_locale,
        main_menu=navigation.main_menu,
    )
