"""Database tables. Rules live in registry.domain; these classes only hold the facts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Table,
    Text,
    UniqueConstraint,
    event,
    false,
    inspect,
    true,
)
from sqlalchemy.orm import declared_attr, relationship
from sqlmodel import Field, Relationship, SQLModel

from registry.domain.platforms import PlatformRules
from registry.domain.vocabulary import (
    ContactPointKind,
    HandleStatus,
    HolderKind,
    RequestKind,
    Terms,
    values,
)


def utcnow() -> datetime:
    """Times are stored as aware UTC (SQLModel's UTCDateTime) and shown in the reader's zone."""
    return datetime.now(UTC)


# The vocabularies' values, for the columns below (registry.domain.vocabulary has the enums).
HOLDER_KINDS = values(HolderKind)
HANDLE_STATUSES = values(HandleStatus)
CONTACT_POINT_KINDS = values(ContactPointKind)


def version_field():
    """A row's version, raised by every UPDATE and checked by it (`WHERE version = ?`): an
    edit made from a stale read fails instead of silently overwriting the newer one."""
    return Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))


class Versioned:
    """Optimistic concurrency: SQLAlchemy's version counter on the `version` column."""

    __table__: ClassVar[Table]  # the mapped subclass's, SQLAlchemy sets it

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class User(SQLModel, table=True):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True, max_length=254)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="fan", max_length=16)
    display_name: str = Field(default="", max_length=120)
    phone: str = Field(default="", max_length=40)
    brand_id: int | None = Field(default=None, foreign_key="brand.id")  # legal acts for it
    locale: str = Field(default="", max_length=8)  # empty: follow the browser
    timezone: str = Field(default="Europe/Paris", max_length=64)
    active: bool = Field(default=True)
    # Raised by logging out and by a password change: every session and remember cookie
    # carrying an older number stops working (get_id below puts it in both).
    session_version: int = Field(
        default=1, sa_column=Column(Integer, nullable=False, server_default="1")
    )
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None  # personal data erased at the member's request
    # The daily e-mail of overdue and due-soon requests (staff, legal, admin): on unless the
    # member turns it off on their profile.
    digests: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=true())
    )
    # The SHA-256 of the member's feed token (/feeds/overdue.atom?token=...): read-only and
    # apart from API tokens, so a feed reader's URL never carries an API credential.
    feed_token_hash: str | None = Field(default=None, index=True, unique=True, max_length=64)
    # The password is a one-time password (`registry demo-login`): the first log-in with it
    # replaces it by an unusable one, so it opens one session and no other.
    one_time_password: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )

    # Flask-Login's four members, written out (UserMixin on SQLModel tables is fragile).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What the session and the remember cookie keep: "id.session_version"."""
        return f"{self.id}.{self.session_version}"

    @property
    def label(self) -> str:
        return self.display_name or self.email


