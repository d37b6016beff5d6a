"""Responsiveness: which brands answer their community, from the contact log (issue 16).

Per brand, over a set of transfer requests (the service decides which: the offers opened in
a period), as of one day:

- ``requests``: the requests; ``contacted``: those with an outbound attempt;
- ``replied``: those with a first *real* reply (``clock.is_real_reply``: an inbound message,
  or an attempt whose outcome is replied, meeting or refused). An auto-reply — and a reply
  copied and pasted to everyone, logged as the automatic answer it is — a voicemail, a
  redirection or a bounce is no reply, exactly as for the reply clock;
- ``reply_rate`` = replied / contacted, None while nobody was contacted;
- the business days to the first real reply, counted as the reply clock counts: from day 0
  of the attempt that started the clock (the first outbound attempt, or the first one after
  an earlier reply; a message sent on a weekend or a holiday is read on the next business
  day), to the day of the reply, in the brand's calendar with its holidays. Their median
  and the worst;
- ``late_replies``: first replies that came after their due date. A late reply stays a
  missed deadline: the reply does not erase it;
- ``overdue_now``: the requests the clock flags overdue on that day (``clock.flag_for``);
- ``unanswered_by_channel``: the outbound attempts still waiting for a reply (after the last
  real reply, ``clock.unanswered``), by channel;
- ``auto_replied``: contacted requests that got an auto-reply and no real reply at all.

Everything is decided as of a day: attempts after it do not exist, requests opened after it
neither. Pure: no Flask, no database; the caller gives each request's calendar and deadline.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

from registry.domain import clock
from registry.domain.escalation import ChannelAttempt
from registry.domain.messages import N_, Explained

AUTO_REPLY = "auto_reply"


@dataclass(frozen=True)
class RequestFacts:
    """What the figures read of one request: its brand (a key: the slug), the day it was
    opened, whether it was open on the day asked, its attempts (the clock's facts with their
    channels), and its brand's calendar and reply deadline (the clock policy's)."""

    brand: str
    opened_on: date
    is_open: bool
    attempts: tuple[ChannelAttempt, ...]
    calendar: clock.BusinessCalendar
    deadline_days: int = clock.DEFAULT_DEADLINE_DAYS


@dataclass(frozen=True)
class FirstReply:
    """The first real reply of a request: when the clock it stopped had started, when it came,
    when it was due, and how many business days it took."""

    started_on: date
    replied_on: date
    due_on: date
    business_days: int

    @property
    def late(self) -> bool:
        return self.replied_on > self.due_on


def first_real_reply(
    attempts: Iterable[clock.AttemptFact],
    *,
    calendar: clock.BusinessCalendar,
    deadline_days: int = clock.DEFAULT_DEADLINE_DAYS,
) -> FirstReply | None:
    """The first real reply that answered a contact, or None.

    The clock it stops started as the reply clock's does (``clock.clock_start`` of what came
    before it). A reply with nothing outbound before it answered nobody (the other side wrote
    first) and is skipped; an outbound attempt that is itself a reply (a call someone picked
    up, a meeting) is contact and reply on one day."""
    ordered = sorted(attempts, key=lambda attempt: attempt.happened_on)  # stable, as the clock
    for index, attempt in enumerate(ordered):
        if not attempt.is_reply:
            continue
        started = clock.clock_start(ordered[:index])
        if started is None:
            if attempt.direction != clock.OUTBOUND:
                continue
            started = attempt.happened_on
        return FirstReply(
            started_on=started,
            replied_on=attempt.happened_on,
            due_on=clock.due_after(started, deadline_days, calendar=calendar),
            business_days=clock.business_days_waiting(
                started, calendar=calendar, as_of=attempt.happened_on
            ),
        )
    return None


class ResponsivenessDict(TypedDict):
    """One brand's figures as the API shows them (`Responsiveness.as_dict`)."""

    brand: str
    requests: int
    contacted: int
    replied: int
    reply_rate: float | None
    median_business_days_to_first_reply: float | int | None
    worst_business_days_to_first_reply: int | None
    late_replies: int
    overdue_now: int
    auto_replied: int
    mass_replied: int
    unanswered_by_channel: dict[str, int]


