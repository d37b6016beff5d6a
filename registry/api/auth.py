"""Who is calling the API, and whether they may use the endpoint they called.

The account comes from the `Authorization: Bearer <token>` header only, never from the
session cookie. Then the endpoint's declared permission is checked the way
`registry.presentation.access` does it for the site: deny by default, so an endpoint that forgot to
declare one answers 403 to everybody.
"""

from __future__ import annotations

from flask import g, request

from registry.adapters.models import User
from registry.api import bp
from registry.api.errors import ApiError
from registry.domain.permissions import role_can
from registry.presentation.access import required_permission
from registry.presentation.context import context_for
from registry.services import tokens
from registry.services.context import Context


def api_user() -> User | None:
    """The account behind the request's token, or None for an anonymous call."""
    return g.get("api_user")


def context() -> Context:
    """The use cases' context of this call (registry.presentation.context.context_for): the
    token's account, now, the caller's day, the app's settings; built once per call."""
    built = g.get("api_context")
    if built is None:
        built = g.api_context = context_for(api_user())
    return built


def api_can(permission: str) -> bool:
    user = api_user()
    return role_can(user.role if user else None, permission)


def _token_user() -> User | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise ApiError(401, "Send the token as Authorization: Bearer <token>.")
    # Nobody is known yet: the token is looked up (and its use noted) as no member.
    user = tokens.user_for_token(context_for(None), credentials.strip())
    if user is None:
        # Even on public endpoints: a script with a dead token should learn it at once.
        raise ApiError(401, "This API token is invalid or has been revoked.")
    return user


@bp.before_request
def authenticate_and_authorise():
    g.api_user = _token_user()
    permission = required_permission(request.endpoint)
    if permission is None:
        raise ApiError(403, "This endpoint declares no permission, so nobody may use it.")
    if api_can(permission):
        return None
    if api_user() is None:
        raise ApiError(401, "This endpoint needs an API token: Authorization: Bearer <token>.")
    raise ApiError(403)
