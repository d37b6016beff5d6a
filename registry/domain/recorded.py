"""What the record stores instead of sentences: codes with parameters, and members by id.

Custody notes the registry writes itself, the brand's decisions and audit summaries are kept
as a code (or an English msgid marked for the catalogue) plus JSON parameters, and become a
sentence only when someone reads them, in the reader's language. Nothing is parsed back.

Parameters are data: ids, handles, states, platform and brand names. A member is never
copied into them: a parameter refers to a member as ``{"member": id}`` and is resolved when
shown (an erased member reads "A former member"), so erasing a member rewrites no stored
parameter. ``{"phrase": msgid, "params": {...}}`` is a phrase translated with the sentence
(the note "first contact attempt" of a transition, say); ``{"code": kind, "value": code}`` a
code named in the reader's words ("agreed" reads "Acceptée"), ``{"day": "2009-06-01"}`` a day
in words ("1er juin 2009").

Pure Python on purpose, like registry.domain.messages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, NotRequired, TypedDict

from registry.domain.messages import N_, Code, Message, Param

FORMER_MEMBER = N_("A former member")
# A member holder who did not choose to show their name, as the public pages name them.
A_FAN = N_("A fan")

# --- custody notes the registry writes ------------------------------------------------------
FIRST_RECORDED = "first_recorded"
IMPORTED = "imported"
HANDED_OVER = "handed_over"  # params: id, the transfer request
CUSTODY_NOTES = {
    FIRST_RECORDED: N_("First recorded in the registry."),
    IMPORTED: N_("Recorded by a CSV import."),
    HANDED_OVER: N_("Handed over through transfer request #%(id)s."),
}

# --- the brand's decision on a transfer request (ContactAttempt.decision) -----------------------
ACCEPT = "accept"
DECLINE = "decline"
DECISIONS = {
    ACCEPT: N_("The brand accepts the transfer."),
    DECLINE: N_("The brand declines the transfer."),
}
DECISION_CONTACT_POINT = "legal"  # the contact-point kind a decision comes from

# --- notes of request transitions the registry writes (audit summaries) -----------------------
FIRST_CONTACT = N_("first contact attempt")
BRANDS_DECISION = N_("brand's decision")
TRANSITION_NOTES = frozenset({FIRST_CONTACT, BRANDS_DECISION})

# A personal value (a member's e-mail, name, phone) is never copied into the audit trail's
# before/after: the entry says the field changed and keeps this marker on both sides.
PERSONAL = {"personal": True}
PERSONAL_VALUE = N_("personal data, not kept in the trail")


# --- the parameters the registry stores, each a JSON object of its own shape -------------------


class MemberRef(TypedDict):
    """A member, by id: resolved when shown (erased, "A former member")."""

    member: int


class CodeRef(TypedDict):
    """A code of a vocabulary (``kind``: "state", "role"...)."""

    code: str
    value: str


class DayRef(TypedDict):
    """A day, as an ISO date ("2009-06-01")."""

    day: str


class PhraseRef(TypedDict):
    """A phrase to translate with the sentence, with its own parameters if it has any."""

    phrase: str
    params: NotRequired[dict[str, object]]


def member(user_id: int | None) -> MemberRef | None:
    """A parameter naming a member by id, resolved when shown."""
    return None if user_id is None else {"member": user_id}


def code(kind: str, value: str) -> CodeRef:
    """A parameter that is a code of a vocabulary (a role, a request's state), named in the
    reader's words when shown."""
    return {"code": kind, "value": value}


def day(value: date) -> DayRef:
    """A parameter that is a day, written in words in the reader's language when shown."""
    return {"day": value.isoformat()}


def phrase(msgid: str, **params: object) -> PhraseRef:
    """A parameter that is itself a phrase to translate."""
    return {"phrase": msgid, "params": params} if params else {"phrase": msgid}


def transition_note(note: str) -> PhraseRef | str:
    """A transition's note as a parameter: the registry's own notes translate, typed ones not."""
    return phrase(note) if note in TRANSITION_NOTES else note


def dumps(params: Mapping[str, object] | None) -> str:
    """Parameters as stored: JSON, "" when there are none."""
    if not params:
        return ""

    def default(value: object) -> str:
        if isinstance(value, date | datetime):
            return value.isoformat()
        return str(value)

    return json.dumps(params, default=default, sort_keys=True, ensure_ascii=False)


def loads(stored: str | None) -> dict[str, Any]:
    """Parameters as stored, read back; {} when there are none. Their values are typed Any as
    json.loads gives them: each reader narrows the keys it wrote."""
    if not stored:
        return {}
    try:
        value = json.loads(stored)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def member_ids(value: object) -> set[int]:
    """The members a stored value refers to, at any depth."""
    if isinstance(value, dict):
        if set(value) == {"member"} and isinstance(value["member"], int):
            return {value["member"]}
        return set().union(*(member_ids(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(member_ids(v) for v in value)) if value else set()
    return set()


# How the reader's page names a member by id: an e-mail, or a Message ("A former member").
MemberLabel = Callable[[int], Message | str]


def is_personal(value: object) -> bool:
    return value == PERSONAL


def resolve(value: object, label: MemberLabel) -> Param:
    """A stored parameter ready for a Message: members named by `label`, phrases as Messages."""
    if isinstance(value, dict):
        if set(value) == {"member"}:
            return label(value["member"])
        if "phrase" in value:
            params = value.get("params") or {}
            return Message(value["phrase"], **{k: resolve(v, label) for k, v in params.items()})
        if is_personal(value):
            return Message(PERSONAL_VALUE)
        if set(value) == {"code", "value"}:
            return Code(str(value["code"]), str(value["value"]))
        if set(value) == {"day"}:
            try:
                return date.fromisoformat(value["day"])
            except (TypeError, ValueError):
                return value["day"]
    return value


# Summaries stored before their codes and days were marked (`code`, `day`): which of their
# plain parameters are codes of which vocabulary ("day": a day), so old entries read as new.
UNMARKED = {
    N_("Account %(account)s created with role %(role)s"): {"role": "role"},
    N_("%(account)s: role %(role)s, active"): {"role": "role"},
    N_("%(account)s: role %(role)s, deactivated"): {"role": "role"},
    N_("%(brand)s: contact point %(kind)s added"): {"kind": "department"},
    N_("Request #%(id)s: %(direction)s %(channel)s, %(outcome)s"): {
        "direction": "direction",
        "channel": "channel",
        "outcome": "outcome",
    },
    N_("Request #%(id)s: %(before)s → %(after)s"): {"before": "state", "after": "state"},
    N_("Request #%(id)s: %(before)s → %(after)s (%(note)s)"): {"before": "state", "after": "state"},
    N_("Request #%(id)s: opened on moved back to %(day)s"): {"day": "day"},
}


def _unmarked(msgid: str, name: str, value: object) -> object:
    kind = UNMARKED.get(msgid, {}).get(name)
    if kind is None or not isinstance(value, str):
        return value
    return {"day": value} if kind == "day" else Code(kind, value)


def message(
    msgid: str, stored_params: str | Mapping[str, object] | None, label: MemberLabel
) -> Message | None:
    """A stored code and its parameters as a Message to translate; None when there is none."""
    if not msgid:
        return None
    params = loads(stored_params) if isinstance(stored_params, str | None) else stored_params
    return Message(msgid, **{k: resolve(_unmarked(msgid, k, v), label) for k, v in params.items()})


def custody_note(code: str, stored_params: str | None, note: str) -> list[Message | str]:
    """A custody record's note: the registry's sentence (a Message), then what people typed."""
    parts: list[Message | str] = []
    if code in CUSTODY_NOTES:
        parts.append(Message(CUSTODY_NOTES[code], **loads(stored_params)))
    elif code:  # a code this version does not know: show it rather than lose it
        parts.append(code)
    if note:
        parts.append(note)
    return parts
