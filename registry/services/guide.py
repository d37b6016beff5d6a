"""What `/help` explains, worked out from the rules themselves so the page cannot drift from
them: the flags' thresholds, the reply deadline, a calendar's holidays and two deadlines worked
out in it, what counts as a reply, and the handover's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from registry.adapters.models import Brand
from registry.domain import clock
from registry.domain import handover as rules
from registry.services import brands, platforms
from registry.services.context import Context

# How far ahead the holiday example looks for the next public holiday.
_LOOKAHEAD_DAYS = 366


@dataclass(frozen=True)
class Example:
    """A message sent on `sent`, read on `counted_from`, its reply due on `due`; `skipped` are
    the public holidays the count stepped over."""

    sent: date
    counted_from: date
    due: date
    skipped: tuple[tuple[date, str], ...]


@dataclass(frozen=True)
class PlatformNote:
    name: str
    rules: rules.HandoverRules
    shared_name: str = ""  # the platform that shares its names, by name


@dataclass(frozen=True)
class Guide:
    brand: Brand | None
    unknown_brand: str  # the short name asked for when it names no brand
    country: str
    subdivision: str
    year: int
    holidays: list[tuple[date, str]]
    deadline_days: int
    weekend_example: Example
    holiday_example: Example | None
    platform_notes: list[PlatformNote]
    escalate_after: int  # the configured ESCALATE_AFTER
    lock_days: int  # the configured HANDOVER_LOCK_DAYS
    due_soon_days: int = clock.DUE_SOON_DAYS
    not_contacted_days: int = clock.NOT_CONTACTED_DAYS
    real_reply_outcomes: tuple[str, ...] = tuple(sorted(clock.REAL_REPLY_OUTCOMES))
    not_a_reply_outcomes: tuple[str, ...] = tuple(sorted(clock.NOT_A_REPLY_OUTCOMES))
    confirm_days: int = rules.CONFIRM_DAYS
    outcome_days: int = rules.OUTCOME_DAYS
    window_minutes: int = rules.DEFAULT_WINDOW_MINUTES


def example_from(
    sent: date,
    *,
    calendar: clock.BusinessCalendar,
    deadline_days: int,
    names: dict[date, str] | None = None,
) -> Example:
    """The reply clock applied to one message: when it is read and when its reply is due;
    the holidays stepped over are named from `names` (the reader's language) when given."""
    due = clock.due_after(sent, deadline_days, calendar=calendar)
    skipped = []
    day = sent
    while day < due:
        name = calendar.holiday_name(day)
        if name is not None and day.weekday() < 5:
            skipped.append((day, (names or {}).get(day, name)))
        day += timedelta(days=1)
    return Example(sent, calendar.day_zero(sent), due, tuple(skipped))


def next_saturday(today: date) -> date:
    return today + timedelta(days=(5 - today.weekday()) % 7)


def before_next_holiday(today: date, calendar: clock.BusinessCalendar) -> date | None:
    """The business day before the next public holiday on a weekday, so the example's count
    steps over it; None when the calendar has none within a year."""
    for offset in range(1, _LOOKAHEAD_DAYS):
        day = today + timedelta(days=offset)
        if day.weekday() < 5 and calendar.holiday_name(day) is not None:
            before = day - timedelta(days=1)
            while not calendar.is_business_day(before):
                before -= timedelta(days=1)
            return before if before >= today else None
    return None


def guide(ctx: Context, *, language: str, brand_slug: str = "") -> Guide:
    """The help page for a brand's calendar (its country, subdivision and own deadline), or
    the registry's default calendar when no brand, or an unknown one, is asked for: its
    examples start from the context's day, its figures are the configured clock policy's."""
    session, policy, today = ctx.session, ctx.policy, ctx.today
    brand = brands.find_brand(session, brand_slug) if brand_slug else None
    calendar = policy.calendar_for(brand)
    deadline = policy.deadline_for(brand)
    country = brand.country if brand else policy.country
    subdivision = (brand.subdivision or "") if brand else ""
    holiday_sent = before_next_holiday(today, calendar)
    named = {
        day: name
        for year in (today.year, today.year + 1)
        for day, name in clock.holidays_named(country, subdivision or None, year, language)
    }
    names = {p.slug: p.name for p in platforms.all_platforms(session)}
    return Guide(
        brand=brand,
        unknown_brand=brand_slug if brand_slug and brand is None else "",
        country=country,
        subdivision=subdivision,
        year=today.year,
        holidays=[(day, name) for day, name in named.items() if day.year == today.year],
        deadline_days=deadline,
        weekend_example=example_from(
            next_saturday(today), calendar=calendar, deadline_days=deadline, names=named
        ),
        holiday_example=None
        if holiday_sent is None
        else example_from(holiday_sent, calendar=calendar, deadline_days=deadline, names=named),
        platform_notes=[
            PlatformNote(names.get(slug, slug), found, names.get(found.shared_with or "", ""))
            for slug, found in rules.HANDOVER_RULES.items()
            if slug in names
        ],
        escalate_after=policy.escalate_after,
        lock_days=policy.lock_days,
    )
