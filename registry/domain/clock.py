"""The reply clock: when a brand's answer is due, and which requests to chase.

The whole rule of "Unanswered requests" (DESIGN.md) lives here so nothing else
recomputes it. Everything is decided *as of* a date passed in by the caller, never
from the system clock, so flags are reproducible and testable with fixed dates.

In short: the clock starts at the first outbound attempt after the last real reply
(a follow-up does not restart it), and the reply is due N business days later,
Monday to Friday minus the public holidays of the brand's country and subdivision.

Day 0 is the brand-local day of that attempt; a message sent on a weekend or a holiday is
read on the next business day, and counted from there (sent Saturday 2 May 2026 to a
French brand: day 0 is Monday 4 May, the reply is due Wednesday 20 May). This is what
`numpy.busday_offset(start, n, roll="forward")` computes, which the tests compare against.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TypeVar

import holidays

from registry.domain.messages import N_, Choices, Explained
from registry.domain.vocabulary import Channel, Direction, Flag, Outcome, values

OUTBOUND = Direction.OUTBOUND.value
INBOUND = Direction.INBOUND.value
DIRECTIONS: tuple[str, ...] = values(Direction)
CHANNELS: tuple[str, ...] = values(Channel)
OUTCOMES: tuple[str, ...] = values(Outcome)
REAL_REPLY_OUTCOMES: frozenset[str] = frozenset({"replied", "meeting", "refused"})
# A machine or a switchboard answered, not a person who read the request: even when
# logged as inbound (the auto-reply e-mail comes *from* the brand), it stops no clock.
NOT_A_REPLY_OUTCOMES: frozenset[str] = frozenset(
    {"auto_reply", "voicemail", "redirected", "bounced"}
)

OVERDUE = Flag.OVERDUE.value
DUE_SOON = Flag.DUE_SOON.value
NOT_CONTACTED = Flag.NOT_CONTACTED.value
FLAGS: tuple[str, ...] = values(Flag)

DEFAULT_DEADLINE_DAYS = 10
DUE_SOON_DAYS = 2
NOT_CONTACTED_DAYS = 5
DEFAULT_COUNTRY = "FR"

_SATURDAY = 5
T = TypeVar("T")


@dataclass(frozen=True)
class AttemptFact:
    """What the clock needs to know about one contact attempt.

    ``happened_on`` is a date in the brand's time zone: the service converts the stored
    datetime before calling, so "which business day" is decided where the brand is.
    """

    happened_on: date
    direction: str
    outcome: str
    # Why the attempt is not taken as a reply whatever its outcome: "mass_reply" (a near-copy
    # of what the brand sent many others) or "unverified" (its sender failed DMARC), until
    # staff say otherwise (DESIGN.md "Correspondence"); "" for every other attempt.
    discounted: str = ""

    @property
    def is_reply(self) -> bool:
        return not self.discounted and is_real_reply(self.direction, self.outcome)

    def __post_init__(self) -> None:
        if isinstance(self.happened_on, datetime):
            # Comparing a datetime with dates fails late and obscurely; the day must be
            # taken in the brand's time zone, which only the caller knows.
            raise TypeError(
                "AttemptFact.happened_on must be a date in the brand's time zone, not a datetime."
            )
        if self.direction not in DIRECTIONS:
            raise Explained(
                N_('Unknown attempt direction "%(direction)s"; expected one of: %(known)s.'),
                direction=self.direction,
                known=Choices("direction", DIRECTIONS),
            )
        if self.outcome not in OUTCOMES:
            raise Explained(
                N_('Unknown attempt outcome "%(outcome)s"; expected one of: %(known)s.'),
                outcome=self.outcome,
                known=Choices("outcome", OUTCOMES),
            )


def is_real_reply(direction: str, outcome: str) -> bool:
    """Whether a person on the other side answered: inbound, or replied/meeting/refused.

    An auto-reply, a voicemail, a redirection or a bounce never counts, whatever its
    direction (DESIGN.md: "An auto-reply, a voicemail, a redirection or a bounce is not
    a reply").
    """
    if outcome in NOT_A_REPLY_OUTCOMES:
        return False
    return direction == INBOUND or outcome in REAL_REPLY_OUTCOMES


class BusinessCalendar:
    """Monday to Friday minus the public holidays of one country (and subdivision).

    Holiday years are loaded lazily the first time a date of that year is asked about,
    and kept, so one calendar can be shared for the life of the process.
    """

    def __init__(self, country: str = DEFAULT_COUNTRY, subdivision: str | None = None) -> None:
        self.country = (country or DEFAULT_COUNTRY).strip().upper()
        self.subdivision = subdivision or None
        try:
            self._holidays = holidays.country_holidays(
                self.country, subdiv=self.subdivision, years=(), expand=True
            )
        except NotImplementedError as error:
            if self.country not in holidays.list_supported_countries():
                raise Explained(
                    N_('Unknown country code "%(country)s" for public holidays.'),
                    country=self.country,
                ) from error
            raise Explained(
                N_(
                    'Unknown subdivision "%(subdivision)s" of country "%(country)s"'
                    " for public holidays."
                ),
                subdivision=self.subdivision,
                country=self.country,
            ) from error
        self._lock = threading.RLock()
        # Per year, the running count of business days through each day of the year, so
        # counting days between two dates is two lookups instead of a walk (see bench.py).
        self._running_counts: dict[int, list[int]] = {}

    def __repr__(self) -> str:
        return f"BusinessCalendar(country={self.country!r}, subdivision={self.subdivision!r})"

    def holiday_name(self, day: date) -> str | None:
        """The public holiday's name on ``day``, or None on an ordinary day."""
        # The holidays object loads a year on first lookup (expand=True) and keeps it;
        # the lock makes that load safe when threads share one calendar.
        with self._lock:
            return self._holidays.get(day)

    def _year(self, year: int) -> list[int]:
        counts = self._running_counts.get(year)
        if counts is None:
            with self._lock:
                first, running, counts = date(year, 1, 1), 0, []
                for offset in range((date(year + 1, 1, 1) - first).days):
                    day = first + timedelta(days=offset)
                    running += day.weekday() < _SATURDAY and self._holidays.get(day) is None
                    counts.append(running)
                self._running_counts[year] = counts
        return counts

    def _through(self, day: date) -> int:
        """Business days from 1 January of ``day``'s year through ``day``."""
        return self._year(day.year)[day.timetuple().tm_yday - 1]

    def day_zero(self, day: date) -> date:
        """The business day a message sent on ``day`` is read: ``day`` itself, or the next
        business day after a weekend or a holiday."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def holidays_in(self, year: int) -> list[tuple[date, str]]:
        """The public holidays that pause the clock in ``year``, in date order."""
        with self._lock:
            self._holidays.get(date(year, 1, 1))  # loads the year (expand=True)
            return sorted((day, name) for day, name in self._holidays.items() if day.year == year)

    def is_business_day(self, day: date) -> bool:
        index = day.timetuple().tm_yday - 1
        counts = self._year(day.year)
        return counts[index] - (counts[index - 1] if index else 0) == 1

    def add_business_days(self, start: date, n: int) -> date:
        """The n-th business day strictly after ``start`` (``start`` itself when n is 0)."""
        if n < 0:
            raise Explained(N_("Cannot add a negative number of business days (%(n)s)."), n=n)
        day = start
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """How many business days fall in (start, end]: 0 when ``end`` is not after ``start``."""
        if end <= start:
            return 0
        count = self._through(end) - self._through(start)
        for year in range(start.year, end.year):
            count += self._year(year)[-1]
        return count


def check_subdivision(country: str, raw: str | None) -> str:
    """A brand's subdivision as its ISO 3166-2 code ("GB-ENG"), from that code or the
    holidays library's own ("ENG"); "" for none (national holidays only). Refused when the
    library keeps no holidays for it in that country."""
    country = (country or DEFAULT_COUNTRY).strip().upper()
    code = (raw or "").strip().upper()
    if code.startswith(country + "-"):
        code = code[len(country) + 1 :]
    if not code:
        return ""
    known = holidays.list_supported_countries().get(country, [])
    if code not in known:
        if not known:
            raise Explained(
                N_(
                    "The public holidays of %(country)s are the same everywhere: leave the "
                    "subdivision empty."
                ),
                country=country,
            )
        raise Explained(
            N_('Unknown subdivision "%(subdivision)s" of %(country)s; choose one of %(choices)s.'),
            subdivision=raw,
            country=country,
            choices=", ".join(f"{country}-{known_code}" for known_code in known),
        )
    return f"{country}-{code}"


@lru_cache(maxsize=1)
def countries_with_holidays() -> tuple[str, ...]:
    """The two-letter codes of the countries whose public holidays the registry knows."""
    return tuple(sorted(c for c in holidays.list_supported_countries() if len(c) == 2))


def subdivision_name(iso: str | None) -> str:
    """A subdivision's name as the holidays library knows it, in the country's language
    ("GB-SCT" → "Scotland", "FR-6AE" → "Alsace"); the code itself when it has none."""
    country, _, code = (iso or "").upper().partition("-")
    return _subdivision_names(country).get(code, iso or "")


@lru_cache(maxsize=64)
def _subdivision_names(country: str) -> dict[str, str]:
    try:
        aliases = holidays.country_holidays(country).subdivisions_aliases
    except (NotImplementedError, KeyError, AttributeError):
        return {}
    names: dict[str, str] = {}
    for name, code in aliases.items():
        # The aliases mix names ("Guadeloupe") and other codes ("GP", "GUA").
        if code not in names and not (name.isupper() and len(name) <= 3):
            names[code] = name
    return names


def subdivision_code(iso: str | None) -> str | None:
    """The holidays library's code of an ISO 3166-2 subdivision ("GB-ENG" → "ENG")."""
    return iso.partition("-")[2] or None if iso else None


def holidays_named(
    country: str, subdivision: str | None, year: int, language: str
) -> list[tuple[date, str]]:
    """The public holidays of ``year`` that pause the clock, named in ``language`` when the
    holidays library has their names in it (else in its default language)."""
    return list(_holidays_named(country, subdivision, year, language))


@lru_cache(maxsize=256)
def _holidays_named(
    country: str, subdivision: str | None, year: int, language: str
) -> tuple[tuple[date, str], ...]:
    """Worked out once per process for each calendar, year and language (a brand's page
    shows them; the holidays library builds a year's calendar in milliseconds)."""
    country = (country or DEFAULT_COUNTRY).strip().upper()
    default = holidays.country_holidays(country, subdiv=subdivision_code(subdivision))
    languages = default.supported_languages or ()
    chosen = next((code for code in languages if code.split("_")[0] == language), None)
    named = holidays.country_holidays(
        country, subdiv=subdivision_code(subdivision), years=year, language=chosen
    )
    return tuple(sorted(named.items()))


@lru_cache(maxsize=64)
def calendar_for(country: str | None = None, subdivision: str | None = None) -> BusinessCalendar:
    """One shared calendar per country, so holiday years are loaded once per process."""
    return BusinessCalendar(country or DEFAULT_COUNTRY, subdivision)


def known_as_of(attempts: Iterable[AttemptFact], as_of: date) -> list[AttemptFact]:
    """The attempts that had happened by ``as_of``: later ones do not exist for that day."""
    return [attempt for attempt in attempts if attempt.happened_on <= as_of]


def unanswered(attempts: Iterable[T], *, fact: Callable[[T], AttemptFact]) -> list[T]:
    """The attempts whose ``fact`` is outbound after the last real reply, oldest first: what
    is waiting for an answer, whatever the caller keeps beside each fact (its channel...)."""
    # Stable: attempts on the same day keep the order the caller gave (chronological).
    ordered = sorted(attempts, key=lambda attempt: fact(attempt).happened_on)
    after_last_reply = 0
    for index, attempt in enumerate(ordered):
        if fact(attempt).is_reply:
            after_last_reply = index + 1
    return [a for a in ordered[after_last_reply:] if fact(a).direction == OUTBOUND]


def _unanswered_outbound(attempts: Iterable[AttemptFact]) -> list[AttemptFact]:
    """Outbound attempts after the last real reply, oldest first."""
    return unanswered(attempts, fact=_itself)


def _itself(attempt: AttemptFact) -> AttemptFact:
    return attempt


def clock_start(attempts: Iterable[AttemptFact]) -> date | None:
    """The day the brand's reply clock started, or None when no reply is awaited.

    It is the first outbound attempt after the last real reply: a follow-up does not
    restart the clock, and an auto-reply, voicemail, redirection or bounce does not stop it.
    """
    unanswered = _unanswered_outbound(attempts)
    return unanswered[0].happened_on if unanswered else None


def due_after(start: date, days: int, *, calendar: BusinessCalendar) -> date:
    """The ``days``-th business day after the day a message sent on ``start`` is read."""
    return calendar.add_business_days(calendar.day_zero(start), days)


def reply_due_on(
    attempts: Iterable[AttemptFact],
    *,
    calendar: BusinessCalendar,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
) -> date | None:
    """The last day a reply is on time, or None when no reply is awaited."""
    started_on = clock_start(attempts)
    if started_on is None:
        return None
    return due_after(started_on, deadline_days, calendar=calendar)


def first_contact_due_on(
    opened_on: date, attempts: Iterable[AttemptFact], *, calendar: BusinessCalendar
) -> date | None:
    """The last day the other party should have been contacted, while no attempt at all has
    been logged, in either direction (a brand that wrote first has been in contact)."""
    if any(True for _ in attempts):
        return None
    return calendar.add_business_days(opened_on, NOT_CONTACTED_DAYS)


def flag_from_due_dates(
    *,
    reply_due: date | None,
    first_contact_due: date | None,
    calendar: BusinessCalendar,
    as_of: date,
) -> str | None:
    """The flag of an open request from its stored due dates (the one rule for flags).

    The service stores both dates on the request, so listing flagged requests is a
    comparison of dates; this function is what that comparison must agree with.
    """
    if reply_due is not None:
        if as_of > reply_due:
            return OVERDUE
        if calendar.business_days_between(as_of, reply_due) <= DUE_SOON_DAYS:
            return DUE_SOON
        return None
    # "Open for more than 5 business days": the flag first shows on the 6th business day
    # after opening, never on the weekend or holiday just after the 5th.
    if (
        first_contact_due is not None
        and calendar.business_days_between(first_contact_due, as_of) >= 1
    ):
        return NOT_CONTACTED
    return None


def flag_for(
    *,
    is_open: bool,
    opened_on: date,
    attempts: Iterable[AttemptFact],
    calendar: BusinessCalendar,
    as_of: date,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
) -> str | None:
    """OVERDUE, DUE_SOON, NOT_CONTACTED or None for a request, as of a date.

    Attempts dated after ``as_of`` are ignored: a flag says what was known that day.
    """
    if not is_open:
        return None
    known = known_as_of(attempts, as_of)
    return flag_from_due_dates(
        reply_due=reply_due_on(known, calendar=calendar, deadline_days=deadline_days),
        first_contact_due=first_contact_due_on(opened_on, known, calendar=calendar),
        calendar=calendar,
        as_of=as_of,
    )


def business_days_waiting(
    start: date, *, calendar: BusinessCalendar, as_of: date, sent: bool = True
) -> int:
    """Business days elapsed since ``start``, not counting it. For a message ``sent`` that
    day, from its day 0 (the next business day when it was sent on a day off); for a request
    opened that day and not contacted since, from the day itself, as "open for more than 5
    business days" counts."""
    return calendar.business_days_between(calendar.day_zero(start) if sent else start, as_of)


@dataclass(frozen=True)
class ReplyStatus:
    """Everything a page or the API shows about a request's wait, as of one date.

    ``due_on`` is the reply's due date, or the first contact's while nobody has been
    contacted; ``counted_from`` is day 0 of ``waiting_since`` (the next business day when
    that was a weekend or a holiday); every field is empty (None or 0) when nothing is
    awaited.
    """

    due_on: date | None
    flag: str | None
    waiting_since: date | None
    business_days_waiting: int
    unanswered_attempts: int
    counted_from: date | None = None

    @property
    def awaiting_reply(self) -> bool:
        return self.unanswered_attempts > 0


_NOTHING_AWAITED = ReplyStatus(
    due_on=None, flag=None, waiting_since=None, business_days_waiting=0, unanswered_attempts=0
)


def stored_status(
    *,
    reply_due: date | None,
    first_contact_due: date | None,
    waiting_since: date | None,
    unanswered_attempts: int,
    calendar: BusinessCalendar,
    as_of: date,
) -> ReplyStatus:
    """The wait as of a day from what `pending_wait` stored, valid while no attempt came
    after that day: what `reply_status` gives from the attempts, without reading them."""
    if (reply_due is None and first_contact_due is None) or waiting_since is None:
        return _NOTHING_AWAITED
    sent = reply_due is not None
    return ReplyStatus(
        due_on=reply_due if sent else first_contact_due,
        flag=flag_from_due_dates(
            reply_due=reply_due, first_contact_due=first_contact_due, calendar=calendar, as_of=as_of
        ),
        waiting_since=waiting_since,
        business_days_waiting=business_days_waiting(
            waiting_since, calendar=calendar, as_of=as_of, sent=sent
        ),
        unanswered_attempts=unanswered_attempts,
        counted_from=calendar.day_zero(waiting_since) if sent else waiting_since,
    )


def reply_status(
    *,
    is_open: bool,
    opened_on: date,
    attempts: Iterable[AttemptFact],
    calendar: BusinessCalendar,
    as_of: date,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
) -> ReplyStatus:
    """The wait of one request as of a date: due date, flag, since when, how many tries."""
    if not is_open:
        return _NOTHING_AWAITED
    known = known_as_of(attempts, as_of)
    unanswered = _unanswered_outbound(known)
    waiting_since: date
    due_on: date | None
    first_contact_due: date | None
    if unanswered:
        waiting_since = unanswered[0].happened_on
        due_on = due_after(waiting_since, deadline_days, calendar=calendar)
        first_contact_due = None
    elif not known:
        waiting_since = opened_on  # counted from the day itself (see business_days_waiting)
        due_on = first_contact_due = first_contact_due_on(opened_on, known, calendar=calendar)
    else:
        return _NOTHING_AWAITED
    flag = flag_from_due_dates(
        reply_due=due_on if unanswered else None,
        first_contact_due=first_contact_due,
        calendar=calendar,
        as_of=as_of,
    )
    return ReplyStatus(
        due_on=due_on,
        flag=flag,
        waiting_since=waiting_since,
        business_days_waiting=business_days_waiting(
            waiting_since, calendar=calendar, as_of=as_of, sent=bool(unanswered)
        ),
        unanswered_attempts=len(unanswered),
        counted_from=calendar.day_zero(waiting_since) if unanswered else waiting_since,
    )


@dataclass(frozen=True)
class PendingWait:
    """What a request waits for, from all its attempts: the dates a service stores."""

    reply_due: date | None
    first_contact_due: date | None
    waiting_since: date | None
    unanswered_attempts: int


def pending_wait(
    *,
    opened_on: date,
    attempts: Iterable[AttemptFact],
    calendar: BusinessCalendar,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
) -> PendingWait:
    """The due dates of an open request, independent of any "as of" date.

    Stored on the request, they let a list of flagged requests be a comparison of dates;
    ``flag_from_due_dates`` then decides the flag for the day asked."""
    attempts = list(attempts)
    unanswered = _unanswered_outbound(attempts)
    if unanswered:
        since = unanswered[0].happened_on
        return PendingWait(
            due_after(since, deadline_days, calendar=calendar), None, since, len(unanswered)
        )
    if not attempts:
        return PendingWait(
            None, first_contact_due_on(opened_on, attempts, calendar=calendar), opened_on, 0
        )
    return PendingWait(None, None, None, 0)
