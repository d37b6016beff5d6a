"""The use cases' context (registry.services.context.Context), built once per call by whichever
interface is answering: a page, an API call, a command, a job. Here, so the site, the API, the
CLI and the jobs build it the same way from the app's configuration."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from registry.adapters import db
from registry.adapters.models import User
from registry.presentation import i18n
from registry.services.context import ClockPolicy, Context


def now() -> datetime:
    return datetime.now(UTC)


def reader_today(moment: datetime) -> date:
    """The reader's calendar day at `moment` (their zone; Paris outside a request), so a
    late-evening entry in Paris is not dated tomorrow."""
    return moment.astimezone(ZoneInfo(i18n.select_timezone())).date()


def home_today() -> date:
    """Today in the registry's home time zone: commands and jobs have no reader to ask."""
    return datetime.now(ZoneInfo(i18n.DEFAULT_TIMEZONE)).date()


def clock_policy() -> ClockPolicy:
    return ClockPolicy.from_config(current_app.config)


def context_for(actor: User | None, *, today: date | None = None) -> Context:
    """The context of one call made by `actor` (None: a visitor, or the operator at the
    command line), in the app's current database session."""
    moment = now()
    return Context(
        session=db.session(),
        actor=actor,
        now=moment,
        today=today or reader_today(moment),
        policy=clock_policy(),
        settings=current_app.config,
    )
