"""User accounts and roles (admin only)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import func, select

from registry.adapters import db
from registry.adapters.models import User
from registry.domain.messages import LANGUAGES
from registry.domain.permissions import MANAGE_USERS
from registry.presentation.access import requires
from registry.presentation.labels import label
from registry.services import Page, accounts, brands, clamp_page, correspondence_page
from registry.services import letters as letter_service
from registry.web.forms import UserRoleForm, WordingForm, options
from registry.web.helpers import form_status, run_use_case, try_use_case

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


# --- the wording of the letters (DESIGN.md "Correspondence") ----------------------------------


@bp.get("/letters")
@requires(MANAGE_USERS)
def letters():
    """Each letter in each language with the wording in use: an admin's, or the built-in."""
    return render_template(
        "admin/letters.html", wordings=correspondence_page.wordings(db.session())
    )


@bp.route("/letters/<template>/<language>", methods=["GET", "POST"])
@requires(MANAGE_USERS)
def letter_wording(template: str, language: str):
    """One letter's wording in one language: "Preview" fills it with an imaginary request's
    facts; "Save" puts it in use for the letters sent from now on."""
    if not correspondence_page.is_letter(template, language):
        abort(404)
    shown = correspondence_page.wording(db.session(), template, language)
    form = (
        WordingForm(subject=shown.wording.subject, body=shown.wording.body)
        if request.method == "GET"
        else WordingForm()
    )
    preview = None
    if form.validate_on_submit():
        subject, body = form.subject.data or "", form.body.data or ""
        if form.save.data:
            saved = run_use_case(
                form, letter_service.save_wording, template, language, subject=subject, body=body
            )
            if saved is not None:
                flash(
                    _(
                        "Wording saved (%(letter)s, %(language)s): the letters sent from now "
                        "on use it.",
                        letter=label(template, "letter"),
                        language=LANGUAGES.get(language, language),
                    ),
                    "success",
                )
                return redirect(url_for("admin.letters"))
        else:
            preview, problem = try_use_case(form, _preview, language, subject=subject, body=body)
            if problem:
                flash(problem, "error")
    return render_template(
        "admin/letter_wording.html",
        shown=shown,
        form=form,
        preview=preview,
        facts=correspondence_page.FACTS,
    ), form_status(form)


def _preview(_ctx, language: str, *, subject: str, body: str):
    """The wording filled with sample facts (letters.preview_wording, refused as a save)."""
    return letter_service.preview_wording(language, subject=subject, body=body)
