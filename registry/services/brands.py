"""Brands and their official contact points."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from sqlmodel import Session, col, func, select

from registry.adapters.models import CONTACT_POINT_KINDS, Brand, ContactPoint, Handle
from registry.domain import clock, limits, recorded
from registry.domain.messages import N_, Choices, Explained
from registry.services import (
    Conflict,
    Invalid,
    NotFound,
    Page,
    audit,
    check_version,
    checked_text,
    checked_url,
)
from registry.services.context import Context
from registry.services.handles import require_editor
from registry.services.unit import locked, use_case

BRAND_FIELDS = (
    "name",
    "slug",
    "country",
    "subdivision",
    "timezone",
    "website",
    "reply_deadline_days",
    "notes",
)


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


# Up to this many brands, list filters offer a menu of them all; beyond, a field for the
# brand's slug (a thousand-option menu is slow to send and to use).
BRAND_MENU_LIMIT = 100


@dataclass
class BrandMenu:
    choices: list[BrandChoice] | None  # None: too many brands for a menu
    example: str  # a slug to show in the field's placeholder
    unknown: bool  # the brand asked for does not exist (the list is empty, and says why)


def brand_menu(session: Session, selected: str = "") -> BrandMenu:
    """What a list's brand filter offers: every brand, or a field when they are many."""
    count = session.exec(select(func.count(Brand.id))).one()  # type: ignore[arg-type]
    unknown = bool(selected) and (
        session.exec(select(Brand.id).where(Brand.slug == selected)).first() is None
    )
    if count <= BRAND_MENU_LIMIT:
        return BrandMenu(all_brands(session), "", unknown)
    example = session.exec(select(Brand.slug).order_by(col(Brand.id)).limit(1)).one()
    return BrandMenu(None, example, unknown)


class BrandChoice(NamedTuple):
    id: int
    slug: str
    name: str


def get_brand(session: Session, slug: str) -> Brand:
    brand = session.exec(select(Brand).where(Brand.slug == slug)).first()
    if brand is None:
        raise NotFound('No brand "%(slug)s" in the registry.', field="brand", slug=slug)
    return brand


def find_brand(session: Session, slug: str) -> Brand | None:
    """The brand of that short name, or None (a link's parameter that names no brand)."""
    return session.exec(select(Brand).where(Brand.slug == slug)).first()


def all_brands(session: Session) -> list[BrandChoice]:
    """Every brand's id, slug and name, by name: what a filter or a form's choice shows.
    Plain rows, not whole records: a thousand brands build a page's menu in a millisecond."""
    rows = session.exec(
        select(Brand.id, Brand.slug, Brand.name).order_by(func.lower(Brand.name), col(Brand.id))
    )
    return [BrandChoice(*row) for row in rows]


_SEPARATORS = re.compile(r"[-._]")


def named_by(session: Session, normalized: str) -> Brand | None:
    """The brand a handle not yet in the registry most likely names, to pre-fill a proposal:
    the one brand holding that name on another platform, else the brand whose short name it
    is, separators aside (`voitures_lumiere` names "voitures-lumiere"). None when unsure."""
    if not normalized:
        return None
    elsewhere = session.exec(
        select(Handle.brand_id)
        .where(Handle.normalized == normalized, Handle.brand_id.is_not(None))  # type: ignore[union-attr]
        .distinct()
        .limit(2)
    ).all()
    if len(elsewhere) == 1:
        return session.get(Brand, elsewhere[0])
    if elsewhere:
        return None  # two brands use the name: the proposer chooses
    bare = _SEPARATORS.sub("", normalized.lower())
    found = session.exec(
        select(Brand).where(func.replace(Brand.slug, "-", "") == bare).limit(2)
    ).all()
    return found[0] if len(found) == 1 else None


CHANGED_MEANWHILE = N_(
    "This brand was changed by someone else meanwhile. Its newer values are shown; "
    "make your changes again on them."
)


def _validate(session: Session, values: dict, brand: Brand | None) -> dict:
    values = dict(values)
    values["name"] = checked_text(values.get("name"), "name", limits.NAME_MAX)
    values["website"] = checked_url(values.get("website"), "website", limits.WEBSITE_MAX)
    values["notes"] = checked_text(values.get("notes"), "notes", limits.NOTE_MAX)
    values["slug"] = checked_text(values.get("slug"), "slug", limits.NAME_MAX)
    if not values["name"]:
        raise Invalid("Enter the brand's name.", field="name")
    # The slug made from a long name can outgrow its column: check what will be stored.
    values["slug"] = checked_text(
        slugify(values.get("slug") or values["name"]), "slug", limits.BRAND_SLUG_MAX
    )
    if not values["slug"]:
        raise Invalid("The slug needs at least one letter or digit.", field="slug")
    values["country"] = (values.get("country") or clock.DEFAULT_COUNTRY).strip().upper()
    if values["country"] not in holidays.list_supported_countries():
        raise Invalid(
            'Unknown country code "%(country)s" for public holidays.',
            field="country",
            country=values["country"],
        )
    if "subdivision" in values or brand is None or values["country"] != brand.country:
        try:
            values["subdivision"] = clock.check_subdivision(
                values["country"], values.get("subdivision")
            )
        except Explained as exc:
            raise Invalid.explaining(exc, field="subdivision") from None
    values["timezone"] = (values.get("timezone") or "Europe/Paris").strip()
    try:
        ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: too long a name for a file
        raise Invalid(
            'Unknown time zone "%(zone)s"; use a name such as Europe/Paris.',
            field="timezone",
            zone=values["timezone"],
        ) from None
    clash = session.exec(select(Brand).where(Brand.slug == values["slug"])).first()
    if clash is not None and (brand is None or clash.id != brand.id):
        raise Conflict(
            'The slug "%(slug)s" is already used by %(brand)s.',
            field="slug",
            slug=values["slug"],
            brand=clash.name,
        )
    days = values.get("reply_deadline_days")
    if days == "":
        values["reply_deadline_days"] = days = None
    if days is not None and not limits.MIN_DEADLINE_DAYS <= int(days) <= limits.MAX_DEADLINE_DAYS:
        raise Invalid(
            "The reply deadline is between %(min)s and %(max)s business days.",
            field="reply_deadline_days",
            min=limits.MIN_DEADLINE_DAYS,
            max=limits.MAX_DEADLINE_DAYS,
        )
    return {k: values[k] for k in BRAND_FIELDS if k in values}


