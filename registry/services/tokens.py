"""API tokens: create, list, revoke, and find the account a bearer token stands for.

A token is shown once, when it is created; only its SHA-256 hash is stored, so a copy of the
database (a backup, an export) gives nobody a working token. A plain hash is enough here,
unlike passwords: the token is 256 random bits, there is nothing to guess from a dictionary.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import Session, col, select

from registry.adapters.models import ApiToken, User
from registry.domain import recorded
from registry.domain.messages import N_, Code
from registry.domain.permissions import API_TOKENS, MANAGE_USERS, role_can
from registry.services import Forbidden, Invalid, NotFound, audit
from registry.services.context import Context
from registry.services.unit import use_case

TOKEN_BYTES = 32
PREFIX_LENGTH = 8
NAME_MAX_LENGTH = 80
# Writing last_used_at on every call would turn each API read into a write; a minute is
# precise enough to tell a token in use from a forgotten one.
LAST_USED_PRECISION = timedelta(minutes=1)
AUDITED_FIELDS = ("user_id", "name", "prefix", "revoked_at")


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def may_hold_tokens(user: User | None) -> bool:
    return user is not None and user.active and role_can(user.role, API_TOKENS)


@use_case
def create_token(ctx: Context, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user` (made by themselves, an admin, or the operator at the command
    line); returns the row and the plaintext, which is never stored."""
    session, actor = ctx.session, ctx.actor
    if actor is not None and actor.id != user.id and not role_can(actor.role, MANAGE_USERS):
        raise Forbidden("You can only create API tokens for yourself.")
    if not user.active:
        raise Invalid("The account %(email)s is deactivated.", field="email", email=user.email)
    if not role_can(user.role, API_TOKENS):
        raise Forbidden(
            "%(email)s has the role %(role)s: only staff, legal and admin accounts"
            " can hold API tokens.",
            email=user.email,
            role=Code("role", user.role),
        )
    name = (name or "").strip()
    if not name:
        raise Invalid("Give the token a name, such as the script that will use it.", field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise Invalid(
            "A token name has at most %(max)s characters.", field="name", max=NAME_MAX_LENGTH
        )
    plaintext = secrets.token_urlsafe(TOKEN_BYTES)
    assert user.id is not None  # a stored account has its id
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_token(plaintext),
        prefix=plaintext[:PREFIX_LENGTH],
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="token.create",
        entity=token,
        summary=N_("API token “%(name)s” (%(prefix)s…) created for %(account)s"),
        params={"name": name, "prefix": token.prefix, "account": recorded.member(user.id)},
        after=audit.snapshot(token, AUDITED_FIELDS),
    )
    return token, plaintext


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (they say when)."""
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
        )
    )


def revocable_token(ctx: Context, token_id: int) -> ApiToken:
    """A token the actor may revoke (its owner, or an admin): what the confirmation page
    shows and what `revoke_token` revokes."""
    token = ctx.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such API token.")
    actor = ctx.actor
    if actor is None or (token.user_id != actor.id and not role_can(actor.role, MANAGE_USERS)):
        raise Forbidden("Only the token's owner or an admin can revoke it.")
    return token


@use_case
def revoke_token(ctx: Context, token_id: int) -> ApiToken:
    """Revoke a token for good. Its owner or an admin may; revoking twice changes nothing."""
    session, actor = ctx.session, ctx.actor
    token = revocable_token(ctx, token_id)
    if token.revoked_at is not None:
        return token
    before = audit.snapshot(token, AUDITED_FIELDS)
    token.revoked_at = ctx.now
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="token.revoke",
        entity=token,
        summary=N_("API token “%(name)s” (%(prefix)s…) revoked"),
        params={"name": token.name, "prefix": token.prefix},
        before=before,
        after=audit.snapshot(token, AUDITED_FIELDS),
    )
    return token


def user_for_token(ctx: Context, plaintext: str | None) -> User | None:
    """The account a bearer token stands for, or None.

    None for an unknown or revoked token, a deactivated account, or an account whose role
    no longer holds API tokens: demoting someone cuts their scripts off at once, without
    anyone having to find and revoke their tokens."""
    if not plaintext:
        return None
    session = ctx.session
    token = session.exec(
        select(ApiToken).where(
            ApiToken.token_hash == hash_token(plaintext),
            ApiToken.revoked_at.is_(None),  # type: ignore[union-attr]
        )
    ).first()
    if token is None:
        return None
    user = session.get(User, token.user_id)
    if not may_hold_tokens(user):
        return None
    if token.last_used_at is None or ctx.now - token.last_used_at >= LAST_USED_PRECISION:
        assert token.id is not None  # a stored row has its id
        _touch(ctx, token.id)
    return user


@use_case
def _touch(ctx: Context, token_id: int) -> None:
    """Note when a token was last used, in a short write transaction of its own."""
    token = ctx.session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = ctx.now
        ctx.session.add(token)
