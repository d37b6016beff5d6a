"""What the API reads and writes, as data models (SQLModel, not tables).

Public and private read models are separate classes: a public answer is built with the
public class, which simply has no private field, so it cannot leak one by accident even
when it is given the whole row. Write models forbid unknown fields, so a misspelt field is
reported instead of silently dropped.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)
from sqlmodel import Field, SQLModel

from registry.adapters.models import (
    CONTACT_POINT_KINDS,
    HANDLE_STATUSES,
    HOLDER_KINDS,
    REQUEST_KINDS,
    TERMS,
)
from registry.domain import clock, handover, limits, lookalikes, webhooks
from registry.domain.clock import CHANNELS, DIRECTIONS, FLAGS, OUTCOMES
from registry.domain.escalation import LADDER
from registry.domain.letters import LetterLanguage, LetterTemplate
from registry.domain.messages import N_, Refusal
from registry.domain.notifications import WEBHOOK_EVENTS
from registry.domain.platforms import PLATFORMS
from registry.domain.recorded import loads
from registry.domain.vocabulary import values
from registry.domain.workflow import STATES

LETTER_TEMPLATES = values(LetterTemplate)
LETTER_LANGUAGES = values(LetterLanguage)


def one_of(choices: tuple[str, ...]) -> dict:
    """Documents the allowed values; the services check them, with their own messages."""
    return {"enum": list(choices)}


PLATFORM_SLUGS = tuple(rules.slug for rules in PLATFORMS)


class WriteModel(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


NOT_AN_ISO_DAY = N_("Give a date as an ISO 8601 text: YYYY-MM-DD.")
NOT_AN_ISO_MOMENT = N_(
    "Give a time as an ISO 8601 text: YYYY-MM-DDTHH:MM:SS, with an offset (else read as UTC)."
)


class NotIsoText(Refusal):
    """A date or a time sent as anything but an ISO 8601 text: a malformed body (400)."""

    status = 400


def _iso_day(value: object) -> date:
    """Only an ISO 8601 text is a date: pydantic alone reads a number (or a text of digits)
    as a Unix time, so `0` would be 1970-01-01 and a big number a day in 1900 or 2100."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) else _refuse(NOT_AN_ISO_DAY)
    except ValueError:
        return _refuse(NOT_AN_ISO_DAY)


def _iso_moment(value: object) -> datetime:
    """Only an ISO 8601 text is a time (RFC 3339's lower-case `t` and `z` too), as `_iso_day`."""
    try:
        if isinstance(value, str):
            return datetime.fromisoformat(value.upper())
    except ValueError:
        pass
    return _refuse(NOT_AN_ISO_MOMENT)


def _refuse(msgid: str):
    raise NotIsoText(msgid)


# What a client writes is bounded by the registry's limits (registry.domain.limits): dates
# within 1900-2100, numbers within their columns, texts within their lengths. A refusal names
# the field, with the limit's own sentence (registry.api.inputs.validation_fields). A date or a
# time is an ISO 8601 text, nothing else (400 otherwise).
# The document says the years too, as a pattern beside the format (a schema has no date bounds).
YEARS_PATTERN = "^(19[0-9]{2}|20[0-9]{2}|2100)-"
assert (limits.MIN_DAY.year, limits.MAX_DAY.year) == (1900, 2100), "update YEARS_PATTERN"
DAY_SCHEMA = {
    "type": "string",
    "format": "date",
    "pattern": YEARS_PATTERN + "(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
}
MOMENT_SCHEMA = {"type": "string", "format": "date-time"}
Day = Annotated[
    date,
    BeforeValidator(_iso_day),
    AfterValidator(limits.check_day),
    WithJsonSchema(DAY_SCHEMA),
]
Moment = Annotated[
    datetime,
    BeforeValidator(_iso_moment),
    AfterValidator(limits.check_moment),
    WithJsonSchema(MOMENT_SCHEMA),
]
FINITE = {"allow_inf_nan": False}


# --- handles -----------------------------------------------------------------------------


class CustodyPublic(SQLModel):
    holder_kind: str = Field(schema_extra={"json_schema_extra": one_of(HOLDER_KINDS)})
    holder_name: str
    holder_verified: bool = True
    verified_url: str = Field(default="", description="The page staff checked to confirm it.")
    started_on: date
    ended_on: date | None
    evidence_url: str
    note: str = Field(
        description="The note in the reader's language: what the registry said (`note_code`), "
        "then what staff typed."
    )
    note_code: str = Field(
        default="",
        description="What the registry noted itself: first_recorded, imported, handed_over "
        "(with `note_params.id`, the transfer request), or empty.",
    )
    note_params: dict = Field(default_factory=dict)


