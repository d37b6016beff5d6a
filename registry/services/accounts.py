"""Accounts: sign-up, log-in, sessions, roles. Passwords are stored as scrypt hashes only
(werkzeug's default method), checked against registry.domain.passwords when chosen."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, col, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from registry.adapters.models import Brand, User
from registry.domain import limits, passwords, recorded
from registry.domain.digests import receives_digests
from registry.domain.messages import LANGUAGES, N_, Choices
from registry.domain.permissions import FAN, LEGAL, MANAGE_USERS, ROLES, role_can
from registry.services import Conflict, Forbidden, Invalid, audit, checked_text
from registry.services.context import Context
from registry.services.unit import use_case

HASH_METHOD = "scrypt"  # a hash made another way (older pbkdf2) is remade at the next log-in


# What email_validator finds wrong, said in our words (its own reasons are English only and
# would end up in the middle of a French sentence): the start of its message, then ours.
EMAIL_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("An email address must have an @-sign", N_("Enter a valid e-mail address: it has no @.")),
    (
        "There must be something before the @-sign",
        N_("Enter a valid e-mail address: there is nothing before the @."),
    ),
    (
        "There must be something after the @-sign",
        N_("Enter a valid e-mail address: there is nothing after the @."),
    ),
    (
        "The part after the @-sign is not valid. It should have a period",
        N_("Enter a valid e-mail address: the part after the @ needs a dot, as in example.org."),
    ),
    (
        "The part after the @-sign is not valid. It is not within a valid top-level domain",
        N_("Enter a valid e-mail address: the part after the @ does not end like a real domain."),
    ),
    (
        "The part after the @-sign is a special-use or reserved name",
        N_("Enter a valid e-mail address: the part after the @ is a reserved name."),
    ),
    (
        "An email address cannot have two periods in a row",
        N_("Enter a valid e-mail address: it has two dots in a row."),
    ),
    ("The email address is too long", N_("Enter a valid e-mail address: this one is too long.")),
)
EMAIL_INVALID = N_("Enter a valid e-mail address, such as name@example.org.")


def email_problem(reason: str) -> str:
    """Our msgid for email_validator's reason (the generic one for those we do not name)."""
    for start, msgid in EMAIL_PROBLEMS:
        if reason.startswith(start):
            return msgid
    return EMAIL_INVALID


def normalise_email(raw: str) -> str:
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise Invalid(email_problem(str(exc)), field="email") from exc


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(func.lower(User.email) == email.lower())).first()


@use_case
def create_user(
    ctx: Context,
    *,
    email: str,
    password: str,
    role: str = FAN,
    display_name: str = "",
    brand_slug: str = "",
) -> User:
    """An account made by an admin, or by the operator at the command line (no actor)."""
    session = ctx.session
    email = normalise_email(email)
    brand = None
    if brand_slug:
        if role != LEGAL:
            raise Invalid("Only a legal account acts for a brand.", field="brand")
        brand = session.exec(select(Brand).where(Brand.slug == brand_slug)).first()
        if brand is None:
            raise Invalid('No brand "%(slug)s" in the registry.', field="brand", slug=brand_slug)
    if role not in ROLES:
        raise Invalid(
            'Unknown role "%(role)s"; choose one of %(choices)s.',
            field="role",
            role=role,
            choices=Choices("role", ROLES),
        )
    check_new_password(password, email=email)
    if find_by_email(session, email):
        raise Conflict("An account with this e-mail address already exists.", field="email")
    return _add_user(
        session,
        email=email,
        password_hash=generate_password_hash(password),
        role=role,
        display_name=display_name,
        brand_id=brand.id if brand else None,
        actor=ctx.actor,
    )


def check_new_password(password: str, *, email: str) -> str:
    """A password someone chooses (sign-up, a change, an admin creating an account)."""
    try:
        return passwords.check_password(password, email=email)
    except passwords.WeakPassword as exc:
        raise Invalid.explaining(exc, field="password") from None


def _add_user(
    session: Session,
    *,
    email: str,
    password_hash: str,
    role: str,
    display_name: str,
    brand_id: int | None = None,
    actor: User | None = None,
    locale: str = "",
) -> User:
    user = User(
        email=email,
        password_hash=password_hash,
        role=role,
        display_name=checked_text(display_name, "display_name", limits.NAME_MAX),
        brand_id=brand_id,
        locale=locale if locale in LANGUAGES else "",
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor or user,
        action="user.create",
        entity=user,
        summary=N_("Account %(account)s created with role %(role)s"),
        params={"account": recorded.member(user.id), "role": recorded.code("role", role)},
        after=audit.snapshot(user, ("email", "role", "display_name", "brand_id")),
    )
    return user


