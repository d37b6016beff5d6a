"""Background jobs, through Huey: embedded by default (a SQLite file of its own, `JOBS_DB`,
else `jobs.sqlite3` in the app's instance folder, beside the default database, whatever the
folder the process started in; `huey_consumer registry.worker.huey` builds the same app, so
it finds the same file), on Redis with `REDIS_URL` when the registry outgrows one machine.
Tests run each job at once, in the request (`JOBS_IMMEDIATE`).

A job's state (queued, running with its progress, done with its report) is kept in Huey's
key-value store, not in the registry's database: progress is written while the job's own
transaction holds the registry's write lock."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from flask import has_app_context
from huey import RedisHuey, SqliteHuey
from sqlmodel import Session

from registry.services.context import Context
from registry.services.csv_import import ImportReport

T = TypeVar("T")


def _make_huey():
    redis_url = os.environ.get("REDIS_URL", "").strip()
    if redis_url:
        return RedisHuey("registry", url=redis_url)
    # Its file is known once the app is made (init_app): until then the queue is in memory,
    # and no file is made in whatever folder the process started in.
    return SqliteHuey("registry", filename="", immediate=True)


huey = _make_huey()


def init_app(app) -> None:
    """Bind the queue to the app: its file (JOBS_DB, by default in the app's instance
    folder: registry.config), and whether jobs run at once (JOBS_IMMEDIATE). The
    notifications' jobs listen for commits from then on (registry.jobs.notifications)."""
    from registry.jobs import notifications  # noqa: F401  (registers its commit listener)

    if isinstance(huey, SqliteHuey):
        path = Path(app.config["JOBS_DB"])
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage_kwargs["filename"] = str(path)
    huey.immediate = bool(app.config.get("JOBS_IMMEDIATE"))  # a change makes a new storage
    if not huey.immediate and getattr(huey.storage, "filename", None) not in (
        None,
        huey.storage_kwargs.get("filename"),
    ):
        huey.storage = huey.create_storage()  # another app of this process, another file


# --- the CSV import as a job ----------------------------------------------------------------