def custody_fields(record, note: str) -> dict:
    """A custody record's fields for CustodyPublic/CustodyPrivate, `note` as the reader reads it."""
    return {**record.model_dump(), "note": note, "note_params": loads(record.note_params)}


class CustodyPrivate(CustodyPublic):
    holder_contact: str


class HandlePublic(SQLModel):
    id: int
    platform: str
    handle: str
    normalized: str
    url: str
    collectible: bool = Field(
        description="A collectible username (Telegram, under 5 characters): owned outright, "
        "handed over by its owner, never freed for someone else to claim."
    )
    brand: str | None = Field(description="The brand's slug, or null.")
    holder_kind: str = Field(schema_extra={"json_schema_extra": one_of(HOLDER_KINDS)})
    holder_name: str
    holder_verified: bool = Field(
        description="False while the holder is what a fan said of themselves, until staff "
        "confirm it."
    )
    status: str = Field(schema_extra={"json_schema_extra": one_of(HANDLE_STATUSES)})
    followers: int | None
    followers_seen_on: date | None
    notes: str


class HandlePrivate(HandlePublic):
    """For accounts that may see private data (staff, legal, admin)."""

    holder_contact: str
    private_notes: str


class FollowersSeen(SQLModel):
    """A follower count given for the handle, and the day it was seen."""

    count: int = Field(ge=0)
    seen_on: date


FOLLOWERS_HISTORY = (
    "Every follower count given for the handle (`followers` with `followers_seen_on`), "
    "oldest first; the same count seen on the same day once."
)


class HandleDetailPublic(HandlePublic):
    custody: list[CustodyPublic]
    followers_history: list[FollowersSeen] = Field(description=FOLLOWERS_HISTORY)


class HandleDetailPrivate(HandlePrivate):
    custody: list[CustodyPrivate]
    followers_history: list[FollowersSeen] = Field(description=FOLLOWERS_HISTORY)


class LookalikeOut(SQLModel):
    """A handle that looks like the one asked about (DESIGN.md, "Insight")."""

    platform: str
    handle: str
    normalized: str
    brand: str | None = Field(description="The brand's slug, or null.")
    holder_kind: str = Field(schema_extra={"json_schema_extra": one_of(HOLDER_KINDS)})
    status: str = Field(schema_extra={"json_schema_extra": one_of(HANDLE_STATUSES)})
    reasons: list[str] = Field(
        description="Why it looks alike: confusable (same TR39 skeleton, or a digit for a "
        "letter), edit (one edit away), affix (a word added), separator (_ . - added or "
        "removed).",
        schema_extra={"json_schema_extra": {"items": {"enum": list(lookalikes.REASONS)}}},
    )


class LookalikeList(SQLModel):
    platform: str
    handle: str = Field(description="The handle asked about, as the platform displays it.")
    normalized: str
    in_registry: bool = Field(description="Whether the handle asked about is in the registry.")
    items: list[LookalikeOut] = Field(description="Lookalikes not of the handle's brand.")
    related: list[LookalikeOut] = Field(
        description="Lookalikes of the handle's own brand: related handles, not suspects."
    )


class HandleCreate(WriteModel):
    platform: str = Field(
        max_length=limits.PLATFORM_SLUG_MAX,
        description="Platform slug: x, facebook, instagram…",
        schema_extra={"json_schema_extra": one_of(PLATFORM_SLUGS)},
    )
    handle: str = Field(
        max_length=limits.HANDLE_INPUT_MAX, description="With or without @, or the profile URL."
    )
    brand: str | None = Field(
        default=None, max_length=limits.BRAND_SLUG_MAX, description="The brand's slug."
    )
    holder_kind: str = Field(
        default="unknown", schema_extra={"json_schema_extra": one_of(HOLDER_KINDS)}
    )
    holder_name: str = Field(default="", max_length=limits.NAME_MAX)
    holder_contact: str = Field(default="", max_length=limits.CONTACT_MAX, description="Private.")
    status: str = Field(
        default="active", schema_extra={"json_schema_extra": one_of(HANDLE_STATUSES)}
    )
    followers: int | None = Field(default=None, ge=0, le=limits.MAX_FOLLOWERS)
    followers_seen_on: Day | None = Field(
        default=None, description="Defaults to today when followers is given."
    )
    notes: str = Field(default="", max_length=limits.NOTE_MAX)
    private_notes: str = Field(default="", max_length=limits.NOTE_MAX, description="Private.")
    evidence_url: str = Field(default="", max_length=limits.URL_MAX)


