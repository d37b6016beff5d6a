"""Every answer of the API is JSON, errors included: `{"error": "...", "fields": {...}}`.

Statuses: 400 a body that is not a JSON object or a bad query parameter; 401 no token, or
one that is invalid or revoked; 403 a token whose account may not do that; 404 nothing
there; 405 wrong method; 409 a duplicate or a transition the request's state refuses;
422 a field the registry refuses (with `fields`); 500 a generic message, never a trace.
Routing errors (unknown /api/ address, wrong method) are answered by the site's
`registry.web.errors`, which also speaks JSON under /api/.

Messages (`error` and the values of `fields`) are in the caller's language: the token
account's profile language, else the request's Accept-Language, else English. Codes (field
names, states, `allowed_transitions`) are never translated.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, jsonify, request
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException

from registry.adapters import db
from registry.api import bp
from registry.domain.messages import N_, Message, Refusal, render
from registry.presentation import outage
from registry.presentation.words import translate, translate_message

MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Send a valid API token: Authorization: Bearer <token>."),
    403: N_("Your account is not allowed to do that."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not accept that method."),
    409: N_("This conflicts with what the registry already holds."),
    413: N_("The request body is too large."),
    415: N_("Send the body as JSON."),
    500: N_("Something went wrong on our side. The error was logged."),
}
BEARER_CHALLENGE = 'Bearer realm="Handle Registry API"'


class ApiError(Refusal):
    """A refusal decided by the API layer itself (authentication, query parameters, body):
    the registry's one error type, given its status first."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        fields: Mapping[str, Message | str] | None = None,
        extra: dict | None = None,
        **params,
    ):
        super().__init__(
            message or MESSAGES.get(status, N_("Error.")),
            status=status,
            fields=fields,
            extra=extra,
            **params,
        )


def bounds_refusal(status: int, msgid: str, fields: dict | None, params: dict):
    """Input refused before any route runs (registry.presentation.bounds), as JSON."""
    return error_response(status, msgid, fields=fields, params=params)


def error_response(
    status: int,
    message: str,
    *,
    fields: Mapping[str, Message | str] | None = None,
    params: dict | None = None,
    **extra,
):
    """The JSON answer of a refusal, its message and fields in the caller's language."""
    body = {"error": translate(message, params), **extra}
    if fields:
        body["fields"] = {name: translate_message(text) for name, text in fields.items()}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
    return response


def _rollback() -> None:
    # Guarded: a rollback that fails itself (a lost connection) must not hide the answer.
    try:
        db.session().rollback()
    except Exception:
        current_app.logger.exception("Rolling back after an API error failed as well")


@bp.errorhandler(Refusal)
def refusal(error: Refusal):
    """Every refusal, whoever made it (domain, use case, the API itself), answered alike."""
    _rollback()
    return error_response(
        error.status,
        error.msgid,
        params=error.params,
        fields=error.field_messages,
        **error.extra,
    )


@bp.errorhandler(IntegrityError)
def integrity_error(error: IntegrityError):
    # Two clients adding the same handle at once: the unique index refuses the second.
    _rollback()
    current_app.logger.info("Integrity error on %s: %s", request.path, error.orig)
    return error_response(409, MESSAGES[409])


@bp.errorhandler(DBAPIError)
def database_error(error: DBAPIError):
    """The database does not answer: 503 with Retry-After (registry.presentation.outage)."""
    if not outage.is_outage(error):
        return unexpected_error(error)
    current_app.logger.error("The database does not answer (%s): %s", request.path, error.orig)
    _rollback()
    outage.without_database()
    return outage.retry_later(error_response(503, outage.UNAVAILABLE))


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    _rollback()
    status = error.code or 500
    return error_response(status, MESSAGES.get(status, error.description or N_("Error.")))


@bp.errorhandler(Exception)
def unexpected_error(error: Exception):
    current_app.logger.exception("Unhandled API error on %s", request.path)
    _rollback()
    try:
        return error_response(500, MESSAGES[500])
    except Exception:  # even the caller's language could not be read: answer in English
        current_app.logger.exception("The API's error answer failed as well")
        response = jsonify({"error": render(MESSAGES[500])})
        response.status_code = 500
        return response
