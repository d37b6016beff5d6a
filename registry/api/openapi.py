"""The API described as an OpenAPI 3.1 document, served at /api/v1/openapi.json.

Bodies and answers come from the data models in `registry.api.schemas`, and each
operation's permission from the view itself, so the document follows the code.
"""

from __future__ import annotations

from flask import current_app
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode

from registry.adapters.models import HANDLE_STATUSES, HOLDER_KINDS
from registry.api import bp
from registry.api import schemas as s
from registry.api.inputs import default_per_page
from registry.domain import limits
from registry.domain.clock import FLAGS
from registry.domain.permissions import PUBLIC, ROLE_PERMISSIONS, ROLES
from registry.domain.platforms import PLATFORMS
from registry.domain.workflow import STATES
from registry.presentation.access import requires

REF = "#/components/schemas/{model}"
READ_MODELS = (
    s.HandlePublic,
    s.HandlePrivate,
    s.HandleDetailPublic,
    s.HandleDetailPrivate,
    s.RequestOut,
    s.RequestDetail,
    s.AttemptOut,
    s.BrandOut,
    s.BrandResponsiveness,
    s.HandoverPlanOut,
    s.HandoverPlans,
    s.EvidencePack,
    s.LookalikeList,
    s.PlatformList,
    s.HandoverAlternative,
    s.LetterSent,
    s.LetterPreview,
    s.WebhookCreated,
    s.WebhookList,
    s.WebhookOut,
    s.WebhookDeliveryOut,
)
WRITE_MODELS = (
    s.HandleCreate,
    s.HandleUpdate,
    s.RequestCreate,
    s.AttemptCreate,
    s.TransitionCreate,
    s.HandoverCreate,
    s.HandoverConfirm,
    s.HandoverOutcome,
    s.BrandCreate,
    s.LetterCreate,
    s.WebhookCreate,
)

YEARS = f"{limits.MIN_DAY.year}-{limits.MAX_DAY.year}"  # the registry's dates (limits)
DESCRIPTION = """\
The Handle Registry's JSON API: who holds which brand handle, and the transfer requests
that bring it home.

**Authentication.** Send `Authorization: Bearer <token>`. Staff, legal and admin accounts
create tokens on their profile page or with `registry create-token EMAIL`. Reading handles
needs no token; a token that is invalid or revoked is refused (401) even there. The
session cookie of the site is never accepted.

**Errors** are JSON: `{"error": "one sentence", "fields": {"name": "message"}}`, `fields`
only when particular fields are at fault. 400: the call does not fit this document: the
body is not a JSON object, a date or a time is not an ISO 8601 text (a number is not read
as a Unix time), or a query parameter is unknown, empty or malformed. 401: no token where
one is needed, or a bad token (on every operation). 403: the token's account may not do
that. 404: not found. 405: wrong method. 409: a duplicate, a transition the request's
current state refuses, or a change made from a stale read. 412: an `If-Match` ETag that is
no longer the current one. 413: a body too large. 415: a body not sent as
`Content-Type: application/json` (or `application/...+json`). 422: the call fits this
document but the registry refuses a value, for a reason no schema can state (an invalid
handle for its platform, a date in the future or outside YEARS, a brand that does not
exist, a closed request, text that cannot be stored).

**Concurrency.** A handle's and a request's answers carry an `ETag` (their version). Send it
back as `If-Match` with `PATCH /handles/...` or a transition: if someone changed the row
meanwhile, the answer is 412 with the current `etag`, and nothing changes. A transition
may instead say `from_state`, the state it saw: 409 when the request has moved since.

**Times** are ISO 8601. A `happened_at` without an offset is read as UTC. A handover
window's `window_end` is `window_minutes` of elapsed time after `window_start`, across a
change to or from summer time too.

**Business days** are Monday to Friday without the public holidays of the brand's country
and subdivision, counted two ways that differ only when the starting day is a day off. A
request's `due_date` (the reply clock) is the N-th business day after day 0, the day the
message is read: the day it was sent, or the next business day when that was a weekend or
a holiday (sent Saturday 2 May 2026 to a French brand: day 0 is Monday 4 May, ten business
days later is Wednesday 20 May). A handover's `confirm_by` and `outcome_by`, and the
`not_contacted` flag, count the business days strictly after the day itself, business day
or not (a window planned on Saturday 5 December 2026 is confirmed by Friday 11 December,
as one planned on Friday 4 December; an outcome after a Friday window is due Monday).
""".replace("YEARS", YEARS)