class HandleUpdate(WriteModel):
    """PATCH: only the fields given change. The holder changes through custody, not here."""

    brand: str | None = Field(
        default=None,
        max_length=limits.BRAND_SLUG_MAX,
        description='The brand\'s slug; "" for none.',
    )
    status: str | None = Field(
        default=None, schema_extra={"json_schema_extra": {"enum": [*HANDLE_STATUSES, None]}}
    )
    followers: int | None = Field(default=None, ge=0, le=limits.MAX_FOLLOWERS)
    followers_seen_on: Day | None = None
    notes: str | None = Field(default=None, max_length=limits.NOTE_MAX)
    private_notes: str | None = Field(
        default=None, max_length=limits.NOTE_MAX, description="Private."
    )


# --- requests ----------------------------------------------------------------------------


class AttemptOut(SQLModel):
    id: int
    direction: str = Field(schema_extra={"json_schema_extra": one_of(DIRECTIONS)})
    channel: str = Field(schema_extra={"json_schema_extra": one_of(CHANNELS)})
    contact_point: str
    happened_at: datetime
    outcome: str = Field(schema_extra={"json_schema_extra": one_of(OUTCOMES)})
    summary: str
    decision: str = Field(
        default="",
        description="The brand's decision logged with this attempt: accept, decline, or empty.",
    )
    logged_by_id: int | None
    message_id: str = Field(
        default="",
        description="The Message-ID (without <>) of the letter sent or the message received, "
        "or empty for an attempt logged by hand.",
    )
    mass_reply: bool = Field(
        default=False,
        description="A near-copy of replies the brand sent to 3 or more other requests in 30 "
        "days: the reply clock does not take it as an answer until staff say otherwise.",
    )
    unverified: bool = Field(
        default=False,
        description="A reply whose sender failed DMARC: the clock does not take it as an "
        "answer until staff confirm it.",
    )


class RequestOut(SQLModel):
    id: int
    handle_id: int
    handle: str
    platform: str
    brand: str | None = Field(description="The brand's slug, or null.")
    kind: str = Field(schema_extra={"json_schema_extra": one_of(REQUEST_KINDS)})
    terms: str = Field(schema_extra={"json_schema_extra": one_of(TERMS)})
    amount: float | None = Field(description="In euros.")
    state: str = Field(schema_extra={"json_schema_extra": one_of(STATES)})
    from_holder_kind: str
    from_holder_name: str
    to_holder_name: str
    proposer_id: int | None
    opened_on: date
    closed_at: datetime | None
    flag: str | None = Field(
        schema_extra={"json_schema_extra": {"enum": [*FLAGS, None]}},
        description="As of `as_of` (default today); null when nothing needs attention.",
    )
    due_date: date | None = Field(
        description="When the brand's reply (or, before any contact, the first contact) is due."
    )
    unanswered_attempts: int
    allowed_transitions: list[str]


class EscalationPoint(SQLModel):
    kind: str = Field(schema_extra={"json_schema_extra": one_of(CONTACT_POINT_KINDS)})
    label: str
    value: str


class Escalation(SQLModel):
    """The escalation ladder's suggestion (web form → email → phone → letter)."""

    channel: str = Field(
        schema_extra={"json_schema_extra": one_of(LADDER)},
        description="The channel that had ESCALATE_AFTER unanswered attempts or more.",
    )
    unanswered_attempts: int
    next_channel: str | None = Field(
        schema_extra={"json_schema_extra": {"enum": [*LADDER, None]}},
        description="The next rung of the ladder; null after a letter (the last rung).",
    )
    untried_contact_points: list[EscalationPoint] = Field(
        description="The brand's official contact points no outbound attempt named yet."
    )


# --- handover ----------------------------------------------------------------------------


class ConfirmationOut(SQLModel):
    at: datetime
    channel: str | None = Field(
        description="The channel staff received it by; null when the side confirmed itself."
    )


