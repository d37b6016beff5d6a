"""Reading what a client sends: the JSON body, the query string, and one use case per call."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from flask import current_app, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from registry.api import bp
from registry.api.auth import context
from registry.api.errors import ApiError
from registry.domain import limits
from registry.domain.messages import N_, Explained, Message, Refusal

Body = TypeVar("Body", bound=BaseModel)


def body_as(model: type[Body]) -> Body:
    """The JSON object in the body, validated by `model`: 400 when it is not a JSON object or
    is nested too deeply, 413 when it is larger than limits.API_BODY_MAX, 422 with `fields`
    when a field is missing, unknown, of the wrong type, out of its range, or holds a text
    that cannot be stored (a NUL character, a lone surrogate); 400 with `fields` for a date
    or a time that is not an ISO 8601 text. Its Content-Type was checked before the view ran
    (`json_bodies_only`)."""
    try:
        payload = request.get_json(force=True, silent=False)
    except RequestEntityTooLarge:
        raise ApiError(
            413, N_("The body is too large: at most %(max)s bytes."), max=limits.API_BODY_MAX
        ) from None
    except RecursionError:  # the JSON decoder gives up on a body nested thousands deep
        raise ApiError(400, limits.TOO_DEEP, max=limits.JSON_DEPTH_MAX) from None
    except BadRequest:
        raise ApiError(400, "The body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise ApiError(400, "The body must be a JSON object.")
    problem = limits.unstorable_in(payload)
    if problem:
        where, msgid, params = problem
        if msgid == limits.TOO_DEEP:
            raise ApiError(400, msgid, **params)
        raise ApiError(
            422,
            N_("%(name)s: %(problem)s"),
            fields={where: Message(msgid, **params)},
            name=where,
            problem=Message(msgid, **params),
        )
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        fields = validation_fields(exc)
        status = 400 if malformed(exc) else 422
        if len(fields) == 1:
            name, message = next(iter(fields.items()))
            raise ApiError(
                status, N_("%(name)s: %(problem)s"), fields=fields, name=name, problem=message
            ) from None
        raise ApiError(
            status, "Some fields are invalid: %(names)s.", fields=fields, names=", ".join(fields)
        ) from None


def malformed(error: ValidationError) -> bool:
    """Whether a field is malformed rather than refused (a date that is not an ISO 8601 text,
    registry.api.schemas.NotIsoText): the body is then a bad request (400), not 422."""
    return any(
        isinstance(item.get("ctx", {}).get("error"), Refusal) and item["ctx"]["error"].status == 400
        for item in error.errors()
    )


@bp.before_request
def json_bodies_only():
    """A body sent as anything but JSON (text/plain, a form, no Content-Type) is refused with
    415 by every operation, before it is read: what is not declared JSON is not parsed as JSON.
    A call without a body (a GET, a DELETE) is not concerned."""
    has_body = (
        bool(request.content_length)
        or "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    )
    if has_body and not request.is_json:  # application/json or application/...+json
        raise ApiError(415, N_('Send the body as JSON, with "Content-Type: application/json".'))


def validation_fields(error: ValidationError) -> dict[str, Message]:
    """Pydantic's errors as {field: message}, the shape of ServiceError.field_messages.

    Pydantic words its own messages in English; they are looked up in the catalogue as they
    are, so only "Unknown field." (ours) is sure to be translated."""
    fields: dict[str, Message] = {}
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or "body"
        cause = item.get("ctx", {}).get("error")
        if item["type"] == "extra_forbidden":
            message = Message(N_("Unknown field."))
        elif isinstance(cause, Explained):  # one of our checks (a date out of range…)
            message = cause.message
        else:
            pydantic_sentence = f"{item['msg']}."
            message = Message(pydantic_sentence)
        fields.setdefault(name, message)
    return fields


# --- query string ------------------------------------------------------------------------


def check_known_parameters(known: Iterable[str]) -> None:
    """A misspelt filter would otherwise be ignored and the whole list returned."""
    unknown = sorted(set(request.args) - set(known))
    if unknown:
        raise ApiError(
            400,
            "Unknown query parameter %(name)s; known: %(known)s.",
            fields={name: Message(N_("Unknown query parameter.")) for name in unknown},
            name=repr(unknown[0]),
            known=", ".join(sorted(known)),
        )


def bad_parameter(parameter: str, msgid: str, /, **params) -> ApiError:
    """A 400 about one query parameter that does not fit the OpenAPI document (unknown,
    malformed, out of its bounds); the message is a msgid with named parameters."""
    return ApiError(400, msgid, fields={parameter: Message(msgid, **params)}, **params)


def refused_parameter(parameter: str, msgid: str, /, **params) -> ApiError:
    """A 422 about a query parameter that fits the document but that the registry refuses
    (a brand that does not exist, a filter that contradicts another): the document cannot
    say it, so a well-formed call is never 400."""
    return ApiError(422, msgid, fields={parameter: Message(msgid, **params)}, **params)


def choice_parameter(name: str, choices: Iterable[str]) -> str:
    """One of `choices`, "" when absent; present but empty (`scope=`) is refused: the document
    lists the values, and "" is not one of them."""
    value = given_or_absent(name)
    choices = tuple(choices)
    if value and value not in choices:
        raise bad_parameter(
            name,
            N_('Unknown %(name)s "%(value)s"; choose one of %(choices)s.'),
            name=name,
            value=value,
            choices=", ".join(choices),
        )
    return value


def given_or_absent(name: str) -> str:
    """A parameter's value, "" when it is absent; one that is present but empty (`as_of=`)
    is refused rather than read as "not given", which would silently mean the default."""
    raw = request.args.get(name, "").strip().strip("\ufeff").strip()  # as NOT_BLANK reads it
    if not raw and name in request.args:
        raise bad_parameter(
            name, N_("%(name)s is empty: give a value, or leave the parameter out."), name=name
        )
    return raw


def date_parameter(name: str, default: date) -> date:
    raw = given_or_absent(name)
    if not raw:
        return default
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise bad_parameter(
            name,
            N_('%(name)s expects a date as YYYY-MM-DD, not "%(value)s".'),
            name=name,
            value=raw,
        ) from None
    try:
        return limits.check_day(value, field=name)
    except limits.OutOfRange as exc:
        raise bad_parameter(name, exc.msgid, **exc.params) from None


def int_parameter(name: str, default: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    raw = given_or_absent(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_parameter(
            name, N_('%(name)s expects a whole number, not "%(value)s".'), name=name, value=raw
        ) from None
    if maximum is not None and not minimum <= value <= maximum:
        raise bad_parameter(
            name,
            N_("%(name)s must be between %(min)s and %(max)s."),
            name=name,
            min=minimum,
            max=maximum,
        )
    if value < minimum:
        raise bad_parameter(name, N_("%(name)s must be >= %(min)s."), name=name, min=minimum)
    return value


def paging() -> tuple[int, int]:
    """(page, per_page) from the query string; per_page defaults to the site's page size."""
    return (
        int_parameter("page", 1, maximum=limits.MAX_PAGE),
        int_parameter("per_page", default_per_page(), maximum=limits.MAX_PER_PAGE),
    )


