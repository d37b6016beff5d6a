"""Accounts: sign-up, log-in, roles. Passwords are stored as salted hashes only."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from registry.domain.roles import FAN, ROLES
from registry.models import User
from registry.services import Conflict, Invalid, audit

MIN_PASSWORD_LENGTH = 8


def normalise_email(raw: str) -> str:
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise Invalid(f"Enter a valid e-mail address ({exc}).", field="email") from exc


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(func.lower(User.email) == email.lower())).first()


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str = FAN,
    display_name: str = "",
    actor: User | None = None,
) -> User:
    email = normalise_email(email)
    if role not in ROLES:
        raise Invalid(f'Unknown role "{role}"; choose one of {", ".join(ROLES)}.', field="role")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    if find_by_email(session, email):
        raise Conflict("An account with this e-mail address already exists.", field="email")
    user = User(
        email=email,
        password_hash=generate_password_hash(password),
        role=role,
        display_name=display_name.strip(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor or user,
        action="user.create",
        entity=user,
        summary=f"Account {email} created with role {role}",
        after=audit.snapshot(user, ("email", "role", "display_name")),
    )
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_by_email(session, (email or "").strip())
    if user and user.active and check_password_hash(user.password_hash, password or ""):
        return user
    return None


def update_profile(session: Session, user: User, *, display_name: str, phone: str) -> User:
    before = audit.snapshot(user, ("display_name", "phone"))
    user.display_name = display_name.strip()
    user.phone = phone.strip()
    session.add(user)
    audit.record(
        session,
        actor=user,
        action="user.update",
        entity=user,
        summary="Profile updated",
        before=before,
        after=audit.snapshot(user, ("display_name", "phone")),
    )
    return user


def set_role(session: Session, user: User, *, role: str, active: bool, actor: User) -> User:
    if role not in ROLES:
        raise Invalid(f'Unknown role "{role}".', field="role")
    if user.id == actor.id and (role != user.role or not active):
        raise Invalid("You cannot change your own role or deactivate yourself.", field="role")
    before = audit.snapshot(user, ("role", "active"))
    user.role, user.active = role, active
    session.add(user)
    audit.record(
        session,
        actor=actor,
        action="user.role",
        entity=user,
        summary=f"{user.email}: role {role}, {'active' if active else 'deactivated'}",
        before=before,
        after=audit.snapshot(user, ("role", "active")),
    )
    return user