def _schemas() -> dict:
    components: dict = {}
    modes: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        *((model, "serialization") for model in READ_MODELS),
        *((model, "validation") for model in WRITE_MODELS),
    ]
    for model, mode in modes:
        schema = model.model_json_schema(ref_template=REF, mode=mode)
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
    components["Error"] = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string", "description": "One sentence for a person."},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Message per field or query parameter at fault.",
            },
        },
        "additionalProperties": True,
    }
    components["HandleNotFound"] = {
        "allOf": [{"$ref": REF.format(model="Error")}],
        "type": "object",
        "description": "The handle is valid but not in the registry: its normalised form and "
        "profile URL are given all the same.",
        "properties": {
            "platform": {"type": "string"},
            "handle": {"type": "string"},
            "normalized": {"type": "string"},
            "url": {"type": "string"},
        },
    }
    components["HandoverImpossible"] = {
        "allOf": [{"$ref": REF.format(model="Error")}],
        "type": "object",
        "description": "A 409 refusal. On a platform whose `handover_method` is `impossible`, "
        "`method` says so and `alternatives` name what the brand can do instead, each with "
        "its source.",
        "properties": {
            "method": {"type": "string"},
            "alternatives": {"type": "array", "items": _ref("HandoverAlternative")},
        },
    }
    components["HandlePage"] = _page_of(["HandlePublic", "HandlePrivate"])
    components["RequestPage"] = _page_of(["RequestOut"])
    components["WebhookDeliveryPage"] = _page_of(["WebhookDeliveryOut"])
    return components


def _page_of(models: list[str]) -> dict:
    item = {"anyOf": [_ref(m) for m in models]} if len(models) > 1 else _ref(models[0])
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {
            "items": {"type": "array", "items": item},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": limits.MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 1},
        },
    }


def _ref(model: str) -> dict:
    return {"$ref": REF.format(model=model)}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _created(schema: dict, description: str, *, location: str = "Its URL.", **extra) -> dict:
    """A 201 answer: the row written, its Location (or what it belongs to), and any links."""
    header = {"schema": {"type": "string"}, "description": location}
    return {**_json(schema, description), "headers": {"Location": header}, **extra}


def _error(description: str) -> dict:
    return {"$ref": f"#/components/responses/{description}"}


ERROR_RESPONSES = {
    "BadRequest": "The body is not a JSON object, or a query parameter is unknown or malformed.",
    "Unauthorized": "No token where one is needed, or an invalid or revoked token.",
    "Forbidden": "The token's account may not do that.",
    "NotFound": "Nothing there.",
    "Conflict": "A duplicate, or a transition the request's state refuses.",
    "PreconditionFailed": "The If-Match ETag is not the current one; `etag` is.",
    "TooLarge": "The body is larger than the API accepts.",
    "UnsupportedMediaType": "A body not declared as JSON (`Content-Type: application/json`).",
    "Unprocessable": "A field the registry refuses; `fields` says which.",
    "BadGateway": "The mail server refused the letter or could not be reached: nothing was logged.",
    "Unavailable": "The registry has no mail server configured (SMTP_URL, MAIL_REPLY_DOMAIN).",
}
STATUS_OF = {
    "BadRequest": "400",
    "Unauthorized": "401",
    "Forbidden": "403",
    "NotFound": "404",
    "Conflict": "409",
    "PreconditionFailed": "412",
    "TooLarge": "413",
    "UnsupportedMediaType": "415",
    "Unprocessable": "422",
    "BadGateway": "502",
    "Unavailable": "503",
}
# Answers every operation of a kind may give, whatever the operation: they are added by rule
# (`_operation`), so that an operation written later documents them too.
ANY_CALL = {"401": "Unauthorized"}  # a token sent must be valid, even where none is needed
WITH_QUERY = {"400": "BadRequest"}  # an unknown or malformed query parameter
WITH_BODY = {  # a body that is not JSON, too large, or one the registry refuses
    "400": "BadRequest",
    "409": "Conflict",  # a duplicate row, even when the rules found none (two writes at once)
    "413": "TooLarge",
    "415": "UnsupportedMediaType",
    "422": "Unprocessable",
}


