"""Handles: create, edit, look up, list (their custody: registry.services.custody)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, or_, tuple_
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from registry.adapters.bulk import insert_rows
from registry.adapters.models import (
    HANDLE_STATUSES,
    HOLDER_KINDS,
    Brand,
    CustodyRecord,
    Handle,
    Platform,
    RowCount,
    User,
    utcnow,
)
from registry.domain import limits, recorded
from registry.domain.handles import ParsedHandle
from registry.domain.messages import N_, Choices
from registry.domain.permissions import EDIT_REGISTRY, role_can
from registry.domain.platforms import is_collectible
from registry.services import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Page,
    audit,
    check_version,
    checked,
    checked_day,
    checked_text,
    checked_url,
    follower_counts,
    lookalike_index,
    platforms,
)
from registry.services.context import Context
from registry.services.unit import locked, use_case, wrote

EDITABLE_FIELDS = ("brand_id", "status", "followers", "followers_seen_on", "notes", "private_notes")
HOLDER_FIELDS = (
    "holder_kind",
    "holder_name",
    "holder_contact",
    "holder_user_id",
    "holder_verified",
)
AUDITED_FIELDS = ("platform_id", "handle", "normalized", *EDITABLE_FIELDS, *HOLDER_FIELDS)


@dataclass
class HandleRow:
    handle: Handle
    platform: Platform
    brand: Brand | None

    @property
    def collectible(self) -> bool:
        """A collectible username (Telegram under 5 characters): its owner hands it over."""
        return is_collectible(self.platform.slug, self.handle.normalized)


@dataclass
class Lookup:
    """The answer to "who holds @x on platform p?", even when the registry does not know."""

    platform: Platform
    display: str
    normalized: str
    url: str
    row: HandleRow | None

    @property
    def handle(self) -> Handle | None:
        return self.row.handle if self.row else None


# One whole sentence per kind of choice, so that each translates with its own grammar.
# The vocabulary (registry.presentation.labels) that names each kind of choice's codes.
CHOICE_KINDS = {
    "holder kind": "holder_kind",
    "status": "status",
    "kind of request": "request_kind",
    "terms": "terms",
    "direction": "direction",
    "channel": "channel",
    "outcome": "outcome",
}
CHOICE_MESSAGES = {
    "holder kind": N_('Unknown holder kind "%(value)s"; choose one of %(choices)s.'),
    "status": N_('Unknown status "%(value)s"; choose one of %(choices)s.'),
    "kind of request": N_('Unknown kind of request "%(value)s"; choose one of %(choices)s.'),
    "terms": N_('Unknown terms "%(value)s"; choose one of %(choices)s.'),
    "direction": N_('Unknown direction "%(value)s"; choose one of %(choices)s.'),
    "channel": N_('Unknown channel "%(value)s"; choose one of %(choices)s.'),
    "outcome": N_('Unknown outcome "%(value)s"; choose one of %(choices)s.'),
}


def check_choice(value: str, choices: tuple[str, ...], field: str, what: str) -> str:
    """`what` names the kind of choice, one of CHOICE_MESSAGES."""
    if value not in choices:
        raise Invalid(
            CHOICE_MESSAGES[what],
            field=field,
            value=value,
            choices=Choices(CHOICE_KINDS[what], choices),
        )
    return value


def check_followers(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        followers = int(str(value).replace(" ", "").replace(",", "").replace("\u202f", ""))
    except ValueError:
        raise Invalid(
            '"%(value)s" is not a number of followers.', field="followers", value=value
        ) from None
    if followers < 0:
        raise Invalid("A follower count cannot be negative.", field="followers")
    # The column is 32 bits; no account comes near.
    return checked(limits.check_int, followers, "followers", maximum=limits.MAX_FOLLOWERS)


def find_handle(session: Session, platform: Platform, normalized: str) -> Handle | None:
    return session.exec(
        select(Handle).where(Handle.platform_id == platform.id, Handle.normalized == normalized)
    ).first()


def lookup(session: Session, platform_slug: str | None, raw: str | None) -> Lookup:
    """One indexed row: the handle of (platform, normalized spelling), with its brand."""
    platform = platforms.get_platform(session, platform_slug)
    parsed = platforms.parse(platform, raw)
    row = session.exec(
        _BY_NAME, params={"platform_id": platform.id, "normalized": parsed.normalized}
    ).first()
    return Lookup(
        platform=platform,
        display=parsed.display,
        normalized=parsed.normalized,
        url=platforms.url_for_handle(platform, parsed.display),
        row=HandleRow(*row) if row else None,
    )


def row_query():
    return (
        select(Handle, Platform, Brand)
        .join(Platform, col(Platform.id) == Handle.platform_id)
        .join(Brand, col(Brand.id) == Handle.brand_id, isouter=True)
    )


# The statements of the busiest reads, built once: building one (and its cache key) costs
# about what running it on an indexed row does.
_BY_NAME = row_query().where(
    Handle.platform_id == bindparam("platform_id"), Handle.normalized == bindparam("normalized")
)
_BY_ID = row_query().where(Handle.id == bindparam("handle_id"))


def get_handle(session: Session, handle_id: int) -> HandleRow:
    row = session.exec(_BY_ID, params={"handle_id": handle_id}).first()
    if row is None:
        raise NotFound("No such handle in the registry.")
    return HandleRow(*row)


CHANGED_MEANWHILE = N_(
    "This handle was changed by someone else meanwhile. Its newer values are shown; "
    "make your changes again on them."
)


def require_editor(actor: User | None) -> None:
    """Brands, handles and custody are edited by staff and admins (and by the commands,
    which run without an actor)."""
    if actor is not None and not role_can(actor.role, EDIT_REGISTRY):
        raise Forbidden(N_("Only staff can edit the registry."))


def locked_handle(session: Session, handle_id: int) -> Handle:
    record = locked(session, Handle, Handle.id == handle_id)
    if record is None:
        raise NotFound("No such handle in the registry.")
    return record


@use_case
def create_handle(ctx: Context, *, platform_slug: str, handle: str, **values) -> Handle:
    """Staff add a handle (see `add_typed_handle`), first recorded on the context's day."""
    require_editor(ctx.actor)
    return add_typed_handle(ctx, platform_slug=platform_slug, handle=handle, **values)


