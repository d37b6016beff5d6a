"""Small glue shared by the blueprints: the session, today's date, service errors on forms."""

from __future__ import annotations

from datetime import date

from flask import abort, flash
from flask_login import current_user
from flask_wtf import FlaskForm

from registry import db
from registry.services import NotFound, ServiceError


def actor():
    """The signed-in user as a real row (services store it), or None."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def today() -> date:
    return date.today()


def show_errors(form: FlaskForm, error: ServiceError) -> None:
    """Put each message next to its field; what has no field becomes a flash."""
    placed = False
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
            placed = True
    if not placed:
        flash(error.message, "error")


def or_404(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except NotFound:
        abort(404)


def run_use_case(form: FlaskForm | None, use_case, *args, **kwargs):
    """Run one use case in the request's session: commit on success, else roll back and show
    the refusal on the form. Returns the use case's result, or None when it was refused."""
    session = db.session()
    try:
        result = use_case(session, *args, **kwargs)
    except ServiceError as exc:
        session.rollback()
        if form is None:
            flash(exc.message, "error")
        else:
            show_errors(form, exc)
        return None
    session.commit()
    return result


def form_status(form: FlaskForm) -> int:
    """422 when a submitted form is shown again with errors, so tests and scripts can tell."""
    return 422 if form.errors else 200