class Platform(SQLModel, table=True):
    """A platform and its handle rules, kept as data so they can follow the platforms' changes."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True, max_length=32)
    name: str = Field(max_length=64)
    url_template: str = Field(max_length=255)
    hosts: str = Field(default="", max_length=255)  # comma-separated
    path_prefixes: str = Field(default="", max_length=255)  # comma-separated
    pattern: str = Field(max_length=255)
    allowed_description: str = Field(max_length=255)
    min_length: int
    max_length: int
    case_sensitive: bool = False
    ignored_characters: str = Field(default="", max_length=16)
    requires_letter: bool = False
    length_note: str = Field(default="", max_length=255)
    kind: str = Field(default="username", max_length=16)

    def rules(self) -> PlatformRules:
        return PlatformRules(
            slug=self.slug,
            name=self.name,
            url_template=self.url_template,
            hosts=tuple(h for h in self.hosts.split(",") if h),
            path_prefixes=tuple(p for p in self.path_prefixes.split(",") if p),
            pattern=self.pattern,
            allowed_description=self.allowed_description,
            min_length=self.min_length,
            max_length=self.max_length,
            case_sensitive=self.case_sensitive,
            ignored_characters=self.ignored_characters,
            requires_letter=self.requires_letter,
            length_note=self.length_note,
            kind=self.kind,
        )

    @classmethod
    def from_rules(cls, rules: PlatformRules) -> Platform:
        return cls(
            slug=rules.slug,
            name=rules.name,
            url_template=rules.url_template,
            hosts=",".join(rules.hosts),
            path_prefixes=",".join(rules.path_prefixes),
            pattern=rules.pattern,
            allowed_description=rules.allowed_description,
            min_length=rules.min_length,
            max_length=rules.max_length,
            case_sensitive=rules.case_sensitive,
            ignored_characters=rules.ignored_characters,
            requires_letter=rules.requires_letter,
            length_note=rules.length_note,
            kind=rules.kind,
        )


class Brand(Versioned, SQLModel, table=True):
    __table_args__ = (
        # The flag queries name a calendar's, or a time zone's, brands.
        Index("ix_brand_calendar", "country", "subdivision"),
        Index("ix_brand_timezone", "timezone"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version: int = version_field()
    name: str = Field(max_length=120)
    slug: str = Field(index=True, unique=True, max_length=64)
    country: str = Field(default="FR", max_length=2)  # public holidays of the reply clock
    # The region whose holidays count too, ISO 3166-2 ("GB-ENG"); "" for national ones only.
    subdivision: str = Field(default="", max_length=8)
    timezone: str = Field(default="Europe/Paris", max_length=64)
    website: str = Field(default="", max_length=255)
    reply_deadline_days: int | None = None  # None: the site-wide default
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)


class ContactPoint(SQLModel, table=True):
    """An official way to reach a brand (web form, press office…): public information."""

    __tablename__ = "contact_point"

    id: int | None = Field(default=None, primary_key=True)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    kind: str = Field(max_length=32)
    label: str = Field(default="", max_length=120)
    value: str = Field(max_length=255)


class Handle(Versioned, SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("platform_id", "normalized", name="uq_handle_platform"),
        # The registry list's order: its pages are read off this index, deep ones too.
        Index("ix_handle_listing", "normalized", "platform_id", "id"),
        # A brand's handles in that order (a brand's page, the list filtered by brand).
        Index("ix_handle_brand_listing", "brand_id", "normalized", "platform_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version: int = version_field()
    platform_id: int = Field(foreign_key="platform.id", index=True)
    handle: str = Field(max_length=260)  # as displayed
    normalized: str = Field(max_length=260, index=True)  # the platform's identity key
    brand_id: int | None = Field(default=None, foreign_key="brand.id")
    holder_kind: str = Field(default="unknown", max_length=16, index=True)
    holder_name: str = Field(default="", max_length=120)
    holder_contact: str = Field(default="", max_length=255)  # private
    # The holder when the holder is a member: erasing them blanks this row's holder fields.
    holder_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    # The member holding it, loaded with the row (one batched SELECT for a page of rows), so
    # that naming the holder on a page never queries from a template.
    holder_member: User | None = Relationship(
        sa_relationship=relationship(
            "User", foreign_keys="[Handle.holder_user_id]", lazy="selectin", viewonly=True
        )
    )
    # False while the holder is only what a fan said of themselves ("held by me"), until
    # staff confirm it with the evidence they checked (CustodyRecord.verified_url).
    holder_verified: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=true())
    )
    status: str = Field(default="active", max_length=16, index=True)
    followers: int | None = None
    followers_seen_on: date | None = None
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    private_notes: str = Field(
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class FollowerCount(SQLModel, table=True):
    """A handle's followers as counted on a day: its history (DESIGN.md "Evidence"), each new
    count given kept beside the handle's own `followers` (the latest given). The same count
    seen on the same day is one entry."""

    __tablename__ = "follower_count"
    __table_args__ = (
        UniqueConstraint("handle_id", "seen_on", "followers", name="uq_follower_count"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # A handle deleted (by SQL: the registry never deletes one) takes its counts with it.
    handle_id: int = Field(
        sa_column=Column(Integer, ForeignKey("handle.id", ondelete="CASCADE"), nullable=False)
    )
    followers: int
    seen_on: date
    recorded_at: datetime = Field(default_factory=utcnow)


class LookalikeKey(SQLModel, table=True):
    """The keys a handle is found by when looking for its lookalikes (its cores under each
    fold, its words' cores and the one-deletion neighbours of its edited core:
    registry.domain.lookalikes.index_keys), written with the handle and rebuilt by
    `registry reindex-lookalikes`."""

    __tablename__ = "lookalike_key"
    __table_args__ = (Index("ix_lookalike_key_key", "key", "platform_id"),)

    # A handle deleted (by SQL: the registry never deletes one) takes its keys with it.
    handle_id: int = Field(
        sa_column=Column(Integer, ForeignKey("handle.id", ondelete="CASCADE"), primary_key=True)
    )
    key: str = Field(primary_key=True, max_length=260)
    platform_id: int = Field(foreign_key="platform.id")
    kind: int = 0  # core, deletion or word (registry.domain.lookalikes.CORE_KEY...)


class CustodyRecord(SQLModel, table=True):
    """Who held a handle from when to when. Append-only: only ended_on (and, once, the
    verification of a fan's own claim) is ever filled in, and erasing a member blanks the
    holder fields of the records where they are the holder.

    ``note`` is what people typed; ``note_code`` (registry.domain.recorded.CUSTODY_NOTES) and
    its JSON ``note_params`` are what the registry says itself, translated when shown."""

    __tablename__ = "custody_record"

    id: int | None = Field(default=None, primary_key=True)
    handle_id: int = Field(foreign_key="handle.id", index=True)
    holder_kind: str = Field(max_length=16)
    holder_name: str = Field(default="", max_length=120)
    holder_contact: str = Field(default="", max_length=255)  # private
    holder_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    # The member holding it, loaded with the row (one batched SELECT for a page of rows), so
    # that naming the holder on a page never queries from a template.
    holder_member: User | None = Relationship(
        sa_relationship=relationship(
            "User", foreign_keys="[CustodyRecord.holder_user_id]", lazy="selectin", viewonly=True
        )
    )
    started_on: date
    ended_on: date | None = None
    evidence_url: str = Field(default="", max_length=500)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    note_code: str = Field(default="", max_length=32)
    note_params: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    recorded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    recorded_at: datetime = Field(default_factory=utcnow)
    # A holder a fan recorded themselves is unverified until staff confirm it: then who
    # confirmed and the page they checked are filled in, once.
    holder_verified: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=true())
    )
    verified_url: str = Field(default="", max_length=500)
    verified_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    verified_at: datetime | None = None


REQUEST_KINDS = values(RequestKind)  # a holder offers the handle; the brand claims it back
TERMS = values(Terms)


class TransferRequest(Versioned, SQLModel, table=True):
    """A proposed handover of a handle to its brand, and where it stands.

    The reply clock's results are stored here (due dates, waiting since, unanswered count)
    and recomputed whenever an attempt or the state changes, so lists are plain SQL."""

    __tablename__ = "transfer_request"

    __table_args__ = (
        # The flags read off this index alone: overdue and due soon by reply date, not
        # contacted by first-contact date (reply date null), state and opening day included.
        Index(
            "ix_transfer_request_flags",
            "reply_due_on",
            "first_contact_due_on",
            "state",
            "opened_on",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    version: int = version_field()
    handle_id: int = Field(foreign_key="handle.id", index=True)
    kind: str = Field(default="offer", max_length=8)
    from_holder_kind: str = Field(max_length=16)
    from_holder_name: str = Field(default="", max_length=120)
    to_holder_kind: str = Field(default="brand", max_length=16)
    to_holder_name: str = Field(default="", max_length=120)
    proposer_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    terms: str = Field(default="free", max_length=16)
    amount_cents: int | None = None
    message: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    state: str = Field(default="proposed", max_length=16, index=True)
    opened_on: date
    reply_due_on: date | None = None
    first_contact_due_on: date | None = None
    waiting_since: date | None = None
    unanswered_attempts: int = 0
    # When the latest contact attempt happened (stored with the clock by refresh_clock): a
    # flag asked for a past day needs recomputing only when an attempt came after that day.
    last_attempt_at: datetime | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    # The requests list shows the last changed first: indexed for that order.
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    closed_at: datetime | None = Field(default=None, index=True)
    # The TOKEN of this request's reply address, reply+TOKEN@MAIL_REPLY_DOMAIN: made when
    # its first letter is written (registry.domain.letters.new_reply_token).
    reply_token: str | None = Field(default=None, max_length=64, unique=True, index=True)


class ContactAttempt(SQLModel, table=True):
    __tablename__ = "contact_attempt"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="transfer_request.id", index=True)
    direction: str = Field(max_length=8)
    channel: str = Field(max_length=16)
    contact_point: str = Field(default="", max_length=255)
    logged_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    happened_at: datetime = Field(index=True)
    outcome: str = Field(max_length=16)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # The brand's decision ("accept", "decline": registry.domain.recorded.DECISIONS), said in
    # the reader's language; `summary` holds only what the legal team typed.
    decision: str = Field(default="", max_length=8)
    created_at: datetime = Field(default_factory=utcnow)
    # Mail the registry sent or received (DESIGN.md "Correspondence"): the message's own id,
    # without <>, so a reply's In-Reply-To finds the letter it answers.
    message_id: str = Field(
        default="", max_length=255, sa_column_kwargs={"server_default": ""}, index=True
    )
    # A reply the clock does not take as an answer until staff say so: a near-copy of what
    # the brand sent to many others (mass_reply), or a sender that failed DMARC (unverified).
    mass_reply: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    unverified: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )

    @property
    def discounted(self) -> str:
        """Why this attempt is not taken as a reply whatever its outcome ("" when it may be):
        registry.domain.clock.AttemptFact.discounted."""
        if self.mass_reply:
            return "mass_reply"
        return "unverified" if self.unverified else ""


class Letter(SQLModel, table=True):
    """A letter the registry sent for a request: the text as sent and the wording it was
    filled from (a LetterWording row, or None for the built-in wording of that version)."""

    __tablename__ = "letter"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="transfer_request.id", index=True)
    attempt_id: int = Field(foreign_key="contact_attempt.id", unique=True, index=True)
    template: str = Field(max_length=16)
    language: str = Field(max_length=8)
    wording_id: int | None = Field(default=None, foreign_key="letter_wording.id")
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=255)
    body: str = Field(sa_column=Column(Text, nullable=False))
    message_id: str = Field(max_length=255, unique=True, index=True)
    sent_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    sent_at: datetime = Field(default_factory=utcnow)


class LetterWording(SQLModel, table=True):
    """An admin's wording of one letter template in one language. Append-only: a change is a
    new row, so each letter keeps pointing at the words it was sent with; the newest row of a
    (template, language) is the one in use, none means the built-in wording."""

    __tablename__ = "letter_wording"
    __table_args__ = (Index("ix_letter_wording_in_use", "template", "language", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    template: str = Field(max_length=16)
    language: str = Field(max_length=8)
    subject: str = Field(max_length=255)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)


class MailMessage(SQLModel, table=True):
    """One message the registry received, kept whole as evidence (its SHA-256 beside it),
    whether it was matched to a request, waits for staff (unmatched) or was discarded.

    `key` is its Message-ID, or "sha256:" and the hash for a message without one: the one
    key that makes receiving the same message twice store nothing the second time."""

    __tablename__ = "mail_message"
    # The brand's recent replies, which a new one is compared with (mass replies).
    __table_args__ = (Index("ix_mail_message_brand_replies", "brand_id", "received_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True, index=True)
    sha256: str = Field(max_length=64)
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    size: int
    received_at: datetime = Field(default_factory=utcnow, index=True)
    sender: str = Field(default="", max_length=254)
    sender_name: str = Field(default="", max_length=120)
    subject: str = Field(default="", max_length=255)
    sent_at: datetime | None = None
    outcome: str = Field(default="", max_length=16)
    rule: str = Field(default="", max_length=32)
    dmarc: str = Field(default="", max_length=16)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # The summary as mass replies are compared (registry.domain.correspondence).
    fingerprint: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    problem: str = Field(default="", max_length=32)  # too_large, no_request, closed...
    state: str = Field(default="unmatched", max_length=16, index=True)
    matched_by: str = Field(default="", max_length=16)  # reply_address, references, staff
    request_id: int | None = Field(default=None, foreign_key="transfer_request.id", index=True)
    brand_id: int | None = Field(default=None, foreign_key="brand.id")
    attempt_id: int | None = Field(
        default=None, foreign_key="contact_attempt.id", unique=True, index=True
    )
    handled_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    handled_at: datetime | None = None


class HandoverPlan(Versioned, SQLModel, table=True):
    """A window in which the name changes hands, each side's confirmation, and the outcome
    (registry.domain.handover has the rules). A request has at most one plan without an
    outcome; a failed one stays, as the request's history.

    A confirmation records who gave it and when; `*_channel` is empty when the party
    confirmed on the site itself, else the channel by which staff received it."""

    __tablename__ = "handover_plan"

    id: int | None = Field(default=None, primary_key=True)
    version: int = version_field()
    request_id: int = Field(foreign_key="transfer_request.id", index=True)
    # None for an ownership change planned without a window (registry.domain.handover).
    window_start: datetime | None = None
    window_minutes: int  # 0 without a window
    timezone: str = Field(max_length=64)  # the zone the window was given in
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    scheduled_on: date
    confirm_by: date = Field(index=True)
    outcome_by: date = Field(index=True)
    holder_confirmed_at: datetime | None = None
    holder_confirmed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    holder_channel: str = Field(default="", max_length=16)
    brand_confirmed_at: datetime | None = None
    brand_confirmed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    brand_channel: str = Field(default="", max_length=16)
    outcome: str = Field(default="", max_length=8, index=True)  # "", claimed or failed
    outcome_reason: str = Field(default="", max_length=16)
    outcome_note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    outcome_at: datetime | None = None
    outcome_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    # When the parties were reminded that the window starts within a business day (once).
    reminded_at: datetime | None = None


class CustodyIsAppendOnly(Exception):
    """Raised when code tries to rewrite or erase custody history."""


# Filled in once, when staff confirm a holder a fan recorded themselves: from "unverified"
# (False, "", None) to verified, never back and never again.
VERIFICATION_FIELDS = ("holder_verified", "verified_url", "verified_by_id", "verified_at")
UNSET = ((), [None], (None,), [""], ("",), [False], (False,))


@event.listens_for(CustodyRecord, "before_update")
def _custody_only_closes(_mapper, _connection, record: CustodyRecord) -> None:
    state = inspect(record)
    for attr in state.attrs:
        if not attr.history.has_changes() or attr.key == "ended_on":
            continue
        if attr.key in VERIFICATION_FIELDS and attr.history.deleted in UNSET:
            continue
        raise CustodyIsAppendOnly(f"Custody records cannot be rewritten ({attr.key}).")
    if state.attrs.ended_on.history.deleted not in ((), [None], (None,)):
        raise CustodyIsAppendOnly("A closed custody record cannot be reopened or re-dated.")


@event.listens_for(CustodyRecord, "before_delete")
def _custody_never_deleted(_mapper, _connection, _record: CustodyRecord) -> None:
    raise CustodyIsAppendOnly("Custody records cannot be deleted.")


class RowCount(SQLModel, table=True):
    """How many rows a large table holds, kept by database triggers (registry.adapters.counts), so
    that the registry list's total is one read instead of a scan of 100,000 rows."""

    __tablename__ = "row_count"

    table_name: str = Field(primary_key=True, max_length=64)
    rows: int


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, with the values before and after. Never edited, never deleted,
    not even when a member is erased: it names members by id only (``actor_id``, ``{"member":
    id}`` in ``params``) and keeps no member's e-mail, name or phone (registry.services.audit).

    ``summary`` is an English msgid with named parameters, ``params`` their JSON values; the
    sentence is made in the reader's language when shown. ``actor_label`` names an actor that
    is not a member ("system": a command, the demo loader); it is empty for members."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    actor_label: str = Field(default="system", max_length=254)
    action: str = Field(max_length=48, index=True)
    entity_type: str = Field(max_length=32, index=True)
    entity_id: int | None = Field(default=None, index=True)
    summary: str = Field(default="", max_length=500)
    params: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    before: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    after: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # The hash chain (registry.domain.chain): this entry's hash, and the one before it.
    hash: str = Field(default="", max_length=64, index=True)
    prev_hash: str = Field(default="", max_length=64)


class AuditChain(SQLModel, table=True):
    """The audit chain's head: the hash of its last entry. One row, taken FOR UPDATE by each
    transaction that writes entries, so that they chain one after the other; `registry
    verify` compares it with the last entry, so removing the last entries shows too."""

    __tablename__ = "audit_chain"

    id: int = Field(default=1, primary_key=True)
    head: str = Field(max_length=64)


class AuditIsPermanent(Exception):
    """Raised when code tries to change or remove an audit entry."""


@event.listens_for(AuditEntry, "before_update")
def _audit_never_updated(_mapper, _connection, _entry: AuditEntry) -> None:
    raise AuditIsPermanent("Audit entries cannot be changed.")


@event.listens_for(AuditEntry, "before_delete")
def _audit_never_deleted(_mapper, _connection, _entry: AuditEntry) -> None:
    raise AuditIsPermanent("Audit entries cannot be deleted.")


class ApiToken(SQLModel, table=True):
    """A bearer token for the API. Only its SHA-256 hash is kept: a leaked database
    gives no working token. The prefix lets its owner recognise it in a list."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    name: str = Field(default="", max_length=80)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    prefix: str = Field(max_length=8)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class DigestNotice(SQLModel, table=True):
    """That a member was told, in an overdue digest, that a request had a flag: each
    (request, flag, member) once, so no digest repeats it (`registry notify-overdue`)."""

    __tablename__ = "digest_notice"
    __table_args__ = (UniqueConstraint("request_id", "flag", "user_id", name="uq_digest_notice"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="transfer_request.id")
    flag: str = Field(max_length=16)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    sent_at: datetime = Field(default_factory=utcnow)


class RateLimitCount(SQLModel, table=True):
    """One rate-limit counter (log-in and sign-up limits, registry.adapters.rate_limits): kept
    in the database so that every worker of the site counts the same attempts."""

    __tablename__ = "rate_limit_count"

    key: str = Field(primary_key=True, max_length=255)
    hits: int = Field(default=0)
    # The end of the counter's window, in Unix seconds: after it the counter starts again.
    expires_at: float = Field(sa_column=Column(Float, nullable=False, index=True))


class Event(SQLModel, table=True):
    """The outbox: one thing that happened (registry.domain.notifications.EventKind), written
    beside its audit entry in the same transaction, so a change rolled back notifies nobody.
    Dispatched once committed (`dispatched_at`): into members' notifications and webhook
    deliveries. `key`, when set, makes an event that may be noticed twice (a flag raised on a
    given due date) written once."""

    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    occurred_at: datetime = Field(default_factory=utcnow)
    request_id: int | None = Field(default=None, foreign_key="transfer_request.id", index=True)
    brand_id: int | None = Field(default=None, foreign_key="brand.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    key: str | None = Field(default=None, max_length=120, unique=True, index=True)
    dispatched_at: datetime | None = Field(default=None, index=True)


class Notification(SQLModel, table=True):
    """That a member was told of an event: once per (member, event), whatever the topics
    that reached them. `on_site` lists it on /me/notifications; `by_email` sends it, once
    (`emailed_at`; `email_claimed_at` while a worker sends it)."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "event_id", name="uq_notification_user_event"),
        # The unread count in every page's header reads this index alone.
        Index("ix_notification_unread", "user_id", "on_site", "read_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    event_id: int = Field(foreign_key="event.id", index=True)
    topic: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    on_site: bool = Field(default=True)
    read_at: datetime | None = None
    by_email: bool = Field(default=False)
    email_claimed_at: datetime | None = None
    emailed_at: datetime | None = Field(default=None, index=True)


class NotificationPreference(SQLModel, table=True):
    """A member's choice for one topic and channel; without a row, the channel is on."""

    __tablename__ = "notification_preference"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    topic: str = Field(max_length=32, primary_key=True)
    channel: str = Field(max_length=8, primary_key=True)
    enabled: bool = Field(default=True)


class Webhook(SQLModel, table=True):
    """An address told of events as signed JSON POSTs (DESIGN.md "Notifications"): an
    admin's (any brand) or a legal team's (its brand, `brand_id`). The signing secret is kept
    encrypted (registry.adapters.secrets), shown to its owner once."""

    __tablename__ = "webhook"

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user_account.id", index=True)
    brand_id: int | None = Field(default=None, foreign_key="brand.id", index=True)
    url: str = Field(max_length=2048)
    events: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    secret: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    # Since when every delivery failed (None while it delivers); a day of it disables it.
    failing_since: datetime | None = None
    disabled_at: datetime | None = None


class WebhookDelivery(SQLModel, table=True):
    """One event to one hook: pending until delivered, retried with backoff for a day, then
    failed. Once per (hook, event)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id", name="uq_webhook_delivery_event"),
        # The worker's next deliveries: pending ones whose time has come.
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", index=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    status: str = Field(default="pending", max_length=16)  # pending, delivered, failed
    attempts: int = 0
    last_status_code: int | None = None
    last_error: str = Field(default="", max_length=500)
    next_attempt_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None


class WebhookAttempt(SQLModel, table=True):
    """One try at a delivery: when, what the receiver answered (or why nothing came back)."""

    __tablename__ = "webhook_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="webhook_delivery.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    status_code: int | None = None
    error: str = Field(default="", max_length=500)
    duration_ms: int = 0


# The row counters' triggers are installed with the schema (`metadata.create_all` too).
from registry.adapters import counts  # noqa: E402, F401
