"""Who hears of what: the registry's events, the topics a member is told of, and who each
topic reaches (DESIGN.md "Notifications").

An event is written beside the audit entry of the change it reports, in the same transaction
(the outbox: registry.services.outbox); once committed it is dispatched: each member it
concerns gets one notification per event (on the site and by e-mail, each channel turned on
or off per topic), and each webhook registered for its kind one delivery. Pure Python: the
facts of an event come in, the audiences go out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from registry.domain import clock, workflow
from registry.domain.messages import N_
from registry.domain.permissions import ADMIN, FAN, LEGAL, STAFF


class EventKind(StrEnum):
    """What happened. The first eight are the webhooks' events (DESIGN.md); the last two
    concern members only (staff, the owner of a hook) and are never sent to a webhook."""

    REQUEST_CREATED = "request.created"
    ATTEMPT_LOGGED = "attempt.logged"
    REQUEST_TRANSITIONED = "request.transitioned"
    FLAG_RAISED = "flag.raised"
    HANDOVER_PLANNED = "handover.planned"
    HANDOVER_CONFIRMED = "handover.confirmed"
    HANDOVER_OUTCOME = "handover.outcome"
    SUSPECT_FOUND = "suspect.found"
    MAIL_UNMATCHED = "mail.unmatched"
    WEBHOOK_DISABLED = "webhook.disabled"


WEBHOOK_EVENTS: tuple[str, ...] = tuple(
    kind.value
    for kind in EventKind
    if kind not in (EventKind.MAIL_UNMATCHED, EventKind.WEBHOOK_DISABLED)
)


class Topic(StrEnum):
    """What a member is told of, each turned on or off per channel on
    /me/notifications/settings (DESIGN.md lists them by role)."""

    BRAND_REPLIED = "brand_replied"  # a fan: the brand answered their request
    BRAND_DECIDED = "brand_decided"  # a fan: the brand accepted or declined it
    HANDOVER_TO_CONFIRM = "handover_to_confirm"  # a party: a window awaits its confirmation
    NEW_OFFER = "new_offer"  # a brand's legal team: a new offer names the brand
    REPLY_DUE_SOON = "reply_due_soon"  # a brand's legal team: a reply is due soon
    MAIL_UNMATCHED = "mail_unmatched"  # staff: mail arrived that matches no request
    WEBHOOK_DISABLED = "webhook_disabled"  # the owner of a hook that failed for a day


class Channel(StrEnum):
    SITE = "site"
    EMAIL = "email"


class Audience(StrEnum):
    """Who a topic reaches, among the members."""

    PROPOSER = "proposer"  # the member who proposed the request
    BRAND_LEGAL = "brand_legal"  # the legal accounts of the request's brand
    STAFF = "staff"  # staff and admins
    OWNER = "owner"  # the member the event names (the owner of a hook)


TOPIC_LABELS: dict[str, str] = {
    Topic.BRAND_REPLIED: N_("The brand replied to my request"),
    Topic.BRAND_DECIDED: N_("The brand decided on my request"),
    Topic.HANDOVER_TO_CONFIRM: N_("A handover window awaits my confirmation"),
    Topic.NEW_OFFER: N_("A new offer names my brand"),
    Topic.REPLY_DUE_SOON: N_("My brand's reply to a request is due soon"),
    Topic.MAIL_UNMATCHED: N_("Mail arrived that matches no request"),
    Topic.WEBHOOK_DISABLED: N_("A webhook of mine was disabled"),
}

# The topics a role can hear of: the settings page lists these, no more.
_ROLE_TOPICS: dict[str, tuple[Topic, ...]] = {
    FAN: (Topic.BRAND_REPLIED, Topic.BRAND_DECIDED, Topic.HANDOVER_TO_CONFIRM),
    LEGAL: (
        Topic.NEW_OFFER,
        Topic.REPLY_DUE_SOON,
        Topic.HANDOVER_TO_CONFIRM,
        Topic.BRAND_REPLIED,
        Topic.BRAND_DECIDED,
        Topic.WEBHOOK_DISABLED,
    ),
    STAFF: (
        Topic.MAIL_UNMATCHED,
        Topic.BRAND_REPLIED,
        Topic.BRAND_DECIDED,
        Topic.HANDOVER_TO_CONFIRM,
    ),
}
_ROLE_TOPICS[ADMIN] = (*_ROLE_TOPICS[STAFF], Topic.WEBHOOK_DISABLED)


def topics_for(role: str) -> tuple[Topic, ...]:
    """The topics a member of `role` may hear of, in the settings page's order. Every
    member proposes requests of their own, so a proposer's topics are everyone's."""
    return _ROLE_TOPICS.get(role, _ROLE_TOPICS[FAN])


# A state a brand's decision moves a request to: its proposer hears of it.
DECISIONS: frozenset[str] = frozenset({workflow.AGREED, workflow.DECLINED})
# A flag the brand's legal team hears of (an overdue request is on their daily digest).
DUE_SOON = "due_soon"


@dataclass(frozen=True)
class EventFacts:
    """What the audiences of an event depend on (read off the event's data)."""

    kind: str
    request_kind: str = ""  # "offer" or "claim", for an event about a request
    direction: str = ""  # of a logged attempt
    outcome: str = ""  # of a logged attempt
    decision: str = ""  # of a logged attempt that records the brand's decision
    to_state: str = ""  # of a transition
    flag: str = ""  # of a raised flag


def audiences(facts: EventFacts) -> tuple[tuple[Topic, Audience], ...]:
    """Which topic the event is, for whom: () when it is nobody's notification (it may
    still go to webhooks)."""
    kind = facts.kind
    if kind == EventKind.REQUEST_CREATED and facts.request_kind == "offer":
        return ((Topic.NEW_OFFER, Audience.BRAND_LEGAL),)
    # The brand's decision is logged as its reply too: its proposer hears of the decision
    # (the move it makes), once.
    if kind == EventKind.ATTEMPT_LOGGED and (
        facts.direction == clock.INBOUND
        and clock.is_real_reply(facts.direction, facts.outcome)
        and not facts.decision
    ):
        return ((Topic.BRAND_REPLIED, Audience.PROPOSER),)
    if kind == EventKind.REQUEST_TRANSITIONED and facts.to_state in DECISIONS:
        return ((Topic.BRAND_DECIDED, Audience.PROPOSER),)
    if kind == EventKind.HANDOVER_PLANNED:
        return (
            (Topic.HANDOVER_TO_CONFIRM, Audience.PROPOSER),
            (Topic.HANDOVER_TO_CONFIRM, Audience.BRAND_LEGAL),
        )
    if kind == EventKind.FLAG_RAISED and facts.flag == DUE_SOON:
        return ((Topic.REPLY_DUE_SOON, Audience.BRAND_LEGAL),)
    if kind == EventKind.MAIL_UNMATCHED:
        return ((Topic.MAIL_UNMATCHED, Audience.STAFF),)
    if kind == EventKind.WEBHOOK_DISABLED:
        return ((Topic.WEBHOOK_DISABLED, Audience.OWNER),)
    return ()
