"""Accounts: sign-up, log-in, roles. Passwords are stored as salted hashes only."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from registry.domain import limits, recorded
from registry.domain.messages import LANGUAGES, N_
from registry.domain.roles import FAN, LEGAL, MANAGE_USERS, ROLES, role_can
from registry.models import Brand, User
from registry.services import Conflict, Forbidden, Invalid, audit, checked_text
from registry.services.unit import use_case

MIN_PASSWORD_LENGTH = 8


def normalise_email(raw: str) -> str:
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise Invalid(
            "Enter a valid e-mail address (%(reason)s).", field="email", reason=str(exc)
        ) from exc


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(func.lower(User.email) == email.lower())).first()


@use_case
def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str = FAN,
    display_name: str = "",
    actor: User | None = None,
    brand_slug: str = "",
) -> User:
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
            choices=", ".join(ROLES),
        )
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid(
            "Passwords need at least %(min)s characters.",
            field="password",
            min=MIN_PASSWORD_LENGTH,
        )
    if find_by_email(session, email):
        raise Conflict("An account with this e-mail address already exists.", field="email")
    user = User(
        email=email,
        password_hash=generate_password_hash(password),
        role=role,
        display_name=checked_text(display_name, "display_name", limits.NAME_MAX),
        brand_id=brand.id if brand else None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor or user,
        action="user.create",
        entity=user,
        summary=N_("Account %(account)s created with role %(role)s"),
        params={"account": recorded.member(user.id), "role": role},
        after=audit.snapshot(user, ("email", "role", "display_name", "brand_id")),
    )
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_by_email(session, (email or "").strip())
    if user and user.active and check_password_hash(user.password_hash, password or ""):
        return user
    return None


PROFILE_FIELDS = ("display_name", "phone", "locale", "timezone")


@use_case
def update_profile(
    session: Session,
    user: User,
    *,
    display_name: str | None = None,
    phone: str | None = None,
    locale: str | None = None,
    timezone: str | None = None,
) -> User:
    """Change what a member says about themselves; None leaves a field as it is.

    `locale` is one of the site's languages, or "" to follow the browser; `timezone` is an
    IANA name such as Europe/Paris, in which the site shows them dates and times."""
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
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            'Unknown time zone "%(zone)s"; use a name such as Europe/Paris.',
            field="timezone",
            zone=name,
        ) from None
    return name


@use_case
def set_role(
    session: Session,
    user: User,
    *,
    role: str,
    active: bool,
    actor: User,
    brand_id: int | None = None,
) -> User:
    """Change an account's role and access. A legal account acts for one brand: it decides
    on that brand's transfer requests only."""
    if not role_can(actor.role, MANAGE_USERS):
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
        params={"account": recorded.member(user.id), "role": role},
        before=before,
        after=audit.snapshot(user, ("role", "active", "brand_id")),
    )
    return user