def add_typed_handle(ctx: Context, *, platform_slug: str, handle: str, **values) -> Handle:
    """Add a handle typed by a person: the platform's rules, no duplicate, then `add_handle`
    (whose keyword arguments — brand_id, holder_kind, status, followers… — it passes on).
    Also the step of a proposal that names a handle the registry does not know yet."""
    session = ctx.session
    handle = checked_text(handle, "handle", limits.HANDLE_INPUT_MAX)
    platform = platforms.get_platform(session, platform_slug)
    parsed = platforms.parse(platform, handle)
    if find_handle(session, platform, parsed.normalized):
        raise Conflict(
            "%(platform)s handle @%(handle)s is already in the registry.",
            field="handle",
            platform=platform.name,
            handle=parsed.display,
        )
    return add_handle(session, platform, parsed, actor=ctx.actor, today=ctx.today, **values)


@dataclass
class NewHandle:
    """A handle checked and ready to write (`new_handle`): its column values, and its
    first custody's facts."""

    values: dict
    platform: Platform
    evidence_url: str
    started_on: date

    @property
    def key(self) -> tuple[int, str]:
        return (self.values["platform_id"], self.values["normalized"])


def new_handle(
    platform: Platform,
    parsed: ParsedHandle,
    *,
    today: date,
    brand_id: int | None = None,
    holder_kind: str = "unknown",
    holder_name: str = "",
    holder_contact: str = "",
    holder_user_id: int | None = None,
    holder_verified: bool = True,
    status: str = "active",
    followers=None,
    followers_seen_on: date | None = None,
    notes: str = "",
    private_notes: str = "",
    evidence_url: str = "",
) -> NewHandle:
    """Check a new handle's values, without writing anything (`add_handles` writes)."""
    check_choice(holder_kind, HOLDER_KINDS, "holder_kind", "holder kind")
    check_choice(status, HANDLE_STATUSES, "status", "status")
    followers = check_followers(followers)
    followers_seen_on = checked_day(followers_seen_on, "followers_seen_on")
    values = {
        "platform_id": platform.id,
        "handle": parsed.display,
        "normalized": parsed.normalized,
        "brand_id": brand_id,
        "holder_kind": holder_kind,
        "holder_name": checked_text(holder_name, "holder_name", limits.NAME_MAX),
        "holder_contact": checked_text(holder_contact, "holder_contact", limits.CONTACT_MAX),
        "holder_user_id": holder_user_id,
        "holder_verified": holder_verified,
        "status": status,
        "followers": followers,
        "followers_seen_on": followers_seen_on or (today if followers is not None else None),
        "notes": checked_text(notes, "notes", limits.NOTE_MAX),
        "private_notes": checked_text(private_notes, "private_notes", limits.NOTE_MAX),
    }
    return NewHandle(values, platform, checked_url(evidence_url, "evidence_url").strip(), today)


