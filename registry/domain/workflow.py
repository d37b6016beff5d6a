"""The states of a transfer request and the only moves allowed between them.

A request walks one path, proposed → contacting → in_discussion → agreed → completed,
and may be closed early as declined or withdrawn from any open state. Anything else
(skipping a step, going back, reopening a closed request) is refused with a sentence
a user can act on, so the site and the API can show it as is.
"""

from __future__ import annotations

from registry.domain.messages import N_, Choices, Code, Explained
from registry.domain.vocabulary import State, values

PROPOSED = State.PROPOSED.value
CONTACTING = State.CONTACTING.value
IN_DISCUSSION = State.IN_DISCUSSION.value
AGREED = State.AGREED.value
COMPLETED = State.COMPLETED.value
DECLINED = State.DECLINED.value
WITHDRAWN = State.WITHDRAWN.value

STATES: tuple[str, ...] = values(State)
OPEN_STATES: frozenset[str] = frozenset({PROPOSED, CONTACTING, IN_DISCUSSION, AGREED})
CLOSED_STATES: frozenset[str] = frozenset({COMPLETED, DECLINED, WITHDRAWN})
# The moves nobody can take back: a closed request never reopens, and completing one moves
# the handle's custody. A person makes them only once they have confirmed, having been told
# the consequence (the web's confirm step; an API call is itself the deliberate act).
IRREVERSIBLE: frozenset[str] = CLOSED_STATES
# A state reached only through the handover's outcome (registry.domain.handover), never by
# a move someone makes: `completed` means the brand claimed the name in an agreed window.
BY_HANDOVER_ONLY: frozenset[str] = frozenset({COMPLETED})

# English labels (the web's label table translates them where they are shown).
STATE_LABELS: dict[str, str] = {
    PROPOSED: N_("Proposed"),
    CONTACTING: N_("Contacting"),
    IN_DISCUSSION: N_("In discussion"),
    AGREED: N_("Agreed"),
    COMPLETED: N_("Completed"),
    DECLINED: N_("Declined"),
    WITHDRAWN: N_("Withdrawn"),
}

# The main path, in order; used to tell "skipping ahead" from "going back" in messages.
_MAIN_PATH: tuple[str, ...] = (PROPOSED, CONTACTING, IN_DISCUSSION, AGREED, COMPLETED)
_EARLY_ENDINGS: frozenset[str] = frozenset({DECLINED, WITHDRAWN})

TRANSITIONS: dict[str, frozenset[str]] = {
    PROPOSED: frozenset({CONTACTING}) | _EARLY_ENDINGS,
    CONTACTING: frozenset({IN_DISCUSSION}) | _EARLY_ENDINGS,
    IN_DISCUSSION: frozenset({AGREED}) | _EARLY_ENDINGS,
    AGREED: frozenset({COMPLETED}) | _EARLY_ENDINGS,
    COMPLETED: frozenset(),
    DECLINED: frozenset(),
    WITHDRAWN: frozenset(),
}


class TransitionNotAllowed(Explained):
    """A move between two known states that the workflow refuses.

    It is a ValueError so callers that only validate input can catch one type;
    ``current``, ``target`` and ``allowed`` let an API answer say what to do instead.
    """

    def __init__(self, current: str, target: str) -> None:
        self.current = current
        self.target = target
        self.allowed = allowed_transitions(current)
        super().__init__(
            _refusal_msgid(current, target),
            current=Code("state", current),
            target=Code("state", target),
            next_steps=Choices("state", self.allowed, named=True),
        )


def _refusal_msgid(current: str, target: str) -> str:
    if current in CLOSED_STATES:
        return N_('A request that is "%(current)s" cannot move to "%(target)s": it is closed.')
    if current == target:
        return N_('The request is already "%(current)s"; next steps are: %(next_steps)s.')
    if _MAIN_PATH.index(target) < _MAIN_PATH.index(current):
        return N_(
            'A "%(current)s" request cannot move back to "%(target)s";'
            " next steps are: %(next_steps)s."
        )
    return N_(
        'A "%(current)s" request cannot move straight to "%(target)s";'
        " next steps are: %(next_steps)s."
    )


def _require_known(state: str) -> None:
    if state not in TRANSITIONS:
        raise Explained(
            N_('Unknown request state "%(state)s"; known states are: %(known)s.'),
            state=state,
            known=Choices("state", STATES),
        )


def allowed_transitions(current: str) -> tuple[str, ...]:
    """The states a request in ``current`` may move to, in STATES order (empty when closed)."""
    _require_known(current)
    return tuple(state for state in STATES if state in TRANSITIONS[current])


def manual_moves(current: str) -> tuple[str, ...]:
    """The moves a person may make from ``current``: the allowed ones, but for those only a
    handover's outcome makes (BY_HANDOVER_ONLY)."""
    return tuple(s for s in allowed_transitions(current) if s not in BY_HANDOVER_ONLY)


def check_transition(current: str, target: str) -> None:
    """Raise unless moving from ``current`` to ``target`` is allowed.

    Unknown state names raise a plain ValueError; refused moves raise TransitionNotAllowed.
    """
    _require_known(current)
    _require_known(target)
    if target not in TRANSITIONS[current]:
        raise TransitionNotAllowed(current, target)


def needs_confirming(target: str) -> bool:
    """Whether moving a request to ``target`` can never be undone, so is confirmed first
    (an unknown state is not: the move itself refuses it)."""
    return target in IRREVERSIBLE


def is_open(state: str) -> bool:
    """Whether a request in ``state`` still awaits something (replies are only chased then)."""
    _require_known(state)
    return state in OPEN_STATES


# The forward road of a request; declining or withdrawing leaves it from any open state.
FORWARD: tuple[str, ...] = (PROPOSED, CONTACTING, IN_DISCUSSION, AGREED, COMPLETED)


def path_to(current: str, target: str) -> tuple[str, ...]:
    """The allowed steps from ``current`` to a later state on the forward road.

    A brand's acceptance may arrive before staff have moved the request along; it then
    walks every intermediate state so the history still shows only allowed transitions.
    """
    _require_known(current)
    _require_known(target)
    if target in TRANSITIONS[current]:
        return (target,)
    if current in FORWARD and target in FORWARD and FORWARD.index(target) > FORWARD.index(current):
        return FORWARD[FORWARD.index(current) + 1 : FORWARD.index(target) + 1]
    raise TransitionNotAllowed(current, target)
