"""The registry's vocabularies, one enum each: the one list of the values a field may take.

Models store the values (plain strings in the database), forms offer them, the API's
schemas and OpenAPI document list them, and the services check them — all from here. They
are StrEnums, so a member is its value wherever a string is expected (SQL, JSON, templates).
Pure Python: no Flask, no database.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where a transfer request stands (registry.domain.workflow says which moves exist)."""

    PROPOSED = "proposed"
    CONTACTING = "contacting"
    IN_DISCUSSION = "in_discussion"
    AGREED = "agreed"
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class HolderKind(StrEnum):
    BRAND = "brand"
    FAN = "fan"
    AGENCY = "agency"
    SQUATTER = "squatter"
    UNKNOWN = "unknown"


class HandleStatus(StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"
    EMPTIED = "emptied"
    FOR_SALE = "for_sale"
    SUSPENDED = "suspended"
    UNREGISTERED = "unregistered"


class RequestKind(StrEnum):
    OFFER = "offer"  # a holder offers the handle to its brand
    CLAIM = "claim"  # the brand asks for its name back


class Terms(StrEnum):
    FREE = "free"
    DONATION = "donation"
    SALE = "sale"


class Direction(StrEnum):
    OUTBOUND = "outbound"  # to the other party
    INBOUND = "inbound"  # from it


class Channel(StrEnum):
    WEB_FORM = "web_form"
    EMAIL = "email"
    PHONE = "phone"
    DM = "dm"
    MENTION = "mention"
    LETTER = "letter"
    IN_PERSON = "in_person"
    MARKETPLACE = "marketplace"


class Outcome(StrEnum):
    NO_ANSWER = "no_answer"
    AUTO_REPLY = "auto_reply"
    VOICEMAIL = "voicemail"
    REDIRECTED = "redirected"
    BOUNCED = "bounced"
    REPLIED = "replied"
    MEETING = "meeting"
    REFUSED = "refused"


class Flag(StrEnum):
    """Why a request needs attention, most urgent first (registry.domain.clock)."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_CONTACTED = "not_contacted"


class ContactPointKind(StrEnum):
    WEB_FORM = "web_form"
    EMAIL = "email"
    PHONE = "phone"
    CUSTOMER_SERVICE = "customer_service"
    COMMUNITY_MANAGER = "community_manager"
    PRESS_OFFICE = "press_office"
    MARKETING = "marketing"
    LEGAL = "legal"
    EXECUTIVE = "executive"
    SOCIAL = "social"


def values(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    """The values of a vocabulary, in their order, as plain strings (for choices and docs)."""
    return tuple(member.value for member in vocabulary)
