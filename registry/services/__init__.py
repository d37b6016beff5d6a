"""Use cases, one function each. They add and flush; the caller commits once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


class ServiceError(Exception):
    """A refusal the user can act on. `fields` maps form/API field names to messages.

    The message is an English sentence with named parameters, so that the page or the API
    can translate it (registry.i18n.translate) before filling the parameters in."""

    status = 422

    def __init__(
        self, message: str, *, field: str | None = None, fields: dict | None = None, **params
    ):
        self.msgid, self.params, self.field = message, params, field
        self.message = message % params if params else message
        super().__init__(self.message)
        self.fields = dict(fields or {})
        if field:
            self.fields.setdefault(field, self.message)


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
    try:
        return max(1, int(page or 1))
    except (TypeError, ValueError):
        return 1
