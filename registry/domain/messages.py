"""Sentences for people, kept as an English msgid with named parameters until someone reads them.

The domain and the services cannot know the reader's language (they have no request), so
they say what went wrong as ``Message('Unknown platform "%(slug)s".', slug=slug)``: the
msgid is looked up in the catalogue where the sentence is shown
(registry.presentation.words.translate), and the parameters are filled in after translation.
A parameter may itself be a Message (a phrase such as a platform's allowed characters),
translated the same way. A date, a `Code`
(a stored code of a vocabulary: a request's state, a holder kind) or `Choices` (the codes a
value may take) is shown by the `show` of whoever renders: "1er juin 2009" and "Acceptée" on
a French page; anything else is data and is shown as it is. ``str()`` gives the English
sentence with ISO dates and bare codes, for logs and the CLI.

Pure Python on purpose: no Flask, so the domain stays importable and testable alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Self, TypeAlias, TypedDict, Unpack

# A value a sentence names: a Message, a Code, Choices, a date, a number, a text. Typed Any, not
# object: parameters travel on as keyword arguments beside typed keyword options
# (`Refusal(msgid, status=..., **params)`), and mypy checks each option against a `**params`
# of object (or of any union of these types) and refuses it.
Param: TypeAlias = Any

Translate = Callable[[str], str]
# How whoever renders shows a parameter that is not a Message: a date or a Code in words.
Show = Callable[[Param], object]

# The languages the registry speaks, each named in itself (for the switcher and profiles).
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}


def N_(msgid: str) -> str:
    """Mark a string for the catalogue without translating it (it is translated when shown)."""
    return msgid


def _same(msgid: str) -> str:
    return msgid


def _as_is(value: Param) -> object:
    return value


def render(
    msgid: str,
    params: Mapping[str, Param] | None = None,
    translate: Translate = _same,
    show: Show = _as_is,
) -> str:
    """The sentence with its parameters filled in, nested Messages rendered the same way and
    every other value through `show`."""
    text = translate(msgid)
    if not params:
        return text
    return text % {
        name: value.render(translate, show) if isinstance(value, Message) else show(value)
        for name, value in params.items()
    }


class Code:
    """A code of one of the registry's vocabularies (``Code("state", "agreed")``), named in
    the reader's words where a person reads it; the code itself in logs and the CLI. `kind`
    is the vocabulary's name on the site (registry.presentation.labels)."""

    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value: str) -> None:
        self.kind = kind
        self.value = value

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"Code({self.kind!r}, {self.value!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Code):
            return (self.kind, self.value) == (other.kind, other.value)
        return self.value == other if isinstance(other, str) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.value)


class Choices:
    """The codes a value may take, for "choose one of …": shown as the codes (what a CSV
    cell or an API body takes), each with its name in the reader's words beside it; or, with
    ``named=True``, by their names alone (the next steps of a request, chosen by a button)."""

    __slots__ = ("kind", "named", "values")

    def __init__(
        self, kind: str, values: tuple[str, ...] | list[str], *, named: bool = False
    ) -> None:
        self.kind = kind
        self.values = tuple(values)
        self.named = named

    def __str__(self) -> str:
        return ", ".join(self.values)

    def __repr__(self) -> str:
        return f"Choices({self.kind!r}, {self.values!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Choices):
            return (self.kind, self.values) == (other.kind, other.values)
        return str(self) == other if isinstance(other, str) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.values)


class Message:
    """A sentence (or a phrase) to translate, with the values it names."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: Param) -> None:
        self.msgid = str(msgid)
        self.params = params

    def render(self, translate: Translate = _same, show: Show = _as_is) -> str:
        return render(self.msgid, self.params, translate, show)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return (self.msgid, self.params) == (other.msgid, other.params)
        if isinstance(other, str):  # the English sentence, as logs and the CLI show it
            return self.render() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.msgid)


def as_message(value: Message | str) -> Message:
    """A Message as is; a plain string as a Message with no parameters (looked up as it is)."""
    return value if isinstance(value, Message) else Message(str(value))


class RefusalOptions(TypedDict, total=False):
    """What a Refusal is told beside its sentence: its keyword options, by name."""

    status: int | None
    field: str | None
    fields: Mapping[str, Message | str] | None
    extra: Mapping[str, Any] | None


class Refusal(ValueError):
    """The registry's one error type: a refusal the user can act on, from the domain, a use
    case or an interface alike.

    It is said as a Message — ``msgid`` and ``params`` stay available so whoever shows it
    translates it; ``str()`` is the English sentence. ``status`` is the HTTP status the API
    answers (422 unless a kind says otherwise: registry.services.Invalid, Conflict,
    NotFound, Forbidden…); ``field`` and ``fields`` put messages next to form or API fields
    (``fields`` as English strings, ``field_messages`` as Messages to translate); ``extra``
    holds machine-readable details for the API's answer."""

    status = 422

    def __init__(
        self,
        msgid: str,
        /,
        *,
        status: int | None = None,
        field: str | None = None,
        fields: Mapping[str, Message | str] | None = None,
        extra: Mapping[str, Any] | None = None,  # JSON values, passed on as keywords too
        **params: Param,
    ) -> None:
        self.msgid = msgid
        self.params = params
        self.field = field
        if status is not None:
            self.status = status
        super().__init__(render(msgid, params))
        self.field_messages = {name: as_message(text) for name, text in (fields or {}).items()}
        if field:
            self.field_messages.setdefault(field, Message(msgid, **params))
        self.fields = {name: str(text) for name, text in self.field_messages.items()}
        self.extra = dict(extra or {})

    @property
    def message(self) -> Message:
        return Message(self.msgid, **self.params)

    @classmethod
    def explaining(cls, error: Refusal, **kwargs: Unpack[RefusalOptions]) -> Self:
        """The same refusal as another kind (e.g. a domain refusal as a use case's Invalid),
        its msgid and parameters kept for translation."""
        return cls(error.msgid, **kwargs, **error.params)


# The name the domain's refusals have always had: the same one type.
Explained = Refusal