@dataclass
class ImportJob:
    """What the import page shows of a job: its progress while it runs, then its report."""

    state: str = "queued"  # queued, running, done, failed
    actor_id: int | None = None
    dry_run: bool = False
    total: int = 0  # lines in the file, the header aside
    checked: int = 0
    written: int = 0
    problems: int = 0
    report: ImportReport | None = None  # once done
    error: tuple = ()  # why a job failed: the refusal's msgid and parameters

    @property
    def done(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def steps(self) -> int:
        """The progress bar's length: each line is checked, then written."""
        return max(self.total * 2, 1)

    @property
    def steps_done(self) -> int:
        return self.checked + self.written

    def progress(self) -> dict:
        return {
            "state": self.state,
            "total": self.total,
            "checked": self.checked,
            "written": self.written,
            "problems": self.problems,
            "steps": self.steps,
            "steps_done": self.steps_done,
        }


def _key(job_id: str) -> str:
    return f"import:{job_id}"


def import_job(job_id: str) -> ImportJob | None:
    return huey.get(_key(job_id), peek=True)


def _save(job_id: str, job: ImportJob) -> None:
    huey.put(_key(job_id), job)


def start_import(data: bytes, *, actor_id: int | None, today: date, dry_run: bool) -> str:
    """Queue the import of a CSV file; its id names it on the import page."""
    job_id = secrets.token_urlsafe(12)
    lines = max(data.count(b"\n") - 1 + (not data.endswith(b"\n")), 0)
    _save(job_id, ImportJob(actor_id=actor_id, dry_run=dry_run, total=lines))
    huey.put(f"import-file:{job_id}", data)
    run_import(job_id, actor_id, today.isoformat(), dry_run)
    return job_id


@huey.task()
def run_import(job_id: str, actor_id: int | None, today: str, dry_run: bool) -> None:
    from flask import has_app_context

    if has_app_context():  # run at once, in the request (JOBS_IMMEDIATE)
        _run_import(job_id, actor_id, date.fromisoformat(today), dry_run)
        return
    app = _worker_app()
    with app.app_context():
        _run_import(job_id, actor_id, date.fromisoformat(today), dry_run)


_APP: list = []  # the app the worker runs jobs in (registry.worker sets it)


def _worker_app():
    if not _APP:
        raise RuntimeError("Run the worker as `huey_consumer registry.worker.huey`.")
    return _APP[0]


def serve(app) -> None:
    """Run this process's jobs in `app` (the worker's entry point calls it once)."""
    _APP[:] = [app]


def in_app(work: Callable[[], T]) -> T:
    """Run `work` in the app: the request's (a job run at once), else the worker's."""
    if has_app_context():
        return work()
    with _worker_app().app_context():
        return work()


def job_context() -> Context:
    """A context for a job: the operator acting, now, in a session of its own (a job run at
    once inside a request must not touch the request's session)."""
    from registry.adapters import db
    from registry.presentation.context import context_for, home_today

    ctx = context_for(None, today=home_today())
    return replace(ctx, session=Session(db.engine(), expire_on_commit=False))


def _run_import(job_id: str, actor_id, today: date, dry_run: bool) -> None:
    from registry.adapters import db
    from registry.adapters.models import User
    from registry.presentation.context import context_for
    from registry.services import ServiceError, csv_import

    job = import_job(job_id) or ImportJob()
    data = huey.get(f"import-file:{job_id}", peek=True) or b""
    job.state = "running"
    _save(job_id, job)

    def progress(checked: int, written: int, problems: int) -> None:
        job.checked, job.written, job.problems = checked, written, problems
        _save(job_id, job)

    session = db.session()
    actor = session.get(User, actor_id) if actor_id is not None else None
    try:
        report = csv_import.import_handles(
            context_for(actor, today=today), data, dry_run=dry_run, progress=progress
        )
    except ServiceError as exc:
        job.state, job.error = "failed", (exc.msgid, dict(exc.params))
    else:
        job.state, job.report, job.problems = "done", report, len(report.problems)
        if not report.refused and not dry_run:
            job.written = report.created + report.updated
            db.refresh_statistics(db.engine())
    finally:
        huey.get(f"import-file:{job_id}")  # read once more, without peek: removed
    _save(job_id, job)


# --- the daily overdue digest -----------------------------------------------------------------
# Off unless NOTIFY_OVERDUE_AT names a time of day, "HH:MM" in UTC (so tests and laptops send
# nothing): the consumer then runs `registry notify-overdue` once a day at that minute.


def notify_overdue_at(value: str | None = None) -> tuple[int, int] | None:
    """NOTIFY_OVERDUE_AT as (hour, minute), or None when unset; a wrong value is refused
    when the consumer starts, not silently ignored."""
    value = (os.environ.get("NOTIFY_OVERDUE_AT", "") if value is None else value).strip()
    if not value:
        return None
    hour, _, minute = value.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise ValueError(f'NOTIFY_OVERDUE_AT expects a time as HH:MM (UTC), not "{value}".')
    return int(hour), int(minute)


_DIGEST_TIME = notify_overdue_at()


def digest_due(moment, at: tuple[int, int] | None = _DIGEST_TIME) -> bool:
    """Whether the periodic check at `moment` (UTC, naive: Huey's clock) runs the digest."""
    return at is not None and (moment.hour, moment.minute) == at


@huey.periodic_task(digest_due)
def notify_overdue_daily() -> None:
    from registry.jobs import digests
    from registry.presentation.context import context_for, home_today

    app = _worker_app()
    with app.app_context():
        ctx = context_for(None, today=home_today())
        deliveries = digests.deliver(ctx, as_of=ctx.today, dry_run=False)
        for delivery in deliveries:
            member = delivery.digest.recipient.email
            if delivery.error:
                app.logger.error("Overdue digest to %s not sent: %s", member, delivery.error)
            else:
                app.logger.info("Overdue digest sent to %s", member)
