"""What the registry says, in the reader's language: its refusals and stored sentences
(a code and its parameters, filled in after translation), the codes of its vocabularies by
their names, and the audit trail's values. Dates and codes inside a sentence are shown in the
reader's words on the site; the API keeps them as its clients send them (ISO dates, codes)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import has_request_context, request

from registry.domain import recorded
from registry.domain.messages import LANGUAGES, Choices, Code, Message, as_message, render
from registry.presentation import labels
from registry.presentation.formats import country_name, long_date, long_datetime, region_name
from registry.presentation.i18n import gettext
from registry.presentation.labels import label, named_choices


def _lookup(msgid: str) -> str:
    # flask_babel.gettext formats only when given parameters: `render` fills them in after.
    return gettext(msgid) if has_request_context() else msgid


def _shown(value: Any) -> Any:
    """A parameter as the reader reads it: a date in words ("1er juin 2009", "June 1, 2009"),
    a code by its name on the site ("Acceptée"), choices as codes with their names. The API's
    clients send codes and ISO dates, so its sentences keep them as sent; outside a request,
    all is as is."""
    if not has_request_context():
        return value
    if request.blueprint == "api":
        return value.isoformat() if isinstance(value, date) else value
    if isinstance(value, datetime):
        return long_datetime(value)
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, Code | Choices):
        if isinstance(value, Code):
            return in_sentence(label(value.value, value.kind))
        if value.named:
            return ", ".join(in_sentence(label(code, value.kind)) for code in value.values)
        return named_choices(value.values, value.kind, shown=in_sentence)
    return value


def in_sentence(name: str) -> str:
    """A code's name as a word inside a sentence: "Contact en cours" reads "contact en
    cours", "No answer" "no answer" (names are written for badges and table cells, which
    start with a capital); an initialism such as "API" keeps its capitals."""
    if len(name) > 1 and name[0].isupper() and not name[1].isupper():
        return name[0].lower() + name[1:]
    return name


def translate(msgid: str, params: Mapping[str, Any] | None = None) -> str:
    """A sentence in the reader's language, its parameters filled in after translation
    (parameters that are Messages themselves, such as a platform's allowed characters, are
    translated too; dates and codes are shown in the reader's words)."""
    return render(msgid, params, _lookup, _shown)


def translate_message(message: Message | str) -> str:
    return as_message(message).render(_lookup, _shown)


def custody_note(record) -> str:
    """A custody record's note: what the registry said (its code), in the reader's language,
    then what staff typed, as they typed it."""
    parts = recorded.custody_note(record.note_code, record.note_params, record.note)
    return " ".join(as_text(part) for part in parts)


def translated(message: Message | str | None) -> str:
    """A Message of the domain or a service, in the reader's language."""
    return "" if message is None else translate_message(message)


def as_text(value) -> str:
    """A value of the record as shown: a Message (a stored code and its parameters) in the
    reader's language, anything else as it is. A stored sentence whose translation names a
    parameter it was not stored with falls back to the English msgid rather than failing."""
    if value is None:
        return ""
    if not isinstance(value, Message):
        return value
    try:
        return translate_message(value)
    except (KeyError, ValueError, TypeError):
        try:
            return value.render()
        except (KeyError, ValueError, TypeError):
            return value.msgid


def audit_value(value, field: str, entity_type: str = ""):
    """A value of the audit trail's before/after as the reader reads it: a code by its name
    ("Acceptée"), a day or a moment in words, a country by its name, yes or no; anything
    else as `as_text` shows it."""
    kind = labels.field_kind(field, entity_type)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, str) and value:
        if kind == "country":
            return country_name(value)
        if kind == "subdivision":
            return region_name(value)
        if kind == "day":
            return _parsed_text(value, date.fromisoformat, long_date)
        if kind == "moment":
            return _parsed_text(value, datetime.fromisoformat, long_datetime)
        if kind == "decision":
            return decision(value) or value
        if kind == "locale":
            return LANGUAGES.get(value, value)
        if kind in labels.LABELS:
            return label(value, kind)
    return as_text(value)


def _parsed_text(value: str, parse, shown) -> str:
    try:
        return shown(parse(value))
    except ValueError:  # a value stored before its field was a date: shown as it was
        return value


def decision(code: str | None) -> str:
    """The brand's decision logged on a request, in the reader's language."""
    msgid = recorded.DECISIONS.get(code or "")
    return gettext(msgid) if msgid else ""