@cache
def _stand_in_hash() -> str:
    """A hash to check when no account matches, so that an unknown e-mail costs the same
    time as a wrong password: the answer's delay says nothing about which accounts exist."""
    return generate_password_hash("no account has this password")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active account with this e-mail and password, else None; always one hash check."""
    user = find_by_email(session, (email or "").strip()[: limits.CONTACT_MAX])
    stored = user.password_hash if user else _stand_in_hash()
    matches = check_password_hash(stored, (password or "")[: passwords.MAX_LENGTH])
    if user and user.active and matches:
        return user
    return None


@use_case
def log_in(ctx: Context, email: str, password: str) -> User | None:
    """Check a log-in; a hash made by an older method is remade with today's on success."""
    user = authenticate(ctx.session, email, password)
    if user is not None and user.one_time_password and not _use_up(ctx.session, user):
        return None  # another log-in used it up first
    if user is not None and not user.password_hash.startswith(HASH_METHOD + ":"):
        user.password_hash = generate_password_hash(password)
        ctx.session.add(user)
    return user


def _use_up(session: Session, user: User) -> bool:
    """Replace a one-time password, at its first log-in, by one that matches nothing: the
    session it opens goes on, no other can be opened with it. One UPDATE on the flag, so of
    two log-ins racing with it only one gets in."""
    used = session.execute(
        update(User)
        .where(col(User.id) == user.id, col(User.one_time_password).is_(True))
        .values(
            one_time_password=False,
            password_hash=generate_password_hash(secrets.token_urlsafe(32)),
        )
    )
    return used.rowcount == 1  # type: ignore[attr-defined]  # a CursorResult's count


def member_of_session(session: Session, session_id: str) -> User | None:
    """The member a session or remember cookie names ("id.session_version"): none when the
    account is inactive, or when it logged out or changed its password since."""
    user_id, _, version = (session_id or "").partition(".")
    if not (user_id.isdigit() and version.isdigit() and limits.is_id(int(user_id))):
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@use_case
def end_sessions(ctx: Context, user: User) -> User:
    """Log out everywhere: every session and remember cookie of the account stops working."""
    user.session_version += 1
    ctx.session.add(user)
    return user


@use_case
def change_password(ctx: Context, user: User, *, current: str, new: str) -> User:
    """A member chooses a new password, giving the current one; every other session ends."""
    session = ctx.session
    if not check_password_hash(user.password_hash, (current or "")[: passwords.MAX_LENGTH]):
        raise Invalid("This is not your current password.", field="current")
    check_new_password(new, email=user.email)
    if check_password_hash(user.password_hash, new):
        raise Invalid("Choose a password different from the current one.", field="password")
    user.password_hash = generate_password_hash(new)
    user.one_time_password = False
    user.session_version += 1
    session.add(user)
    audit.record(
        session,
        actor=user,
        action="user.password",
        entity=user,
        summary=N_("Password changed; every other session ended"),
    )
    return user


@use_case
def give_one_time_password(ctx: Context, user: User) -> str:
    """A new random password for `user`, returned once and stored only as its hash; every
    session of theirs ends (the demo's `registry demo-login`)."""
    session = ctx.session
    password = secrets.token_urlsafe(12)  # 16 characters, 96 bits
    user.password_hash = generate_password_hash(password)
    user.one_time_password = True  # used up by its first log-in (log_in)
    user.session_version += 1
    session.add(user)
    audit.record(
        session,
        actor=None,
        action="user.password",
        entity=user,
        summary=N_("One-time password given; every session ended"),
    )
    return password


# --- sign-up --------------------------------------------------------------------------------
# Sign-up never says whether an address has an account: it answers "check your inbox" in
# every case. A new address gets a link that creates the account (a signed, expiring token
# made by the site from a SignupNotice); an address that has one gets a notice telling its
# owner that someone tried, and how to log in.


@dataclass(frozen=True)
class SignupNotice:
    """What to send after a sign-up: `existing` is the account the address already has
    (tell its owner); otherwise the facts the confirmation link carries."""

    email: str
    existing: User | None = None
    password_hash: str = ""
    display_name: str = ""
    locale: str = ""

    def payload(self) -> dict:
        return {
            "email": self.email,
            "password_hash": self.password_hash,
            "display_name": self.display_name,
            "locale": self.locale,
        }


