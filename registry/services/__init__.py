"""Use cases, one function each. They add and flush; the caller commits once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from registry.domain import limits
from registry.domain.messages import Explained, Message, as_message, render

T = TypeVar("T")


class ServiceError(Exception):
    """A refusal the user can act on. `fields` maps form/API field names to messages.

    The message is an English sentence with named parameters, so that the page or the API
    can translate it (registry.i18n.translate) before filling the parameters in. `fields`
    holds the English sentences; `field_messages` the same as Messages, to translate."""

    status = 422

    def __init__(
        self, message: str, *, field: str | None = None, fields: dict | None = None, **params
    ):
        self.msgid, self.params, self.field = message, params, field
        self.message = render(message, params)
        super().__init__(self.message)
        self.field_messages = {name: as_message(text) for name, text in (fields or {}).items()}
        if field:
            self.field_messages.setdefault(field, Message(message, **params))
        self.fields = {name: str(text) for name, text in self.field_messages.items()}

    @classmethod
    def explaining(cls, error: Explained, **kwargs) -> ServiceError:
        """The same refusal from the domain, its msgid and parameters kept for translation."""
        return cls(error.msgid, **kwargs, **error.params)


class Invalid(ServiceError):
    status = 422


class Conflict(ServiceError):
    status = 409


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


@dataclass
class Page(Generic[T]):
    items: list[T]
    page: int
    page_size: int
    total: int
    extra: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def clamp_page(page: int | str | None) -> int:
    """A page number from a query string, from 1 to limits.MAX_PAGE (junk means 1)."""
    return limits.clamp_page(page)
