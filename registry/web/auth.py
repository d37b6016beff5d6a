"""Sign up, log in, log out, one's own profile and password.

Log-in and sign-up are rate limited (Flask-Limiter, settings in registry.config): per
account and per address, wrong passwords only for log-in. Neither page says whether an
address has an account: a wrong e-mail and a wrong password read alike and take the same
time, and sign-up answers "check your inbox" in every case (registry.services.accounts)."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from registry.adapters import db, mail
from registry.adapters.models import User
from registry.domain import limits
from registry.domain.digests import receives_digests
from registry.domain.permissions import MEMBER, PUBLIC
from registry.presentation import i18n
from registry.presentation.access import requires
from registry.presentation.extensions import limiter, login_manager
from registry.services import accounts
from registry.web.forms import (
    ConfirmSignupForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    SignupForm,
)
from registry.web.helpers import context, form_status, run_use_case, safe_next

bp = Blueprint("auth", __name__)

SIGNUP_LINK_HOURS = 48


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The member of a session or remember cookie ("id.session_version", User.get_id):
    none when the account is inactive or the cookie is older than its last log-out or
    password change."""
    return accounts.member_of_session(db.session(), user_id)


def _account_key() -> str:
    """The account a log-in or sign-up names, for its own limit (whatever the address): the
    hash of its e-mail, so that the shared store (the database, or Redis) never keeps an
    address, which an erased member's data must not leave behind."""
    email = (request.form.get("email") or "").strip().lower()[: limits.EMAIL_MAX]
    return "account:" + hashlib.sha256(email.encode()).hexdigest()


def _give_back_login_attempts() -> None:
    """A log-in that got in does not count against the log-in limits, which count wrong
    passwords. Each attempt was counted before its password was checked, in one atomic
    step of the shared store (the hit compares the new count with the limit): of attempts
    made at the same time, on any number of workers, no more than the limit reach the
    password check. The one that got in is given back now."""
    for counted in limiter.current_limits:
        limiter.storage.incr(counted.key, counted.limit.get_expiry(), amount=-1)


def _limit(setting: str, **options):
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"], **options)


@bp.route("/signup", methods=["GET", "POST"])
@requires(PUBLIC)
@_limit("SIGNUP_LIMIT_PER_ADDRESS")
@_limit("SIGNUP_LIMIT_PER_ACCOUNT", key_func=_account_key)
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        notice = run_use_case(
            form,
            accounts.request_signup,
            email=form.email.data,
            password=form.password.data,
            display_name=form.display_name.data or "",
        )
        if notice is not None:
            try:
                mail.send(_signup_mail(notice))
            except mail.MailNotSent:
                return render_template("auth/signup_sent.html", failed=True), 503
            return render_template("auth/signup_sent.html", email=notice.email)
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


def _serializer() -> URLSafeTimedSerializer:
    secret = current_app.secret_key
    assert secret is not None  # the config always sets SECRET_KEY (registry.config)
    return URLSafeTimedSerializer(secret, salt="signup-confirm")


def _public_url(endpoint: str, **values) -> str:
    """An absolute link for an e-mail: on PUBLIC_URL when set, so that a forged Host header
    cannot put another site's address in the registry's messages."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def _signup_mail(notice: accounts.SignupNotice) -> mail.Mail:
    if notice.existing is not None:
        with i18n.in_language(notice.existing.locale or i18n.current_locale()):
            return mail.Mail(
                to=notice.email,
                subject=_("Someone tried to create an account with your address"),
                text=render_template(
                    "mail/signup_existing.txt",
                    login_url=_public_url("auth.login"),
                    password_url=_public_url("auth.password"),
                ),
            )
    token = _serializer().dumps(notice.payload())
    return mail.Mail(
        to=notice.email,
        subject=_("Confirm your address to create your account"),
        text=render_template(
            "mail/signup_confirm.txt",
            confirm_url=_public_url("auth.confirm_signup", token=token),
            hours=SIGNUP_LINK_HOURS,
        ),
    )


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
@requires(PUBLIC)
def confirm_signup(token: str):
    """The link of the confirmation e-mail. Opening it only shows a button: mail scanners
    that follow links create nothing; the button's POST creates the account."""
    try:
        payload = _serializer().loads(token, max_age=SIGNUP_LINK_HOURS * 3600)
    except SignatureExpired:
        return render_template("auth/signup_link.html", problem="expired"), 410
    except BadSignature:
        return render_template("auth/signup_link.html", problem="invalid"), 404
    form = ConfirmSignupForm()
    if form.validate_on_submit():
        user = run_use_case(
            None,
            accounts.confirm_signup,
            email=payload.get("email", ""),
            password_hash=payload.get("password_hash", ""),
            display_name=payload.get("display_name", ""),
            locale=payload.get("locale", ""),
        )
        if user is None:
            return redirect(url_for("auth.login"))
        login_user(user)
        flash(_("Welcome! Your fan account is ready."), "success")
        return redirect(url_for("auth.profile", welcome=1))
    return render_template("auth/signup_link.html", form=form, email=payload.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
@_limit("LOGIN_LIMIT_PER_ADDRESS")
@_limit("LOGIN_LIMIT_PER_ACCOUNT", key_func=_account_key)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        # Both fields are required: a validated form has them.
        user = accounts.log_in(context(), form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors = [_("Wrong e-mail or password.")]
        else:
            _give_back_login_attempts()
            login_user(user, remember=form.remember.data)
            flash(_("Logged in as %(email)s.", email=user.email), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@requires(MEMBER)
def logout():
    """Ends every session of the account, on every device, and its remember cookies."""
    ctx = context()
    assert ctx.actor is not None  # @requires(MEMBER): someone is signed in
    accounts.end_sessions(ctx, ctx.actor)
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/me/password", methods=["GET", "POST"])
@requires(MEMBER)
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = run_use_case(
            form,
            accounts.change_password,
            current_user._get_current_object(),
            current=form.current.data,
            new=form.password.data,
        )
        if user is not None:
            login_user(user)  # this browser stays in, with the new session version
            flash(_("Password changed. You are logged out everywhere else."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/password.html", form=form), form_status(form)


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
            # Only the roles that receive the digest are shown its box.
            digests=bool(form.digests.data) if receives_digests(current_user.role) else None,
        )
        if saved is not None:
            # The profile decides from now on, and the confirmation is already in its language.
            i18n.forget_choice()
            flash(_("Profile saved."), "success")
            return redirect(url_for("auth.profile"))
    return render_template(
        "auth/profile.html",
        form=form,
        time_zones=i18n.time_zone_names(),
        welcome=request.args.get("welcome") == "1",
        receives_digests=receives_digests(current_user.role),
    ), form_status(form)
