"""Filters and globals for templates, so templates format and never decide."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for

from registry.access import can
from registry.domain.roles import ROLE_LABELS


def humanize(value: str | None) -> str:
    return (value or "").replace("_", " ").capitalize()


def thousands(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", "\u202f")


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    return f"{value.day} {value:%B %Y}"


def long_datetime(value: datetime | None) -> str:
    """A stored UTC moment in the reader's zone."""
    if value is None:
        return "—"
    local = value.astimezone(ZoneInfo("Europe/Paris"))
    return f"{long_date(local)}, {local:%H:%M}"


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (filters, pagination)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v not in (None, "")})
    for key in [k for k, v in changes.items() if v in (None, "")]:
        args.pop(key, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        humanize=humanize, thousands=thousands, long_date=long_date, long_datetime=long_datetime
    )
    app.jinja_env.globals.update(can=can, url_with=url_with, role_labels=ROLE_LABELS)
