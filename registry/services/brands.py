"""Brands and their official contact points."""

from __future__ import annotations

import re
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from sqlmodel import Session, func, select

from registry.models import Brand, ContactPoint, Handle, User
from registry.services import Conflict, Invalid, NotFound, audit

BRAND_FIELDS = ("name", "slug", "country", "timezone", "website", "reply_deadline_days", "notes")


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def get_brand(session: Session, slug: str) -> Brand:
    brand = session.exec(select(Brand).where(Brand.slug == slug)).first()
    if brand is None:
        raise NotFound('No brand "%(slug)s" in the registry.', field="brand", slug=slug)
    return brand


def all_brands(session: Session) -> list[Brand]:
    return list(session.exec(select(Brand).order_by(func.lower(Brand.name))))


def _validate(session: Session, values: dict, brand: Brand | None) -> dict:
    values = dict(values)
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        raise Invalid("Enter the brand's name.", field="name")
    values["slug"] = slugify(values.get("slug") or values["name"])
    if not values["slug"]:
        raise Invalid("The slug needs at least one letter or digit.", field="slug")
    values["country"] = (values.get("country") or "FR").strip().upper()
    if values["country"] not in holidays.list_supported_countries():
        raise Invalid(
            'Unknown country code "%(country)s" for public holidays.',
            field="country",
            country=values["country"],
        )
    values["timezone"] = (values.get("timezone") or "Europe/Paris").strip()
    try:
        ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
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
    if days is not None and not 1 <= int(days) <= 90:
        raise Invalid(
            "The reply deadline is between 1 and 90 business days.", field="reply_deadline_days"
        )
    return {k: values[k] for k in BRAND_FIELDS if k in values}


def create_brand(session: Session, *, actor: User | None, **values) -> Brand:
    brand = Brand(**_validate(session, values, None))
    session.add(brand)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="brand.create",
        entity=brand,
        summary=f"Brand {brand.name} created",
        after=audit.snapshot(brand, BRAND_FIELDS),
    )
    return brand


def update_brand(session: Session, brand: Brand, *, actor: User | None, **values) -> Brand:
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
        summary=f"Brand {brand.name} updated",
        before=before,
        after=audit.snapshot(brand, BRAND_FIELDS),
    )
    return brand


def add_contact_point(
    session: Session, brand: Brand, *, actor: User | None, kind: str, label: str, value: str
) -> ContactPoint:
    if not value.strip():
        raise Invalid("Enter the address, phone number or URL.", field="value")
    point = ContactPoint(brand_id=brand.id, kind=kind, label=label.strip(), value=value.strip())
    session.add(point)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="contact_point.create",
        entity=point,
        summary=f"{brand.name}: contact point {kind} added",
        after=audit.snapshot(point, ("brand_id", "kind", "label", "value")),
    )
    return point


def contact_points(session: Session, brand_id: int) -> list[ContactPoint]:
    return list(
        session.exec(
            select(ContactPoint).where(ContactPoint.brand_id == brand_id).order_by(ContactPoint.id)
        )
    )


def brands_with_counts(session: Session) -> list[tuple[Brand, int]]:
    rows = session.exec(
        select(Brand, func.count(Handle.id))
        .join(Handle, Handle.brand_id == Brand.id, isouter=True)
        .group_by(Brand.id)
        .order_by(func.lower(Brand.name))
    )
    return list(rows)