def default_per_page() -> int:
    """The page size of an API list when the client gives no `per_page`: the site's
    (PAGE_SIZE), within limits.MAX_PER_PAGE."""
    return min(int(current_app.config.get("PAGE_SIZE", limits.PAGE_SIZE)), limits.MAX_PER_PAGE)


def page_body(items: list, *, page: int, per_page: int, total: int) -> dict:
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": max(1, -(-total // per_page)),
    }


# --- writing -----------------------------------------------------------------------------

T = TypeVar("T")


def run_use_case(use_case: Callable[..., T], *args, **kwargs) -> T:
    """One use case in the call's context; it owns its transaction, and its refusal reaches
    the error handlers, which answer it as JSON."""
    return use_case(context(), *args, **kwargs)


# --- versions (ETag / If-Match) ----------------------------------------------------------


def etag_of(record) -> str:
    """A row's entity tag: its version (bumped by every change), so If-Match can refuse a
    write made from an older read."""
    return f"v{record.version}"


def expected_version() -> int | None:
    """The version an If-Match header names: None when absent or "*" (no precondition);
    a tag that is not one of ours names no version and fails the precondition."""
    if not request.headers.get("If-Match"):
        return None
    tags = request.if_match
    if tags.star_tag:
        return None
    for tag in tags.as_set():  # an empty tag ("") is parsed as None
        if tag and tag.startswith("v") and tag[1:].isdigit() and len(tag) < 12:
            return int(tag[1:])
    return -1


def precondition_failed(current) -> ApiError:
    """412 for an If-Match that no longer holds; the answer names the current ETag."""
    return ApiError(
        412,
        N_("This was changed meanwhile: the If-Match ETag is not the current one (%(etag)s)."),
        extra={"etag": etag_of(current)},
        etag=etag_of(current),
    )
