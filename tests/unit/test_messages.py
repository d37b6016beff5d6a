"""Sentences kept as msgids with named parameters, translated only where they are read."""

import pytest

from registry.domain.handles import InvalidHandle, parse_handle
from registry.domain.messages import Explained, Message, as_message, render
from registry.domain.platforms import UnknownPlatform, get_rules
from registry.domain.workflow import TransitionNotAllowed, check_transition
from registry.services import Invalid, ServiceError

# A stand-in catalogue: upper-cases what it knows, leaves the rest as it is.
KNOWN = {
    "%(platform)s handles may only contain %(allowed)s.": "ON %(platform)s: ONLY %(allowed)s.",
    "letters, digits and underscores": "LETTERS AND DIGITS",
}


def shout(msgid: str) -> str:
    return KNOWN.get(msgid, msgid)


def test_a_message_reads_as_english_with_its_parameters():
    message = Message('Unknown platform "%(slug)s".', slug="myspace")
    assert str(message) == 'Unknown platform "myspace".'
    assert message.msgid == 'Unknown platform "%(slug)s".'
    assert message.params == {"slug": "myspace"}


def test_parameters_are_filled_in_after_translation():
    phrase = Message("letters, digits and underscores")
    text = render(
        "%(platform)s handles may only contain %(allowed)s.",
        {"platform": "X", "allowed": phrase},
        shout,
    )
    assert text == "ON X: ONLY LETTERS AND DIGITS."


def test_plain_parameters_are_data_and_never_translated():
    text = render(
        "%(platform)s handles may only contain %(allowed)s.",
        {"platform": "X", "allowed": "letters, digits and underscores"},
        shout,
    )
    assert text == "ON X: ONLY letters, digits and underscores."


def test_a_sentence_without_parameters_keeps_its_percent_signs():
    assert render("100% of the handles") == "100% of the handles"


def test_as_message_wraps_plain_strings_only():
    message = Message("Enter a handle.")
    assert as_message(message) is message
    assert as_message("Enter a handle.") == message


def test_an_explained_refusal_is_a_value_error_with_its_msgid():
    error = Explained('Unknown brand "%(value)s".', value="Galimard")
    assert isinstance(error, ValueError)
    assert str(error) == 'Unknown brand "Galimard".'
    assert error.message == Message('Unknown brand "%(value)s".', value="Galimard")


def test_an_invalid_handle_keeps_a_whole_sentence_and_its_parameters():
    with pytest.raises(InvalidHandle) as caught:
        parse_handle(get_rules("x"), "Galli-mard")
    error = caught.value
    assert error.msgid == "%(platform)s handles may only contain %(allowed)s."
    assert error.params["platform"] == "X"
    assert error.params["allowed"] == Message("letters, digits and underscores")
    assert error.message.render(shout) == "ON X: ONLY LETTERS AND DIGITS."


def test_facebook_refusals_are_their_own_sentences_about_usernames():
    with pytest.raises(InvalidHandle) as caught:
        parse_handle(get_rules("facebook"), "nesp")
    assert caught.value.msgid == "%(platform)s usernames are at least %(min)s characters."
    assert caught.value.params == {"platform": "Facebook", "min": 5}


def test_an_unknown_platform_keeps_its_slug_apart():
    with pytest.raises(UnknownPlatform) as caught:
        get_rules(" MySpace ")
    assert (caught.value.msgid, caught.value.params) == (
        'Unknown platform "%(slug)s".',
        {"slug": "MySpace"},
    )


def test_a_refused_transition_keeps_its_states_apart():
    with pytest.raises(TransitionNotAllowed) as caught:
        check_transition("completed", "proposed")
    assert "%(current)s" in caught.value.msgid
    assert caught.value.params["current"] == "completed"
    assert caught.value.params["target"] == "proposed"


def test_a_service_error_wrapping_a_domain_refusal_keeps_msgid_params_and_field():
    with pytest.raises(InvalidHandle) as caught:
        parse_handle(get_rules("x"), "Galli-mard")
    error = Invalid.explaining(caught.value, field="handle")
    assert error.msgid == caught.value.msgid and error.params == caught.value.params
    assert error.message == "X handles may only contain letters, digits and underscores."
    assert error.fields == {"handle": error.message}
    assert error.field_messages["handle"].render(shout) == "ON X: ONLY LETTERS AND DIGITS."


def test_a_service_error_accepts_messages_for_its_fields():
    error = ServiceError(
        "line %(line)s: %(problem)s",
        fields={"handle": Message("Enter a handle.")},
        line=3,
        problem=Message("Enter a handle."),
    )
    assert error.message == "line 3: Enter a handle."
    assert error.fields == {"handle": "Enter a handle."}


# --- dates and codes, shown by whoever renders (issue 14) -----------------------------------


def test_dates_and_codes_go_through_the_renderers_show_nested_messages_too():
    from datetime import date

    from registry.domain.messages import Choices, Code

    def show(value):
        if isinstance(value, date):
            return f"the {value.day}st"
        if isinstance(value, Code):
            return value.value.upper()
        return value

    inner = Message("since %(day)s", day=date(2009, 6, 1))
    text = render(
        "%(state)s %(inner)s, %(n)s",
        {"state": Code("state", "agreed"), "inner": inner, "n": 3},
        shout,
        show,
    )
    assert text == "AGREED since the 1st, 3"
    assert str(
        Message("%(c)s: %(all)s", c=Code("state", "agreed"), all=Choices("state", ("a", "b")))
    ) == ("agreed: a, b")


def test_a_code_equals_its_value_so_stored_english_comparisons_hold():
    from registry.domain.messages import Choices, Code

    assert Code("state", "agreed") == "agreed"
    assert Code("state", "agreed") != Code("role", "agreed")
    assert Choices("state", ("a", "b")) == "a, b"


def test_stored_codes_and_days_come_back_as_values_to_show():
    from datetime import date

    from registry.domain import recorded
    from registry.domain.messages import Code

    stored = recorded.dumps(
        {"to": recorded.code("state", "agreed"), "on": recorded.day(date(2009, 6, 1))}
    )
    message = recorded.message("%(to)s %(on)s", stored, label=str)
    assert message.params == {"to": Code("state", "agreed"), "on": date(2009, 6, 1)}
    assert str(message) == "agreed 2009-06-01"


def test_french_writes_the_first_of_the_month_as_an_ordinal_and_english_does_not():
    from datetime import date

    from registry.presentation.formats import _long_day

    assert _long_day(date(2026, 12, 1), "fr") == "1er décembre 2026"
    assert _long_day(date(2026, 12, 10), "fr") == "10 décembre 2026"
    assert _long_day(date(2026, 12, 1), "en") == "December 1, 2026"


def test_summaries_stored_before_codes_were_marked_read_as_new_ones():
    from datetime import date

    from registry.domain import recorded
    from registry.domain.messages import Code

    moved = recorded.message(
        "Request #%(id)s: %(before)s → %(after)s",
        '{"id": 3, "before": "proposed", "after": "agreed"}',
        label=str,
    )
    assert moved.params == {
        "id": 3,
        "before": Code("state", "proposed"),
        "after": Code("state", "agreed"),
    }
    back = recorded.message(
        "Request #%(id)s: opened on moved back to %(day)s", '{"id": 3, "day": "2026-12-01"}', str
    )
    assert back.params["day"] == date(2026, 12, 1)
    # Another sentence's parameter of the same name is data.
    other = recorded.message("Brand %(brand)s created", '{"brand": "agreed"}', label=str)
    assert other.params == {"brand": "agreed"} and not isinstance(other.params["brand"], Code)
