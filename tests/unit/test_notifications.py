"""Who hears of what (registry.domain.notifications): the rules alone."""

from __future__ import annotations

import pytest

from registry.domain.notifications import (
    TOPIC_LABELS,
    WEBHOOK_EVENTS,
    Audience,
    EventFacts,
    EventKind,
    Topic,
    audiences,
    topics_for,
)


def test_the_webhooks_events_are_the_designs():
    assert WEBHOOK_EVENTS == (
        "request.created",
        "attempt.logged",
        "request.transitioned",
        "flag.raised",
        "handover.planned",
        "handover.confirmed",
        "handover.outcome",
        "suspect.found",
    )


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            EventFacts("request.created", request_kind="offer"),
            {(Topic.NEW_OFFER, Audience.BRAND_LEGAL)},
        ),
        (EventFacts("request.created", request_kind="claim"), set()),
        (
            EventFacts("attempt.logged", direction="inbound", outcome="replied"),
            {(Topic.BRAND_REPLIED, Audience.PROPOSER)},
        ),
        (
            EventFacts("attempt.logged", direction="inbound", outcome="refused"),
            {(Topic.BRAND_REPLIED, Audience.PROPOSER)},
        ),
        # The decision logged as a reply: the decision's move tells it, not the reply.
        (
            EventFacts("attempt.logged", direction="inbound", outcome="replied", decision="accept"),
            set(),
        ),
        # A machine answering is not the brand replying; an attempt of ours is no reply.
        (EventFacts("attempt.logged", direction="inbound", outcome="auto_reply"), set()),
        (EventFacts("attempt.logged", direction="inbound", outcome="bounced"), set()),
        (EventFacts("attempt.logged", direction="outbound", outcome="replied"), set()),
        (
            EventFacts("request.transitioned", to_state="agreed"),
            {(Topic.BRAND_DECIDED, Audience.PROPOSER)},
        ),
        (
            EventFacts("request.transitioned", to_state="declined"),
            {(Topic.BRAND_DECIDED, Audience.PROPOSER)},
        ),
        (EventFacts("request.transitioned", to_state="contacting"), set()),
        (EventFacts("request.transitioned", to_state="withdrawn"), set()),
        (
            EventFacts("handover.planned"),
            {
                (Topic.HANDOVER_TO_CONFIRM, Audience.PROPOSER),
                (Topic.HANDOVER_TO_CONFIRM, Audience.BRAND_LEGAL),
            },
        ),
        (EventFacts("handover.confirmed"), set()),
        (
            EventFacts("flag.raised", flag="due_soon"),
            {(Topic.REPLY_DUE_SOON, Audience.BRAND_LEGAL)},
        ),
        (EventFacts("flag.raised", flag="overdue"), set()),
        (EventFacts("mail.unmatched"), {(Topic.MAIL_UNMATCHED, Audience.STAFF)}),
        (EventFacts("webhook.disabled"), {(Topic.WEBHOOK_DISABLED, Audience.OWNER)}),
    ],
)
def test_who_hears_of_each_event(facts, expected):
    assert set(audiences(facts)) == expected


def test_each_role_hears_of_its_topics_only():
    assert topics_for("fan") == (
        Topic.BRAND_REPLIED,
        Topic.BRAND_DECIDED,
        Topic.HANDOVER_TO_CONFIRM,
    )
    assert Topic.MAIL_UNMATCHED in topics_for("staff")
    assert Topic.MAIL_UNMATCHED not in topics_for("legal")
    assert Topic.NEW_OFFER in topics_for("legal")
    assert Topic.NEW_OFFER not in topics_for("staff")
    assert Topic.WEBHOOK_DISABLED in topics_for("admin")
    assert Topic.WEBHOOK_DISABLED not in topics_for("fan")
    # An unknown role hears what a proposer hears, no more.
    assert topics_for("nobody") == topics_for("fan")


def test_every_topic_and_event_has_its_words():
    assert set(TOPIC_LABELS) == set(Topic)
    assert {kind.value for kind in EventKind} >= set(WEBHOOK_EVENTS)