class Confirmations(SQLModel):
    holder: ConfirmationOut | None
    brand: ConfirmationOut | None


class HandoverSteps(SQLModel):
    holder: list[str] = Field(description="What the holder does, in order.")
    brand: list[str] = Field(description="What the brand does, in order.")


class HandoverPlanOut(SQLModel):
    id: int
    method: str = Field(
        description="How the name changes hands on the platform.",
        schema_extra={"json_schema_extra": one_of(handover.METHODS)},
    )
    window_start: datetime | None = Field(
        description="null for an ownership change planned without a window."
    )
    window_end: datetime | None
    window_minutes: int | None
    timezone: str
    notes: str
    confirmations: Confirmations = Field(description="null for a side that has not confirmed.")
    confirm_by: date = Field(description="Both confirmations are due by this day.")
    outcome_by: date = Field(description="The outcome is due by this day.")
    standing: str = Field(schema_extra={"json_schema_extra": one_of(handover.STANDINGS)})
    owed_by: list[str] = Field(description="The sides (holder, brand, staff) owing the next step.")
    outcome: str | None = Field(
        schema_extra={"json_schema_extra": {"enum": [*handover.OUTCOMES, None]}}
    )
    outcome_reason: str | None
    warnings: list[str] = Field(
        description="What the platform's rules say against this plan, each with its source, "
        "in the caller's language."
    )
    steps: HandoverSteps = Field(
        description="What each side does on the platform, in the caller's language."
    )


class PlatformOut(SQLModel):
    slug: str
    name: str
    handover_method: str = Field(
        description="How a name changes hands there: rename (the holder frees it, the brand "
        "claims it at once), ownership (the account changes owners), impossible (never), "
        "domain (the brand's own domain becomes its handle).",
        schema_extra={"json_schema_extra": one_of(handover.METHODS)},
    )
    handover_source: str = Field(description="Where that method is written.")
    min_length: int
    max_length: int


class PlatformList(SQLModel):
    items: list[PlatformOut]


class HandoverAlternative(SQLModel):
    kind: str
    text: str = Field(description="In the caller's language.")
    source: str


class HandoverPlans(SQLModel):
    current: HandoverPlanOut | None = Field(description="The plan without an outcome, if any.")
    past: list[HandoverPlanOut] = Field(description="Plans with an outcome, oldest first.")


class HandoverCreate(WriteModel):
    window_start: Moment | None = Field(
        default=None,
        description="ISO 8601 with an offset; in the future. Optional for an ownership "
        "change (the platform's `handover_method` is `ownership`), required otherwise.",
    )
    window_minutes: int = Field(
        default=handover.DEFAULT_WINDOW_MINUTES,
        ge=handover.MIN_WINDOW_MINUTES,
        le=handover.MAX_WINDOW_MINUTES,
    )
    notes: str = Field(default="", max_length=limits.NOTE_MAX)


class HandoverConfirm(WriteModel):
    party: str = Field(schema_extra={"json_schema_extra": one_of(handover.PARTIES)})
    channel: str = Field(
        default="",
        max_length=limits.CODE_MAX,
        description="For staff recording a confirmation received elsewhere: how it came.",
        schema_extra={"json_schema_extra": {"enum": ["", *CHANNELS]}},
    )


class HandoverOutcome(WriteModel):
    outcome: str = Field(schema_extra={"json_schema_extra": one_of(handover.OUTCOMES)})
    reason: str = Field(
        default="",
        max_length=limits.CODE_MAX,
        description="Why a window failed: sniped, rename_blocked, no_show or other.",
    )
    note: str = Field(default="", max_length=limits.NOTE_MAX)


class RequestDetail(RequestOut):
    message: str
    waiting_since: date | None
    business_days_waiting: int
    attempts: list[AttemptOut]
    escalation: Escalation | None = Field(
        description="Null while no channel had enough unanswered attempts, or when closed."
    )
    handover: HandoverPlanOut | None = Field(description="The current handover plan, or null.")
    warnings: list[str] = Field(
        description="What the platform's own rules say against the request (terms `sale` or "
        "`donation` where the platform forbids paying for a name), with the platform's "
        "trademark route, in the caller's language. A warning, not a refusal."
    )


