"""The escalation ladder (registry.domain.escalation): pure rules, fixed dates."""

from datetime import date

import pytest

from registry.domain import escalation
from registry.domain.clock import AttemptFact
from registry.domain.escalation import ChannelAttempt, Point, suggestion
from registry.domain.messages import Refusal

D = date(2026, 5, 4)


def sent(channel, day=D, outcome="no_answer", point=""):
    return ChannelAttempt(AttemptFact(day, "outbound", outcome), channel, point)


def received(channel, day=D, outcome="replied"):
    return ChannelAttempt(AttemptFact(day, "inbound", outcome), channel, "")


PRESS = Point("press_office", "Press office", "presse@brand.fr")
FORM = Point("web_form", "", "https://brand.fr/contact")
MAIL = Point("email", "Contact", "contact@brand.fr")
PHONE = Point("phone", "Switchboard", "+33 1 23 45 67 89")
LEGAL = Point("legal", "", "legal@brand.fr")


def test_the_ladder_uses_the_clocks_channel_codes():
    assert escalation.LADDER == ("web_form", "email", "phone", "letter")


def test_no_suggestion_before_n_unanswered_attempts():
    assert suggestion([]) is None
    assert suggestion([sent("web_form")]) is None


def test_two_unanswered_web_forms_suggest_email_and_the_untried_points():
    found = suggestion(
        [sent("web_form", point="Press office"), sent("web_form")], [PRESS, FORM, MAIL, PHONE]
    )
    assert found.channel == "web_form"
    assert found.unanswered == 2
    assert found.next_channel == "email"
    # The press office was named; the e-mail point comes first, as e-mail is next.
    assert found.untried == (MAIL, FORM, PHONE)


def test_each_rung_leads_to_the_next_and_the_letter_ends_the_ladder():
    assert suggestion([sent("email"), sent("email")]).next_channel == "phone"
    assert suggestion([sent("phone"), sent("phone")]).next_channel == "letter"
    top = suggestion([sent("letter"), sent("letter")], [PRESS])
    assert (top.channel, top.next_channel, top.untried) == ("letter", None, (PRESS,))


def test_the_highest_rung_reached_decides():
    found = suggestion([sent("web_form")] * 3 + [sent("phone")] * 2 + [sent("email")] * 2)
    assert (found.channel, found.unanswered, found.next_channel) == ("phone", 2, "letter")


def test_n_is_configurable():
    attempts = [sent("email"), sent("email")]
    assert suggestion(attempts, escalate_after=3) is None
    assert suggestion([*attempts, sent("email")], escalate_after=3).unanswered == 3
    assert suggestion([sent("email")], escalate_after=1).next_channel == "phone"
    for bad in (0, -1, True, "2"):
        with pytest.raises(ValueError):
            suggestion(attempts, escalate_after=bad)


def test_a_real_reply_restarts_the_count():
    later = date(2026, 5, 11)
    attempts = [sent("web_form"), sent("web_form"), received("email", later)]
    assert suggestion(attempts) is None
    assert suggestion([*attempts, sent("web_form", later)]) is None
    assert suggestion([*attempts, sent("web_form", later), sent("web_form", later)]).unanswered == 2


def test_attempts_are_read_in_date_order():
    early, late = date(2026, 5, 4), date(2026, 5, 12)
    # Logged out of order: the reply came after both forms, so nothing is unanswered.
    assert (
        suggestion([sent("web_form", early), received("email", late), sent("web_form", early)])
        is None
    )


@pytest.mark.parametrize("outcome", ["auto_reply", "voicemail", "redirected", "bounced"])
def test_no_person_answering_is_no_reply(outcome):
    attempts = [
        sent("phone"),
        ChannelAttempt(AttemptFact(D, "inbound", outcome), "phone"),
        sent("phone"),
    ]
    assert suggestion(attempts).channel == "phone"


def test_outbound_replied_stops_the_count():
    assert suggestion([sent("email"), sent("email", outcome="replied")]) is None


def test_channels_off_the_ladder_never_count():
    assert suggestion([sent("dm"), sent("dm"), sent("mention"), sent("mention")]) is None


def test_unknown_channel_is_refused():
    with pytest.raises(Refusal):
        ChannelAttempt(AttemptFact(D, "outbound", "no_answer"), "pigeon")


@pytest.mark.parametrize(
    ("text", "point", "names", "named"),
    [
        ("Press office", PRESS, (), True),
        ("  press   OFFICE ", PRESS, (), True),
        ("press_office", PRESS, (), True),  # the kind's code
        ("Service de presse", PRESS, ("Press office", "Service de presse"), True),
        ("Service de presse", PRESS, (), False),  # without the department names given
        ("presse@brand.fr", PRESS, (), True),
        ("Wrote to PRESSE@brand.fr twice", PRESS, (), True),  # contains the value
        ("Press", PRESS, (), False),  # a label is matched whole, not by a part
        ("Press office of the group", PRESS, (), False),
        ("Legal department", LEGAL, ("Legal department", "Service juridique"), True),
        ("Phone +33 1 23 45 67 89", PHONE, (), True),  # the value, spaces ignored
        ("+33.1.23.45.67.89", PHONE, (), True),
        ("01 23 45 67 89", PHONE, (), False),  # another form of the number is not matched
        ("", PRESS, (), False),
        ("https://brand.fr/contact", FORM, (), True),
    ],
)
def test_how_an_attempt_names_a_contact_point(text, point, names, named):
    assert escalation.names_point(text, point, names) is named


def test_only_outbound_attempts_try_a_point():
    inbound = ChannelAttempt(AttemptFact(D, "inbound", "auto_reply"), "email", "Press office")
    assert escalation.untried_points([inbound], [PRESS]) == [PRESS]
    assert escalation.untried_points([sent("email", point="Press office")], [PRESS]) == []


def test_department_names_are_matched_per_kind():
    names = {"legal": ("Legal department", "Service juridique")}
    tried = [sent("email", point="Service juridique")]
    assert escalation.untried_points(tried, [PRESS, LEGAL], names) == [PRESS]


def test_points_tried_before_a_reply_stay_tried():
    later = date(2026, 5, 11)
    attempts = [
        sent("web_form", point="Contact"),
        received("email", later),
        sent("web_form", later),
        sent("web_form", later),
    ]
    assert suggestion(attempts, [MAIL, PRESS]).untried == (PRESS,)


def test_as_dict():
    assert suggestion([sent("web_form")] * 2, [PRESS]).as_dict() == {
        "channel": "web_form",
        "unanswered_attempts": 2,
        "next_channel": "email",
        "untried_contact_points": [
            {"kind": "press_office", "label": "Press office", "value": "presse@brand.fr"}
        ],
    }
