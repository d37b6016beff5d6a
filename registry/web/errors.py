"""Error pages for people; JSON for anything under /api/."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please authenticate.",
    403: "You do not have access to this page.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    413: "The file is too large.",
    500: "Something went wrong on our side. The error was logged.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, message: str):
    if wants_json():
        return jsonify({"error": message}), status
    return render_template("errors/error.html", status=status, message=message), status


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return _render(
        400, "The form expired or was sent from elsewhere. Please reload the page and try again."
    )


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    status = error.code or 500
    return _render(status, MESSAGES.get(status, error.description or "Error."))


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s", request.path)
    return _render(500, MESSAGES[500])