def _defaults(model, **required) -> dict:
    """The column values a new row of `model` gets by default (its timestamps now), worked
    out once for a whole batch: building a model per row is most of an import's time."""
    return model(**required).model_dump(exclude={"id"})


def add_handles(session: Session, new: list[NewHandle], *, actor: User | None) -> list[int]:
    """Write new handles, each with its first custody record and its audit entry, in three
    batched INSERTs and one SELECT of their ids (the CSV import writes a thousand at a time;
    the ORM's flush would send one INSERT per row to learn each id). Their ids, in order.

    The caller has made sure they are not in the registry yet: create_handle with one query,
    the import for a whole file at once from the rows it loaded first. The unique index on
    (platform, normalized) still refuses a duplicate."""
    if not new:
        return []
    handle_defaults = _defaults(Handle, platform_id=0, handle="", normalized="")
    insert_rows(session, Handle, [{**handle_defaults, **n.values} for n in new])
    wrote(session)
    keys = [n.key for n in new]
    found = session.exec(
        select(Handle.platform_id, Handle.normalized, Handle.id).where(
            tuple_(Handle.platform_id, Handle.normalized).in_(keys)
        )
    )
    ids_by_key: dict[tuple[int, str], int] = {}
    for platform_id, normalized, id_ in found:
        assert id_ is not None  # a stored row has its id
        ids_by_key[(platform_id, normalized)] = id_
    ids = [ids_by_key[key] for key in keys]
    lookalike_index.index_handles(
        session,
        [
            (id_, n.key[0], n.values["normalized"], n.platform.kind)
            for n, id_ in zip(new, ids, strict=True)
        ],
    )
    follower_counts.record_counts(
        session,
        (
            (id_, n.values["followers"], n.values["followers_seen_on"])
            for n, id_ in zip(new, ids, strict=True)
            if n.values["followers"] is not None
        ),
    )
    by = actor.id if actor else None
    custody_defaults = _defaults(CustodyRecord, handle_id=0, holder_kind="", started_on=date.min)
    holder = ("holder_kind", "holder_name", "holder_contact", "holder_user_id", "holder_verified")
    insert_rows(
        session,
        CustodyRecord,
        [
            {
                **custody_defaults,
                **{name: n.values[name] for name in holder},
                "handle_id": id_,
                "started_on": n.started_on,
                "evidence_url": n.evidence_url,
                "note_code": recorded.FIRST_RECORDED,
                "recorded_by_id": by,
            }
            for n, id_ in zip(new, ids, strict=True)
        ],
    )
    audit.record_all(
        session,
        [
            audit.entry_values(
                actor=actor,
                action="handle.create",
                entity_type="handle",  # Handle.__tablename__
                entity_id=id_,
                summary=N_("%(platform)s @%(handle)s added"),
                params={"platform": n.platform.name, "handle": n.values["handle"]},
                after=audit.snapshot(n.values, AUDITED_FIELDS),
            )
            for n, id_ in zip(new, ids, strict=True)
        ],
    )
    return ids


