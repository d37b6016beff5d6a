"""The notifications' jobs: dispatch the outbox once a change is committed, then send what
the dispatch made (members' e-mails: registry.jobs.notification_mail; webhook deliveries:
registry.jobs.webhooks) — never inside the member's own request, unless the queue runs jobs
at once (JOBS_IMMEDIATE, the tests).

A change that wrote an event (registry.services.outbox) queues `dispatch_events` when its
transaction commits (the session's after_commit, below): a rolled-back change queues nothing.
A worker that stopped between a commit and its dispatch loses nothing either: each minute,
`drain` dispatches whatever is still waiting and sends what is due.
"""

from __future__ import annotations

from huey import crontab
from sqlalchemy import event
from sqlmodel import Session

from registry.jobs import huey, in_app, job_context
from registry.services import dispatch, outbox

_DUE = "registry.dispatch_due"  # committed events, dispatched once the connection is let go


@event.listens_for(Session, "after_commit")
def _note_committed_events(session: Session) -> None:
    if session.info.pop(outbox.EMITTED, None):
        session.info[_DUE] = True


@event.listens_for(Session, "after_transaction_end")
def _dispatch_after_commit(session: Session, transaction) -> None:
    # Once the committed transaction gave its connection back: a dispatch run at once (in
    # the request, JOBS_IMMEDIATE) then takes a connection of its own without holding two,
    # so sixteen requests at once never wait on a pool they all hold.
    if transaction.parent is None and session.info.pop(_DUE, None):
        dispatch_events()


def dispatch_all() -> dispatch.Dispatched:
    """Dispatch every waiting event, batch after batch; what was made, all batches told."""
    total = dispatch.Dispatched()
    ctx = job_context()
    try:
        while True:
            made = dispatch.dispatch(ctx)
            total.events += made.events
            total.emails += made.emails
            total.deliveries += made.deliveries
            if made.events < dispatch.BATCH:
                return total
    finally:
        ctx.session.close()


def send(made: dispatch.Dispatched) -> None:
    """Queue the sending of what a dispatch made."""
    from registry.jobs import notification_mail, webhooks

    if made.emails:
        notification_mail.send_notification_mails(made.emails)
    if made.deliveries:
        webhooks.deliver(made.deliveries)


@huey.task()
def dispatch_events() -> None:
    in_app(lambda: send(dispatch_all()))


@huey.periodic_task(crontab(minute="7"))
def raise_flags_hourly() -> None:
    """Each hour: the flags raised since (registry.services.flag_events)."""
    from registry.presentation.context import home_today
    from registry.services import flag_events

    def work() -> None:
        ctx = job_context()
        try:
            flag_events.raise_flags(ctx.on(home_today()), as_of=home_today())
        finally:
            ctx.session.close()

    in_app(work)


@huey.periodic_task(crontab(minute="*"))
def drain() -> None:
    """Each minute: what no dispatch took yet, the mails and deliveries due again."""
    from registry.jobs import notification_mail, webhooks

    def work() -> None:
        send(dispatch_all())
        notification_mail.send_due()
        webhooks.deliver_due()

    in_app(work)
