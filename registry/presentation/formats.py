"""Dates, numbers, countries and durations in the reader's language: "13 mai 2026" or "May
13, 2026", "1 500" or "1,500"; stored UTC moments in the reader's time zone. Used by pages,
e-mails and the API's sentences alike; outside a request, English and Paris time."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers

from registry.domain import clock
from registry.presentation import i18n
from registry.presentation.i18n import gettext, ngettext


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
