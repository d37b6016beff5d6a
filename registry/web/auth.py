"""Sign up, log in, log out, and one's own profile."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from registry import db
from registry.access import requires
from registry.domain.roles import MEMBER, PUBLIC
from registry.extensions import login_manager
from registry.models import User
from registry.services import ServiceError, accounts
from registry.web.forms import LoginForm, ProfileForm, SignupForm
from registry.web.helpers import show_errors

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session().get(User, int(user_id)) if user_id.isdigit() else None
    return user if user and user.active else None


def _safe_next(target: str | None) -> str:
    """Only follow ?next= within this site, so a login link cannot send people elsewhere."""
    if (
        target
        and urlsplit(target).netloc == ""
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("main.home")


@bp.route("/signup", methods=["GET", "POST"])
@requires(PUBLIC)
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        session = db.session()
        try:
            user = accounts.create_user(
                session,
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data or "",
            )
        except ServiceError as exc:
            session.rollback()
            show_errors(form, exc)
        else:
            session.commit()
            login_user(user)
            flash("Welcome! Your fan account is ready.", "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session(), form.email.data, form.password.data)
        if user is None:
            form.password.errors = ["Wrong e-mail or password."]
        else:
            login_user(user, remember=form.remember.data)
            flash(f"Logged in as {user.email}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@requires(MEMBER)
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("main.home"))


@bp.route("/me", methods=["GET", "POST"])
@requires(MEMBER)
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        session = db.session()
        accounts.update_profile(
            session,
            current_user._get_current_object(),
            display_name=form.display_name.data or "",
            phone=form.phone.data or "",
        )
        session.commit()
        flash("Profile saved.", "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form)