class RequestCreate(WriteModel):
    handle_id: int | None = Field(
        default=None, ge=1, le=limits.MAX_ID, description="Or give platform and handle."
    )
    platform: str = Field(
        default="",
        max_length=limits.PLATFORM_SLUG_MAX,
        description="With handle, when handle_id is not given.",
        schema_extra={"json_schema_extra": one_of(("", *PLATFORM_SLUGS))},
    )
    handle: str = Field(
        default="",
        max_length=limits.HANDLE_INPUT_MAX,
        description="A handle not yet in the registry is added with the request.",
    )
    brand: str | None = Field(
        default=None,
        max_length=limits.BRAND_SLUG_MAX,
        description="Brand slug; needed when the handle names no brand yet.",
    )
    kind: str = Field(
        default="offer",
        schema_extra={"json_schema_extra": one_of(REQUEST_KINDS)},
        description='Only staff, legal and admin may open a "claim".',
    )
    terms: str = Field(default="free", schema_extra={"json_schema_extra": one_of(TERMS)})
    amount: float | None = Field(
        default=None,
        ge=0,
        le=limits.MAX_AMOUNT_EUROS,
        schema_extra=FINITE,
        description="In euros; needed unless free.",
    )
    message: str = Field(default="", max_length=limits.MESSAGE_MAX)
    opened_on: Day | None = Field(
        default=None,
        description="The day the request was first made, when recorded after the fact. "
        "Default: today; never in the future.",
    )
    show_name: bool = Field(
        default=False,
        description="For an offer of a handle new to the registry: show the proposer's name "
        'as its holder on public pages (else they say "a fan").',
    )


class AttemptCreate(WriteModel):
    direction: str = Field(schema_extra={"json_schema_extra": one_of(DIRECTIONS)})
    channel: str = Field(schema_extra={"json_schema_extra": one_of(CHANNELS)})
    contact_point: str = Field(default="", max_length=limits.CONTACT_POINT_MAX)
    happened_at: Moment | None = Field(
        default=None,
        description="ISO 8601; without an offset it is read as UTC. Default: now. "
        "Never in the future.",
    )
    outcome: str = Field(schema_extra={"json_schema_extra": one_of(OUTCOMES)})
    summary: str = Field(default="", max_length=limits.SUMMARY_MAX)


class LetterCreate(WriteModel):
    contact_point: StrictStr | StrictInt = Field(
        description="The id of one of the brand's contact points (GET /api/v1/brands/<slug>), "
        "or its e-mail address.",
        schema_extra={
            "json_schema_extra": {
                "anyOf": [{"type": "string", "maxLength": 255}, {"type": "integer"}]
            }
        },
    )
    template: str = Field(schema_extra={"json_schema_extra": one_of(LETTER_TEMPLATES)})
    language: str = Field(
        default="fr", schema_extra={"json_schema_extra": one_of(LETTER_LANGUAGES)}
    )
    note: str = Field(default="", max_length=2_000, description="Added to the letter's text.")
    preview: StrictBool = Field(
        default=False, description="True: answer the letter's subject and text, send nothing."
    )


class LetterSent(SQLModel):
    attempt_id: int
    message_id: str = Field(description="Without <>.")
    reply_to: str = Field(description="The request's own reply address, set as Reply-To.")


class LetterPreview(SQLModel):
    subject: str
    body: str


class TransitionCreate(WriteModel):
    to: str = Field(schema_extra={"json_schema_extra": one_of(STATES)})
    from_state: str | None = Field(
        default=None,
        description="The state the caller saw: refused with 409 when the request has moved since.",
        schema_extra={"json_schema_extra": {"enum": [*STATES, None]}},
    )
    note: str = Field(default="", max_length=limits.TRANSITION_NOTE_MAX)


# --- brands ------------------------------------------------------------------------------


class ContactPointIn(WriteModel):
    kind: str = Field(schema_extra={"json_schema_extra": one_of(CONTACT_POINT_KINDS)})
    label: str = Field(default="", max_length=limits.NAME_MAX)
    value: str = Field(
        min_length=1,
        max_length=limits.CONTACT_POINT_MAX,
        description="The address, phone number or URL.",
    )


class ContactPointOut(SQLModel):
    kind: str
    label: str
    value: str


