"""What a notification says (registry.presentation.notifications): one sentence per topic,
made from its event's facts, in the reader's language; the header's count as shown and read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from registry.presentation import i18n
from registry.presentation import notifications as words
from registry.services.notifications import TO_REQUEST, TO_UNMATCHED_MAIL, TO_WEBHOOKS, Item

WHEN = datetime(2026, 12, 8, 9, tzinfo=UTC)


def item(topic: str, **facts) -> Item:
    values = {
        "id": 1,
        "topic": topic,
        "kind": "attempt.logged",
        "created_at": WHEN,
        "read": False,
        "target": TO_REQUEST,
        "request_id": 12,
        "request_kind": "offer",
        "handle": "gallimard",
        "platform": "X",
        "brand": "Gallimard",
    }
    return Item(**(values | facts))


CASES = [
    (
        item("brand_replied"),
        "Gallimard replied to your offer of @gallimard on X",
        "Gallimard a répondu à votre proposition de @gallimard sur X",
    ),
    (
        item("brand_replied", request_kind="claim"),
        "Gallimard replied about the claim to @gallimard on X",
        "Gallimard a répondu au sujet de la revendication de @gallimard sur X",
    ),
    (
        item("brand_decided", to_state="agreed"),
        "Gallimard accepted your offer of @gallimard on X",
        "Gallimard a accepté votre proposition de @gallimard sur X",
    ),
    (
        item("brand_decided", to_state="declined"),
        "Gallimard declined your offer of @gallimard on X",
        "Gallimard a refusé votre proposition de @gallimard sur X",
    ),
    (
        item("new_offer", handle="gallimard", platform="Instagram"),
        "New offer naming Gallimard: @gallimard on Instagram",
        "Nouvelle proposition pour Gallimard : @gallimard sur Instagram",
    ),
    (
        item("handover_to_confirm"),
        "A handover window for @gallimard on X awaits your confirmation",
        "Un créneau de passation de @gallimard sur X attend votre confirmation",
    ),
    (
        item("reply_due_soon"),
        "Reply due soon on request #12",
        "Réponse bientôt due sur la demande n°12",
    ),
    (
        item(
            "mail_unmatched",
            target=TO_UNMATCHED_MAIL,
            request_id=None,
            handle="",
            sender="claire@nespresso.test",
        ),
        "A message from claire@nespresso.test matches no request",
        "Un message de claire@nespresso.test ne correspond à aucune demande",
    ),
    (
        item("webhook_disabled", target=TO_WEBHOOKS, request_id=None, hook_url="https://h.test/"),
        "Your webhook https://h.test/ was disabled after failing for a day",
        "Votre webhook https://h.test/ a été désactivé après une journée d’échecs",
    ),
]


@pytest.mark.parametrize(
    ("notice", "english", "french"), CASES, ids=lambda v: getattr(v, "topic", "")
)
def test_each_topic_reads_as_one_sentence_in_the_readers_language(app, notice, english, french):
    with app.test_request_context("/"):
        with i18n.in_language("en"):
            assert words.text(notice) == english
        with i18n.in_language("fr"):
            assert words.text(notice) == french


def test_a_sentence_never_names_a_platform_it_was_not_given(app):
    with app.test_request_context("/"), i18n.in_language("en"):
        # Facts missing (an event written before its handle was known): the topic, named.
        assert words.text(item("brand_replied", handle="")) == (
            "Request #12: The brand replied to my request"
        )


@pytest.mark.parametrize(
    ("count", "shown", "spoken"),
    [
        (0, "0", "Notifications, none unread"),
        (1, "1", "Notifications, 1 unread"),
        (99, "99", "Notifications, 99 unread"),
        (100, "99+", "Notifications, more than 99 unread"),
    ],
)
def test_the_unread_count_as_shown_and_read_aloud(app, count, shown, spoken):
    with app.test_request_context("/"), i18n.in_language("en"):
        assert words.unread_shown(count) == shown
        assert words.unread_spoken(count) == spoken


def test_the_count_read_aloud_in_french(app):
    with app.test_request_context("/"), i18n.in_language("fr"):
        assert words.unread_spoken(2) == "Notifications, 2 non lues"
        assert words.unread_spoken(0) == "Notifications, aucune non lue"
