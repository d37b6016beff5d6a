"""Sign up, log in, log out, and one's own profile."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from registry import db, i18n
from registry.access import requires
from registry.domain.roles import MEMBER, PUBLIC
from registry.extensions import login_manager
from registry.models import User
from registry.services import accounts
from registry.web.forms import LoginForm, ProfileForm, SignupForm
from registry.web.helpers import form_status, run_use_case, safe_next

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session().get(User, int(user_id)) if user_id.isdigit() else None
    return user if user and user.active else None


@bp.route("/signup", methods=["GET", "POST"])
@requires(PUBLIC)
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        user = run_use_case(
            form,
            accounts.create_user,
            email=form.email.data,
            password=form.password.data,
            display_name=form.display_name.data or "",
        )
        if user is not None:
            login_user(user)
            flash(_("Welcome! Your fan account is ready."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session(), form.email.data, form.password.data)
        if user is None:
            form.password.errors = [_("Wrong e-mail or password.")]
        else:
            login_user(user, remember=form.remember.data)
            flash(_("Logged in as %(email)s.", email=user.email), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@requires(MEMBER)
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/me", methods=["GET", "POST"])
@requires(MEMBER)
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        saved = run_use_case(
            form,
            accounts.update_profile,
            current_user._get_current_object(),
            display_name=form.display_name.data or "",
            phone=form.phone.data or "",
            locale=form.locale.data or "",
            timezone=form.timezone.data,
        )
        if saved is not None:
            # The profile decides from now on, and the confirmation is already in its language.
            i18n.forget_choice()
            flash(_("Profile saved."), "success")
            return redirect(url_for("auth.profile"))
    return render_template(
        "auth/profile.html", form=form, time_zones=i18n.time_zone_names()
    ), form_status(form)