def _responses() -> dict:
    responses = {name: _json(_ref("Error"), text) for name, text in ERROR_RESPONSES.items()}
    responses["Unauthorized"]["headers"] = {
        "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}
    }
    return responses


# What registry.presentation.bounds refuses (400) in any address, before a view runs: a NUL
# character, and a query value longer than limits.query_value_max.
NO_NUL = "^[^\x00]*$"
# A parameter that must say something: one character at least that is neither white space
# (as Python's str.strip sees it, which the API reads with) nor NUL nor a byte-order mark.
NOT_BLANK = {"type": "string", "minLength": 1, "pattern": "^[^\x00]*[^\\s\x00\ufeff][^\x00]*$"}


def _text(schema: dict | None, max_length: int | None = None) -> dict:
    """A parameter's schema; a free text (no values listed, no format) says the bounds."""
    schema = dict(schema or {"type": "string"})
    if schema.get("type") == "string" and not {"enum", "format"} & set(schema):
        schema.setdefault("pattern", NO_NUL)  # a pattern of its own refuses NUL itself
        if max_length is not None:
            schema["maxLength"] = min(schema.get("maxLength", max_length), max_length)
    return schema


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": _text(schema, limits.query_value_max(name)),
    }


def _path(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": _text(schema),
    }


def _page_parameters() -> list[dict]:
    """`page` and `per_page`, with the bounds the API reads them with (registry.api.inputs):
    `per_page` defaults to the site's page size, as configured."""
    return [
        _query(
            "page",
            f"Page number, from 1 to {limits.MAX_PAGE}.",
            {"type": "integer", "minimum": 1, "maximum": limits.MAX_PAGE, "default": 1},
        ),
        _query(
            "per_page",
            f"Items per page, at most {limits.MAX_PER_PAGE}.",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": limits.MAX_PER_PAGE,
                "default": default_per_page(),
            },
        ),
    ]


REQUEST_ID = _path(
    "request_id", "The request's id.", {"type": "integer", "minimum": 1, "maximum": limits.MAX_ID}
)
PERIOD_DAY = s.DAY_SCHEMA  # a YYYY-MM-DD day within the registry's years
AS_OF = _query(
    "as_of",
    "Compute flags and due dates as of this day (default today), between "
    f"{limits.MIN_DAY.isoformat()} and {limits.MAX_DAY.isoformat()}.",
    PERIOD_DAY,
)

HANDLE_PATH = [
    _path("platform", "Platform slug.", {"enum": [p.slug for p in PLATFORMS]}),
    _path("handle", "The handle, @handle, or its URL-encoded profile URL."),
]
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of the answer the change is based on.",
    "schema": {"type": "string"},
}


def _by_rule(responses: dict, extra: dict) -> dict:
    """The operation's own answers and those every operation of its kind may give."""
    ruled = dict(ANY_CALL)
    if any(p["in"] == "query" for p in extra.get("parameters", ())):
        ruled.update(WITH_QUERY)
    if "requestBody" in extra:
        ruled.update(WITH_BODY)
    return {**{status: _error(name) for status, name in ruled.items()}, **responses}


def _operation(endpoint: str, summary: str, responses: dict, **extra) -> dict:
    """One operation; its security and description follow the view's declared permission."""
    view = current_app.view_functions[f"api.{endpoint}"]
    permission = getattr(view, "required_permission", None)
    operation = {"operationId": endpoint, "summary": summary, **extra}
    responses = _by_rule(responses, extra)
    if permission == PUBLIC:
        operation["security"] = [{}, {"bearerAuth": []}]
        access = "Public: no token needed (a token sent must be valid)."
    else:
        operation["security"] = [{"bearerAuth": []}]
        roles = [r for r in ROLES if permission in ROLE_PERMISSIONS[r]]
        access = f"Needs a token whose account holds `{permission}` ({', '.join(roles)})."
        responses = {**responses, "401": _error("Unauthorized"), "403": _error("Forbidden")}
    operation["description"] = (extra.get("description", "") + "\n\n" + access).strip()
    operation["x-permission"] = permission
    operation["responses"] = dict(sorted(responses.items()))
    return operation


# What a new request leads to: the operations on /requests/{request_id}/... that a request
# has from the start (its handover plan comes later: GET /handover is 404 until then).
REQUEST_OPERATIONS = (
    "request_detail",
    "attempt_create",
    "request_transition",
    "handover_schedule",
    "request_evidence",
)