@dataclass(frozen=True)
class Responsiveness:
    """One brand's figures (see the module's docstring)."""

    brand: str
    requests: int = 0
    contacted: int = 0
    replied: int = 0
    late_replies: int = 0
    overdue_now: int = 0
    auto_replied: int = 0
    # Contacted requests that received a mass reply (a near-copy of what the brand sent to
    # many others: DESIGN.md "Correspondence"), counted apart from real replies.
    mass_replied: int = 0
    median_business_days_to_first_reply: float | int | None = None
    worst_business_days_to_first_reply: int | None = None
    # (channel, attempts) in the order of clock.CHANNELS, channels with none left out.
    unanswered_by_channel: tuple[tuple[str, int], ...] = field(default_factory=tuple)

    @property
    def reply_rate(self) -> float | None:
        """Replied / contacted; None, not a division by zero, while nobody was contacted."""
        return self.replied / self.contacted if self.contacted else None

    @property
    def unanswered_attempts(self) -> int:
        return sum(count for _channel, count in self.unanswered_by_channel)

    def as_dict(self) -> ResponsivenessDict:
        return {
            "brand": self.brand,
            "requests": self.requests,
            "contacted": self.contacted,
            "replied": self.replied,
            "reply_rate": self.reply_rate,
            "median_business_days_to_first_reply": self.median_business_days_to_first_reply,
            "worst_business_days_to_first_reply": self.worst_business_days_to_first_reply,
            "late_replies": self.late_replies,
            "overdue_now": self.overdue_now,
            "auto_replied": self.auto_replied,
            "mass_replied": self.mass_replied,
            "unanswered_by_channel": dict(self.unanswered_by_channel),
        }


def figures(brand: str, requests: Iterable[RequestFacts], *, as_of: date) -> Responsiveness:
    """One brand's figures over the requests given (those of other brands are left out)."""
    counted = contacted = replied = late = overdue = auto_replied = mass_replied = 0
    days: list[int] = []
    unanswered: dict[str, int] = {}
    for request in requests:
        if request.brand != brand or request.opened_on > as_of:
            continue
        counted += 1
        known = [a for a in request.attempts if a.fact.happened_on <= as_of]
        facts = [a.fact for a in known]
        if (
            clock.flag_for(
                is_open=request.is_open,
                opened_on=request.opened_on,
                attempts=facts,
                calendar=request.calendar,
                as_of=as_of,
                deadline_days=request.deadline_days,
            )
            == clock.OVERDUE
        ):
            overdue += 1
        for attempt in clock.unanswered(known, fact=lambda attempt: attempt.fact):
            unanswered[attempt.channel] = unanswered.get(attempt.channel, 0) + 1
        if not any(fact.direction == clock.OUTBOUND for fact in facts):
            continue
        contacted += 1
        mass_replied += any(fact.discounted == "mass_reply" for fact in facts)
        reply = first_real_reply(
            facts, calendar=request.calendar, deadline_days=request.deadline_days
        )
        if reply is None:
            auto_replied += any(fact.outcome == AUTO_REPLY for fact in facts)
            continue
        replied += 1
        late += reply.late
        days.append(reply.business_days)
    return Responsiveness(
        brand=brand,
        requests=counted,
        contacted=contacted,
        replied=replied,
        late_replies=late,
        overdue_now=overdue,
        auto_replied=auto_replied,
        mass_replied=mass_replied,
        median_business_days_to_first_reply=_median(days),
        worst_business_days_to_first_reply=max(days) if days else None,
        unanswered_by_channel=tuple(
            (channel, unanswered[channel]) for channel in clock.CHANNELS if channel in unanswered
        ),
    )


def _median(days: list[int]) -> float | int | None:
    if not days:
        return None
    middle = statistics.median(days)
    return int(middle) if middle == int(middle) else middle


def ranking(requests: Iterable[RequestFacts], *, as_of: date) -> list[Responsiveness]:
    """The figures of every brand with a request, the most responsive first (see `rank_key`)."""
    requests = [request for request in requests if request.opened_on <= as_of]
    brands = sorted({request.brand for request in requests})
    return sorted((figures(brand, requests, as_of=as_of) for brand in brands), key=rank_key)


def rank_key(row: Responsiveness) -> tuple[bool, float, bool, float, int, int, str]:
    """The ranking's order: the highest reply rate first; then the fastest median reply, the
    fewest late replies and overdue requests; a brand nobody contacted yet last."""
    rate = row.reply_rate
    median = row.median_business_days_to_first_reply
    return (
        rate is None,
        -(rate or 0),
        median is None,
        median or 0,
        row.late_replies,
        row.overdue_now,
        row.brand,
    )


# --- the period ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The days whose requests are counted (by the day each was opened), both ends included;
    an end left open (None) does not bound."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise Explained(
                N_("The period cannot end (%(end)s) before it starts (%(start)s)."),
                field="to",
                start=self.start,
                end=self.end,
            )

    def holds(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)
