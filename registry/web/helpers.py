"""Small glue shared by the blueprints: the use cases' context, the reader's clock, service
errors on forms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NoReturn
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import abort, flash, g, make_response, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from registry.domain import limits
from registry.presentation import i18n, words
from registry.presentation.context import context_for
from registry.services import Forbidden, NotFound, ServiceError, Stale, clamp_page
from registry.services.context import Context


def actor():
    """The signed-in user as a real row (services store it), or None."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def context() -> Context:
    """The use cases' context of this page: the signed-in member, now, the reader's day and
    the app's settings (registry.presentation.context.context_for), built once per request
    and kept on `g`. Built again when the signed-in member changed since (a log-in, a
    log-out, an erased account): a use case never runs as the member who was signed in
    before."""
    user = actor()
    built = g.get("registry_context")
    if built is None or built.actor is not user:
        built = g.registry_context = context_for(user)
    return built


DEFAULT_ZONE = i18n.DEFAULT_TIMEZONE


def user_zone() -> ZoneInfo:
    """The reader's time zone (their profile's, else Europe/Paris)."""
    return ZoneInfo(i18n.select_timezone())


def local_now() -> datetime:
    """The current minute in the reader's zone, naive, as a date-time input shows it."""
    return context().now.astimezone(user_zone()).replace(tzinfo=None, second=0, microsecond=0)


def from_local(moment: datetime | None) -> datetime | None:
    """A naive date-time typed in a form, read in the reader's zone, as aware UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=user_zone()).astimezone(UTC)


def refusal(error: ServiceError) -> str:
    """A service's refusal in the reader's language."""
    return words.translate(error.msgid, error.params)


def show_errors(form: FlaskForm, error: ServiceError) -> None:
    """Put each message next to its field; what has no field becomes a flash."""
    if not place_errors(form, error):
        flash(refusal(error), "error")


def place_errors(form: FlaskForm, error: ServiceError) -> bool:
    """Put each message next to its field; whether any had a field of the form."""
    placed = False
    for name, message in error.field_messages.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, words.translate_message(message)]
            placed = True
    return placed


def safe_next(target: str | None, default: str = "main.home") -> str:
    """Only follow a return address within this site, so a link cannot send people elsewhere."""
    if (
        target
        and urlsplit(target).netloc == ""
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    ):
        return target
    return url_for(default)


def or_404(call, *args, **kwargs):
    """A read for a page: a refusal to find it is 404, a refusal to show it 403. A whole
    number that cannot be an id (beyond a 32-bit column, below 1) names nothing: 404."""
    ids = [arg for arg in args if isinstance(arg, int) and not isinstance(arg, bool)]
    if not all(limits.is_id(arg) for arg in ids):
        abort(404)
    try:
        return call(*args, **kwargs)
    except NotFound:
        abort(404)
    except Forbidden as exc:
        refuse(exc)


def refuse(error: ServiceError) -> NoReturn:
    """Answer with the error page saying the use case's own reason (403 "A legal account acts
    only for its own brand.", not a generic "no access")."""
    from registry.web.errors import error_page

    abort(make_response(error_page(error.status, error.msgid, error.params)))


def run_use_case(form: FlaskForm | None, use_case, *args, **kwargs):
    """Run one use case in the page's context (it owns its transaction) and show its
    refusal on the form, or as a flash without one. Returns the use case's result, or None
    when it was refused."""
    try:
        return use_case(context(), *args, **kwargs)
    except ServiceError as exc:
        if isinstance(exc, Forbidden) and not exc.field_messages:
            refuse(exc)  # the page offered nothing this user may do: as for any other route
        if isinstance(exc, NotFound) and not exc.field_messages:
            abort(404)
        g.use_case_refused = True
        g.use_case_error = exc
        if form is None:
            flash(refusal(exc), "error")
        else:
            show_errors(form, exc)
        return None


def try_use_case(form: FlaskForm, use_case, *args, **kwargs):
    """Run one use case as `run_use_case` does, for a page that shows a refusal where it was
    asked (a panel, a row of a list) rather than as a flash: returns (result, "") or (None,
    the refusal in words, "" when its messages went next to the form's fields). A refusal to
    find what was named (a request number typed in a form) is said, not a 404 page."""
    try:
        return use_case(context(), *args, **kwargs), ""
    except ServiceError as exc:
        if isinstance(exc, Forbidden) and not exc.field_messages:
            refuse(exc)
        g.use_case_refused = True
        g.use_case_error = exc
        return None, "" if place_errors(form, exc) else refusal(exc)


def sent_version(form: FlaskForm) -> int | None:
    """The version a form was made from (its hidden field); None when it sent none."""
    data = form.version.data  # the row's own version (an int) when the form did not send one
    raw = data.strip() if isinstance(data, str) else ""
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        return -1  # matches no row's version: refused as stale


def unsaved_values(form: FlaskForm, names: tuple[str, ...]) -> list[tuple[str, object]]:
    """(label, value) of what a refused form carried, to show beside the newer values."""
    shown = []
    for name in names:
        field = getattr(form, name, None)
        if field is None:
            continue
        value = field.data
        if hasattr(field, "choices") and field.choices:
            value = next((c.label for c in field.choices if str(c.value) == str(value)), value)
        shown.append((field.label.text, value))
    return shown


def stale_copy():
    """The newer row when the last use case refused a save made from a stale copy."""
    error = g.get("use_case_error")
    return error.current if isinstance(error, Stale) else None


def paging() -> dict:
    """The page asked for in the query string and the configured page size, for list views."""
    return {
        "page": clamp_page(request.args.get("page")),
        "page_size": context().settings["PAGE_SIZE"],
    }


def form_status(form: FlaskForm) -> int:
    """422 when a submitted form is shown again with errors, so tests and scripts can tell."""
    return 422 if form.errors or g.get("use_case_refused") else 200