def add_handle(
    session: Session, platform: Platform, parsed: ParsedHandle, *, actor: User | None, **values
) -> Handle:
    """Check and write one new handle (`new_handle`'s keyword arguments, `add_handles`)."""
    [handle_id] = add_handles(session, [new_handle(platform, parsed, **values)], actor=actor)
    return session.get_one(Handle, handle_id)


# The longest text each editable field may hold.
TEXT_LIMITS = {"notes": limits.NOTE_MAX, "private_notes": limits.NOTE_MAX}


@use_case
def update_handle(
    ctx: Context, handle_id: int, *, expected_version: int | None = None, **values
) -> Handle:
    """Staff edit what describes a handle. `expected_version` is the version the editor
    read: a save from a stale copy is refused (`Stale`, with the newer row)."""
    require_editor(ctx.actor)
    record = locked_handle(ctx.session, handle_id)
    check_version(record, expected_version, CHANGED_MEANWHILE)
    return edit_handle(ctx, record, **values)


def edit_handle(ctx: Context, record: Handle, **values) -> Handle:
    """Edit what describes a handle. The holder changes only through `move_custody`."""
    session, actor = ctx.session, ctx.actor
    before = audit.snapshot(record, AUDITED_FIELDS)
    counted = (record.followers, record.followers_seen_on)
    if "status" in values:
        check_choice(values["status"], HANDLE_STATUSES, "status", "status")
    if "followers" in values:
        values["followers"] = check_followers(values["followers"])
    if "followers_seen_on" in values:
        values["followers_seen_on"] = checked_day(values["followers_seen_on"], "followers_seen_on")
    if values.get("brand_id") is not None and session.get(Brand, values["brand_id"]) is None:
        raise Invalid("No such brand in the registry.", field="brand")
    for key, max_length in TEXT_LIMITS.items():
        if key in values:
            values[key] = checked_text(values[key], key, max_length)
    for key in EDITABLE_FIELDS:
        if key in values:
            value = values[key]
            setattr(record, key, value.strip() if isinstance(value, str) else value)
    _count_followers(ctx, record, counted, seen_on_given=values.get("followers_seen_on"))
    record.updated_at = utcnow()
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="handle.update",
        entity=record,
        summary=N_("@%(handle)s updated"),
        params={"handle": record.handle},
        before=before,
        after=audit.snapshot(record, AUDITED_FIELDS),
    )
    return record


def _count_followers(
    ctx: Context, record: Handle, counted: tuple, *, seen_on_given: date | None
) -> None:
    """Keep a new follower count in the handle's history. A new count given without its day
    was seen on the context's day, as when a handle is added."""
    if record.followers is None or (record.followers, record.followers_seen_on) == counted:
        return
    if record.followers != counted[0] and seen_on_given is None:
        record.followers_seen_on = ctx.today
    assert record.id is not None  # a stored handle has its id
    follower_counts.record_count(
        ctx.session, record.id, record.followers, record.followers_seen_on or ctx.today
    )


