"""The reply clock: when a brand's answer is due, and which requests to chase.

The whole rule of "Unanswered requests" (DESIGN.md) lives here so nothing else
recomputes it. Everything is decided *as of* a date passed in by the caller, never
from the system clock, so flags are reproducible and testable with fixed dates.

In short: the clock starts at the first outbound attempt after the last real reply
(a follow-up does not restart it), and the reply is due N business days later,
Monday to Friday minus the public holidays of the brand's country.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from registry.domain.messages import N_, Explained
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


@dataclass(frozen=True)
class AttemptFact:
    """What the clock needs to know about one contact attempt.

    ``happened_on`` is a date in the brand's time zone: the service converts the stored
    datetime before calling, so "which business day" is decided where the brand is.
    """

    happened_on: date
    direction: str
    outcome: str

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
                known=", ".join(DIRECTIONS),
            )
        if self.outcome not in OUTCOMES:
            raise Explained(
                N_('Unknown attempt outcome "%(outcome)s"; expected one of: %(known)s.'),
                outcome=self.outcome,
                known=", ".join(OUTCOMES),
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


@lru_cache(maxsize=64)
def calendar_for(country: str | None = None, subdivision: str | None = None) -> BusinessCalendar:
    """One shared calendar per country, so holiday years are loaded once per process."""
    return BusinessCalendar(country or DEFAULT_COUNTRY, subdivision)


def _in_date_order(attempts: Iterable[AttemptFact]) -> list[AttemptFact]:
    # Stable: attempts on the same day keep the order the caller gave (chronological).
    return sorted(attempts, key=lambda attempt: attempt.happened_on)


def _known_as_of(attempts: Iterable[AttemptFact], as_of: date) -> list[AttemptFact]:
    return [attempt for attempt in attempts if attempt.happened_on <= as_of]


def _unanswered_outbound(attempts: Iterable[AttemptFact]) -> list[AttemptFact]:
    """Outbound attempts after the last real reply, oldest first."""
    ordered = _in_date_order(attempts)
    after_last_reply = 0
    for index, attempt in enumerate(ordered):
        if is_real_reply(attempt.direction, attempt.outcome):
            after_last_reply = index + 1
    return [a for a in ordered[after_last_reply:] if a.direction == OUTBOUND]


def clock_start(attempts: Iterable[AttemptFact]) -> date | None:
    """The day the brand's reply clock started, or None when no reply is awaited.

    It is the first outbound attempt after the last real reply: a follow-up does not
    restart the clock, and an auto-reply, voicemail, redirection or bounce does not stop it.
    """
    unanswered = _unanswered_outbound(attempts)
    return unanswered[0].happened_on if unanswered else None


def _has_outbound(attempts: Iterable[AttemptFact]) -> bool:
    return any(attempt.direction == OUTBOUND for attempt in attempts)


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
    return calendar.add_business_days(started_on, deadline_days)


def first_contact_due_on(
    opened_on: date, attempts: Iterable[AttemptFact], *, calendar: BusinessCalendar
) -> date | None:
    """The last day the other party should have been contacted, while nobody has yet."""
    if _has_outbound(attempts):
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
    if first_contact_due is not None and as_of > first_contact_due:
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
    known = _known_as_of(attempts, as_of)
    return flag_from_due_dates(
        reply_due=reply_due_on(known, calendar=calendar, deadline_days=deadline_days),
        first_contact_due=first_contact_due_on(opened_on, known, calendar=calendar),
        calendar=calendar,
        as_of=as_of,
    )


def business_days_waiting(start: date, *, calendar: BusinessCalendar, as_of: date) -> int:
    """Business days elapsed since ``start`` (not counting ``start`` itself)."""
    return calendar.business_days_between(start, as_of)


@dataclass(frozen=True)
class ReplyStatus:
    """Everything a page or the API shows about a request's wait, as of one date.

    ``due_on`` is the reply's due date, or the first contact's while nobody has been
    contacted; every field is empty (None or 0) when nothing is awaited.
    """

    due_on: date | None
    flag: str | None
    waiting_since: date | None
    business_days_waiting: int
    unanswered_attempts: int

    @property
    def awaiting_reply(self) -> bool:
        return self.unanswered_attempts > 0


_NOTHING_AWAITED = ReplyStatus(
    due_on=None, flag=None, waiting_since=None, business_days_waiting=0, unanswered_attempts=0
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
    known = _known_as_of(attempts, as_of)
    unanswered = _unanswered_outbound(known)
    if unanswered:
        waiting_since = unanswered[0].happened_on
        due_on = calendar.add_business_days(waiting_since, deadline_days)
        first_contact_due = None
    elif not _has_outbound(known):
        waiting_since = opened_on
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
        business_days_waiting=business_days_waiting(waiting_since, calendar=calendar, as_of=as_of),
        unanswered_attempts=len(unanswered),
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
            calendar.add_business_days(since, deadline_days), None, since, len(unanswered)
        )
    if not _has_outbound(attempts):
        return PendingWait(
            None, first_contact_due_on(opened_on, attempts, calendar=calendar), opened_on, 0
        )
    return PendingWait(None, None, None, 0)
