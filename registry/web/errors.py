"""Error pages for people; JSON for anything under /api/."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from registry.domain.messages import N_

bp = Blueprint("errors", __name__)

# English msgids, translated when the page or the JSON answer is written.
MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Please authenticate."),
    403: N_("You do not have access to this page."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not accept that method."),
    413: N_("The file is too large."),
    500: N_("Something went wrong on our side. The error was logged."),
}
CSRF_EXPIRED = N_(
    "The form expired or was sent from elsewhere. Please reload the page and try again."
)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, msgid: str):
    message = gettext(msgid)
    if wants_json():
        return jsonify({"error": message}), status
    return render_template("errors/error.html", status=status, message=message), status


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return _render(400, CSRF_EXPIRED)


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    status = error.code or 500
    # Werkzeug's own descriptions are English: a status without a message of ours keeps it.
    return _render(status, MESSAGES.get(status, error.description or N_("Error.")))


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s", request.path)
    return _render(500, MESSAGES[500])