def request_signup(
    ctx: Context, *, email: str, password: str, display_name: str = "", locale: str = ""
) -> SignupNotice:
    """Check a sign-up and say what to send; writes nothing. Equal work either way: the
    password is hashed whether or not the address has an account."""
    session = ctx.session
    email = normalise_email(email)
    check_new_password(password, email=email)
    display_name = checked_text(display_name, "display_name", limits.NAME_MAX)
    password_hash = generate_password_hash(password)
    existing = find_by_email(session, email)
    if existing is not None:
        return SignupNotice(email=email, existing=existing)
    return SignupNotice(
        email=email, password_hash=password_hash, display_name=display_name, locale=locale
    )


@use_case
def confirm_signup(
    ctx: Context, *, email: str, password_hash: str, display_name: str = "", locale: str = ""
) -> User:
    """Create the fan account a confirmation link stands for (its address is now proven)."""
    session = ctx.session
    email = normalise_email(email)
    if find_by_email(session, email):
        raise Conflict("This address already has an account: log in with it.", field="email")
    return _add_user(
        session,
        email=email,
        password_hash=password_hash,
        role=FAN,
        display_name=display_name,
        locale=locale,
    )


PROFILE_FIELDS = ("display_name", "phone", "locale", "timezone", "digests")


@use_case
def update_profile(
    ctx: Context,
    user: User,
    *,
    display_name: str | None = None,
    phone: str | None = None,
    locale: str | None = None,
    timezone: str | None = None,
    digests: bool | None = None,
) -> User:
    """Change what a member says about themselves; None leaves a field as it is.

    `locale` is one of the site's languages, or "" to follow the browser; `timezone` is an
    IANA name such as Europe/Paris, in which the site shows them dates and times."""
    session = ctx.session
    before = audit.snapshot(user, PROFILE_FIELDS)
    if locale is not None:
        locale = locale.strip()
        if locale and locale not in LANGUAGES:
            raise Invalid(
                'Unknown language "%(locale)s"; choose one of %(choices)s.',
                field="locale",
                locale=locale,
                choices=", ".join(LANGUAGES),
            )
        user.locale = locale
    if timezone is not None:
        user.timezone = check_time_zone(timezone)
    if display_name is not None:
        user.display_name = checked_text(display_name, "display_name", limits.NAME_MAX)
    if phone is not None:
        user.phone = checked_text(phone, "phone", limits.PHONE_MAX)
    if digests is not None:
        if not receives_digests(user.role):
            raise Invalid(N_("Only staff, legal and admin accounts receive the overdue digest."))
        user.digests = bool(digests)
    session.add(user)
    audit.record(
        session,
        actor=user,
        action="user.update",
        entity=user,
        summary=N_("Profile updated"),
        before=before,
        after=audit.snapshot(user, PROFILE_FIELDS),
    )
    return user


def check_time_zone(name: str) -> str:
    name = (name or "").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: too long a name for a file
        raise Invalid(
            'Unknown time zone "%(zone)s"; use a name such as Europe/Paris.',
            field="timezone",
            zone=name,
        ) from None
    return name


@use_case
def set_role(
    ctx: Context,
    user: User,
    *,
    role: str,
    active: bool,
    brand_id: int | None = None,
) -> User:
    """An admin changes an account's role and access. A legal account acts for one brand: it
    decides on that brand's transfer requests only."""
    session, actor = ctx.session, ctx.actor
    if actor is None or not role_can(actor.role, MANAGE_USERS):
        raise Forbidden("Only admins can change roles.")
    if role not in ROLES:
        raise Invalid('Unknown role "%(role)s".', field="role", role=role)
    if user.id == actor.id and (role != user.role or not active):
        raise Invalid("You cannot change your own role or deactivate yourself.", field="role")
    if brand_id is not None and session.get(Brand, brand_id) is None:
        raise Invalid("Choose a brand of the registry.", field="brand")
    before = audit.snapshot(user, ("role", "active", "brand_id"))
    user.role, user.active = role, active
    user.brand_id = brand_id if role == LEGAL else None
    session.add(user)
    audit.record(
        session,
        actor=actor,
        action="user.role",
        entity=user,
        summary=N_("%(account)s: role %(role)s, active")
        if active
        else N_("%(account)s: role %(role)s, deactivated"),
        params={"account": recorded.member(user.id), "role": recorded.code("role", role)},
        before=before,
        after=audit.snapshot(user, ("role", "active", "brand_id")),
    )
    return user