@use_case
def register_brand(ctx: Context, *, contact_points: tuple = (), **values) -> Brand:
    """A brand with its official contact points, all or nothing: `contact_points` are
    (kind, label, value) triples."""
    brand = create_brand(ctx, **values)
    for kind, label, value in contact_points:
        add_contact_point(ctx, brand.slug, kind=kind, label=label, value=value)
    return brand


@use_case
def create_brand(ctx: Context, **values) -> Brand:
    session, actor = ctx.session, ctx.actor
    require_editor(actor)
    brand = Brand(**_validate(session, values, None))
    session.add(brand)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="brand.create",
        entity=brand,
        summary=N_("Brand %(brand)s created"),
        params={"brand": brand.name},
        after=audit.snapshot(brand, BRAND_FIELDS),
    )
    return brand


@use_case
def update_brand(
    ctx: Context,
    current_slug: str,
    /,
    *,
    expected_version: int | None = None,
    **values,
) -> Brand:
    """Staff edit a brand; a save from a stale copy is refused (`Stale`, with the newer row)."""
    session, actor = ctx.session, ctx.actor
    require_editor(actor)
    brand = locked(session, Brand, Brand.slug == current_slug)
    if brand is None:
        raise NotFound('No brand "%(slug)s" in the registry.', field="brand", slug=current_slug)
    check_version(brand, expected_version, CHANGED_MEANWHILE)
    before = audit.snapshot(brand, BRAND_FIELDS)
    for key, value in _validate(session, values, brand).items():
        setattr(brand, key, value)
    session.add(brand)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="brand.update",
        entity=brand,
        summary=N_("Brand %(brand)s updated"),
        params={"brand": brand.name},
        before=before,
        after=audit.snapshot(brand, BRAND_FIELDS),
    )
    return brand


@use_case
def add_contact_point(
    ctx: Context, slug: str, *, kind: str, label: str, value: str
) -> ContactPoint:
    session, actor = ctx.session, ctx.actor
    require_editor(actor)
    brand = get_brand(session, slug)
    if kind not in CONTACT_POINT_KINDS:
        raise Invalid(
            'Unknown kind of contact point "%(value)s"; choose one of %(choices)s.',
            field="kind",
            value=kind,
            choices=Choices("department", CONTACT_POINT_KINDS),
        )
    label = checked_text(label, "label", limits.NAME_MAX)
    value = checked_text(value, "value", limits.CONTACT_POINT_MAX)
    if not value:
        raise Invalid("Enter the address, phone number or URL.", field="value")
    assert brand.id is not None  # a stored brand has its id
    point = ContactPoint(brand_id=brand.id, kind=kind, label=label, value=value)
    session.add(point)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="contact_point.create",
        entity=point,
        summary=N_("%(brand)s: contact point %(kind)s added"),
        params={"brand": brand.name, "kind": recorded.code("department", kind)},
        after=audit.snapshot(point, ("brand_id", "kind", "label", "value")),
    )
    return point


def contact_points(session: Session, brand_id: int) -> list[ContactPoint]:
    return list(
        session.exec(
            select(ContactPoint)
            .where(ContactPoint.brand_id == brand_id)
            .order_by(col(ContactPoint.id))
        )
    )


def brands_with_counts(session: Session, *, page: int, page_size: int) -> Page[tuple[Brand, int]]:
    """One page of the brands, by name, each with its number of handles (counted for the
    page's brands only)."""
    brands = list(
        session.exec(
            select(Brand)
            .order_by(func.lower(Brand.name), col(Brand.id))
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    )
    counts = dict(
        session.exec(
            select(Handle.brand_id, func.count(col(Handle.id)))
            .where(col(Handle.brand_id).in_([b.id for b in brands]))
            .group_by(col(Handle.brand_id))
        ).all()
    )
    total = session.exec(select(func.count(Brand.id))).one()  # type: ignore[arg-type]
    return Page([(b, counts.get(b.id, 0)) for b in brands], page, page_size, total)


def holidays_this_year(brand: Brand, *, year: int, language: str) -> list[tuple[date, str]]:
    """The public holidays that pause the brand's reply clock in ``year``, named in the
    reader's language where the holidays library can."""
    return clock.holidays_named(brand.country, brand.subdivision or None, year, language)