class BrandCreate(WriteModel):
    name: str = Field(min_length=1, max_length=limits.NAME_MAX)
    slug: str = Field(
        default="",
        max_length=limits.BRAND_SLUG_MAX,
        description="Lower-case name used in URLs; made from the name when empty.",
    )
    country: str = Field(
        default=clock.DEFAULT_COUNTRY,
        min_length=limits.COUNTRY_CODE_LENGTH,
        max_length=limits.COUNTRY_CODE_LENGTH,
        description="ISO 3166-1 code; its public holidays pause the reply clock.",
    )
    subdivision: str = Field(
        default="",
        max_length=limits.SUBDIVISION_MAX,
        description="ISO 3166-2 code (GB-ENG, DE-BY) whose holidays count too; empty: "
        "national holidays only.",
    )
    timezone: str = Field(default="Europe/Paris", max_length=limits.TIMEZONE_MAX)
    website: str = Field(default="", max_length=limits.WEBSITE_MAX, description="http(s) only.")
    reply_deadline_days: int | None = Field(
        default=None,
        ge=limits.MIN_DEADLINE_DAYS,
        le=limits.MAX_DEADLINE_DAYS,
        description="Business days; null: the site's default.",
    )
    notes: str = Field(default="", max_length=limits.NOTE_MAX)
    contact_points: list[ContactPointIn] = Field(
        default_factory=list, max_length=limits.CONTACT_POINTS_MAX
    )


class Holiday(SQLModel):
    date: date
    name: str


class BrandOut(SQLModel):
    slug: str
    name: str
    country: str
    subdivision: str
    timezone: str
    website: str
    reply_deadline_days: int = Field(description="Business days, the site's default if unset.")
    notes: str
    contact_points: list[ContactPointOut]
    holidays: list[Holiday] = Field(
        description="This year's public holidays that pause the brand's reply clock."
    )


class BrandResponsiveness(SQLModel):
    """How a brand answered the offers opened in a period (registry.domain.responsiveness):
    totals only."""

    brand: str = Field(description="The brand's slug.")
    requests: int = Field(ge=0, description="Offers of the brand's handles opened in the period.")
    contacted: int = Field(ge=0, description="Of those, the ones with an outbound attempt.")
    replied: int = Field(ge=0, description="Of those, the ones with a first real reply.")
    reply_rate: float | None = Field(
        ge=0, le=1, description="replied / contacted; null while nobody was contacted."
    )
    median_business_days_to_first_reply: float | None = Field(
        ge=0, description="From the first outbound attempt, in the brand's calendar."
    )
    worst_business_days_to_first_reply: int | None = Field(ge=0)
    late_replies: int = Field(
        ge=0, description="First replies after their due date: missed deadlines all the same."
    )
    overdue_now: int = Field(ge=0, description="Requests flagged overdue as of `as_of`.")
    auto_replied: int = Field(
        ge=0, description="Contacted requests that got an auto-reply and no real reply."
    )
    mass_replied: int = Field(
        ge=0,
        description="Contacted requests that got a mass reply (a near-copy of replies to 3 or "
        "more other requests in 30 days), counted apart: not a real reply.",
    )
    unanswered_by_channel: dict[str, int] = Field(
        description="Outbound attempts still awaiting a reply, by channel (channels with none "
        "left out).",
        schema_extra={"json_schema_extra": {"propertyNames": one_of(CHANNELS)}},
    )
    as_of: date = Field(description="The day the figures are worked out for (today).")


# --- evidence pack -----------------------------------------------------------------------


class EvidenceProposer(SQLModel):
    name: str = Field(description="Their chosen name, or empty.")
    former_member: bool
    email: str | None = Field(default=None, description="Private: for staff, legal, admin.")
    phone: str | None = Field(default=None, description="Private.")


class EvidenceRequest(SQLModel):
    id: int
    kind: str = Field(schema_extra={"json_schema_extra": one_of(REQUEST_KINDS)})
    state: str = Field(schema_extra={"json_schema_extra": one_of(STATES)})
    opened_on: date
    closed_at: datetime | None
    terms: str = Field(schema_extra={"json_schema_extra": one_of(TERMS)})
    amount: float | None = Field(description="In euros.")
    message: str
    from_holder_kind: str
    from_holder_name: str
    to_holder_name: str
    proposer: EvidenceProposer


class EvidenceHandle(SQLModel):
    handle: str
    platform: str
    platform_name: str
    url: str = Field(description="The profile's address.")
    followers_history: list[FollowersSeen] = Field(description=FOLLOWERS_HISTORY)


class EvidenceBrand(SQLModel):
    slug: str
    name: str
    country: str
    website: str


