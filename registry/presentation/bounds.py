"""Bounded input: what every request may carry, checked once before any view reads it.

- An `<int:...>` in any route is an id: 1 to `limits.MAX_ID` (2^31 - 1, PostgreSQL's INTEGER);
  any other number names nothing, so the route does not match and the answer is 404.
- The path, the query string and the fields of a form are refused (400) when they hold a NUL
  character or a lone surrogate, which no text column can store.
- A query-string value is at most `limits.query_value_max(name)` characters (a search 200, any
  other value 2,000). The site cuts an overlong value and says so (a GET is redirected to the
  same page with the value cut); the API refuses it (400).
- The site's forms are forms: a JSON body sent to one is refused (415), since form fields
  filled from JSON could be numbers, lists or objects.
- An API body is at most `limits.API_BODY_MAX` bytes; `registry.api.inputs.body_as` checks
  what it holds (nesting, NUL characters, lone surrogates) when it reads it.

Refusals are answered as the rest of the interface answers: JSON under /api/, an error page
(in the reader's language) on the site.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Flask, current_app, flash, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.routing import IntegerConverter

from registry.domain import limits
from registry.domain.messages import N_, Message
from registry.presentation.words import translate

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOO_LONG = N_("%(name)s is too long: %(length)s characters, at most %(max)s.")
SEARCH_CUT = N_("Your search was cut to its first %(max)s characters.")
VALUE_CUT = N_("A value in the address was cut to its first %(max)s characters.")
FORMS_ONLY = N_("This page accepts forms only, not JSON.")


class IdConverter(IntegerConverter):
    """The `int` converter of every route: a row's id, from 1 to MAX_ID. Ten digits at most,
    so that a number of any length is turned down before it is even converted."""

    regex = r"\d{1,10}"

    def __init__(self, map, fixed_digits=0, min=1, max=limits.MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


# Each interface answers a refusal its own way: the site with its error page, the API with
# JSON naming the field at fault. The factory hands both in (this layer is below both).
PageAnswer = Callable[[int, str, dict], ResponseReturnValue]
ApiAnswer = Callable[[int, str, "dict[str, Message] | None", dict], ResponseReturnValue]


def init_app(app: Flask, *, page_answer: PageAnswer, api_answer: ApiAnswer) -> None:
    """Call before any blueprint is registered: routes take their converters when added."""
    app.url_map.converters["int"] = IdConverter
    app.extensions["registry.bounds"] = (page_answer, api_answer)
    app.before_request(refuse_unbounded_input)


def is_api() -> bool:
    return request.path.startswith("/api/")


def refuse_unbounded_input():
    """before_request: None when the request may go on, else the answer refusing it."""
    api = is_api()
    if api:
        # Before anything opens the body's stream, which takes the limit in force then.
        request.max_content_length = limits.API_BODY_MAX
    problem = limits.unstorable_text(request.path)
    if problem:
        return refusal(400, problem, field="path")
    args = list(request.args.items(multi=True))
    for name, value in args:
        problem = limits.unstorable_text(name) or limits.unstorable_text(value)
        if problem:
            return refusal(400, problem, field=name)
    too_long = [(name, value) for name, value in args if len(value) > limits.query_value_max(name)]
    if too_long:
        if api or request.method != "GET":
            name, value = too_long[0]
            most = limits.query_value_max(name)
            return refusal(400, TOO_LONG, field=name, name=name, length=len(value), max=most)
        return cut_query(args, {name for name, _ in too_long})
    if api:
        return None  # the API reads JSON bodies only, through body_as
    if request.method in BODY_METHODS and request.is_json:
        return refusal(415, FORMS_ONLY)
    for name, value in request.form.items(multi=True):
        problem = limits.unstorable_text(name) or limits.unstorable_text(value)
        if problem:
            return refusal(400, problem, field=name)
    return None


def cut_query(args: list[tuple[str, str]], cut: set[str]):
    """The same page with each overlong query value cut to its bound, and a flash saying so."""
    kept = [(name, value[: limits.query_value_max(name)]) for name, value in args]
    if "q" in cut:
        flash(translate(SEARCH_CUT, {"max": limits.SEARCH_MAX}), "error")
    if cut - {"q"}:
        flash(translate(VALUE_CUT, {"max": limits.QUERY_VALUE_MAX}), "error")
    return redirect(f"{request.script_root}{request.path}?{urlencode(kept)}")


def refusal(status: int, msgid: str, *, field: str | None = None, **params):
    """The refusal as JSON under /api/ (naming the field at fault), else as an error page."""
    page_answer, api_answer = current_app.extensions["registry.bounds"]
    if is_api():
        fields = {field: Message(msgid, **params)} if field else None
        return api_answer(status, msgid, fields, params)
    return page_answer(status, msgid, params)
