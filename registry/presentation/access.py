"""Deny by default: every endpoint must name the permission it needs, or it answers 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, request
from flask_login import current_user

from registry.domain.permissions import PUBLIC, role_can
from registry.presentation.extensions import login_manager

View = TypeVar("View", bound=Callable)


def requires(permission: str) -> Callable[[View], View]:
    """Mark a view with the permission it needs; `enforce_permissions` does the checking."""

    def mark(view: View) -> View:
        view.required_permission = permission  # type: ignore[attr-defined]
        return view

    return mark


def current_role() -> str | None:
    if current_user and current_user.is_authenticated:
        return current_user.role
    return None


def can(permission: str) -> bool:
    return role_can(current_role(), permission)


def required_permission(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint == "static":
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "required_permission", None)


def enforce_permissions():
    """before_request hook for the site. The API blueprint installs its own, token-based check."""
    if request.blueprint == "api" or request.endpoint is None:
        return None  # the API authenticates by token; unknown URLs fall through to 404
    permission = required_permission(request.endpoint)
    if permission is None:
        abort(403)
    if role_can(current_role(), permission):
        return None
    if current_role() is None:
        return login_manager.unauthorized()
    abort(403)
