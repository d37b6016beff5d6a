"""Brands: list, page with their handles and contact points, create and edit (staff)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from registry.adapters import db
from registry.domain import permissions
from registry.domain.permissions import EDIT_REGISTRY, PUBLIC, READ_ALL
from registry.presentation.access import requires
from registry.presentation.i18n import current_locale
from registry.services import brands, handles, lookalikes, responsiveness
from registry.web.forms import BrandForm, ContactPointForm
from registry.web.helpers import (
    context,
    form_status,
    or_404,
    paging,
    run_use_case,
    sent_version,
    stale_copy,
    unsaved_values,
)

bp = Blueprint("brands", __name__, url_prefix="/brands")


def _values(form: BrandForm) -> dict:
    return {
        "name": form.name.data,
        "slug": form.slug.data,
        "country": form.country.data,
        "subdivision": form.subdivision.data or "",
        "timezone": form.timezone.data,
        "website": form.website.data or "",
        "reply_deadline_days": form.reply_deadline_days.data,
        "notes": form.notes.data or "",
    }


@bp.get("")
@requires(PUBLIC)
def index():
    page = brands.brands_with_counts(db.session(), **paging())
    return render_template("brands/index.html", page=page, rows=page.items)


@bp.get("/<slug>")
@requires(PUBLIC)
def detail(slug: str):
    ctx = context()
    session = ctx.session
    brand = or_404(brands.get_brand, session, slug)
    listed = handles.list_handles(session, handles.HandleFilters(brand=brand.slug), **paging())
    return render_template(
        "brands/detail.html",
        brand=brand,
        contact_points=brands.contact_points(session, brand.id),
        holidays=brands.holidays_this_year(brand, year=ctx.today.year, language=current_locale()),
        holidays_year=ctx.today.year,
        handles=listed.items,
        page=listed,
        contact_form=ContactPointForm(),
        scorecard=responsiveness.brand_figures(ctx, brand.slug, as_of=ctx.today),
        sees_suspects=permissions.may_see_suspects(ctx.actor, brand),
    )


@bp.get("/<slug>/lookalikes")
@requires(READ_ALL)
def lookalikes_list(slug: str):
    """The brand's suspected lookalikes: for staff, admins and the brand's own legal team."""
    session = db.session()
    brand = or_404(brands.get_brand, session, slug)
    page = or_404(lookalikes.brand_suspects, context(), slug, **paging())
    return render_template("brands/lookalikes.html", brand=brand, page=page)


@bp.route("/new", methods=["GET", "POST"])
@requires(EDIT_REGISTRY)
def create():
    form = BrandForm()
    if form.validate_on_submit():
        brand = run_use_case(form, brands.create_brand, **_values(form))
        if brand is not None:
            flash(_("Brand %(name)s created.", name=brand.name), "success")
            return redirect(url_for("brands.detail", slug=brand.slug))
    return render_template("brands/form.html", form=form, brand=None), form_status(form)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@requires(EDIT_REGISTRY)
def edit(slug: str):
    brand = or_404(brands.get_brand, db.session(), slug)
    form = BrandForm(obj=brand)
    if request.method == "GET":
        form.version.data = str(brand.version)
    if form.validate_on_submit():
        saved = run_use_case(
            form,
            brands.update_brand,
            slug,
            expected_version=sent_version(form),
            **_values(form),
        )
        if saved is not None:
            flash(_("Brand %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("brands.detail", slug=saved.slug))
        newer = stale_copy()
        if newer is not None:  # someone saved first: show theirs, and what this one typed
            unsaved = unsaved_values(form, tuple(_values(form)))
            form = BrandForm(formdata=None, obj=newer)
            form.version.data = str(newer.version)
            return render_template("brands/form.html", form=form, brand=newer, unsaved=unsaved), 409
    return render_template("brands/form.html", form=form, brand=brand), form_status(form)


@bp.post("/<slug>/contacts")
@requires(EDIT_REGISTRY)
def add_contact(slug: str):
    form = ContactPointForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(error) for error in errors), "error")
    elif run_use_case(
        None,
        brands.add_contact_point,
        slug,
        kind=form.kind.data,
        label=form.label.data or "",
        value=form.value.data,
    ):
        flash(_("Contact point added."), "success")
    return redirect(url_for("brands.detail", slug=slug, _anchor="contacts"))
