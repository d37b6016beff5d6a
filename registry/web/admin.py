"""User accounts and roles (admin only)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import User
from registry.domain.permissions import MANAGE_USERS
from registry.presentation.access import requires
from registry.presentation.labels import label
from registry.services import Page, accounts, brands, clamp_page
from registry.web.forms import UserRoleForm, options
from registry.web.helpers import run_use_case

bp = Blueprint("admin", __name__, url_prefix="/admin")


def brand_choices(session):
    return options([("", _("— no brand —"))] + [(b.id, b.name) for b in brands.all_brands(session)])


@bp.get("/users")
@requires(MANAGE_USERS)
def users():
    session = db.session()
    size = current_app.config["PAGE_SIZE"]
    page_number = clamp_page(request.args.get("page"))
    total = session.exec(select(func.count()).select_from(User)).one()
    rows = session.exec(
        select(User).order_by(User.email).offset((page_number - 1) * size).limit(size)
    )
    page = Page(list(rows), page_number, size, total)
    forms = {}
    for user in page.items:
        form = UserRoleForm(
            prefix=f"u{user.id}", role=user.role, active=user.active, brand=str(user.brand_id or "")
        )
        form.brand.choices = brand_choices(session)
        forms[user.id] = form
    return render_template("admin/users.html", page=page, forms=forms)


@bp.post("/users/<int:user_id>")
@requires(MANAGE_USERS)
def update_user(user_id: int):
    session = db.session()
    user = session.get(User, user_id)
    if user is None:
        abort(404)
    form = UserRoleForm(prefix=f"u{user_id}")
    form.brand.choices = brand_choices(session)
    if form.validate_on_submit() and run_use_case(
        None,
        accounts.set_role,
        user,
        role=form.role.data,
        active=form.active.data,
        brand_id=int(form.brand.data) if form.brand.data else None,
    ):
        role = label(form.role.data, "role")
        if form.active.data:
            flash(_("%(email)s is now %(role)s.", email=user.email, role=role), "success")
        else:
            flash(
                _("%(email)s is now %(role)s (deactivated).", email=user.email, role=role),
                "success",
            )
    elif form.errors:
        flash(_("Choose a valid role."), "error")
    return redirect(url_for("admin.users"))
