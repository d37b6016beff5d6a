"""Use cases, one function each, each in its own transaction (registry.services.unit).

A use case takes the Context first (registry.services.context): its session, who acts, now,
the reader's day, the clock policy and the settings the app is configured with. So does
every read whose answer depends on who asks, when, or a setting (a listing's flags, a
request its reader may see, the escalation hint, the lock after a handover); a read by id
or by name alone takes the session. Nothing here reads the app's configuration, the clock
or the signed-in member by itself, and nothing the app configures has a default here: each
interface builds the context once per call (registry.presentation.context.context_for)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from registry.domain import limits, permissions
from registry.domain.messages import Refusal

T = TypeVar("T")


# A use case refuses with the registry's one error type (registry.domain.messages.Refusal);
# its kinds below only set the HTTP status the API answers.
ServiceError = Refusal


class Invalid(ServiceError):
    status = 422


class Conflict(ServiceError):
    status = 409


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Stale(Conflict):
    """An edit made from an old copy: someone saved a newer version meanwhile. `current`
    is the row as it is now, so the form can show the newer values."""

    def __init__(self, message: str, *, current=None, **kwargs):
        super().__init__(message, **kwargs)
        self.current = current


def require(allowed: bool, message: str) -> None:
    """Forbidden, saying why, unless the rule (registry.domain.permissions) allows it."""
    if not allowed:
        raise Forbidden(message)


def require_acts_for(user, brand) -> None:
    """Forbidden on the brand field unless `user` acts for `brand` (permissions.acts_for)."""
    refused = permissions.acts_for_refusal(user, brand)
    if refused is not None:
        raise Forbidden(refused, field="brand")


def check_version(record, expected: int | None, message: str) -> None:
    """Refuse an edit made from a stale copy (`expected` is the version the client read;
    None when it did not say, e.g. a script without If-Match)."""
    if expected is not None and int(expected) != record.version:
        raise Stale(message, current=record, extra={"version": record.version})


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


def checked(check, value, field: str, **bounds):
    """`value` through one of registry.domain.limits' checks; its refusal is the use case's
    Invalid, on `field`."""
    try:
        return check(value, field=field, **bounds)
    except limits.OutOfRange as exc:
        raise Invalid.explaining(exc, field=field) from None


def checked_text(value: str | None, field: str, max_length: int) -> str:
    """A text as stored (stripped), refused when it cannot be stored or is too long."""
    return checked(limits.check_text, value, field, max_length=max_length)


def checked_day(value, field: str):
    """A date inside the registry's range (1900-2100), or None when none is given."""
    return None if value is None else checked(limits.check_day, value, field)


def checked_url(value: str | None, field: str, max_length: int = limits.URL_MAX) -> str:
    """A web link (http or https) as stored, "" when none is given."""
    return checked(limits.check_web_url, value, field, max_length=max_length)
