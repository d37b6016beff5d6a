"""The one context every use case receives: who acts, when, in which transaction, under which
settings. Each interface builds it once per call (a page, an API call, a command, a job:
registry.presentation.context) and hands it down; no use case reads the app's configuration,
the clock or the signed-in member by itself, and none has a default for what the app
configures, so a setting changed in the app reaches every use case that reads it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from registry.adapters.models import Brand, User
from registry.domain import clock, escalation


@dataclass(frozen=True)
class ClockPolicy:
    """Site-wide defaults of the reply clock (from the app's configuration)."""

    deadline_days: int  # business days a brand has to answer (REPLY_DEADLINE_DAYS)
    country: str  # whose public holidays a brand without a country keeps (DEFAULT_COUNTRY)
    lock_days: int  # after a handover, no new request this long (HANDOVER_LOCK_DAYS)
    # Unanswered attempts through one channel before the ladder suggests the next one.
    escalate_after: int  # (ESCALATE_AFTER)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ClockPolicy:
        """The policy the app is configured with (registry.config): the only way to make one,
        so that no use case can run on defaults the operator changed."""
        return cls(
            deadline_days=int(config["REPLY_DEADLINE_DAYS"]),
            country=config["DEFAULT_COUNTRY"],
            lock_days=int(config["HANDOVER_LOCK_DAYS"]),
            escalate_after=escalation.check_escalate_after(int(config["ESCALATE_AFTER"])),
        )

    def deadline_for(self, brand: Brand | None) -> int:
        return (brand.reply_deadline_days if brand else None) or self.deadline_days

    def calendar_for(self, brand: Brand | None) -> clock.BusinessCalendar:
        if brand is None:
            return self.calendar_of("", "")
        return self.calendar_of(brand.country, brand.subdivision)

    def calendar_of(self, country: str, subdivision: str | None) -> clock.BusinessCalendar:
        """The calendar of a country and ISO subdivision ("GB", "GB-ENG"); no country: the
        site's default."""
        if not country:
            return clock.calendar_for(self.country)
        return clock.calendar_for(country, clock.subdivision_code(subdivision))


@dataclass(frozen=True)
class Context:
    """What a use case needs from outside its own arguments."""

    session: Session
    actor: User | None  # the member acting (None: a visitor, or a command run by the operator)
    now: datetime  # aware, UTC: when the use case runs
    today: date  # the acting reader's calendar day (their time zone; the home zone for commands)
    policy: ClockPolicy
    settings: Mapping[str, Any]  # the app's configuration, read-only

    def acting_as(self, actor: User | None) -> Context:
        """The same call made by another member (a job acting for the member who queued it)."""
        return replace(self, actor=actor)

    def on(self, today: date) -> Context:
        """The same call as of another day (a back-dated entry, `--as-of`)."""
        return replace(self, today=today)

    def at(self, now: datetime) -> Context:
        """The same call at another moment (a command run as of the start of a day, a
        scene replayed at the moments it happened)."""
        return replace(self, now=now)


def zone_named(name: str | None) -> ZoneInfo:
    """A brand's time zone by its name; a brand without one is in Paris."""
    return ZoneInfo(name or "Europe/Paris")


def brand_zone(brand: Brand | None) -> ZoneInfo:
    return zone_named(brand.timezone if brand else None)


def local_day(moment: datetime, brand: Brand | None) -> date:
    """The calendar day a moment falls on for the brand: 23:30 in Paris on Friday is Friday."""
    return moment.astimezone(brand_zone(brand)).date()


def aware(moment: datetime) -> datetime:
    """A stored moment as an aware UTC time (SQLite gives them back naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# The earliest time zone (UTC+14) starts a day this long before UTC does: an attempt stored
# before `day_starts(d + 1)` happened on day d or earlier wherever the brand is.
EARLIEST_ZONE = timedelta(hours=14)


def day_starts(day: date) -> datetime:
    """The first moment of `day` anywhere on Earth (as UTC): nothing stored before it
    happened on `day` or later in any time zone."""
    return datetime.combine(day, time(), UTC) - EARLIEST_ZONE


# Clocks on phones and servers drift: a moment "now" may arrive a little ahead of the server's.
FUTURE_TOLERANCE = timedelta(minutes=5)