@dataclass
class HandleFilters:
    platform: str = ""
    brand: str = ""
    holder_kind: str = ""
    status: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args) -> HandleFilters:
        """The filters of a query string (the registry list and its CSV download share them)."""
        return cls(**{name: args.get(name, "").strip() for name in cls.__dataclass_fields__})

    def active(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def list_handles(
    session: Session, filters: HandleFilters, *, page: int, page_size: int
) -> Page[HandleRow]:
    """One page of the registry list, by name (then platform). The page's ids are found
    first, on the index (normalized, platform_id, id) and without joins, and only those rows
    are loaded with their platform and brand: a deep page skips index entries, not rows."""
    ids = list(
        session.exec(
            matching(filters, Handle.id)
            .order_by(Handle.normalized, Handle.platform_id, Handle.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    )
    listed = [HandleRow(*row) for row in rows_in_order(session, filtered_query(filters), ids)]
    preload_holders(session, [row.handle for row in listed])
    return Page(listed, page, page_size, count_handles(session, filters))


def rows_in_order(session: Session, query, ids: list[int]) -> list[tuple]:
    """The (handle, platform, brand) rows of `query` for these ids, in the ids' order: a
    page or a chunk read by id after its order was read off an index."""
    found = {row[0].id: row for row in session.exec(query.where(Handle.id.in_(ids)))}  # type: ignore[union-attr]
    return [found[i] for i in ids if i in found]


def count_handles(session: Session, filters: HandleFilters) -> int:
    """How many handles the filters select: without filters, the count the database keeps
    (registry.adapters.counts); else counted on the handles table (see `matching`)."""
    if not filters.active():
        kept = session.exec(select(RowCount.rows).where(RowCount.table_name == "handle")).first()
        if kept is not None:
            return kept
    count: SelectOfScalar[int] = matching(filters, func.count(col(Handle.id)))
    return session.exec(count).one()


def preload_holders(session: Session, records) -> None:
    """Load in one query the members who hold these handles without a public name: a page
    names them (as "A fan", or by name for readers of private data) from the session's
    identity map instead of one query per row."""
    ids = {r.holder_user_id for r in records if r.holder_user_id and not r.holder_name}
    if ids:
        members = list(session.exec(select(User).where(User.id.in_(ids))))  # type: ignore[union-attr]
        # The identity map holds rows weakly: keep them for the session's life (a request).
        session.info.setdefault("preloaded", []).extend(members)


def recent_handles(session: Session, limit: int = 8) -> list[HandleRow]:
    """The handles last added to the registry, for the home page (no count, no sort)."""
    query = filtered_query(HandleFilters()).order_by(Handle.id.desc()).limit(limit)  # type: ignore[union-attr]
    rows = [HandleRow(*row) for row in session.exec(query)]
    preload_holders(session, [row.handle for row in rows])
    return rows


def filtered_query(filters: HandleFilters):
    """Handles with their platform and brand, narrowed by the registry list's filters
    (the list pages it; the CSV export takes it whole)."""
    query = (
        select(Handle, Platform, Brand)
        .join(Platform, col(Platform.id) == Handle.platform_id)
        .join(Brand, col(Brand.id) == Handle.brand_id, isouter=True)
    )
    return _narrowed(query, filters)


def matching(filters: HandleFilters, column):
    """SELECT `column` FROM handle, narrowed by the filters, joined to brands only for a
    search (which reads the brand's name): a list's ids and its count read the handles'
    indexes and nothing else."""
    query = select(column)
    if filters.q:
        query = query.join(Brand, col(Brand.id) == Handle.brand_id, isouter=True)
    return _narrowed(query, filters)


def _narrowed(query, filters: HandleFilters):
    """The filters as conditions: the platform and the brand by their slugs' ids."""
    if filters.platform:
        query = query.where(
            Handle.platform_id
            == select(Platform.id).where(Platform.slug == filters.platform).scalar_subquery()
        )
    if filters.brand:
        query = query.where(
            Handle.brand_id == select(Brand.id).where(Brand.slug == filters.brand).scalar_subquery()
        )
    if filters.holder_kind:
        query = query.where(Handle.holder_kind == filters.holder_kind)
    if filters.status:
        query = query.where(Handle.status == filters.status)
    if filters.q:
        needle = f"%{filters.q.strip().lstrip('@').lower()}%"
        query = query.where(
            or_(
                Handle.normalized.like(needle),  # type: ignore[attr-defined]
                func.lower(Handle.holder_name).like(needle),
                func.lower(Brand.name).like(needle),
            )
        )
    return query
