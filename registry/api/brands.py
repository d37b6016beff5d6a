"""Brands: read one with its contact points and this year's holidays, add one."""

from __future__ import annotations

from flask import jsonify, url_for

from registry.adapters.models import Brand
from registry.api import bp
from registry.api.auth import context
from registry.api.inputs import (
    body_as,
    check_known_parameters,
    etag_of,
    given_or_absent,
    run_use_case,
)
from registry.api.schemas import BrandCreate, BrandOut, BrandResponsiveness
from registry.domain.permissions import EDIT_REGISTRY, PUBLIC
from registry.presentation.access import requires
from registry.presentation.i18n import current_locale
from registry.services import brands, responsiveness


def brand_body(brand: Brand) -> dict:
    ctx = context()
    assert brand.id is not None  # a stored brand has its id
    fields = {
        **brand.model_dump(),
        "reply_deadline_days": ctx.policy.deadline_for(brand),
        "contact_points": [p.model_dump() for p in brands.contact_points(ctx.session, brand.id)],
        "holidays": [
            {"date": day, "name": name}
            for day, name in brands.holidays_this_year(
                brand, year=ctx.today.year, language=current_locale()
            )
        ],
    }
    return BrandOut.model_validate(fields).model_dump(mode="json")


def brand_response(brand: Brand):
    response = jsonify(brand_body(brand))
    response.set_etag(etag_of(brand))
    return response


@bp.get("/brands/<slug>")
@requires(PUBLIC)
def brand_detail(slug: str):
    """Public information: the brand, its official contact points, its reply deadline and
    the holidays its clock skips."""
    return brand_response(brands.get_brand(context().session, slug))


@bp.post("/brands")
@requires(EDIT_REGISTRY)
def brand_create():
    body = body_as(BrandCreate)
    values = body.model_dump(exclude={"contact_points"})
    created = run_use_case(
        brands.register_brand,
        contact_points=tuple((p.kind, p.label, p.value) for p in body.contact_points),
        **values,
    )
    response = brand_response(created)
    response.status_code = 201
    response.headers["Location"] = url_for("api.brand_detail", slug=created.slug)
    return response


@bp.get("/brands/<slug>/responsiveness")
@requires(PUBLIC)
def brand_responsiveness(slug: str):
    """How the brand answered the offers opened between `from` and `to` (both optional):
    totals only, public. 404 for an unknown brand, 422 for a date that is not one or a
    period that ends before it starts."""
    check_known_parameters(("from", "to"))
    ctx = context()
    brand = brands.get_brand(ctx.session, slug)
    period = responsiveness.period(given_or_absent("from"), given_or_absent("to"))
    as_of = ctx.today
    shown = responsiveness.brand_figures(ctx, brand.slug, period=period, as_of=as_of)
    body = {**shown.figures.as_dict(), "as_of": as_of}
    return BrandResponsiveness.model_validate(body).model_dump(mode="json")
