"""The escalation ladder: which channel to try next when one keeps getting no answer.

Issue 15: after N (ESCALATE_AFTER, default 2) unanswered attempts through one channel, the
request suggests the next rung of the ladder — web form → e-mail → phone → registered letter
— and the brand's contact points not tried yet, as a brand-protection vendor goes from a first
letter to a second one, then to a manager.

What counts as unanswered is the reply clock's rule (registry.domain.clock): an outbound
attempt after the last real reply (``clock.is_real_reply``: an auto-reply, a voicemail, a
redirection or a bounce is no reply). Only the ladder's channels count towards it; a direct
message, a mention, a visit or a marketplace message is neither a rung nor counted.

The rung reached is the highest rung whose channel has N unanswered attempts or more; the
suggestion is the rung above it (none above a letter: the ladder ends there, and only the
untried contact points are suggested).

A contact point is *tried* when any outbound attempt on the request (at any time, answered
or not) names it. Matching ignores case, accents are kept, and runs of spaces and ``_`` count
as one space; an attempt names a point when its contact point text

- equals the point's label ("Press office"), or
- equals one of the point's department names (its kind's code "press_office" or the names
  the caller gives for that kind, e.g. "Press office" and "Service de presse": the request
  page offers ``label or department name`` in the reader's language), or
- contains the point's value, ignoring case, spaces, dots, dashes, slashes and parentheses
  ("Phone +33 1 23 45 67 89" names the point "+33123456789"; the national form
  "01 23 45 67 89" does not, nor does a label that only resembles the point's).

Pure: no Flask, no database. Dates are the brand's local days, as for the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypedDict

from registry.domain.clock import CHANNELS, OUTBOUND, AttemptFact, unanswered
from registry.domain.messages import N_, Choices, Explained
from registry.domain.vocabulary import Channel

LADDER: tuple[str, ...] = (
    Channel.WEB_FORM.value,
    Channel.EMAIL.value,
    Channel.PHONE.value,
    Channel.LETTER.value,
)
DEFAULT_ESCALATE_AFTER = 2
MIN_ESCALATE_AFTER = 1

# The contact point kinds that are a channel themselves, shown first when that channel is next.
_KIND_OF_CHANNEL = {
    Channel.WEB_FORM.value: "web_form",
    Channel.EMAIL.value: "email",
    Channel.PHONE.value: "phone",
}


@dataclass(frozen=True)
class ChannelAttempt:
    """One contact attempt as the ladder sees it: the clock's fact, its channel and the
    contact point it was sent to (free text, as logged)."""

    fact: AttemptFact
    channel: str
    contact_point: str = ""

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise Explained(
                N_('Unknown channel "%(channel)s"; expected one of: %(known)s.'),
                channel=self.channel,
                known=Choices("channel", CHANNELS),
            )


@dataclass(frozen=True)
class Point:
    """A brand's official contact point (public): kind, label, value."""

    kind: str
    label: str
    value: str


class PointDict(TypedDict):
    """A contact point as the API shows it."""

    kind: str
    label: str
    value: str


class SuggestionDict(TypedDict):
    """A suggestion as the API shows it (`Suggestion.as_dict`)."""

    channel: str
    unanswered_attempts: int
    next_channel: str | None
    untried_contact_points: list[PointDict]


@dataclass(frozen=True)
class Suggestion:
    """After ``unanswered`` unanswered attempts through ``channel``, try ``next_channel``
    (None at the top of the ladder) and the contact points not tried yet."""

    channel: str
    unanswered: int
    next_channel: str | None
    untried: tuple[Point, ...] = field(default=())

    def as_dict(self) -> SuggestionDict:
        return {
            "channel": self.channel,
            "unanswered_attempts": self.unanswered,
            "next_channel": self.next_channel,
            "untried_contact_points": [
                {"kind": p.kind, "label": p.label, "value": p.value} for p in self.untried
            ],
        }


def check_escalate_after(value: int) -> int:
    """The site's setting, checked where it is read (a bad one is the operator's mistake)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < MIN_ESCALATE_AFTER:
        raise ValueError(f"ESCALATE_AFTER must be a whole number of at least 1, not {value!r}.")
    return value


def _words(text: str) -> str:
    return " ".join((text or "").casefold().replace("_", " ").split())


_NOISE = re.compile(r"[\s.\-()/]+")


def _compact(text: str) -> str:
    return _NOISE.sub("", (text or "").casefold())


def names_point(text: str, point: Point, department_names: Iterable[str] = ()) -> bool:
    """Whether an attempt's contact point text names this point (see the module's rule)."""
    said = _words(text)
    if not said:
        return False
    names = {_words(point.label), _words(point.kind), *(_words(n) for n in department_names)}
    names.discard("")
    if said in names:
        return True
    value = _compact(point.value)
    return bool(value) and value in _compact(text)


def untried_points(
    attempts: Iterable[ChannelAttempt],
    points: Iterable[Point],
    department_names: Mapping[str, Iterable[str]] | None = None,
) -> list[Point]:
    """The points no outbound attempt named, in the order given."""
    named = [a.contact_point for a in attempts if a.fact.direction == OUTBOUND and a.contact_point]
    names = department_names or {}
    return [
        point
        for point in points
        if not any(names_point(text, point, tuple(names.get(point.kind, ()))) for text in named)
    ]


def suggestion(
    attempts: Iterable[ChannelAttempt],
    points: Iterable[Point] = (),
    *,
    escalate_after: int = DEFAULT_ESCALATE_AFTER,
    department_names: Mapping[str, Iterable[str]] | None = None,
) -> Suggestion | None:
    """What to try next, or None while no rung has ``escalate_after`` unanswered attempts."""
    escalate_after = check_escalate_after(escalate_after)
    attempts = list(attempts)
    counts: dict[str, int] = {}
    for attempt in unanswered(attempts, fact=lambda attempt: attempt.fact):
        counts[attempt.channel] = counts.get(attempt.channel, 0) + 1
    reached = [rung for rung in LADDER if counts.get(rung, 0) >= escalate_after]
    if not reached:
        return None
    channel = reached[-1]
    position = LADDER.index(channel)
    next_channel = LADDER[position + 1] if position + 1 < len(LADDER) else None
    untried = untried_points(attempts, points, department_names)
    first_kind = _KIND_OF_CHANNEL.get(next_channel or "")
    untried.sort(key=lambda point: point.kind != first_kind)  # stable: the next rung's first
    return Suggestion(
        channel=channel,
        unanswered=counts[channel],
        next_channel=next_channel,
        untried=tuple(untried),
    )