def _links(operations: tuple[str, ...], **parameters: str) -> dict:
    """OpenAPI links from a created row to the operations on it (a client, or schemathesis's
    stateful phase, follows them), its parameters read from the answer."""
    return {op: {"operationId": op, "parameters": parameters} for op in operations}


def _body(model: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": _ref(model)}}}


def _paths() -> dict:
    handle_read = {"anyOf": [_ref("HandleDetailPublic"), _ref("HandleDetailPrivate")]}
    return {
        "/api/v1/handles": {
            "get": _operation(
                "handles_index",
                "Search the registry",
                {
                    "200": _json(_ref("HandlePage"), "A page of handles."),
                    "400": _error("BadRequest"),
                    "422": _error("Unprocessable"),
                },
                description="`holder_contact` and `private_notes` only for accounts that may "
                "see private data. Unknown parameters and values are refused (400).",
                parameters=[
                    _query("platform", "Platform slug.", {"enum": [p.slug for p in PLATFORMS]}),
                    _query("brand", "Brand slug (not blank).", NOT_BLANK),
                    _query("holder_kind", "Kind of holder.", {"enum": list(HOLDER_KINDS)}),
                    _query("status", "Status of the handle.", {"enum": list(HANDLE_STATUSES)}),
                    _query(
                        "q",
                        "Part of the handle, the holder's name or the brand's name.",
                        {"type": "string", "maxLength": limits.SEARCH_MAX},
                    ),
                    *_page_parameters(),
                ],
            ),
            "post": _operation(
                "handle_create",
                "Add a handle",
                {
                    "201": _created(
                        handle_read,
                        "The handle, with its first custody record.",
                        links=_links(
                            ("handle_detail", "handle_update", "handle_lookalikes"),
                            platform="$response.body#/platform",
                            handle="$response.body#/handle",
                        ),
                    ),
                    "400": _error("BadRequest"),
                    "409": _error("Conflict"),
                    "422": _error("Unprocessable"),
                },
                requestBody=_body("HandleCreate"),
            ),
        },
        "/api/v1/handles/{platform}/{handle}": {
            "get": _operation(
                "handle_detail",
                "Look up a handle in any spelling",
                {
                    "200": _json(handle_read, "The handle and its custody history."),
                    "404": _json(
                        _ref("HandleNotFound"),
                        "Unknown platform, or a valid handle not in the registry.",
                    ),
                    "422": _error("Unprocessable"),
                },
                description="Any spelling the platform treats as the same account finds it: "
                "case, a leading @, or the profile URL (URL-encoded).",
                parameters=HANDLE_PATH,
            ),
            "patch": _operation(
                "handle_update",
                "Change what describes a handle",
                {
                    "200": _json(handle_read, "The handle as saved, with its new ETag."),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                    "412": _error("PreconditionFailed"),
                    "422": _error("Unprocessable"),
                },
                description="Only the fields given change; the holder changes through a "
                "change of custody, not here. Send the ETag of a GET as `If-Match` to refuse "
                "the change (412) when someone changed the handle meanwhile.",
                parameters=[*HANDLE_PATH, IF_MATCH],
                requestBody=_body("HandleUpdate"),
            ),
        },
        "/api/v1/handles/{platform}/{handle}/lookalikes": {
            "get": _operation(
                "handle_lookalikes",
                "Handles that look like this one",
                {
                    "200": _json(_ref("LookalikeList"), "Its lookalikes, and the related ones."),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                    "422": _error("Unprocessable"),
                },
                description="The handles that a reader could take for this one: the same TR39 "
                "skeleton (or a digit for a letter), one edit away, a word or a separator "
                "added. A handle that is not in the registry has lookalikes too (`in_registry` "
                "false): check a name before registering it. Those of the handle's own brand "
                "are in `related`, not `items`. 404: an unknown platform.",
                parameters=[
                    *HANDLE_PATH,
                    _query(
                        "scope",
                        "`platform` (default): the handle's platform only; `all`: every "
                        "platform (the same name elsewhere is not a lookalike).",
                        {"enum": ["platform", "all"], "default": "platform"},
                    ),
                ],
            ),
        },
        "/api/v1/requests": {
            "get": _operation(
                "requests_index",
                "List transfer requests, or the ones needing attention",
                {
                    "200": _json(_ref("RequestPage"), "A page of requests."),
                    "400": _error("BadRequest"),
                    "422": _error("Unprocessable"),
                },
                description="With `flag`, the open requests with that flag as of `as_of`, "
                "most urgent first (as the dashboard and `registry flag-unanswered`); "
                "without, every request, most recently changed first.",
                parameters=[
                    _query("flag", "Only requests with this flag.", {"enum": list(FLAGS)}),
                    AS_OF,
                    _query("state", "Only requests in this state.", {"enum": list(STATES)}),
                    _query("brand", "Brand slug (not blank).", NOT_BLANK),
                    *_page_parameters(),
                ],
            ),
            "post": _operation(
                "request_create",
                "Propose a transfer",
                {
                    "201": _created(
                        _ref("RequestDetail"),
                        "The new request.",
                        links=_links(REQUEST_OPERATIONS, request_id="$response.body#/id"),
                    ),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                    "422": _error("Unprocessable"),
                },
                description="Name the handle by `handle_id`, or by `platform` and `handle`; a "
                "handle not yet in the registry is added in the same step (give `brand`).",
                requestBody=_body("RequestCreate"),
            ),
        },
        "/api/v1/requests/{request_id}": {
            "get": _operation(
                "request_detail",
                "A request with its attempts, flag and due date",
                {
                    "200": _json(_ref("RequestDetail"), "The request."),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                },
                description="Visible to its proposer and to accounts that read all requests.",
                parameters=[REQUEST_ID, AS_OF],
            ),
        },
        "/api/v1/requests/{request_id}/attempts": {
            "post": _operation(
                "attempt_create",
                "Log a contact attempt",
                {
                    "201": _created(
                        _ref("AttemptOut"), "The attempt.", location="The request's URL."
                    ),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                    "422": _error("Unprocessable"),
                },
                description="By the request's proposer, or an account that manages requests. "
                "Refused (422) in the future or on a closed request.",
                parameters=[REQUEST_ID],
                requestBody=_body("AttemptCreate"),
            ),
        },
        "/api/v1/requests/{request_id}/letters": {
            "post": _operation(
                "letter_create",
                "Write to the brand",
                {
                    "200": _json(
                        _ref("LetterPreview"), 'With `"preview": true`: the letter, unsent.'
                    ),
                    "201": _created(
                        _ref("LetterSent"),
                        "Sent, and logged as an outbound attempt.",
                        location="The request's URL.",
                    ),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                    "502": _error("BadGateway"),
                    "503": _error("Unavailable"),
                },
                description="A letter (`offer`, `follow_up`, `claim`, `decision_notice`, in `fr` "
                "or `en`) filled with the request's facts, sent through the registry's mail "
                "server to one of the brand's contact points with an e-mail address (its `id` "
                "from `GET /api/v1/brands/{slug}`, or the address), with the request's own "
                "reply address as Reply-To, and logged as an outbound e-mail attempt in the "
                "same transaction. By staff for any request, a brand's legal team for its "
                "claims. A contact point without an e-mail address: 400. When the mail "
                "server refuses, nothing is logged (502).",
                parameters=[REQUEST_ID],
                requestBody=_body("LetterCreate"),
            ),
        },
        "/api/v1/requests/{request_id}/transition": {
            "post": _operation(
                "request_transition",
                "Move a request to another state",
                {
                    "200": _json(_ref("RequestDetail"), "The request in its new state."),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                    "409": _error("Conflict"),
                    "412": _error("PreconditionFailed"),
                    "422": _error("Unprocessable"),
                },
                description="By an account that manages requests; the proposer may only "
                'withdraw it (`{"to": "withdrawn"}`). A move the workflow refuses answers 409 '
                "with `allowed_transitions`; an unknown state, 422. Of two moves sent at "
                "once, one wins and the other answers 409; with `from_state` or `If-Match`, a "
                "move made from a stale read is refused too.",
                parameters=[REQUEST_ID, IF_MATCH],
                requestBody=_body("TransitionCreate"),
            ),
        },
        **_handover_paths(),
        **_webhook_paths(),
        "/api/v1/platforms": {
            "get": _operation(
                "platforms_index",
                "The platforms, their handle lengths and how a name changes hands there",
                {
                    "200": _json(_ref("PlatformList"), "Every platform, by name."),
                    "400": _error("BadRequest"),
                },
                description="`handover_method`: `rename` (the holder frees the name and the "
                "brand claims it at once, in a window), `ownership` (the account itself "
                "changes owners: no window), `impossible` (the name never passes to another "
                "account: planning a handover answers 409 with `alternatives`), `domain` (the "
                "brand's own domain becomes its handle). `handover_source`: where it is "
                "written.",
            ),
        },
        "/api/v1/brands": {
            "post": _operation(
                "brand_create",
                "Add a brand, with its official contact points",
                {
                    "201": _created(
                        _ref("BrandOut"),
                        "The brand as saved.",
                        links=_links(
                            ("brand_detail", "brand_responsiveness"), slug="$response.body#/slug"
                        ),
                    ),
                    "400": _error("BadRequest"),
                    "409": _error("Conflict"),
                    "422": _error("Unprocessable"),
                },
                description="The slug is made from the name when not given; the country and "
                "the subdivision are checked against the public holidays the registry knows.",
                requestBody=_body("BrandCreate"),
            ),
        },
        "/api/v1/brands/{slug}": {
            "get": _operation(
                "brand_detail",
                "A brand, its contact points and this year's holidays",
                {
                    "200": _json(_ref("BrandOut"), "The brand (public information)."),
                    "404": _error("NotFound"),
                },
                parameters=[_path("slug", "The brand's slug.", {"type": "string"})],
            ),
        },
        "/api/v1/brands/{slug}/responsiveness": {
            "get": _operation(
                "brand_responsiveness",
                "How a brand answers its community",
                {
                    "200": _json(_ref("BrandResponsiveness"), "The brand's figures."),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                    "422": _error("Unprocessable"),
                },
                description="Totals over the offers of the brand's handles opened between "
                "`from` and `to` (both included, both optional), as of today: a reply is a "
                "real one (an auto-reply, a voicemail, a redirection or a bounce is not), "
                "business days are counted in the brand's calendar from the first outbound "
                "attempt. A claim by the brand itself is not counted. 422 for a date that is "
                f"not YYYY-MM-DD or outside {YEARS}, or `from` after `to`.",
                parameters=[
                    _path("slug", "The brand's slug.", {"type": "string"}),
                    _query("from", "First day of the period (YYYY-MM-DD).", PERIOD_DAY),
                    _query("to", "Last day of the period (YYYY-MM-DD).", PERIOD_DAY),
                ],
            ),
        },
        "/api/v1/openapi.json": {
            "get": _operation(
                "openapi",
                "This document",
                {
                    "200": {
                        "description": "The OpenAPI document.",
                        "content": {"application/json": {}},
                    }
                },
            ),
        },
    }


def _handover_paths() -> dict:
    plan = _ref("HandoverPlanOut")
    refusals = {
        "400": _error("BadRequest"),
        "404": _error("NotFound"),
        "409": _error("Conflict"),
        "422": _error("Unprocessable"),
    }
    return {
        "/api/v1/requests/{request_id}/handover": {
            "get": _operation(
                "handover_detail",
                "A request's handover plan and its past ones",
                {
                    "200": _json(_ref("HandoverPlans"), "The current plan and the past ones."),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                },
                description="404 when the request has no plan yet.",
                parameters=[REQUEST_ID],
            ),
            "post": _operation(
                "handover_schedule",
                "Plan the handover window of an agreed request",
                {
                    "201": _created(plan, "The plan, with its deadlines and warnings."),
                    **refusals,
                    "409": _json(
                        _ref("HandoverImpossible"),
                        "The request is not agreed, a plan is under way, or the name can never "
                        "change hands on its platform (then with `alternatives`).",
                    ),
                },
                description="By staff. The plan follows the platform's `handover_method` "
                "(`GET /api/v1/platforms`): for `rename` and `domain`, a window (`window_start`, "
                "required) in which the holder frees the name or the brand sets its domain; "
                "for `ownership`, the account changes owners and `window_start` is optional. "
                "Both sides confirm by `confirm_by`; `method` and `steps` say what each side "
                "does; `warnings` say what the platform's rules hold against the plan, each "
                "with its source. 409 when the request is not agreed, a plan is under way (a "
                "lapsed plan is closed and replaced), or the platform's method is `impossible` "
                "(with `alternatives`).",
                parameters=[REQUEST_ID],
                requestBody=_body("HandoverCreate"),
            ),
        },
        "/api/v1/requests/{request_id}/handover/confirm": {
            "post": _operation(
                "handover_confirm",
                "Confirm the window for one side",
                {"200": _json(plan, "The plan."), **refusals},
                description="Legal confirms for its own brand; staff record a confirmation "
                "received by another channel (give `channel`). A wrong side answers 403; a "
                "plan that lapsed, 409.",
                parameters=[REQUEST_ID],
                requestBody=_body("HandoverConfirm"),
            ),
        },
        "/api/v1/requests/{request_id}/handover/outcome": {
            "post": _operation(
                "handover_outcome",
                "Record what happened in the window",
                {"200": _json(plan, "The closed plan."), **refusals},
                description="By staff. `claimed` (after both confirmations, else 409) "
                "completes the request and moves the handle's custody; `failed` (with a "
                "`reason`) closes the plan and the request stays agreed.",
                parameters=[REQUEST_ID],
                requestBody=_body("HandoverOutcome"),
            ),
        },
        "/api/v1/requests/{request_id}/evidence": {
            "get": _operation(
                "request_evidence",
                "The request's evidence pack",
                {
                    "200": _json(_ref("EvidencePack"), "The pack."),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                },
                description="What a platform's trademark or impersonation form asks for: the "
                "handle, the brand, the custody history, the dated contact log, the terms, the "
                "brand's decision and the handover plans. Private data only for accounts that "
                "may see it. The same pack as a PDF: `/requests/{request_id}/evidence.pdf`.",
                parameters=[REQUEST_ID],
            ),
        },
    }


WEBHOOK_ID = _path(
    "webhook_id", "The webhook's id.", {"type": "integer", "minimum": 1, "maximum": limits.MAX_ID}
)


def _webhook_paths() -> dict:
    hook, missing = _ref("WebhookOut"), {"400": _error("BadRequest"), "404": _error("NotFound")}
    return {
        "/api/v1/webhooks": {
            "get": _operation(
                "webhooks_index",
                "Your webhooks",
                {"200": _json(_ref("WebhookList"), "Oldest first."), "400": _error("BadRequest")},
                description="An admin's list has every member's.",
            ),
            "post": _operation(
                "webhook_create",
                "Register a webhook",
                {
                    "201": _created(
                        _ref("WebhookCreated"),
                        "The webhook, with its signing secret (shown this once).",
                        links=_links(
                            ("webhook_detail", "webhook_deliveries", "webhook_delete"),
                            webhook_id="$response.body#/id",
                        ),
                    ),
                    "400": _error("BadRequest"),
                    "403": _error("Forbidden"),
                    "422": _error("Unprocessable"),
                },
                description="By an admin (every brand's events, or one brand's with `brand`) or "
                "a brand's legal team (its brand's). Each event is POSTed as JSON `{id, event, "
                "occurred_at, data}`, signed `X-Registry-Signature: t=TIMESTAMP,v1=HEX` "
                "(HMAC-SHA256 with the secret over `TIMESTAMP.BODY`), retried with backoff for "
                "a day; a hook failing for a day is disabled. 422 for an address that is not "
                "public (loopback, private, link-local, metadata…) or whose name resolves to "
                "one, or an unknown event.",
                requestBody=_body("WebhookCreate"),
            ),
        },
        "/api/v1/webhooks/{webhook_id}": {
            "get": _operation(
                "webhook_detail",
                "A webhook",
                {"200": _json(hook, "The webhook."), **missing},
                description="Its owner's, or any for an admin; 404 for another's.",
                parameters=[WEBHOOK_ID],
            ),
            "delete": _operation(
                "webhook_delete",
                "Delete a webhook, its deliveries and their tries",
                {"204": {"description": "Deleted."}, **missing},
                parameters=[WEBHOOK_ID],
            ),
        },
        "/api/v1/webhooks/{webhook_id}/deliveries": {
            "get": _operation(
                "webhook_deliveries",
                "A webhook's deliveries, newest first, each with its tries",
                {"200": _json(_ref("WebhookDeliveryPage"), "A page of deliveries."), **missing},
                parameters=[WEBHOOK_ID, *_page_parameters()],
            ),
        },
    }


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Handle Registry API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "responses": _responses(),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token from the profile page or `create-token`.",
                }
            },
        },
    }


@bp.get("/openapi.json")
@requires(PUBLIC)
def openapi():
    return document()
