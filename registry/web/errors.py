"""Error pages for people; JSON for anything under /api/."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from registry.adapters import db
from registry.domain.messages import N_, render
from registry.presentation import outage

bp = Blueprint("errors", __name__)

# English msgids, translated when the page or the JSON answer is written.
MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Please authenticate."),
    403: N_("You do not have access to this page."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not accept that method."),
    413: N_("The file is too large."),
    415: N_("This page accepts forms only, not JSON."),
    429: N_("Too many attempts. Please wait a minute and try again."),
    500: N_("Something went wrong on our side. The error was logged."),
    503: outage.UNAVAILABLE,
}
CSRF_EXPIRED = N_(
    "The form expired or was sent from elsewhere. Please reload the page and try again."
)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_page(status: int, msgid: str, params: dict | None = None):
    """The error page (JSON under /api/) in the reader's language. It always answers: when the
    reader's language or the page cannot be had (a broken database session, a template
    error), the message is English and the page minimal."""
    try:
        message = gettext(msgid, **params) if params else gettext(msgid)
    except Exception:
        current_app.logger.exception("Could not translate the error message")
        message = render(msgid, params)
    if wants_json():
        return jsonify({"error": message}), status
    try:
        return render_template("errors/error.html", status=status, message=message), status
    except Exception:
        current_app.logger.exception("The error page could not be rendered")
        return bare_page(status, message), status


def bare_page(status: int, message: str) -> Response:
    """An error page that needs nothing: no template, no session, no database."""
    html = (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{status}</title></head>"
        f'<body><main class="error-page"><p>{status}</p><h1>{escape(message)}</h1>'
        '<p><a href="/">Handle Registry</a></p></main></body></html>'
    )
    return Response(html, status=status, mimetype="text/html")


def rollback_quietly() -> None:
    """Roll the request's session back after a failure, so the error page can read the
    reader's account and language; a rollback that fails itself is logged, not raised."""
    try:
        db.session().rollback()
    except Exception:
        current_app.logger.exception("Rolling back after an error failed as well")


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return error_page(400, CSRF_EXPIRED)


# The headers an error carries for its client: a 405's Allow, a 429's Retry-After, a 401's
# WWW-Authenticate. The page's own Content-Type replaces werkzeug's.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    status = error.code or 500
    # Werkzeug's own descriptions are English: a status without a message of ours keeps it.
    body, status = error_page(status, MESSAGES.get(status, error.description or N_("Error.")))
    response = current_app.make_response((body, status))
    for name, value in error.get_headers():
        if name in KEPT_HEADERS:
            response.headers[name] = value
    return response


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    current_app.logger.exception("Unhandled error on %s", request.path)
    # A database error leaves the session unusable until it is rolled back, and the page
    # reads the reader's account (their language, the navigation) from it.
    rollback_quietly()
    return error_page(500, MESSAGES[500])


@bp.app_errorhandler(DBAPIError)
def database_error(error: DBAPIError):
    """The database does not answer: 503, come back later (registry.presentation.outage);
    any other database error is unexpected."""
    if not outage.is_outage(error):
        return unexpected_error(error)
    current_app.logger.error("The database does not answer (%s): %s", request.path, error.orig)
    rollback_quietly()
    outage.without_database()
    body, status = error_page(503, MESSAGES[503])
    return outage.retry_later(current_app.make_response((body, status)))
