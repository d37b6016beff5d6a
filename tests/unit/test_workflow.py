"""The request state machine: every allowed move passes, every other one is refused."""

import itertools
from pathlib import Path

import pytest

from registry.domain import workflow
from registry.domain.workflow import (
    AGREED,
    CLOSED_STATES,
    COMPLETED,
    CONTACTING,
    DECLINED,
    IN_DISCUSSION,
    OPEN_STATES,
    PROPOSED,
    STATE_LABELS,
    STATES,
    TRANSITIONS,
    WITHDRAWN,
    TransitionNotAllowed,
    allowed_transitions,
    check_transition,
    is_open,
)

# Written out by hand from DESIGN.md, so a change to TRANSITIONS cannot pass unnoticed.
ALLOWED = {
    (PROPOSED, CONTACTING),
    (CONTACTING, IN_DISCUSSION),
    (IN_DISCUSSION, AGREED),
    (AGREED, COMPLETED),
    *(
        (state, ending)
        for state in (PROPOSED, CONTACTING, IN_DISCUSSION, AGREED)
        for ending in (DECLINED, WITHDRAWN)
    ),
}
ALL_PAIRS = list(itertools.product(STATES, STATES))
REFUSED = [pair for pair in ALL_PAIRS if pair not in ALLOWED]


def test_state_values_are_the_designs_words():
    assert STATES == (
        "proposed",
        "contacting",
        "in_discussion",
        "agreed",
        "completed",
        "declined",
        "withdrawn",
    )


def test_open_and_closed_states_split_all_states():
    assert set(OPEN_STATES) == {PROPOSED, CONTACTING, IN_DISCUSSION, AGREED}
    assert set(CLOSED_STATES) == {COMPLETED, DECLINED, WITHDRAWN}
    assert set(OPEN_STATES | CLOSED_STATES) == set(STATES)
    assert not OPEN_STATES & CLOSED_STATES


def test_transitions_table_holds_exactly_the_allowed_moves():
    table_pairs = {
        (current, target) for current, targets in TRANSITIONS.items() for target in targets
    }
    assert table_pairs == ALLOWED
    assert set(TRANSITIONS) == set(STATES)


def test_every_state_has_a_human_label():
    assert set(STATE_LABELS) == set(STATES)
    assert STATE_LABELS[IN_DISCUSSION] == "In discussion"
    assert STATE_LABELS[PROPOSED] == "Proposed"


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transition_passes(current, target):
    assert check_transition(current, target) is None


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_refused_transition_raises(current, target):
    with pytest.raises(TransitionNotAllowed) as refused:
        check_transition(current, target)
    assert refused.value.current == current
    assert refused.value.target == target
    assert f'"{target}"' in str(refused.value)


def test_refusal_is_a_value_error():
    with pytest.raises(ValueError):
        check_transition(PROPOSED, AGREED)


def test_skipping_a_step_names_the_next_steps():
    with pytest.raises(TransitionNotAllowed) as refused:
        check_transition(PROPOSED, AGREED)
    assert str(refused.value) == (
        'A "proposed" request cannot move straight to "agreed"; '
        "next steps are: contacting, declined, withdrawn."
    )
    assert refused.value.allowed == (CONTACTING, DECLINED, WITHDRAWN)


def test_going_back_says_back():
    with pytest.raises(TransitionNotAllowed) as refused:
        check_transition(AGREED, CONTACTING)
    assert str(refused.value) == (
        'A "agreed" request cannot move back to "contacting"; '
        "next steps are: completed, declined, withdrawn."
    )


def test_closed_request_cannot_move():
    with pytest.raises(TransitionNotAllowed) as refused:
        check_transition(COMPLETED, CONTACTING)
    assert str(refused.value) == (
        'A request that is "completed" cannot move to "contacting": it is closed.'
    )
    assert refused.value.allowed == ()


def test_moving_to_the_same_state_is_refused_clearly():
    with pytest.raises(TransitionNotAllowed, match='already "contacting"'):
        check_transition(CONTACTING, CONTACTING)


@pytest.mark.parametrize(("current", "target"), [("open", CONTACTING), (PROPOSED, "done")])
def test_unknown_state_name_is_a_clear_value_error(current, target):
    with pytest.raises(ValueError, match="Unknown request state") as error:
        check_transition(current, target)
    assert not isinstance(error.value, TransitionNotAllowed)
    assert "proposed, contacting, in_discussion" in str(error.value)


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (PROPOSED, (CONTACTING, DECLINED, WITHDRAWN)),
        (CONTACTING, (IN_DISCUSSION, DECLINED, WITHDRAWN)),
        (IN_DISCUSSION, (AGREED, DECLINED, WITHDRAWN)),
        (AGREED, (COMPLETED, DECLINED, WITHDRAWN)),
        (COMPLETED, ()),
        (DECLINED, ()),
        (WITHDRAWN, ()),
    ],
)
def test_allowed_transitions_in_state_order(current, expected):
    assert allowed_transitions(current) == expected


def test_allowed_transitions_of_unknown_state_raises():
    with pytest.raises(ValueError, match='Unknown request state "lost"'):
        allowed_transitions("lost")


@pytest.mark.parametrize("state", STATES)
def test_is_open_matches_open_states(state):
    assert is_open(state) is (state in OPEN_STATES)


def test_is_open_of_unknown_state_raises():
    with pytest.raises(ValueError, match="Unknown request state"):
        is_open("archived")


def test_module_has_no_web_or_database_dependency():
    source = Path(workflow.__file__).read_text(encoding="utf-8")
    assert "flask" not in source.lower()
    assert "sqlalchemy" not in source.lower()


def test_path_to_walks_the_forward_road():
    assert workflow.path_to("proposed", "agreed") == ("contacting", "in_discussion", "agreed")
    assert workflow.path_to("in_discussion", "agreed") == ("agreed",)
    assert workflow.path_to("contacting", "declined") == ("declined",)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("agreed", "contacting"),
        ("completed", "agreed"),
        ("declined", "agreed"),
        ("withdrawn", "completed"),
    ],
)
def test_path_to_refuses_backward_or_closed_moves(current, target):
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.path_to(current, target)
