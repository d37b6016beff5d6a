"""Where a job runs: in the app (the request's, for a job run at once; else the worker's),
with a context of its own (a fresh session). Shared by the notifications' jobs
(registry.jobs.notifications, .notification_mail, .webhooks), which call each other's tasks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from flask import has_app_context
from sqlmodel import Session

from registry.jobs import _worker_app

T = TypeVar("T")


def in_app(work: Callable[[], T]) -> T:
    """Run `work` in the app: the request's (a job run at once), else the worker's."""
    if has_app_context():
        return work()
    with _worker_app().app_context():
        return work()


def job_context():
    """A context for a job: the operator acting, now, in a session of its own (a job run at
    once inside a request must not touch the request's session)."""
    from registry.adapters import db
    from registry.presentation.context import context_for, home_today

    ctx = context_for(None, today=home_today())
    return replace(ctx, session=Session(db.engine(), expire_on_commit=False))