class EvidenceCustody(SQLModel):
    holder_kind: str = Field(schema_extra={"json_schema_extra": one_of(HOLDER_KINDS)})
    holder_name: str
    holder_verified: bool
    started_on: date
    ended_on: date | None
    evidence_url: str
    note: str = Field(description="In the caller's language.")
    holder_contact: str | None = Field(default=None, description="Private.")


class EvidenceContact(SQLModel):
    happened_at: datetime
    direction: str = Field(schema_extra={"json_schema_extra": one_of(DIRECTIONS)})
    channel: str = Field(schema_extra={"json_schema_extra": one_of(CHANNELS)})
    department: str = Field(
        description="The kind of the brand's contact point reached (legal, press…), or empty."
    )
    contact_point: str
    outcome: str = Field(schema_extra={"json_schema_extra": one_of(OUTCOMES)})
    summary: str
    decision: str = Field(description="accept, decline, or empty.")


class EvidenceDecision(SQLModel):
    decision: str = Field(description="accept or decline.")
    at: datetime
    channel: str
    summary: str


class EvidencePlan(SQLModel):
    window_start: datetime | None
    window_end: datetime | None
    window_minutes: int | None
    timezone: str
    confirm_by: date
    outcome_by: date
    confirmations: Confirmations
    standing: str = Field(schema_extra={"json_schema_extra": one_of(handover.STANDINGS)})
    outcome: str | None
    outcome_reason: str | None
    outcome_at: datetime | None
    outcome_note: str
    warnings: list[str]


class EvidencePack(SQLModel):
    """What a platform's trademark or impersonation form asks for, for one brand."""

    request: EvidenceRequest
    handle: EvidenceHandle
    brand: EvidenceBrand | None
    custody: list[EvidenceCustody] = Field(description="Oldest first.")
    contacts: list[EvidenceContact] = Field(description="The dated contact log, oldest first.")
    decision: EvidenceDecision | None = Field(description="The brand's decision, if recorded.")
    plans: list[EvidencePlan] = Field(description="Handover plans, oldest first.")
    private: bool = Field(description="Whether private data is included for this caller.")
    generated_at: datetime


# --- webhooks ----------------------------------------------------------------------------


class WebhookCreate(WriteModel):
    url: StrictStr = Field(
        min_length=1,
        max_length=webhooks.URL_MAX,
        description="http:// or https://; every address its host resolves to must be public "
        "(unless the registry runs with WEBHOOK_ALLOW_PRIVATE=1).",
    )
    events: list[StrictStr] = Field(
        min_length=1,
        max_length=4 * len(WEBHOOK_EVENTS),  # each at most a few times over
        schema_extra={"json_schema_extra": {"items": {"type": "string", **one_of(WEBHOOK_EVENTS)}}},
    )
    brand: StrictStr | None = Field(
        default=None,
        max_length=limits.BRAND_SLUG_MAX,
        description="Admins: one brand's events only (a slug); none: every brand's. A legal "
        "team's hook is for its own brand's events, whatever it says here.",
    )


class WebhookOut(SQLModel):
    id: int
    url: str
    events: list[str]
    brand: str | None = Field(description="The brand whose events it gets; null: every brand.")
    created_at: datetime
    failing_since: datetime | None = Field(description="Since when every delivery failed.")
    disabled_at: datetime | None = Field(description="Set once it failed for a day.")


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret, shown this once.")


class WebhookList(SQLModel):
    items: list[WebhookOut] = Field(description="Oldest first; an admin sees everyone's.")


class WebhookTry(SQLModel):
    at: datetime
    status_code: int | None = Field(description="The receiver's answer; null: none came.")
    error: str
    duration_ms: int


class WebhookDeliveryOut(SQLModel):
    id: int
    event: str = Field(schema_extra={"json_schema_extra": one_of(WEBHOOK_EVENTS)})
    event_id: int = Field(description="The `id` of the body sent.")
    occurred_at: datetime
    status: str = Field(schema_extra={"json_schema_extra": one_of(webhooks.STATUSES)})
    attempts: int = Field(ge=0)
    last_status_code: int | None
    last_error: str
    next_attempt_at: datetime | None = Field(description="While pending: the next try.")
    delivered_at: datetime | None
    created_at: datetime
    tries: list[WebhookTry] = Field(description="Oldest first.")
